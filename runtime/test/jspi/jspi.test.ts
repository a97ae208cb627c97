/**
 * `instantiate(..., { jspi: true })` (runtime/src/link/jspi.ts). vitest runs on Node 20, which
 * has no JSPI: the JSPI scenarios run in a Node 26 child process (installed on demand, see
 * test/support/node26.ts) against the built runtime (`runtime/dist`, rebuilt here) and real WAT
 * components built in this process; the Node 20 behaviour (no JSPI) is checked in-process.
 */
import { execFile } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileComponent, jspiAvailable, JspiUnavailableError, streamFrom, Trap } from "@witgen/runtime";
import { buildWatComponent } from "../../../test/support/build-component.js";
import { buildJsGuest } from "../../../test/support/build-guest.js";
import { node26 } from "../../../test/support/node26.js";
import { WRITE_VIA_STREAM_WAT } from "../link/write-via-stream-guest.js";
import { SYNC_WAT } from "./sync-component.js";

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../../..");
const scratch = path.join(repoRoot, ".cache", "jspi-test");

/** A sync-lifted \`async func\` export: async-lowers an async host import and waits for it on a waitable set. */
const STACKFUL_WAT = `(component
  (import "slow" (func $slow async (param "x" u32) (result u32)))
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem (instantiate $Mem))
  (alias core export $mem "mem" (core memory $m))
  (core func $slow-l (canon lower (func $slow) async (memory $m)))
  (core func $slow-sync (canon lower (func $slow)))
  (core func $ws-new (canon waitable-set.new))
  (core func $join (canon waitable.join))
  (core func $wait (canon waitable-set.wait (memory $m)))
  (core func $st-drop (canon subtask.drop))
  (core func $st-cancel (canon subtask.cancel))
  (core instance $b (export "slow" (func $slow-l)) (export "ws-new" (func $ws-new)) (export "join" (func $join))
    (export "wait" (func $wait)) (export "st-drop" (func $st-drop)) (export "slow-sync" (func $slow-sync))
    (export "st-cancel" (func $st-cancel)))
  (core module $Main
    (import "b" "slow" (func $slow (param i32 i32) (result i32)))
    (import "b" "ws-new" (func $ws-new (result i32)))
    (import "b" "join" (func $join (param i32 i32)))
    (import "b" "wait" (func $wait (param i32 i32) (result i32)))
    (import "b" "st-drop" (func $st-drop (param i32)))
    (import "b" "slow-sync" (func $slow-sync (param i32) (result i32)))
    (import "b" "st-cancel" (func $st-cancel (param i32) (result i32)))
    (import "m" "mem" (memory 1))
    ;; cancel-slow(x): starts slow(x) (result at 32), cancels it with a sync subtask.cancel (the
    ;; thread waits until the host settles), drops it; returns state * 1000 + the result slot.
    (func (export "cancel-slow") (param i32) (result i32) (local $r i32) (local $state i32)
      (i32.store (i32.const 32) (i32.const 0))
      (local.set $r (call $slow (local.get 0) (i32.const 32)))
      (if (i32.ne (i32.and (local.get $r) (i32.const 0xf)) (i32.const 1)) (then unreachable))
      (local.set $state (call $st-cancel (i32.shr_u (local.get $r) (i32.const 4))))
      (call $st-drop (i32.shr_u (local.get $r) (i32.const 4)))
      (i32.add (i32.mul (local.get $state) (i32.const 1000)) (i32.load (i32.const 32))))
    ;; direct-slow(x) -> slow(x) + 2 through a sync lowering (the caller's thread waits for the subtask).
    (func (export "direct-slow") (param i32) (result i32) (i32.add (call $slow-sync (local.get 0)) (i32.const 2)))
    ;; wait-slow(x) -> slow(x) + 1; the subtask's result lands at 32.
    (func (export "wait-slow") (param i32) (result i32) (local $r i32) (local $ws i32)
      (local.set $r (call $slow (local.get 0) (i32.const 32)))
      (if (i32.ne (i32.and (local.get $r) (i32.const 0xf)) (i32.const 2))
        (then
          (local.set $ws (call $ws-new))
          (call $join (i32.shr_u (local.get $r) (i32.const 4)) (local.get $ws))
          (drop (call $wait (local.get $ws) (i32.const 64)))
          (call $join (i32.shr_u (local.get $r) (i32.const 4)) (i32.const 0))
          (call $st-drop (i32.shr_u (local.get $r) (i32.const 4)))))
      (i32.add (i32.load (i32.const 32)) (i32.const 1))))
  (core instance $main (instantiate $Main (with "b" (instance $b)) (with "m" (instance $mem))))
  (func (export "wait-slow") async (param "x" u32) (result u32) (canon lift (core func $main "wait-slow")))
  (func (export "direct-slow") async (param "x" u32) (result u32) (canon lift (core func $main "direct-slow")))
  (func (export "sync-slow") (param "x" u32) (result u32) (canon lift (core func $main "direct-slow")))
  (func (export "cancel-slow") async (param "x" u32) (result u32) (canon lift (core func $main "cancel-slow")))
  (func (export "sync-cancel-slow") (param "x" u32) (result u32) (canon lift (core func $main "cancel-slow"))))`;

/** Callback-lifted \`async func\` exports whose core code (first call / callback) calls a sync host import. */
const CALLBACK_WAT = `(component
  (import "fetch" (func $fetch (param "x" u32) (result u32)))
  (core func $fetch-l (canon lower (func $fetch)))
  (core func $task-return (canon task.return (result u32)))
  (core instance $b (export "fetch" (func $fetch-l)) (export "task-return" (func $task-return)))
  (core module $Main
    (import "b" "fetch" (func $f (param i32) (result i32)))
    (import "b" "task-return" (func $ret (param i32)))
    (global $x (mut i32) (i32.const 0))
    ;; via-callback(x): YIELD first; the callback returns fetch(x) + 1.
    (func (export "start") (param i32) (result i32) (global.set $x (local.get 0)) (i32.const 1))
    (func (export "cb") (param i32 i32 i32) (result i32)
      (call $ret (i32.add (call $f (global.get $x)) (i32.const 1))) (i32.const 0))
    ;; direct(x) -> fetch(x) + 2 before the first EXIT.
    (func (export "direct") (param i32) (result i32)
      (call $ret (i32.add (call $f (local.get 0)) (i32.const 2))) (i32.const 0)))
  (core instance $main (instantiate $Main (with "b" (instance $b))))
  (func (export "via-callback") async (param "x" u32) (result u32)
    (canon lift (core func $main "start") async (callback (core func $main "cb"))))
  (func (export "direct") async (param "x" u32) (result u32)
    (canon lift (core func $main "direct") async (callback (core func $main "cb")))))`;

/**
 * Nested instances of one component that lowers a host import: \`g\` is aliased from the first
 * (reached without JS: may suspend), \`via\` is the outer component's lift calling the second
 * through a lowering (a call between instances, through JS: may not).
 */
const NESTED_WAT = `(component
  (import "fetch" (func $fetch (param "x" u32) (result u32)))
  (component $Inner
    (import "fetch" (func $f (param "x" u32) (result u32)))
    (core func $fl (canon lower (func $f)))
    (core instance $h (export "f" (func $fl)))
    (core module $M (import "h" "f" (func $f (param i32) (result i32)))
      (func (export "g") (param i32) (result i32) (call $f (local.get 0))))
    (core instance $m (instantiate $M (with "h" (instance $h))))
    (func (export "g") (param "x" u32) (result u32) (canon lift (core func $m "g"))))
  (instance $i1 (instantiate $Inner (with "fetch" (func $fetch))))
  (instance $i2 (instantiate $Inner (with "fetch" (func $fetch))))
  (alias export $i1 "g" (func $g1))
  (alias export $i2 "g" (func $g2))
  (core func $g2-l (canon lower (func $g2)))
  (core instance $o-imports (export "g2" (func $g2-l)))
  (core module $Outer (import "h" "g2" (func $g2 (param i32) (result i32)))
    (func (export "via") (param i32) (result i32) (call $g2 (local.get 0))))
  (core instance $o (instantiate $Outer (with "h" (instance $o-imports))))
  (func $via (param "x" u32) (result u32) (canon lift (core func $o "via")))
  (export "g" (func $g1))
  (export "via" (func $via)))`;

/** A sync-lifted \`async func\` that reads a stream with a sync \`stream.read\` (blocks until bytes arrive). */
const STREAM_WAT = `(component
  (type $s (stream u8))
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem (instantiate $Mem))
  (alias core export $mem "mem" (core memory $m))
  (core func $read (canon stream.read $s (memory $m)))
  (core func $drop (canon stream.drop-readable $s))
  (core instance $b (export "read" (func $read)) (export "drop" (func $drop)))
  (core module $Main
    (import "b" "read" (func $read (param i32 i32 i32) (result i32)))
    (import "b" "drop" (func $drop (param i32)))
    (import "m" "mem" (memory 1))
    ;; sum(s): one sync read of up to 8 bytes at 100, then the sum of the bytes read.
    (func (export "sum") (param $s i32) (result i32) (local $n i32) (local $i i32) (local $acc i32)
      (local.set $n (i32.shr_u (call $read (local.get $s) (i32.const 100) (i32.const 8)) (i32.const 4)))
      (block $done (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (i32.load8_u offset=100 (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
      (call $drop (local.get $s))
      (local.get $acc)))
  (core instance $main (instantiate $Main (with "b" (instance $b)) (with "m" (instance $mem))))
  (func (export "sum") async (param "s" $s) (result u32) (canon lift (core func $main "sum"))))`;

interface Settled {
  value?: unknown;
  error?: { name: string; message: string; func?: string };
}

describe("jspi: without JSPI in the engine (Node 20)", () => {
  it.skipIf(jspiAvailable())("{ jspi: true } is refused at instantiate, naming the option", async () => {
    const compiled = await compileComponent(await buildWatComponent(SYNC_WAT));
    const attempt = compiled.instantiate({ fetch: (x: number) => x, greet: (n: string) => n }, { jspi: true });
    await expect(attempt).rejects.toThrow(JspiUnavailableError);
    await expect(attempt).rejects.toThrow(/instantiate\(imports, \{ jspi: true \}\): .*needs JSPI/);
  });

  it("a sync import that returns a Promise traps, naming the import and saying JSPI is needed", async () => {
    const compiled = await compileComponent(await buildWatComponent(SYNC_WAT));
    const { exports, state } = compiled.instantiateSync({ fetch: async (x: number) => x, greet: (n: string) => n });
    expect(() => exports.run(1)).toThrow(Trap);
    expect(state.poisoned?.message).toMatch(/host import fetch returned a Promise, .*synchronously .*\{ jspi: true \}.*JSPI/);
    // Answered synchronously, the same import works.
    expect(compiled.instantiateSync({ fetch: (x: number) => x * 2, greet: (n: string) => n }).exports.run(5)).toBe(11);
  });

  it("the callback-lifted component runs as before without jspi", async () => {
    const compiled = await compileComponent(await buildWatComponent(CALLBACK_WAT));
    const { exports } = compiled.instantiateSync({ fetch: (x: number) => x * 2 });
    expect(await exports.viaCallback(5)).toBe(11);
    expect(await exports.direct(5)).toBe(12);
  });

  it("a sync stream.read that would block traps without JSPI", async () => {
    const compiled = await compileComponent(await buildWatComponent(STREAM_WAT));
    const { exports, state } = compiled.instantiateSync({});
    const later = (async function* () {
      await new Promise((r) => setTimeout(r, 5));
      yield new Uint8Array([1, 2, 3]);
    })();
    expect(() => exports.sum(streamFrom(later, "u8"))).toThrow(Trap);
    expect(state.poisoned?.message).toMatch(/stream.read would block.*jspi: true/);
  });

  it("a sync-lifted async func that must wait traps, naming the built-in and JSPI", async () => {
    const compiled = await compileComponent(await buildWatComponent(STACKFUL_WAT));
    const { exports, state } = compiled.instantiateSync({ slow: async (x: number) => x });
    expect(() => exports.waitSlow(1)).toThrow(Trap);
    expect(state.poisoned?.message).toMatch(/waitable-set.wait would block.*JSPI.*jspi: true/);
  });
});

describe("jspi: with JSPI (a Node 26 child process)", async () => {
  const found = await node26();
  const node = "node" in found ? found.node : undefined;
  const files: Record<string, string> = {};

  beforeAll(async () => {
    if (!node) return;
    // The child imports the built runtime.
    await run("npx", ["tsc", "-b", path.join(repoRoot, "runtime", "tsconfig.json")], { cwd: repoRoot });
    await mkdir(scratch, { recursive: true });
    for (const [name, wat] of Object.entries({ sync: SYNC_WAT, stackful: STACKFUL_WAT, callback: CALLBACK_WAT, nested: NESTED_WAT, stream: STREAM_WAT, writeViaStream: WRITE_VIA_STREAM_WAT })) {
      files[name] = path.join(scratch, `${name}-${process.pid}.wasm`);
      await writeFile(files[name]!, await buildWatComponent(wat));
    }
    files.qjs = path.join(scratch, `qjs-resources-${process.pid}.wasm`);
    await writeFile(files.qjs, await buildJsGuest("qjs-resources", "resources"));
  }, 300_000);

  afterAll(async () => {
    await Promise.all(Object.values(files).map((f) => rm(f, { force: true })));
  });

  async function scenario(name: string, component: string): Promise<Record<string, any>> {
    const { stdout } = await run(node!, [path.join(here, "scenarios.mjs"), name, files[component]!], { cwd: repoRoot, timeout: 60_000 });
    return JSON.parse(stdout.trim().split("\n").at(-1)!);
  }

  const jspiIt = it.skipIf(!node);
  if (!node) it.skip(`skipped: ${"unavailable" in found ? found.unavailable : ""}`, () => {});

  jspiIt("a sync export over async host imports resolves after they settle (numbers and strings)", async () => {
    expect(await scenario("async-import", "sync")).toEqual({ isPromise: true, run: 11, twice: 206, greet: "hello wasm" });
  });

  jspiIt("a host answer without a promise: the export still returns a Promise of the value", async () => {
    expect(await scenario("sync-value", "sync")).toEqual({ isPromise: true, run: 11 });
  });

  jspiIt("blockOn(p) in a sync host import; without the option it says to use it", async () => {
    const r = await scenario("block-on", "sync");
    expect(r).toMatchObject({ run: 42, greet: "<b>" });
    expect(r.without.error.name).toBe("Trap");
    expect(r.without.error.message).toMatch(/blockOn: not inside a host import the engine can suspend: instantiate the component with \{ jspi: true \}/);
  });

  jspiIt("a trap after resumption rejects the export's promise with the Trap and poisons the instance", async () => {
    const r = await scenario("trap-after-resume", "sync");
    expect(r.first.error).toMatchObject({ name: "Trap", func: "fetch-then-trap" });
    expect(r.first.error.message).toMatch(/unreachable/);
    expect(r.later.error.message).toMatch(/trapped earlier|poisoned/);
    expect(r.poisoned).toMatch(/unreachable/);
  });

  jspiIt("a host promise that rejects traps the caller, naming the import", async () => {
    const r = await scenario("host-rejects", "sync");
    expect(r.first.error).toMatchObject({ name: "Trap", func: "fetch" });
    expect(r.first.error.message).toMatch(/host function rejected: nope/);
    expect(r.poisoned).toMatch(/nope/);
  });

  jspiIt("a second call while the first is suspended waits for it; a call from inside a host import is refused (may_enter) without poisoning", async () => {
    const r = await scenario("second-call", "sync");
    expect(r.seenWhileSuspended).toEqual([1]);
    expect(r.first).toEqual({ value: 11 });
    expect(r.second).toEqual({ value: 3 });
    expect(r.after).toEqual({ value: 8 });
    expect(r.seen).toEqual([1, 2, 7]);
    expect(r.reentry.name).toBe("Trap");
    expect(r.reentry.message).toMatch(/cannot call 'run': its instance is already executing/);
    expect(r.poisoned).toBeNull();
  });

  jspiIt("callback-lifted exports: the first call and the callback may suspend in a sync host import", async () => {
    expect(await scenario("callback-export", "callback")).toEqual({ viaCallback: 11, direct: 12, plain: 13 });
  });

  jspiIt("async export calls made at once all complete, each suspending in a sync host import", async () => {
    const expected = [];
    for (let i = 0; i < 20; i++) expected.push(2 * i + 2);
    expect(await scenario("callback-concurrent", "callback")).toEqual({ results: expected });
  });

  jspiIt("a nested instance the root exports reach directly may suspend; one reached through a call between instances may not (a Promise there traps, saying why)", async () => {
    const r = await scenario("nested", "nested");
    expect(r.direct).toEqual({ value: 14 });
    expect(r.viaSync).toEqual({ value: 14 });
    expect(r.viaPromise.error).toMatchObject({ name: "Trap" });
    expect(r.viaPromise.error.message).toMatch(/host import fetch returned a Promise, .*reached through a call between instances, where JSPI cannot suspend/);
    expect(r.both).toEqual([{ value: 14 }, { value: 2 }]);
    expect(r.log).toEqual([7, 1]);
  });

  jspiIt("a componentize-qjs guest: async host functions and host resource methods, calls at once", async () => {
    expect(await scenario("qjs-resources", "qjs")).toEqual({
      scaled: 13,
      concurrent: [4, 7, 10, 13],
      validate: [
        { tag: "ok", val: 30 },
        { tag: "err", val: "host said: Error: 9 is too big" },
      ],
      consumed: 1,
      scratch: 1,
      events: ["C: consumed", "named S: hi"],
    });
  });

  jspiIt("a sync-lifted async func waits on a waitable set for an async host import", async () => {
    expect(await scenario("stackful-wait", "stackful")).toEqual({ result: { value: 16 } });
  });

  jspiIt("a sync lowering of an async host import waits in an async func, traps in a non-async one (CanonicalABI.md canon lift)", async () => {
    const r = await scenario("stackful-sync-lower", "stackful");
    expect(r.direct).toEqual({ value: 17 });
    expect(r.nonAsync.error).toMatchObject({ name: "Trap", func: "slow" });
    expect(r.nonAsync.error.message).toMatch(/synchronous call to 'slow' would block inside a non-async function/);
  });

  jspiIt("a sync subtask.cancel in a sync-lifted async func waits for the host to settle; in a non-async func it traps", async () => {
    const r = await scenario("stackful-cancel", "stackful");
    // CANCELLED_BEFORE_RETURNED (4) when the host rejects after the abort; RETURNED (2) with its value when it answers anyway.
    expect(r.rejected).toEqual({ value: 4000 });
    expect(r.answered).toEqual({ value: 2015 });
    // The non-async caller requests the cancellation too (the host sees it) before its wait traps.
    expect(r.aborts).toEqual([5, 5, 5]);
    expect(r.nonAsync.error).toMatchObject({ name: "Trap" });
    expect(r.nonAsync.error.message).toMatch(/subtask.cancel would block inside a non-async function/);
  });

  jspiIt("a sync stream.read in a sync-lifted async func waits for the host's bytes", async () => {
    expect(await scenario("stream-read", "stream")).toEqual({ result: { value: 6 } });
  });

  jspiIt("a sync import returning a future<T> hands over the FutureReader or promise itself, not its value", async () => {
    expect(await scenario("write-via-stream", "writeViaStream")).toEqual({ reader: { value: 15 }, promise: { value: 15 } });
  });

  jspiIt("a second call of a waiting sync-lifted async func waits for the first's exclusive slot (CanonicalABI.md needs_exclusive)", async () => {
    expect(await scenario("stackful-concurrent", "stackful")).toEqual({
      results: [16, 19],
      log: ["start 5", "end 5", "start 6", "end 6", "start 1", "end 1"],
      after: 4,
    });
  });
});
