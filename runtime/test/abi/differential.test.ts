/**
 * Differential check of flattening against wasm-tools (wit-parser / wit-component,
 * via jco): a dummy core module for a world has, for every imported function,
 * the `flatten_functype(..., 'lower')` signature and, for every exported one, the
 * `'lift'` signature. Types are generated from a seeded PRNG.
 */
import { describe, expect, it } from "vitest";
import { flattenFuncType, type AbiType, type CoreType } from "@witgen/runtime";
import { randomType, rng, type Gen } from "./random-types.js";

function parseCoreTypes(
  wat: string,
): Map<string, { params: CoreType[]; results: CoreType[] }> {
  const types = new Map<string, { params: CoreType[]; results: CoreType[] }>();
  for (const m of wat.matchAll(/\(type \(;(\d+);\) \(func(.*)\)\)\n/g)) {
    const params = [...m[2].matchAll(/\(param ([^)]*)\)/g)].flatMap((p) =>
      p[1].trim().split(/\s+/),
    ) as CoreType[];
    const results = [...m[2].matchAll(/\(result ([^)]*)\)/g)].flatMap((p) =>
      p[1].trim().split(/\s+/),
    ) as CoreType[];
    types.set(m[1], { params, results });
  }
  const byName = new Map<string, { params: CoreType[]; results: CoreType[] }>();
  for (const m of wat.matchAll(
    /\(import "[^"]*" "([^"]*)" \(func \(;(\d+);\) \(type (\d+)\)\)\)/g,
  ))
    byName.set(`import ${m[1]}`, types.get(m[3])!);
  const funcTypes = new Map<string, string>();
  for (const m of wat.matchAll(/\(func \(;(\d+);\) \(type (\d+)\)/g))
    funcTypes.set(m[1], m[2]);
  for (const m of wat.matchAll(
    /\(export "cm32p2\|\|([^"]*)" \(func (\d+)\)\)/g,
  ))
    byName.set(`export ${m[1]}`, types.get(funcTypes.get(m[2])!)!);
  return byName;
}

describe("flattening matches wasm-tools (wit-component dummy module)", () => {
  for (const seed of [1, 2, 3]) {
    it(`random signatures, seed ${seed}`, async () => {
      const r = rng(seed);
      const g: Gen = { types: [], n: 0 };
      const funcs: {
        name: string;
        params: AbiType[];
        result?: AbiType;
        wit: string;
      }[] = [];
      for (let i = 0; i < 40; i++) {
        const nparams = i % 10 === 9 ? 9 : r(4);
        const params = Array.from({ length: nparams }, () =>
          randomType(r, g, 0),
        );
        const result = r(4) ? randomType(r, g, 0) : undefined;
        const wit = `func(${params.map(([w], j) => `p${j}: ${w}`).join(", ")})${result ? ` -> ${result[0]}` : ""}`;
        funcs.push({
          name: `fn${i}`,
          params: params.map((p) => p[1]),
          result: result?.[1],
          wit,
        });
      }
      const witSource = `package diff:t${seed};\nworld w {\n${g.types.map((t) => `  ${t}\n`).join("")}${funcs
        .map(
          (f) =>
            `  import ${f.name}: ${f.wit};\n  export x${f.name}: ${f.wit};\n`,
        )
        .join("")}}\n`;
      const { componentEmbed, print } = await import("@bytecodealliance/jco");
      const wat = await print(
        await componentEmbed({
          dummy: true,
          witSource,
          world: "w",
          features: { tag: "all" },
        }),
      );
      const actual = parseCoreTypes(wat);
      for (const f of funcs) {
        const lower = flattenFuncType(
          f.params,
          f.result,
          { async: false },
          "lower",
        );
        const lift = flattenFuncType(
          f.params,
          f.result,
          { async: false },
          "lift",
        );
        expect([f.wit, "lower", actual.get(`import ${f.name}`)]).toEqual([
          f.wit,
          "lower",
          lower,
        ]);
        expect([f.wit, "lift", actual.get(`export x${f.name}`)]).toEqual([
          f.wit,
          "lift",
          lift,
        ]);
      }
    });
  }
});
