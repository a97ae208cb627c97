/**
 * A real JavaScript guest (componentize-qjs `--sync`, test/guests/qjs-resources/) run
 * through the dynamic API and through generated glue: an exported resource
 * (constructor, methods, statics, own/borrow parameters, destructor), a host resource
 * the guest creates, receives, returns and drops, host functions, results in both
 * directions, and a guest that throws.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { GuestResource, Trap } from "@witgen/runtime";
import { loadWitSource, selectWorld } from "../../src/wit/index.js";
import { normalWorld } from "../support/structural.js";
import { buildJsGuest, enableExtendedConst, guestWit } from "../support/build-guest.js";
import {
  MODES,
  err,
  glueAdaptersUsed,
  hostErr,
  hostOk,
  instantiate,
  ok,
  prepareGuest,
  type Guest,
  type Mode,
} from "./harness.js";

const HOST = "test:res/host@1.0.0";
const COUNTERS = "test:res/counters@1.0.0";
let guest: Guest;

beforeAll(async () => {
  await enableExtendedConst();
  const wit = await guestWit("qjs-resources");
  guest = await prepareGuest(
    await buildJsGuest("qjs-resources", "resources"),
    wit,
    "resources",
    "qjs-resources/world.wit",
  );
});

it("the world decoded from the binary equals our front end's world of the same WIT (plus componentize-qjs's `init` export)", async () => {
  const decoded = normalWorld(guest.compiled.world);
  expect(decoded.exports.init).toMatchObject({ kind: "function" });
  delete decoded.exports.init;
  expect(decoded).toEqual(
    normalWorld(selectWorld(loadWitSource(await guestWit("qjs-resources"), "world.wit"), "resources")),
  );
});

/** The host's side: a Logger class (events record its life) and host functions. */
function hostImports(mode: Mode) {
  const events: string[] = [];
  class Logger {
    readonly lines: string[] = [];
    constructor(readonly prefix: string) {
      events.push(`new ${prefix}`);
    }
    log(msg: string): void {
      this.lines.push(msg);
      events.push(`${this.prefix}: ${msg}`);
    }
    count(): number {
      return this.lines.length;
    }
    static named(name: string): Logger {
      return new Logger(`named ${name}`);
    }
    [Symbol.dispose](): void {
      events.push(`dispose ${this.prefix}`);
    }
  }
  const imports = {
    [HOST]: {
      Logger,
      check: (v: number) => (v > 5 ? hostErr(mode, `${v} is too big`) : hostOk(mode, v + 1)),
    },
    scale: (v: number) => v * 3,
  };
  return { imports, events, Logger };
}

it("generated glue specialises every function: freestanding ones, resource constructors, methods and statics, both ways", async () => {
  const { lifted, lowered } = await glueAdaptersUsed(guest, hostImports("glue").imports);
  expect(lifted).toEqual([
    "consume-logger",
    "fail",
    "log-with",
    "make-logger",
    "scaled",
    "scratch-logger",
    `${COUNTERS}#[constructor]counter`,
    `${COUNTERS}#[method]counter.inc`,
    `${COUNTERS}#[method]counter.name`,
    `${COUNTERS}#[method]counter.value`,
    `${COUNTERS}#[static]counter.merge`,
    `${COUNTERS}#[static]counter.zero`,
    `${COUNTERS}#live`,
    "validate",
  ]);
  expect(lowered).toEqual([
    "scale",
    `${HOST}#[constructor]logger`,
    `${HOST}#[method]logger.count`,
    `${HOST}#[method]logger.log`,
    `${HOST}#[static]logger.named`,
    `${HOST}#check`,
  ]);
});

describe.each(MODES)("qjs guest resources and imports (%s)", (mode) => {
  it("exports a guest resource as a class: constructor, methods, statics, destructor", async () => {
    const { imports } = hostImports(mode);
    const api = (await instantiate(guest, mode, imports))[COUNTERS];
    const a = new api.Counter("ä", 5);
    expect(a).toBeInstanceOf(api.Counter);
    expect(a).toBeInstanceOf(GuestResource);
    expect(a.inc(3)).toBe(8);
    expect(a.value()).toBe(8);
    expect(a.name()).toBe("ä");
    const z = api.Counter.zero("zero");
    expect(z.value()).toBe(0);
    expect(api.live()).toBe(2);
    // merge borrows `a` and takes ownership of `z`: the guest drops z, its destructor releases it.
    const m = api.Counter.merge(a, z);
    expect(m.name()).toBe("ä+zero");
    expect(m.value()).toBe(8);
    expect(api.live()).toBe(2);
    expect(() => z.value()).toThrow(/moved/);
    a[Symbol.dispose]();
    expect(api.live()).toBe(1);
    expect(() => a.inc(1)).toThrow(/dropped/);
    m[Symbol.dispose]();
    expect(api.live()).toBe(0);
  });

  it("instances of one compiled component keep separate state and handle tables", async () => {
    const one = (await instantiate(guest, mode, hostImports(mode).imports))[COUNTERS];
    const two = (await instantiate(guest, mode, hostImports(mode).imports))[COUNTERS];
    const c = new one.Counter("one", 1);
    expect(one.live()).toBe(1);
    expect(two.live()).toBe(0);
    // A handle of instance one's counter is not a counter of instance two: refused before entering the guest.
    expect(() => two.Counter.merge(c, new two.Counter("two", 2))).toThrow(
      /expected a counter resource of this instance, got one of type counter from another instance in \[static\]counter\.merge \(param "a"\)/,
    );
    expect(two.live()).toBe(1); // not poisoned; the counter made for the refused call is still alive
    expect(c.value()).toBe(1);
  });

  it("passes a host resource in (own), gets one back from the guest, and sees the guest drop them", async () => {
    const { imports, events, Logger } = hostImports(mode);
    const e = await instantiate(guest, mode, imports);
    const made = e.makeLogger("mk");
    expect(made).toBeInstanceOf(Logger);
    expect(made.prefix).toBe("mk");
    expect(made.lines).toEqual(["created by the guest"]);
    expect(events).toEqual(["new mk", "mk: created by the guest"]); // returned own: not disposed

    events.length = 0;
    const mine = new Logger("mine");
    mine.log("before");
    expect(e.consumeLogger(mine)).toBe(2);
    expect(events).toEqual(["new mine", "mine: before", "mine: consumed", "dispose mine"]);

    events.length = 0;
    expect(e.scratchLogger("tmp", "héllo")).toBe(1); // [static] constructor, method, then the guest drops it
    expect(events).toEqual(["new named tmp", "named tmp: héllo", "dispose named tmp"]);
  });

  it("calls host functions; results cross in both directions", async () => {
    const { imports } = hostImports(mode);
    const e = await instantiate(guest, mode, imports);
    expect(e.scaled(4)).toBe(13);
    expect(ok(mode, () => e.validate(3))).toBe(40); // host ok(4) * 10
    // The host's err reaches the guest as a thrown value, which the guest rethrows as its own err.
    expect(err(mode, () => e.validate(9))).toBe("host said: Error: 9 is too big");
    expect(e.scaled(0)).toBe(1);
  });

  it("a throwing guest traps and poisons the instance", async () => {
    const { imports } = hostImports(mode);
    const e = await instantiate(guest, mode, imports);
    let trap: unknown;
    try {
      e.fail("boom");
    } catch (x) {
      trap = x;
    }
    // An uncaught exception makes the QuickJS runtime reach a stubbed WASI import, which traps.
    expect(trap).toBeInstanceOf(Trap);
    expect((trap as Trap).message).toMatch(/unreachable/);
    expect(() => e.scaled(1)).toThrow(/poisoned/);
  });

  it("a borrowed host resource the guest does not drop before returning traps (CanonicalABI.md Task.return_)", async () => {
    // componentize-qjs 0.4.5 keeps the borrow handle of a borrow<logger> parameter past the
    // export's return; the spec traps at task.return (dropping it in post-return is not
    // allowed either: resource.drop traps when may_leave is false).
    const { imports, events, Logger } = hostImports(mode);
    const e = await instantiate(guest, mode, imports);
    const l = new Logger("lent");
    let trap: unknown;
    try {
      e.logWith(l, ["one", "twö"]);
    } catch (x) {
      trap = x;
    }
    expect(trap).toBeInstanceOf(Trap);
    expect((trap as Trap).message).toMatch(
      /1 borrowed handle\(s\) lent to the callee were not dropped before it returned in log-with/,
    );
    expect(events).toEqual(["new lent", "lent: one", "lent: twö"]); // the calls did happen, the host object lives on
    expect(() => e.scaled(1)).toThrow(/poisoned/);
  });
});
