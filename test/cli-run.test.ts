/**
 * `witgen run`: real components (core WAT + WIT, wrapped by jco at test time)
 * called through `main(["run", file, "--invoke", ...], io)`, with the exact
 * WAVE printed for each result, the errors for bad calls, traps, `--list`,
 * and components whose imports the CLI cannot provide.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { buildCoreComponent, buildWatComponent } from "./support/build-component.js";

const WIT = `package test:run@1.0.0;

interface api {
  add: func(a: u32, b: u32) -> u32;
  run: func() -> u32;
  resource counter {
    zero: static func() -> u32;
  }
}

interface other {
  run: func() -> u32;
}

interface types {
  record pair { a: u32, b: u32 }
}

world runner {
  use types.{pair};
  record point { x: s32, y-pos: s32 }
  enum color { red, green, %none }
  flags perms { read, write, exec }
  variant shape { circle(f64), rect(tuple<u32, u32>), empty, %ok(string) }
  record big { f0: u32, f1: u32, f2: u32, f3: u32, f4: u32, f5: u32, f6: u32, f7: u32, f8: u32,
               f9: u32, f10: u32, f11: u32, f12: u32, f13: u32, f14: u32, f15: u32, label: option<string> }

  export greet: func(name: string) -> string;
  export add: func(a: u32, b: u32) -> u32;
  export nothing: func();
  export boom: func();
  export maybe: func(a: option<u32>, b: option<u32>) -> u32;
  export maybe-double: func(x: option<u32>) -> option<u32>;
  export checked-div: func(a: u32, b: u32) -> result<u32, string>;
  export echo-bool: func(x: bool) -> bool;
  export echo-u64: func(x: u64) -> u64;
  export echo-s8: func(x: s8) -> s8;
  export echo-f32: func(x: f32) -> f32;
  export echo-f64: func(x: f64) -> f64;
  export echo-char: func(x: char) -> char;
  export echo-color: func(x: color) -> color;
  export echo-perms: func(x: perms) -> perms;
  export echo-big: func(x: big) -> big;
  export echo-bytes: func(x: list<u8>) -> list<u8>;
  export echo-strings: func(x: list<string>) -> list<string>;
  export echo-points: func(x: list<point>) -> list<point>;
  export echo-shapes: func(x: list<shape>) -> list<shape>;
  export echo-options: func(x: list<option<option<string>>>) -> list<option<option<string>>>;
  export echo-results: func(x: list<result<u32, string>>) -> list<result<u32, string>>;
  export echo-tuples: func(x: list<tuple<u8, char, string>>) -> list<tuple<u8, char, string>>;
  export echo-fixed: func(x: list<list<s16, 3>>) -> list<list<s16, 3>>;
  export sum-pair: func(p: pair) -> u32;
  export api;
  export other;
}`;

/** Echoes a list: the result is the argument's (pointer, length), stored in the return area. */
const echoList = (name: string) =>
  `(func (export "${name}") (param i32 i32) (result i32)
    (i32.store (i32.const 64) (local.get 0)) (i32.store (i32.const 68) (local.get 1)) (i32.const 64))`;
/** Echoes a value passed and returned as one core value. */
const echoFlat = (name: string, core: string) =>
  `(func (export "${name}") (param ${core}) (result ${core}) (local.get 0))`;

const CORE = `(module
  (memory (export "memory") 1)
  (global $bump (mut i32) (i32.const 8192))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32)
    (local.set $p (i32.and (i32.add (global.get $bump) (i32.sub (local.get 2) (i32.const 1)))
                           (i32.sub (i32.const 0) (local.get 2))))
    (global.set $bump (i32.add (local.get $p) (local.get 3)))
    (local.get $p))
  (data (i32.const 128) "Hello, ")
  (data (i32.const 144) "division by zero")
  ;; "Hello, " + name + "!" built at 1024
  (func (export "greet") (param i32 i32) (result i32)
    (memory.copy (i32.const 1024) (i32.const 128) (i32.const 7))
    (memory.copy (i32.const 1031) (local.get 0) (local.get 1))
    (i32.store8 (i32.add (i32.const 1031) (local.get 1)) (i32.const 33))
    (i32.store (i32.const 64) (i32.const 1024))
    (i32.store (i32.const 68) (i32.add (local.get 1) (i32.const 8)))
    (i32.const 64))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "test:run/api@1.0.0#add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "test:run/api@1.0.0#run") (result i32) (i32.const 1))
  (func (export "test:run/api@1.0.0#[static]counter.zero") (result i32) (i32.const 0))
  (func (export "test:run/other@1.0.0#run") (result i32) (i32.const 2))
  (func (export "nothing"))
  (func (export "sum-pair") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "boom") (unreachable))
  ;; 10 * (a is some) + (b is some)
  (func (export "maybe") (param i32 i32 i32 i32) (result i32)
    (i32.add (i32.mul (local.get 0) (i32.const 10)) (local.get 2)))
  (func (export "maybe-double") (param i32 i32) (result i32)
    (i32.store8 (i32.const 64) (local.get 0))
    (i32.store (i32.const 68) (i32.mul (local.get 1) (i32.const 2)))
    (i32.const 64))
  (func (export "checked-div") (param i32 i32) (result i32)
    (if (i32.eqz (local.get 1))
      (then
        (i32.store8 (i32.const 64) (i32.const 1))
        (i32.store (i32.const 68) (i32.const 144))
        (i32.store (i32.const 72) (i32.const 16)))
      (else
        (i32.store8 (i32.const 64) (i32.const 0))
        (i32.store (i32.const 68) (i32.div_u (local.get 0) (local.get 1)))))
    (i32.const 64))
  ${echoFlat("echo-bool", "i32")}
  ${echoFlat("echo-u64", "i64")}
  ${echoFlat("echo-s8", "i32")}
  ${echoFlat("echo-f32", "f32")}
  ${echoFlat("echo-f64", "f64")}
  ${echoFlat("echo-char", "i32")}
  ${echoFlat("echo-color", "i32")}
  ${echoFlat("echo-perms", "i32")}
  ;; big has more than 16 flat values: passed and returned by pointer
  (func (export "echo-big") (param i32) (result i32) (local.get 0))
  ${echoList("echo-bytes")}
  ${echoList("echo-strings")}
  ${echoList("echo-points")}
  ${echoList("echo-shapes")}
  ${echoList("echo-options")}
  ${echoList("echo-results")}
  ${echoList("echo-tuples")}
  ${echoList("echo-fixed")}
)`;

const IMPORTS_WIT = `package test:imp@1.0.0;
interface host {
  ping: func(x: u32) -> u32;
  resource counter { get: func() -> u32; }
}
world needs-host {
  import host;
  import now: func() -> u64;
  import log: func(msg: string, level: option<u8>);
  export run: func() -> u32;
}`;

const IMPORTS_CORE = `(module
  (import "test:imp/host@1.0.0" "ping" (func $ping (param i32) (result i32)))
  (import "test:imp/host@1.0.0" "[method]counter.get" (func $get (param i32) (result i32)))
  (import "$root" "now" (func $now (result i64)))
  (import "$root" "log" (func $log (param i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 4096))
  (func (export "run") (result i32) (call $ping (i32.const 1)))
)`;

/** An `async func` export (canon lift async with a callback) that task.returns before its first exit. */
const ASYNC_WAT = `(component
  (core func $task-return (canon task.return (result u32)))
  (core instance $b (export "task-return" (func $task-return)))
  (core module $Main
    (import "b" "task-return" (func $ret (param i32)))
    (func (export "next") (param i32) (result i32)
      (call $ret (i32.add (local.get 0) (i32.const 1)))
      (i32.const 0))
    (func (export "cb") (param i32 i32 i32) (result i32) (i32.const 0)))
  (core instance $main (instantiate $Main (with "b" (instance $b))))
  (func (export "next") async (param "x" u32) (result u32)
    (canon lift (core func $main "next") async (callback (core func $main "cb")))))`;

let dir: string;
let runner: string;
let needsHost: string;
let asyncComponent: string;

interface Outcome {
  code: number;
  out: string;
  err: string;
}

async function cli(...argv: string[]): Promise<Outcome> {
  let out = "";
  let err = "";
  const code = await main(argv, { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

/** Runs `--invoke call` on the runner component; expects success and returns stdout. */
async function invoke(call: string): Promise<string> {
  const r = await cli("run", runner, "--invoke", call);
  expect(r.err).toBe("");
  expect(r.code).toBe(0);
  return r.out;
}

/** Runs `--invoke call`; expects exit 1 and returns stderr. */
async function invokeFails(call: string): Promise<string> {
  const r = await cli("run", runner, "--invoke", call);
  expect(r.out).toBe("");
  expect(r.code).toBe(1);
  return r.err;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "witgen-run-"));
  runner = path.join(dir, "runner.wasm");
  needsHost = path.join(dir, "needs-host.wasm");
  asyncComponent = path.join(dir, "async.wasm");
  await writeFile(asyncComponent, await buildWatComponent(ASYNC_WAT));
  await writeFile(runner, await buildCoreComponent({ coreWat: CORE, witSource: WIT, world: "runner" }));
  await writeFile(
    needsHost,
    await buildCoreComponent({ coreWat: IMPORTS_CORE, witSource: IMPORTS_WIT, world: "needs-host" }),
  );
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("witgen run --invoke", () => {
  it("calls greet with a string and prints the string result in WAVE", async () => {
    expect(await invoke('greet("World")')).toBe('"Hello, World!"\n');
    expect(await invoke('greet("\\u{1F600} \\"q\\"\\n")')).toBe('"Hello, 😀 \\"q\\"\\n!"\n');
    expect(await invoke('  greet ( "x" , )  // trailing comma and comment\n')).toBe('"Hello, x!"\n');
  });

  it("integers, and nothing printed for a function without result", async () => {
    expect(await invoke("add(40, 2)")).toBe("42\n");
    expect(await invoke("add(4294967295, 1)")).toBe("0\n");
    expect(await invoke("nothing()")).toBe("");
  });

  it("a component importing only types (a used interface) needs no host imports", async () => {
    expect(await invoke("sum-pair({a: 1, b: 2})")).toBe("3\n");
  });

  it("scalars through identity exports: bool, u64, s8, floats, char, enum, flags", async () => {
    expect(await invoke("echo-bool(true)")).toBe("true\n");
    expect(await invoke("echo-u64(18446744073709551615)")).toBe("18446744073709551615\n");
    expect(await invoke("echo-s8(-128)")).toBe("-128\n");
    expect(await invoke("echo-f32(0.1)")).toBe("0.1\n");
    expect(await invoke("echo-f32(1e39)")).toBe("inf\n");
    expect(await invoke("echo-f64(-inf)")).toBe("-inf\n");
    expect(await invoke("echo-f64(nan)")).toBe("nan\n");
    expect(await invoke("echo-f64(6.5e-7)")).toBe("0.00000065\n");
    expect(await invoke("echo-char('\\u{1F600}')")).toBe("'😀'\n");
    expect(await invoke("echo-char('\\'')")).toBe("'\\''\n");
    expect(await invoke("echo-color(green)")).toBe("green\n");
    expect(await invoke("echo-color(%none)")).toBe("%none\n");
    expect(await invoke("echo-perms({exec, read})")).toBe("{read, exec}\n");
    expect(await invoke("echo-perms({})")).toBe("{}\n");
  });

  it("options and results at the top level, trailing option arguments left out", async () => {
    expect(await invoke("maybe-double(some(21))")).toBe("some(42)\n");
    expect(await invoke("maybe-double(21)")).toBe("some(42)\n");
    expect(await invoke("maybe-double(none)")).toBe("none\n");
    expect(await invoke("checked-div(7, 2)")).toBe("ok(3)\n");
    expect(await invoke("checked-div(7, 0)")).toBe('err("division by zero")\n');
    expect(await invoke("maybe(1, 2)")).toBe("11\n");
    expect(await invoke("maybe(none, 2)")).toBe("1\n");
    expect(await invoke("maybe(1)")).toBe("10\n");
    expect(await invoke("maybe()")).toBe("0\n");
  });

  it("records (by pointer when large), lists, variants, nested options, results, tuples, fixed-length lists", async () => {
    const fields = Array.from({ length: 16 }, (_, i) => `f${i}: ${i * 1000}`).join(", ");
    expect(await invoke(`echo-big({${fields}})`)).toBe(`{${fields}}\n`);
    expect(await invoke(`echo-big({label: "x", ${fields}})`)).toBe(`{${fields}, label: some("x")}\n`);
    expect(await invoke("echo-bytes([1, 2, 255])")).toBe("[1, 2, 255]\n");
    expect(await invoke("echo-bytes([])")).toBe("[]\n");
    expect(await invoke('echo-strings(["a", "", """\n  multi\n  line\n  """])')).toBe('["a", "", "multi\\nline"]\n');
    expect(await invoke("echo-points([{y-pos: -2, x: 1}, {x: 3, y-pos: 4}])")).toBe(
      "[{x: 1, y-pos: -2}, {x: 3, y-pos: 4}]\n",
    );
    expect(await invoke('echo-shapes([circle(1.5), rect((2, 3)), empty, %ok("fine")])')).toBe(
      '[circle(1.5), rect((2, 3)), empty, %ok("fine")]\n',
    );
    expect(await invoke('echo-options([some(some("a")), some(none), none])')).toBe(
      '[some(some("a")), some(none), none]\n',
    );
    expect(await invoke('echo-results([ok(1), err("e"), 7])')).toBe('[ok(1), err("e"), ok(7)]\n');
    expect(await invoke("echo-tuples([(1, 'x', \"one\")])")).toBe("[(1, 'x', \"one\")]\n");
    expect(await invoke("echo-fixed([[1, -2, 3], [-32768, 0, 32767]])")).toBe("[[1, -2, 3], [-32768, 0, 32767]]\n");
  });

  it("interface exports by wasmtime's names and by extern path", async () => {
    expect(await invoke("test:run/api.add@1.0.0(1, 2)")).toBe("3\n");
    expect(await invoke("test:run/api.add(1, 2)")).toBe("3\n");
    expect(await invoke("test:run/api@1.0.0#add(1, 2)")).toBe("3\n");
    expect(await invoke("test:run/other.run()")).toBe("2\n");
    expect(await invoke("other.run()")).toBe("2\n");
    expect(await invoke("api.add(2, 2)")).toBe("4\n");
    expect(await invoke("test:run/api@1.0.0#[static]counter.zero()")).toBe("0\n");
    // A bare name prefers the world-level export...
    expect(await invoke("add(5, 5)")).toBe("10\n");
    // ...and is ambiguous when several interfaces have it.
    expect(await invokeFails("run()")).toBe(
      "witgen: --invoke:1:1: several exported interfaces have a function run; write one of: test:run/api.run@1.0.0, test:run/other.run@1.0.0\n",
    );
    expect(await invokeFails("test:run/api.add@2.0.0(1, 2)")).toMatch(
      /^witgen: --invoke:1:1: the component exports no function "test:run\/api.add@2.0.0" \(exported functions: greet, add, /,
    );
  });

  it("argument errors name the column and what was expected", async () => {
    expect(await invokeFails("greet(42)")).toBe(
      'witgen: --invoke:1:7: expected a string for parameter "name" of greet, found 42\n',
    );
    expect(await invokeFails("add(1, -1)")).toBe(
      'witgen: --invoke:1:8: expected a u32 (an integer from 0 to 4294967295) for parameter "b" of add, found -1\n',
    );
    expect(await invokeFails("add(1)")).toBe(
      'witgen: --invoke:1:6: missing parameter "b" of add (u32): add takes 2 argument(s), found 1\n',
    );
    expect(await invokeFails("add(1, 2, 3)")).toBe(
      "witgen: --invoke:1:11: add takes 2 argument(s), found 3: add: func(a: u32, b: u32) -> u32\n",
    );
    expect(await invokeFails('echo-points([{x: 1, y-pos: "2"}])')).toBe(
      'witgen: --invoke:1:28: expected an s32 (an integer from -2147483648 to 2147483647) for parameter "x" of echo-points at [0].y-pos, found "2"\n',
    );
    expect(await invokeFails('greet("World"')).toBe(
      'witgen: --invoke:1:14: expected "," or ")", found the end of the input\n',
    );
    expect(await invokeFails("greet")).toBe(
      'witgen: --invoke:1:6: expected "(" after the function name: write greet() to call it without arguments\n',
    );
    expect(await invokeFails('gret("x")')).toMatch(/^witgen: --invoke:1:1: the component exports no function "gret"/);
  });

  it("awaits an async export", async () => {
    expect(await cli("run", asyncComponent, "--invoke", "next(41)")).toEqual({ code: 0, out: "42\n", err: "" });
    expect(await cli("run", asyncComponent, "--list")).toEqual({
      code: 0,
      out: "next: async func(x: u32) -> u32\n",
      err: "",
    });
  });

  it("a trap prints `witgen: trap:` and exits 1", async () => {
    const err = await invokeFails("boom()");
    expect(err).toMatch(/^witgen: trap: .*unreachable/);
    expect(err.split("\n").length).toBe(2);
  });
});

describe("witgen run --list", () => {
  it("prints every exported function with its WIT signature, by the name --invoke takes", async () => {
    const r = await cli("run", runner, "--list");
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split("\n");
    expect(lines).toContain("greet: func(name: string) -> string");
    expect(lines).toContain("maybe: func(a: option<u32>, b: option<u32>) -> u32");
    expect(lines).toContain("checked-div: func(a: u32, b: u32) -> result<u32, string>");
    expect(lines).toContain("echo-points: func(x: list<point>) -> list<point>");
    expect(lines).toContain("echo-fixed: func(x: list<list<s16, 3>>) -> list<list<s16, 3>>");
    expect(lines).toContain("nothing: func()");
    expect(lines.slice(-3)).toEqual([
      "test:run/api.add@1.0.0: func(a: u32, b: u32) -> u32",
      "test:run/api.run@1.0.0: func() -> u32",
      "test:run/other.run@1.0.0: func() -> u32",
    ]);
    expect(lines).toContain("sum-pair: func(p: pair) -> u32");
    expect(lines).toContain("test:run/api@1.0.0#[static]counter.zero: func() -> u32");
    expect(lines.length).toBe(29);
  });
});

describe("witgen run: components with imports", () => {
  it("lists every import the CLI cannot provide, with its type", async () => {
    const r = await cli("run", needsHost, "--invoke", "run()");
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toBe(
      `witgen: cannot run ${needsHost}: it imports 5 item(s), and \`witgen run\` provides no imports:\n` +
        "  test:imp/host@1.0.0#counter: resource\n" +
        "  test:imp/host@1.0.0#[method]counter.get: func(self: borrow<counter>) -> u32\n" +
        "  test:imp/host@1.0.0#ping: func(x: u32) -> u32\n" +
        "  now: func() -> u64\n" +
        "  log: func(msg: string, level: option<u8>)\n",
    );
  });

  it("--list still works", async () => {
    const r = await cli("run", needsHost, "--list");
    expect(r).toEqual({ code: 0, out: "run: func() -> u32\n", err: "" });
  });

  it("reports an unreadable file and a non-component", async () => {
    const missing = path.join(dir, "nope.wasm");
    expect(await cli("run", missing, "--list")).toEqual({
      code: 1,
      out: "",
      err: `witgen: cannot read ${missing}: no such file\n`,
    });
    const junk = path.join(dir, "junk.wasm");
    await writeFile(junk, "not wasm");
    const r = await cli("run", junk, "--list");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`^witgen: ${junk.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: `));
  });

  it("needs --invoke or --list", async () => {
    expect(await cli("run", runner)).toEqual({
      code: 1,
      out: "",
      err: "witgen: run: nothing to do; pass --invoke '<function>(<args>)' or --list\n",
    });
  });
});
