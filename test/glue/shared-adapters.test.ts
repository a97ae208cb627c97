/**
 * Functions whose adapters would differ only in names share one generic adapter: the function's
 * name comes from the extern path and the resources' handles by position. A real WAT component
 * with two resource types of the same shape (`tcp` and `udp`) and two exports of one signature:
 * each function must get its own values, resources and error messages, as on the dynamic path.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Trap, type CompiledComponent, type HostAdapters } from "@witgen/runtime";
import { watGlue } from "./wat-glue.js";

const WAT = `(component
  (import "test:shared/net" (instance $net
    (export "tcp" (type (sub resource)))
    (export "udp" (type (sub resource)))
    (export "[static]tcp.open" (func (param "port" u32) (result (own 0))))
    (export "[static]udp.open" (func (param "port" u32) (result (own 1))))
    (export "[method]tcp.port" (func (param "self" (borrow 0)) (result u32)))
    (export "[method]udp.port" (func (param "self" (borrow 1)) (result u32)))))
  (alias export $net "tcp" (type $tcp))
  (alias export $net "udp" (type $udp))
  (alias export $net "[static]tcp.open" (func $tcp-open))
  (alias export $net "[static]udp.open" (func $udp-open))
  (alias export $net "[method]tcp.port" (func $tcp-port))
  (alias export $net "[method]udp.port" (func $udp-port))
  (core func $tcp-open-l (canon lower (func $tcp-open)))
  (core func $udp-open-l (canon lower (func $udp-open)))
  (core func $tcp-port-l (canon lower (func $tcp-port)))
  (core func $udp-port-l (canon lower (func $udp-port)))
  (core func $tcp-drop (canon resource.drop $tcp))
  (core func $udp-drop (canon resource.drop $udp))
  (core instance $h
    (export "tcp-open" (func $tcp-open-l)) (export "udp-open" (func $udp-open-l))
    (export "tcp-port" (func $tcp-port-l)) (export "udp-port" (func $udp-port-l))
    (export "tcp-drop" (func $tcp-drop)) (export "udp-drop" (func $udp-drop)))
  (core module $M
    (import "h" "tcp-open" (func $tcp-open (param i32) (result i32)))
    (import "h" "udp-open" (func $udp-open (param i32) (result i32)))
    (import "h" "tcp-port" (func $tcp-port (param i32) (result i32)))
    (import "h" "udp-port" (func $udp-port (param i32) (result i32)))
    (import "h" "tcp-drop" (func $tcp-drop (param i32)))
    (import "h" "udp-drop" (func $udp-drop (param i32)))
    ;; probe(a, b): opens a tcp socket on port a and a udp socket on port b, reads each one's
    ;; port back through a borrow, drops both and answers tcp * 1000 + udp.
    (func (export "probe") (param i32 i32) (result i32) (local $t i32) (local $u i32) (local $r i32)
      (local.set $t (call $tcp-open (local.get 0)))
      (local.set $u (call $udp-open (local.get 1)))
      (local.set $r (i32.add (i32.mul (call $tcp-port (local.get $t)) (i32.const 1000)) (call $udp-port (local.get $u))))
      (call $tcp-drop (local.get $t))
      (call $udp-drop (local.get $u))
      (local.get $r))
    (func (export "double") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
    (func (export "triple") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3))))
  (core instance $m (instantiate $M (with "h" (instance $h))))
  (func (export "probe") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $m "probe")))
  (func (export "double") (param "x" u32) (result u32) (canon lift (core func $m "double")))
  (func (export "triple") (param "x" u32) (result u32) (canon lift (core func $m "triple"))))`;

const NET = "test:shared/net";
type Api = { probe(a: number, b: number): number; double(x: number): number; triple(x: number): number };

/** Host classes of the two resources; each socket records which class served it. */
function hostNet(log: string[], failOn?: string) {
  const socket = (kind: string) =>
    class {
      static open(port: number) {
        if (failOn === `${kind}.open`) throw new Error(`${kind} refused`);
        log.push(`${kind}.open(${port})`);
        return new this(port);
      }
      constructor(readonly p: number) {}
      port() {
        if (failOn === `${kind}.port`) return -1;
        log.push(`${kind}.port`);
        return this.p;
      }
    };
  return { [NET]: { Tcp: socket("tcp"), Udp: socket("udp") } };
}

describe("glue: one adapter for functions of one shape", () => {
  let compiled: CompiledComponent;
  let glue: { adapters: HostAdapters };
  let glueTs: string;

  beforeAll(async () => {
    ({ compiled, glue, glueTs } = await watGlue(WAT));
  });

  it("emits one factory per shape, named after what the names share, listing its functions", () => {
    const factories = [...glueTs.matchAll(/^function (\w+)\(/gm)].map((m) => m[1]);
    expect(factories.filter((f) => f.startsWith("lift"))).toEqual(["liftProbe", "liftU32ToU32"]);
    expect(factories.filter((f) => f.startsWith("lower"))).toEqual(["lowerOpen", "lowerPort"]);
    expect(glueTs).toContain(`One adapter for the functions of this shape:\n * - \`${NET}#[static]tcp.open\`\n * - \`${NET}#[static]udp.open\`\n */`);
    // Each table entry points at the shared factory.
    expect(glueTs).toMatch(new RegExp(`"${NET}#\\[method\\]udp\\.port": \\{\\s*make: lowerPort,`));
    expect(glueTs).toMatch(/triple: \{\s*make: liftU32ToU32 as/);
  });

  it("gives each function its own resources and values, and the shared adapters are the ones that ran", () => {
    const lowered: string[] = [];
    const lifted: string[] = [];
    const adapters: HostAdapters = {
      ...glue.adapters,
      lowerImport: (p, host, ac) => {
        const fn = glue.adapters.lowerImport!(p, host, ac);
        if (fn) lowered.push(p);
        return fn;
      },
      liftExport: (p, core, ac) => {
        const fn = glue.adapters.liftExport!(p, core, ac);
        if (fn) lifted.push(p);
        return fn;
      },
    };
    const log: string[] = [];
    const inst = compiled.instantiateSync(hostNet(log), { adapters });
    const api = inst.exports as unknown as Api;
    expect(api.probe(80, 53)).toBe(80053);
    expect(log).toEqual(["tcp.open(80)", "udp.open(53)", "tcp.port", "udp.port"]);
    expect(api.double(21)).toBe(42);
    expect(api.triple(21)).toBe(63);
    expect(lowered.sort()).toEqual([`${NET}#[method]tcp.port`, `${NET}#[method]udp.port`, `${NET}#[static]tcp.open`, `${NET}#[static]udp.open`]);
    expect(lifted.sort()).toEqual(["double", "probe", "triple"]);
  });

  it("names the function that failed, as the dynamic path does", async () => {
    const messages = (adapters: HostAdapters | undefined, run: (api: Api) => unknown, failOn?: string): string => {
      const api = compiled.instantiateSync(hostNet([], failOn), adapters ? { adapters } : {}).exports as unknown as Api;
      try {
        run(api);
      } catch (e) {
        return `${e instanceof Trap ? "Trap" : "Error"}: ${(e as Error).message}`;
      }
      return "no error";
    };
    const cases: [string, (api: Api) => unknown, string | undefined, RegExp][] = [
      ["udp.open throws", (api) => api.probe(1, 2), "udp.open", /^Trap: host function threw: udp refused in \[static\]udp\.open, called from probe/],
      ["udp.port returns -1", (api) => api.probe(1, 2), "udp.port", /^Trap: .*expected a u32.*got number -1 in \[method\]udp\.port \(result\)/],
      ["tcp.port returns -1", (api) => api.probe(1, 2), "tcp.port", /^Trap: .*in \[method\]tcp\.port \(result\)/],
      ["triple gets a string", (api) => api.triple("7" as unknown as number), undefined, /^Error: .*expected a u32.*got string "7" in triple \(param "x"\)/],
    ];
    for (const [what, run, failOn, expected] of cases) {
      const viaGlue = messages(glue.adapters, run, failOn);
      expect(viaGlue, what).toMatch(expected);
      expect(viaGlue, what).toBe(messages(undefined, run, failOn));
    }
  });
});
