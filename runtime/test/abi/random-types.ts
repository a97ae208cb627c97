/** Seeded random WIT types (as WIT text and as AbiType) and random values of them, for differential tests. */
import type { AbiType } from "@witgen/runtime";

export interface RandomTypeOptions {
  fixedLists?: boolean;
  maps?: boolean;
}

export interface Gen {
  types: string[]; // WIT type declarations
  n: number;
}

export function rng(seed: number) {
  let s = seed >>> 0;
  return (k: number) => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s % k;
  };
}

const PRIMS = [
  "bool",
  "u8",
  "s8",
  "u16",
  "s16",
  "u32",
  "s32",
  "u64",
  "s64",
  "f32",
  "f64",
  "char",
  "string",
] as const;

/** A random type as [WIT text, AbiType]; named types are declared into `g`. */
export function randomType(
  r: (k: number) => number,
  g: Gen,
  depth: number,
  opts: RandomTypeOptions = { fixedLists: true, maps: true },
): [string, AbiType] {
  const pick = depth >= 3 ? 0 : r(12);
  const sub = () => randomType(r, g, depth + 1, opts);
  switch (pick) {
    case 1: {
      const [w, t] = sub();
      return [`list<${w}>`, { kind: "list", element: t }];
    }
    case 2: {
      if (!opts.fixedLists) return sub();
      const [w, t] = sub();
      const len = 1 + r(3);
      return [`list<${w}, ${len}>`, { kind: "list", element: t, length: len }];
    }
    case 3: {
      const items = Array.from({ length: 1 + r(3) }, sub);
      return [
        `tuple<${items.map((i) => i[0]).join(", ")}>`,
        { kind: "tuple", types: items.map((i) => i[1]) },
      ];
    }
    case 4: {
      const [w, t] = sub();
      return [`option<${w}>`, { kind: "option", some: t }];
    }
    case 5: {
      const ok = r(3) ? sub() : undefined;
      const err = r(3) ? sub() : undefined;
      const w =
        ok || err
          ? `result<${ok ? ok[0] : "_"}${err ? `, ${err[0]}` : ""}>`
          : "result";
      return [w, { kind: "result", ok: ok?.[1], err: err?.[1] }];
    }
    case 6: {
      const name = `rec${g.n++}`;
      const fields = Array.from(
        { length: 1 + r(3) },
        (_, i) => [`f${i}`, sub()] as const,
      );
      g.types.push(
        `record ${name} { ${fields.map(([f, [w]]) => `${f}: ${w}`).join(", ")} }`,
      );
      return [
        name,
        {
          kind: "record",
          fields: fields.map(([f, [, t]]) => ({ name: f, type: t })),
        },
      ];
    }
    case 7:
    case 8: {
      const name = `var${g.n++}`;
      const cases = Array.from(
        { length: 1 + r(4) },
        (_, i) => [`c${i}`, r(4) ? sub() : undefined] as const,
      );
      g.types.push(
        `variant ${name} { ${cases.map(([c, p]) => (p ? `${c}(${p[0]})` : c)).join(", ")} }`,
      );
      return [
        name,
        {
          kind: "variant",
          cases: cases.map(([c, p]) =>
            p ? { name: c, type: p[1] } : { name: c },
          ),
        },
      ];
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
      if (!opts.maps) return sub();
      const [w, t] = sub();
      return [
        `map<string, ${w}>`,
        { kind: "map", key: { kind: "string" }, value: t },
      ];
    }
    default: {
      const p = PRIMS[r(PRIMS.length)];
      return [p, { kind: p }];
    }
  }
}

const CHARS = ["a", "Z", "é", "€", "😀", "\u0000", "\u00ff", "日"];

/** A random JS value of `t` in witgen's mapping. */
export function randomValue(r: (k: number) => number, t: AbiType): unknown {
  switch (t.kind) {
    case "bool":
      return r(2) === 1;
    case "u8":
      return r(256);
    case "s8":
      return r(256) - 128;
    case "u16":
      return r(65536);
    case "s16":
      return r(65536) - 32768;
    case "u32":
      return (r(65536) * 65536 + r(65536)) >>> 0;
    case "s32":
      return (r(65536) * 65536 + r(65536)) | 0;
    case "u64":
      return (BigInt(r(2 ** 30)) << 34n) | BigInt(r(2 ** 30));
    case "s64":
      return BigInt.asIntN(
        64,
        (BigInt(r(2 ** 30)) << 34n) | BigInt(r(2 ** 30)),
      );
    case "f32":
      return Math.fround((r(2000) - 1000) / 8);
    case "f64":
      return (r(2 ** 30) - 2 ** 29) / 1024;
    case "char":
      return CHARS[r(CHARS.length)];
    case "string":
      return Array.from({ length: r(6) }, () => CHARS[r(CHARS.length)]).join(
        "",
      );
    case "list": {
      const n = t.length ?? r(4);
      const items = Array.from({ length: n }, () => randomValue(r, t.element));
      const typed: Record<string, new (a: never[]) => unknown> = {
        u8: Uint8Array,
        s8: Int8Array,
        u16: Uint16Array,
        s16: Int16Array,
        u32: Uint32Array,
        s32: Int32Array,
        u64: BigUint64Array,
        s64: BigInt64Array,
        f32: Float32Array,
        f64: Float64Array,
      } as never;
      const TA = typed[t.element.kind];
      return TA ? new TA(items as never[]) : items;
    }
    case "record":
      return Object.fromEntries(
        t.fields.map((f) => [
          f.name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()),
          randomValue(r, f.type),
        ]),
      );
    case "tuple":
      return t.types.map((u) => randomValue(r, u));
    case "variant": {
      const c = t.cases[r(t.cases.length)];
      return c.type
        ? { tag: c.name, val: randomValue(r, c.type) }
        : { tag: c.name };
    }
    case "enum":
      return t.cases[r(t.cases.length)];
    case "option": {
      if (r(3) === 0)
        return t.some.kind === "option" ? { tag: "none" } : undefined;
      const v = randomValue(r, t.some);
      return t.some.kind === "option" ? { tag: "some", val: v } : v;
    }
    case "result": {
      const ok = r(2) === 0;
      const u = ok ? t.ok : t.err;
      return { tag: ok ? "ok" : "err", val: u ? randomValue(r, u) : undefined };
    }
    case "flags":
      return Object.fromEntries(t.flags.map((f) => [f, r(2) === 1]));
    case "map": {
      const m = new Map<unknown, unknown>();
      for (let i = r(3); i > 0; i--)
        m.set(randomValue(r, t.key), randomValue(r, t.value));
      return m;
    }
    default:
      throw new Error(`no random values for ${t.kind}`);
  }
}
