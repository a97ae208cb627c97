import { parse } from "@bytecodealliance/jco";
import { describe, expect, test } from "vitest";
import { decodeComponent, type Canon, type ComponentAst, type Section } from "@witgen/runtime/binary";

/** Every canonical built-in of Binary.md that wasm-tools (via jco) can still write as text. */
const BUILTINS_WAT = `(component
  (type $s (stream u8))
  (type $f (future string))
  (type $fe (future))
  (core module $m (memory (export "mem") 1) (func (export "f") (param i32)) (func (export "cb") (param i32 i32 i32) (result i32) unreachable) (table (export "t") 1 funcref))
  (core instance $i (instantiate $m))
  (alias core export $i "mem" (core memory $mem))
  (alias core export $i "t" (core table $tbl))
  (core type $ft (func (param i32)))
  (type $r (resource (rep i32) (dtor (core func $i "f"))))
  (core func (canon resource.new $r))
  (core func (canon resource.drop $r))
  (core func (canon resource.rep $r))
  (core func (canon backpressure.inc))
  (core func (canon backpressure.dec))
  (core func (canon task.return (result string) (memory $mem) string-encoding=utf16))
  (core func (canon task.return))
  (core func (canon task.cancel))
  (core func (canon context.get i32 0))
  (core func (canon context.set i32 0))
  (core func (canon subtask.cancel async))
  (core func (canon subtask.drop))
  (core func (canon stream.new $s))
  (core func (canon stream.read $s (memory $mem) async))
  (core func (canon stream.write $s (memory $mem)))
  (core func (canon stream.cancel-read $s async))
  (core func (canon stream.cancel-write $s))
  (core func (canon stream.drop-readable $s))
  (core func (canon stream.drop-writable $s))
  (core func (canon future.new $f))
  (core func (canon future.read $f (memory $mem) string-encoding=latin1+utf16))
  (core func (canon future.write $fe))
  (core func (canon future.cancel-read $f))
  (core func (canon future.cancel-write $f async))
  (core func (canon future.drop-readable $f))
  (core func (canon future.drop-writable $f))
  (core func (canon error-context.new (memory $mem)))
  (core func (canon error-context.debug-message (memory $mem)))
  (core func (canon error-context.drop))
  (core func (canon waitable-set.new))
  (core func (canon waitable-set.wait (memory $mem)))
  (core func (canon waitable-set.poll (memory $mem)))
  (core func (canon waitable-set.drop))
  (core func (canon waitable.join))
  (core func (canon thread.yield))
  (core func (canon thread.index))
  (core func (canon thread.new-indirect $ft (core table $tbl)))
  (core func (canon thread.suspend))
  (core func (canon thread.resume-later))
  (core func (canon thread.yield-then-resume))
  (core func (canon thread.suspend-then-resume))
  (core func (canon thread.yield-then-promote))
  (core func (canon thread.suspend-then-promote))
  (type $ft2 (func async (param "x" u32)))
  (func (type $ft2) (canon lift (core func $i "f") async (callback (core func $i "cb"))))
)`;

function sectionsOf<K extends Section["kind"]>(ast: ComponentAst, kind: K): Extract<Section, { kind: K }>[] {
  return ast.sections.filter((s): s is Extract<Section, { kind: K }> => s.kind === kind);
}

describe("canonical definitions", () => {
  test("every built-in written by wasm-tools decodes with its immediates", async () => {
    const ast = decodeComponent(await parse(BUILTINS_WAT));
    const canons: Canon[] = sectionsOf(ast, "canons").flatMap((s) => s.items);
    const kinds = canons.map((c) => c.kind);
    expect(kinds).toEqual([
      "resource.new",
      "resource.drop",
      "resource.rep",
      "backpressure.inc",
      "backpressure.dec",
      "task.return",
      "task.return",
      "task.cancel",
      "context.get",
      "context.set",
      "subtask.cancel",
      "subtask.drop",
      "stream.new",
      "stream.read",
      "stream.write",
      "stream.cancel-read",
      "stream.cancel-write",
      "stream.drop-readable",
      "stream.drop-writable",
      "future.new",
      "future.read",
      "future.write",
      "future.cancel-read",
      "future.cancel-write",
      "future.drop-readable",
      "future.drop-writable",
      "error-context.new",
      "error-context.debug-message",
      "error-context.drop",
      "waitable-set.new",
      "waitable-set.wait",
      "waitable-set.poll",
      "waitable-set.drop",
      "waitable.join",
      "thread.yield",
      "thread.index",
      "thread.new-indirect",
      "thread.suspend",
      "thread.resume-later",
      "thread.yield-then-resume",
      "thread.suspend-then-resume",
      "thread.yield-then-promote",
      "thread.suspend-then-promote",
      "lift",
    ]);
    const byKind = (k: string) => canons.filter((c) => c.kind === k);
    expect(byKind("resource.new")[0]).toMatchObject({ resource: 3 });
    expect(byKind("task.return")[0]).toMatchObject({
      result: { kind: "primitive", type: "string" },
      options: { memory: 0, stringEncoding: "utf16" },
    });
    expect(byKind("task.return")[1]).not.toHaveProperty("result");
    expect(byKind("context.get")[0]).toMatchObject({ type: { kind: "i32" }, index: 0 });
    expect(byKind("subtask.cancel")[0]).toMatchObject({ async: true });
    expect(byKind("stream.read")[0]).toMatchObject({ type: 0, options: { memory: 0, async: true } });
    expect(byKind("stream.cancel-read")[0]).toMatchObject({ type: 0, async: true });
    expect(byKind("stream.cancel-write")[0]).toMatchObject({ type: 0, async: false });
    expect(byKind("future.read")[0]).toMatchObject({ type: 1, options: { stringEncoding: "latin1+utf16" } });
    expect(byKind("future.write")[0]).toMatchObject({ type: 2 });
    expect(byKind("future.cancel-write")[0]).toMatchObject({ type: 1, async: true });
    expect(byKind("waitable-set.wait")[0]).toMatchObject({ cancellable: false, memory: 0 });
    expect(byKind("thread.new-indirect")[0]).toMatchObject({ funcType: 0, table: 0 });
    expect(byKind("thread.yield")[0]).toMatchObject({ cancellable: false });
    expect(byKind("lift")[0]).toMatchObject({ coreFunc: 44, type: 4, options: { async: true, callback: 45 } });

    const types = sectionsOf(ast, "types").flatMap((s) => s.items);
    expect(types[0]).toMatchObject({ kind: "stream", element: { kind: "primitive", type: "u8" } });
    expect(types[1]).toMatchObject({ kind: "future", element: { kind: "primitive", type: "string" } });
    expect(types[2]).toEqual({ kind: "future", offset: types[2].offset });
    expect(types[3]).toMatchObject({ kind: "resource", rep: { kind: "i32" }, dtor: 0 });
    expect(types[4]).toMatchObject({
      kind: "func",
      async: true,
      params: [{ name: "x", type: { kind: "primitive", type: "u32" } }],
    });
  });
});
