/**
 * Differential check of memory layouts against jco: random values are stored
 * with our `store` into a scratch memory, that memory becomes the data segment
 * of a core module whose exports return pointers to them, and jco's
 * transpiled glue lifts them. Both sides must agree on every value.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { layoutOf, type AbiType } from "@witgen/runtime";
import { buildCoreComponent } from "../../../test/support/build-component.js";
import { bumpMemory, codecOf, makeCx } from "./helpers.js";
import { randomType, randomValue, rng, type Gen } from "./random-types.js";

const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../..",
);

function watBytes(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += "\\" + b.toString(16).padStart(2, "0");
  return s;
}

describe("memory layouts match jco's lifting", () => {
  for (const seed of [11, 12]) {
    it(`random types and values, seed ${seed}`, async () => {
      const r = rng(seed);
      const g: Gen = { types: [], n: 0 };
      const mem = bumpMemory({ start: 64 });
      const { cx } = makeCx({ mem });
      const items: {
        wit: string;
        type: AbiType;
        value: unknown;
        ptr: number;
      }[] = [];
      for (let i = 0; i < 30; i++) {
        const [w, t] = randomType(r, g, 0, { fixedLists: false, maps: false });
        // tuple<T, u8> always has more than one flat value, so the export returns a pointer.
        const tuple: AbiType = { kind: "tuple", types: [t, { kind: "u8" }] };
        const value = [randomValue(r, t), 7];
        const ptr = cx.allocate(layoutOf(tuple).align, layoutOf(tuple).size);
        codecOf(tuple).store(cx, value, ptr);
        items.push({ wit: `tuple<${w}, u8>`, type: tuple, value, ptr });
      }
      const used = Math.max(...mem.calls.map((c) => c.ret + c.newSize));
      const pages = Math.ceil(used / 65536) + 1;
      const coreWat = `(module
        (memory (export "memory") ${pages})
        (data (i32.const 0) "${watBytes(new Uint8Array(mem.memory.buffer, 0, used))}")
        (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) unreachable)
        ${items.map((it, i) => `(func (export "get${i}") (result i32) (i32.const ${it.ptr}))`).join("\n        ")}
      )`;
      const witSource = `package diff:jco${seed};\nworld w {\n${g.types.map((t) => `  ${t}\n`).join("")}${items
        .map((it, i) => `  export get${i}: func() -> ${it.wit};\n`)
        .join("")}}\n`;
      const component = await buildCoreComponent({
        coreWat,
        witSource,
        world: "w",
      });
      const { transpile } = await import("@bytecodealliance/jco");
      const out = await transpile(component, {
        name: "diff",
        noTypescript: true,
      } as never);
      const key = createHash("sha256")
        .update(component)
        .digest("hex")
        .slice(0, 16);
      const dir = path.join(repoRoot, ".cache", "jco-diff", key);
      for (const [file, bytes] of Object.entries(
        out.files as Record<string, Uint8Array>,
      )) {
        await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
        await writeFile(path.join(dir, file), bytes);
      }
      const jco = await import(
        /* @vite-ignore */ pathToFileURL(path.join(dir, "diff.js")).href
      );
      items.forEach((it, i) => {
        const lifted = jco[`get${i}`]();
        expect([it.wit, normalize(lifted)]).toEqual([
          it.wit,
          normalize(it.value),
        ]);
        // our own load of the same bytes agrees too
        expect(codecOf(it.type).load(cx, it.ptr)).toEqual(it.value);
      });
    });
  }
});

/** jco and witgen differ only in container classes we do not compare here: typed arrays vs arrays. */
function normalize(v: unknown): unknown {
  if (ArrayBuffer.isView(v))
    return Array.from(v as unknown as ArrayLike<unknown>);
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k, normalize(x)]),
    );
  return v;
}
