/**
 * A WASI 0.3 command shape from the real WIT: imports
 * `wasi:cli/environment@0.3.0` (versioned interface name, spilled list result)
 * and exports `wasi:cli/run@0.3.0` (`run: async func() -> result`, lifted
 * async with a callback, finished with task.return).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { compileComponent, type CompiledComponent } from "@witgen/runtime";
import { buildCoreComponent } from "../../../test/support/build-component.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const cliDir = path.resolve(repoRoot, "../shared/wit/wasi-0.3.0/cli");
const wit = (f: string) => readFileSync(path.join(cliDir, f), "utf8");

const ENV = "wasi:cli/environment@0.3.0";
const RUN = "wasi:cli/run@0.3.0";

const CORE = `(module
  (import "${ENV}" "get-environment" (func $get-env (param i32)))
  (import "[export]${RUN}" "[task-return]run" (func $task-return (param i32)))
  (memory (export "memory") 1)
  (global $bump (mut i32) (i32.const 1024))
  (global $count (mut i32) (i32.const 0))
  (global $bytes (mut i32) (i32.const 0))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (local $p i32)
    (local.set $p (i32.and (i32.add (global.get $bump) (i32.sub (local.get 2) (i32.const 1))) (i32.sub (i32.const 0) (local.get 2))))
    (global.set $bump (i32.add (local.get $p) (local.get 3)))
    (local.get $p))
  ;; run: read the environment, remember the entry count and total key+value bytes; ok iff there are entries.
  (func (export "[async-lift]${RUN}#run") (result i32) (local $list i32) (local $i i32) (local $e i32)
    (call $get-env (i32.const 16))
    (global.set $count (i32.load (i32.const 20)))
    (local.set $list (i32.load (i32.const 16)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (global.get $count)))
      ;; each entry is tuple<string, string>: (ptr, len, ptr, len), 16 bytes
      (local.set $e (i32.add (local.get $list) (i32.shl (local.get $i) (i32.const 4))))
      (global.set $bytes (i32.add (global.get $bytes)
        (i32.add (i32.load offset=4 (local.get $e)) (i32.load offset=12 (local.get $e)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (call $task-return (i32.eqz (global.get $count)))
    (i32.const 0))
  (func (export "[callback][async-lift]${RUN}#run") (param i32 i32 i32) (result i32) (unreachable))
  (func (export "seen") (result i64)
    (i64.or (i64.extend_i32_u (global.get $count)) (i64.shl (i64.extend_i32_u (global.get $bytes)) (i64.const 32))))
)`;

describe("link: WASI 0.3 command shape", () => {
  let compiled: CompiledComponent;
  beforeAll(async () => {
    const witSource = `package wasi:cli@0.3.0;\n${wit("environment.wit")}\n${wit("run.wit")}\nworld t { import environment; export run; export seen: func() -> u64; }`;
    compiled = await compileComponent(await buildCoreComponent({ coreWat: CORE, witSource, world: "t" }));
  });

  it("runs wasi:cli/run with the host's wasi:cli/environment", async () => {
    const env: [string, string][] = [["HOME", "/home/ü"], ["LANG", "C.UTF-8"]];
    const { exports } = await compiled.instantiate({
      [ENV]: { getEnvironment: () => env, getArguments: () => [], getInitialCwd: () => undefined },
    });
    expect(await exports[RUN].run()).toEqual({ tag: "ok", val: undefined });
    const seen = exports.seen() as bigint;
    const bytes = env.reduce((n, [k, v]) => n + new TextEncoder().encode(k + v).length, 0);
    expect([Number(seen & 0xffffffffn), Number(seen >> 32n)]).toEqual([2, bytes]);
  });

  it("returns err when the environment is empty; an unversioned host key also satisfies the import", async () => {
    const { exports } = await compiled.instantiate({
      "wasi:cli/environment": { getEnvironment: () => [], getArguments: () => [], getInitialCwd: () => "/" },
    });
    expect(await exports[RUN].run()).toEqual({ tag: "err", val: undefined });
  });

  it("the decoded world names the versioned interfaces", () => {
    const w = compiled.world;
    const world = w.worlds[w.world];
    expect(world.imports.map((i) => i.key)).toEqual([ENV]);
    expect(world.exports.map((e) => e.key).sort()).toEqual([RUN, "seen"].sort());
  });
});
