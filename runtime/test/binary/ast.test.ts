import { parse } from "@bytecodealliance/jco";
import { describe, expect, test } from "vitest";
import { ComponentLoadError, decodeComponent, type ComponentAst, type Section } from "@witgen/runtime/binary";
import { component, section, str, u32, vec } from "./encode.js";

function sectionsOf<K extends Section["kind"]>(ast: ComponentAst, kind: K): Extract<Section, { kind: K }>[] {
  return ast.sections.filter((s): s is Extract<Section, { kind: K }> => s.kind === kind);
}

function loadError(bytes: Uint8Array): ComponentLoadError {
  try {
    decodeComponent(bytes);
  } catch (e) {
    if (e instanceof ComponentLoadError) return e;
    throw e;
  }
  throw new Error("expected a ComponentLoadError");
}

describe("type definitions", () => {
  test("map, fixed-length list and error-context (written by wasm-tools)", async () => {
    const types = async (wat: string) => sectionsOf(decodeComponent(await parse(wat)), "types")[0].items;
    expect((await types("(component (type (map string u32)))"))[0]).toEqual({
      kind: "map",
      offset: 11,
      key: { kind: "primitive", type: "string" },
      value: { kind: "primitive", type: "u32" },
    });
    expect((await types("(component (type (list u8 4)))"))[0]).toMatchObject({ kind: "list", length: 4 });
    expect((await types("(component (type error-context))"))[0]).toMatchObject({
      kind: "primitive",
      type: "error-context",
    });
  });

  test("type indices at and above 64 are read as s33, not as type opcodes", () => {
    // 70 types of `u8`, then (list 64) and (list 100): index 64 must be encoded 0xc0 0x00.
    const items = [...Array.from({ length: 70 }, () => [0x7d]), [0x70, 0xc0, 0x00], [0x70, 0xe4, 0x00]];
    const ast = decodeComponent(component(section(7, vec(items))));
    const types = sectionsOf(ast, "types")[0].items;
    expect(types[70]).toMatchObject({ kind: "list", element: { kind: "index", index: 64 } });
    expect(types[71]).toMatchObject({ kind: "list", element: { kind: "index", index: 100 } });
  });
});

describe("names and attributes", () => {
  test("implements, external-id and versionsuffix attributes (written by wasm-tools)", async () => {
    const imports = async (wat: string) => sectionsOf(decodeComponent(await parse(wat)), "imports")[0].items[0];
    expect(
      (await imports(`(component (import "primary" (implements "wasi:keyvalue/store") (instance)))`)).name,
    ).toMatchObject({
      name: "primary",
      implements: "wasi:keyvalue/store",
    });
    expect((await imports(`(component (import "slugify" (external-id "https://x") (func)))`)).name).toMatchObject({
      name: "slugify",
      externalId: "https://x",
    });
    expect(
      (await imports(`(component (import "wasi:http/types@0.2" (versionsuffix ".6") (instance)))`)).name,
    ).toMatchObject({
      name: "wasi:http/types@0.2",
      versionSuffix: ".6",
    });
  });

  test("component-name section is decoded for messages", async () => {
    const ast = decodeComponent(await parse("(component $outer (core module $m) (component $inner))"));
    expect(ast.names?.component).toBe("outer");
    expect(ast.names?.sorts).toEqual([
      { sort: "core module", names: new Map([[0, "m"]]) },
      { sort: "component", names: new Map([[0, "inner"]]) },
    ]);
    const inner = sectionsOf(ast, "component")[0].component;
    expect(inner.names?.component).toBe("inner");
  });

  test('a malformed name section is ignored, not an error (Binary.md "Name Section")', () => {
    const ast = decodeComponent(component(section(0, [...str("component-name"), 0x00, 0x05, 0x01])));
    expect(ast.names).toBeUndefined();
    expect(ast.sections[0]).toMatchObject({ kind: "custom", name: "component-name" });
  });
});

describe("hand-encoded definitions no tool writes", () => {
  test("cancellable and shared immediates of thread and waitable-set built-ins", () => {
    const canons = [
      [0x20, 0x01, 0x00], // waitable-set.wait cancellable (memory 0)
      [0x21, 0x01, 0x02], // waitable-set.poll cancellable (memory 2)
      [0x0c, 0x01], // thread.yield cancellable
      [0x29, 0x01],
      [0x2a, 0x01],
      [0x2b, 0x00],
      [0x2c, 0x01],
      [0x2d, 0x01],
      [0x40, 0x01, 0x03], // thread.spawn-ref shared 3
      [0x41, 0x00, 0x03, 0x01], // thread.spawn-indirect 3 (table 1)
      [0x42, 0x01], // thread.available-parallelism shared
    ];
    const ast = decodeComponent(component(section(8, vec(canons))));
    const items = sectionsOf(ast, "canons")[0].items;
    expect(items.map((c) => c.kind)).toEqual([
      "waitable-set.wait",
      "waitable-set.poll",
      "thread.yield",
      "thread.suspend",
      "thread.suspend-then-resume",
      "thread.yield-then-resume",
      "thread.suspend-then-promote",
      "thread.yield-then-promote",
      "thread.spawn-ref",
      "thread.spawn-indirect",
      "thread.available-parallelism",
    ]);
    expect(items[0]).toMatchObject({ cancellable: true, memory: 0 });
    expect(items[1]).toMatchObject({ cancellable: true, memory: 2 });
    expect(items[5]).toMatchObject({ cancellable: false });
    expect(items[8]).toMatchObject({ shared: true, funcType: 3 });
    expect(items[9]).toMatchObject({ shared: false, funcType: 3, table: 1 });
    expect(items[10]).toMatchObject({ shared: true });
  });

  test("value and start sections", () => {
    const values = vec([[0x79, ...u32(1), 0x2a]]); // (value u32 42)
    const start = [...u32(0), ...vec([u32(0)]), ...u32(1)];
    const ast = decodeComponent(component(section(12, values), section(9, start)));
    const v = sectionsOf(ast, "values")[0].items[0];
    expect(v.type).toEqual({ kind: "primitive", type: "u32" });
    expect([...v.bytes]).toEqual([0x2a]);
    expect(sectionsOf(ast, "start")[0].start).toMatchObject({ func: 0, args: [0], results: 1 });
  });

  test("instance type declarators: core types, aliases, exports with sub resource", () => {
    const instanceType = [
      0x42,
      ...u32(4),
      ...[0x00, 0x50, 0x00], // core module type with no decls
      ...[0x04, 0x00, ...str("r"), 0x03, 0x01], // (export "r" (type (sub resource)))
      ...[0x02, 0x03, 0x02, 0x01, 0x00], // (alias outer 1 0 (type))
      ...[0x01, 0x69, 0x00], // (type (own 0))
    ];
    const ast = decodeComponent(component(section(7, vec([instanceType]))));
    const t = sectionsOf(ast, "types")[0].items[0];
    expect(t.kind).toBe("instance");
    if (t.kind !== "instance") return;
    expect(t.decls.map((d) => d.kind)).toEqual(["core-type", "export", "alias", "type"]);
    expect(t.decls[1]).toMatchObject({ name: { name: "r" }, type: { kind: "type", bound: { kind: "sub-resource" } } });
    expect(t.decls[2]).toMatchObject({ alias: { kind: "outer", sort: "type", count: 1, index: 0 } });
  });
});

describe("input forms", () => {
  test("an ArrayBuffer decodes like its bytes; other values are a ComponentLoadError", () => {
    const bytes = component(section(7, vec([[0x7f]])));
    const fromBuffer = decodeComponent(bytes.slice().buffer);
    expect(fromBuffer.sections).toEqual(decodeComponent(bytes).sections);
    expect(() => decodeComponent("wasm" as unknown as Uint8Array)).toThrow(
      new ComponentLoadError(0, "expected the component binary as a Uint8Array or ArrayBuffer, found string"),
    );
  });

  test("a Uint8Array view into a larger buffer reports offsets relative to the view", () => {
    const inner = component(section(7, vec([[0x50]])));
    const outer = new Uint8Array(inner.length + 16);
    outer.set(inner, 16);
    expect(loadError(outer.subarray(16)).message).toBe("at byte 0xb: expected a type definition, found opcode 0x50");
  });
});

describe("errors name the byte offset and the cause", () => {
  test("a core module is not a component", () => {
    const e = loadError(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
    expect(e.message).toBe("at byte 0x6: expected a component (layer 0x01), found a core module (layer 0x00)");
    expect(e.offset).toBe(6);
  });

  test("wrong magic and unsupported version", () => {
    expect(loadError(new Uint8Array([0x00, 0x61, 0x73, 0x6e])).message).toBe(
      "at byte 0x3: expected the wasm magic number \\0asm, found 0x6e",
    );
    expect(loadError(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x0c, 0x00, 0x01, 0x00])).message).toBe(
      "at byte 0x4: expected component binary version 0xd, found 0xc",
    );
  });

  test("a section longer than the input", () => {
    const e = loadError(component([7, ...u32(100), 0x01]));
    expect(e.message).toBe("at byte 0x9: expected section 7 of 100 bytes, found only 1 bytes left");
  });

  test("a vector count larger than the remaining bytes is rejected before allocating", () => {
    const e = loadError(component(section(7, [...u32(0xffffffff)])));
    expect(e.message).toMatch(/^at byte 0xa: expected 4294967295 types, found only 0 bytes left$/);
  });

  test("an over-long LEB128", () => {
    const e = loadError(component(section(7, [0x80, 0x80, 0x80, 0x80, 0x80, 0x00])));
    expect(e.message).toBe(
      "at byte 0xa: expected number of types (u32 LEB128), found an encoding that overflows 32 bits",
    );
  });

  test("unknown opcodes name the opcode", () => {
    expect(loadError(component(section(7, vec([[0x50]])))).message).toBe(
      "at byte 0xb: expected a type definition, found opcode 0x50",
    );
    expect(loadError(component(section(8, vec([[0x07, 0x00]])))).message).toBe(
      "at byte 0xb: expected a canonical definition opcode, found 0x07",
    );
    expect(loadError(component(section(13, []))).message).toBe(
      "at byte 0x8: expected a component section id (0..12), found 13",
    );
  });

  test("trailing bytes in a section", () => {
    const e = loadError(component(section(7, [...vec([[0x7f]]), 0x00])));
    expect(e.message).toBe("at byte 0xc: expected end of section 7, found 1 more bytes");
  });

  test("invalid UTF-8 in a name", () => {
    const e = loadError(component(section(0, [0x02, 0xc3, 0x28])));
    expect(e.message).toBe("at byte 0xb: expected custom section name as UTF-8, found invalid UTF-8");
  });

  test("duplicate canonical options", () => {
    const e = loadError(component(section(8, vec([[0x01, 0x00, 0x00, 0x02, 0x03, 0x00, 0x03, 0x00]]))));
    expect(e.message).toBe("at byte 0x11: expected at most one memory option, found another");
  });

  test("deep nesting is bounded", () => {
    // 200 nested instance types: (instance (type (instance (type ...)))).
    let t: number[] = [0x42, 0x00];
    for (let i = 0; i < 200; i++) t = [0x42, 0x01, 0x01, ...t];
    const e = loadError(component(section(7, vec([t]))));
    expect(e.message).toMatch(/expected at most 100 levels of nested components and types, found more$/);
  });
});
