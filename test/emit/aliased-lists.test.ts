// Typed arrays through `type a = u8` aliases: the declarations must name what the runtime produces.
import { describe, expect, test } from "vitest";
import { emitWorld } from "../../src/emit/index.js";
import { loadWitSource, selectWorld } from "../../src/wit/index.js";
import { declarations } from "./declarations.js";

const WIT = `
package ex:alias@1.0.0;

interface bytes {
  type byte = u8;
  type small = byte;
  type sample = f32;
  record rec { x: u8 }
  type rec-alias = rec;

  pack: func(a: list<byte>, b: list<small>) -> list<sample>;
  fixed: func(a: list<byte, 4>) -> list<rec-alias, 2>;
  pipe: async func(s: stream<byte>) -> stream<sample>;
}

world app {
  export bytes;
}
`;

describe("aliased numeric list elements", () => {
  test("list<a>, fixed lists and stream batches follow aliases to typed arrays", async () => {
    const doc = selectWorld(loadWitSource(WIT, "alias.wit"), "app");
    const files = declarations(await emitWorld(doc, { mode: "host", results: "throw" }));
    const g = files.find((f) => f.path === "interfaces/ex-alias-bytes.ts")!.contents;
    expect(g).toContain("pack(a: Uint8Array, b: Uint8Array): Float32Array;");
    // A record behind an alias stays an element type (tuple for a short fixed list).
    expect(g).toContain("fixed(a: Uint8Array): [RecAlias, RecAlias];");
    expect(g).toMatch(/pipe\(\s*s: StreamSource<Byte, Uint8Array>,\s*options\?: CallOptions,?\s*\): Promise<StreamReader<Sample, Float32Array>>;/);
  });
});
