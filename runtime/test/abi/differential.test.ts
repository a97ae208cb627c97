/**
 * Differential check of flattening against wasm-tools (wit-parser / wit-component,
 * via jco): a dummy core module for a world has, for every imported function,
 * the `flatten_functype(..., 'lower')` signature and, for every exported one, the
 * `'lift'` signature. Types are generated from a seeded PRNG.
 */
import { describe, expect, it } from "vitest";
import { flattenFuncType, type AbiType, type CoreType } from "@witgen/runtime";

interface Gen {
  types: string[]; // WIT type declarations
  n: number;
}

function rng(seed: number) {
  let s = seed >>> 0;
  return (k: number) => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s % k;
  };
}

const PRIMS = ["bool", "u8", "s8", "u16", "s16", "u32", "s32", "u64", "s64", "f32", "f64", "char", "string"] as const;

/** A random type as [WIT text, AbiType]; named types are declared into `g`. */
function randomType(r: (k: number) => number, g: Gen, depth: number): [string, AbiType] {
  const pick = depth >= 3 ? 0 : r(12);
  const sub = () => randomType(r, g, depth + 1);
  switch (pick) {
    case 1: {
      const [w, t] = sub();
      return [`list<${w}>`, { kind: "list", element: t }];
    }
    case 2: {
      const [w, t] = sub();
      const len = 1 + r(3);
      return [`list<${w}, ${len}>`, { kind: "list", element: t, length: len }];
    }
    case 3: {
      const items = Array.from({ length: 1 + r(3) }, sub);
      return [`tuple<${items.map((i) => i[0]).join(", ")}>`, { kind: "tuple", types: items.map((i) => i[1]) }];
    }
    case 4: {
      const [w, t] = sub();
      return [`option<${w}>`, { kind: "option", some: t }];
    }
    case 5: {
      const ok = r(3) ? sub() : undefined;
      const err = r(3) ? sub() : undefined;
      const w = ok || err ? `result<${ok ? ok[0] : "_"}${err ? `, ${err[0]}` : ""}>` : "result";
      return [w, { kind: "result", ok: ok?.[1], err: err?.[1] }];
    }
    case 6: {
      const name = `rec${g.n++}`;
      const fields = Array.from({ length: 1 + r(3) }, (_, i) => [`f${i}`, sub()] as const);
      g.types.push(`record ${name} { ${fields.map(([f, [w]]) => `${f}: ${w}`).join(", ")} }`);
      return [name, { kind: "record", fields: fields.map(([f, [, t]]) => ({ name: f, type: t })) }];
    }
    case 7:
    case 8: {
      const name = `var${g.n++}`;
      const cases = Array.from({ length: 1 + r(4) }, (_, i) => [`c${i}`, r(4) ? sub() : undefined] as const);
      g.types.push(`variant ${name} { ${cases.map(([c, p]) => (p ? `${c}(${p[0]})` : c)).join(", ")} }`);
      return [name, { kind: "variant", cases: cases.map(([c, p]) => (p ? { name: c, type: p[1] } : { name: c })) }];
    }
    case 9: {
      const name = `en${g.n++}`;
      const cases = Array.from({ length: 1 + r(5) }, (_, i) => `e${i}`);
      g.types.push(`enum ${name} { ${cases.join(", ")} }`);
      return [name, { kind: "enum", cases }];
    }
    case 10: {
      const name = `fl${g.n++}`;
      const flags = Array.from({ length: 1 + r(20) }, (_, i) => `b${i}`);
      g.types.push(`flags ${name} { ${flags.join(", ")} }`);
      return [name, { kind: "flags", flags }];
    }
    case 11: {
      const [w, t] = sub();
      return [`map<string, ${w}>`, { kind: "map", key: { kind: "string" }, value: t }];
    }
    default: {
      const p = PRIMS[r(PRIMS.length)];
      return [p, { kind: p }];
    }
  }
}

function parseCoreTypes(wat: string): Map<string, { params: CoreType[]; results: CoreType[] }> {
  const types = new Map<string, { params: CoreType[]; results: CoreType[] }>();
  for (const m of wat.matchAll(/\(type \(;(\d+);\) \(func(.*)\)\)\n/g)) {
    const params = [...m[2].matchAll(/\(param ([^)]*)\)/g)].flatMap((p) => p[1].trim().split(/\s+/)) as CoreType[];
    const results = [...m[2].matchAll(/\(result ([^)]*)\)/g)].flatMap((p) => p[1].trim().split(/\s+/)) as CoreType[];
    types.set(m[1], { params, results });
  }
  const byName = new Map<string, { params: CoreType[]; results: CoreType[] }>();
  for (const m of wat.matchAll(/\(import "[^"]*" "([^"]*)" \(func \(;(\d+);\) \(type (\d+)\)\)\)/g)) byName.set(`import ${m[1]}`, types.get(m[3])!);
  const funcTypes = new Map<string, string>();
  for (const m of wat.matchAll(/\(func \(;(\d+);\) \(type (\d+)\)/g)) funcTypes.set(m[1], m[2]);
  for (const m of wat.matchAll(/\(export "cm32p2\|\|([^"]*)" \(func (\d+)\)\)/g)) byName.set(`export ${m[1]}`, types.get(funcTypes.get(m[2])!)!);
  return byName;
}

describe("flattening matches wasm-tools (wit-component dummy module)", () => {
  for (const seed of [1, 2, 3]) {
    it(`random signatures, seed ${seed}`, async () => {
      const r = rng(seed);
      const g: Gen = { types: [], n: 0 };
      const funcs: { name: string; params: AbiType[]; result?: AbiType; wit: string }[] = [];
      for (let i = 0; i < 40; i++) {
        const nparams = i % 10 === 9 ? 9 : r(4);
        const params = Array.from({ length: nparams }, () => randomType(r, g, 0));
        const result = r(4) ? randomType(r, g, 0) : undefined;
        const wit = `func(${params.map(([w], j) => `p${j}: ${w}`).join(", ")})${result ? ` -> ${result[0]}` : ""}`;
        funcs.push({ name: `fn${i}`, params: params.map((p) => p[1]), result: result?.[1], wit });
      }
      const witSource = `package diff:t${seed};\nworld w {\n${g.types.map((t) => `  ${t}\n`).join("")}${funcs
        .map((f) => `  import ${f.name}: ${f.wit};\n  export x${f.name}: ${f.wit};\n`)
        .join("")}}\n`;
      const { componentEmbed, print } = await import("@bytecodealliance/jco");
      const wat = await print(await componentEmbed({ dummy: true, witSource, world: "w", features: { tag: "all" } }));
      const actual = parseCoreTypes(wat);
      for (const f of funcs) {
        const lower = flattenFuncType(f.params, f.result, { async: false }, "lower");
        const lift = flattenFuncType(f.params, f.result, { async: false }, "lift");
        expect([f.wit, "lower", actual.get(`import ${f.name}`)]).toEqual([f.wit, "lower", lower]);
        expect([f.wit, "lift", actual.get(`export x${f.name}`)]).toEqual([f.wit, "lift", lift]);
      }
    });
  }
});
