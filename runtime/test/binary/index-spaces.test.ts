import { componentEmbed, componentNew, parse, print } from "@bytecodealliance/jco";
import { describe, expect, test } from "vitest";
import { debugName, decodeComponent, indexSpaces, type Sort } from "@witgen/runtime/binary";
import { dummyComponent, wasiComponent } from "./helpers.js";

/**
 * The size of each top-level index space according to wasm-tools' printer,
 * which annotates every definition with its index: `(core func $x (;5;) ...)`.
 */
function printedSpaceSizes(text: string): Map<string, number> {
  const sizes = new Map<string, number>();
  const note = (sort: string, n: string) => sizes.set(sort, Math.max(sizes.get(sort) ?? 0, Number(n) + 1));
  const id = String.raw`(?:\$(?:"[^"]*"|\S+) )?(?:\(@name "[^"]*"\) )?`;
  const sortRe = String.raw`(core func|core table|core memory|core global|core instance|core module|core type|func|type|instance|component)`;
  for (const line of text.split("\n")) {
    if (!/^  \(/.test(line)) continue; // top level only
    let m = new RegExp(String.raw`^  \(alias [^(]*\(${sortRe} ${id}\(;(\d+);\)`).exec(line);
    m ??= new RegExp(String.raw`^  \(import "[^"]*" (?:\([^)]*\) )*\(${sortRe} ${id}\(;(\d+);\)`).exec(line);
    m ??= new RegExp(String.raw`^  \(${sortRe} ${id}\(;(\d+);\)`).exec(line);
    if (m) note(m[1], m[2]);
    const e = new RegExp(String.raw`^  \(export ${id}\(;(\d+);\) "[^"]*" \(${sortRe} `).exec(line);
    if (e) note(e[2], e[1]);
  }
  return sizes;
}

async function checkAgainstPrinter(bytes: Uint8Array): Promise<number> {
  const spaces = indexSpaces(decodeComponent(bytes));
  const printed = printedSpaceSizes(await print(bytes));
  expect(printed.size).toBeGreaterThan(0);
  for (const [sort, size] of printed) expect([sort, spaces[sort as Sort].length]).toEqual([sort, size]);
  return printed.size;
}

describe("index spaces agree with wasm-tools' printer", () => {
  test("dummy component of a world with resources and an exported interface", async () => {
    const bytes = await dummyComponent(
      `package ex:demo@1.0.0;
interface types { resource blob { constructor(); read: func(n: u32) -> list<u8>; } record point { x: s32 } get: func(p: point) -> string; }
interface user { use types.{blob, point}; f: func(b: borrow<blob>) -> point; }
world w { import types; export user; export run: async func(); }`,
      "w",
    );
    expect(await checkAgainstPrinter(bytes)).toBeGreaterThanOrEqual(6);
  });

  test("wasi:http/service", async () => {
    expect(await checkAgainstPrinter(await wasiComponent("http", "wasi:http/service"))).toBeGreaterThanOrEqual(6);
  });

  test("rec groups add one core type per member; exports add an index", async () => {
    const bytes = await parse(`(component
      (core rec (type (func)) (type (struct)))
      (core type (func (param i32)))
      (type (func))
      (import "f" (func (type 0)))
      (export "g" (func 0))
    )`);
    const spaces = indexSpaces(decodeComponent(bytes));
    expect(spaces["core type"].map((d) => d.kind === "core-type" && d.member)).toEqual([0, 1, 0]);
    expect(spaces.func.map((d) => d.kind)).toEqual(["import", "export"]);
  });
});

test("debugName reads the component-name section", async () => {
  const core = await parse(`(module (func (export "run") (result i32) i32.const 1))`);
  const bytes = await componentNew(
    await componentEmbed({
      binary: core,
      witSource: "package ex:n;\nworld n { export run: func() -> u32; }",
      world: "n",
    }),
  );
  const ast = decodeComponent(bytes);
  const spaces = indexSpaces(ast);
  const lift = spaces.func.findIndex((d) => d.kind === "canon");
  expect(debugName(ast, "func", lift)).toBe("run");
  expect(debugName(ast, "func", 999)).toBeUndefined();
});
