/**
 * Canonical WAVE text of a JS value of a known type (the JS mapping of
 * docs/mapping.md), written as wasm-tools' `wasm-wave` writer does, so output
 * matches `wasmtime run --invoke`: `some(x)` / `ok(x)` always explicit,
 * record fields that are `none` left out (`{:}` if none remain), flags in
 * type order, `%` before case names that are keywords, floats in Rust's
 * shortest round-trip decimal form without exponent (`1e21` prints all its
 * digits), `nan` / `inf` / `-inf`, `-0`. Maps (no WAVE syntax) print as a
 * list of (key, value) tuples.
 */
import { camelCaseScope, type AbiType } from "@witgen/runtime";
import { KEYWORDS } from "./ast.js";
import { typeText } from "./describe.js";
import { decimalToF32 } from "./float32.js";

export class WavePrintError extends Error {
  override readonly name = "WavePrintError";
}

/** Rust's `f64`/`f32` Display: shortest digits that round-trip, written positionally. */
export function formatFloat(v: number, kind: "f32" | "f64"): string {
  if (Number.isNaN(v)) return "nan";
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  if (kind === "f64") return positional(String(v));
  // The shortest decimal that reads back (correctly rounded) as the same f32; 9 digits always do.
  for (let p = 1; ; p++) {
    const s = trimZeros(positional(v.toPrecision(p)));
    if (p >= 9 || decimalToF32(s) === v) return s;
  }
}

/** `1.500` -> `1.5`, `2.0` -> `2` (integers without a point are left alone). */
function trimZeros(s: string): string {
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

/** `1.5e-7` -> `0.00000015`, `1e+21` -> `1000000000000000000000`. */
function positional(s: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign, int, frac = "", expText] = m;
  const digits = int + frac;
  const point = int.length + Number(expText);
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`.replace(/0+$/, "");
  if (point >= digits.length) return sign + digits + "0".repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Escapes as Rust's `char::escape_debug` (approximately: controls, format and separator characters, combining marks). */
const NEEDS_UNICODE_ESCAPE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Zs}\p{Co}\p{Cn}\p{Grapheme_Extend}]/u;
const SIMPLE_ESCAPES: Record<string, string> = {
  "\\": "\\\\",
  '"': '\\"',
  "'": "\\'",
  "\t": "\\t",
  "\r": "\\r",
  "\n": "\\n",
};

export function escapeChar(ch: string): string {
  const simple = SIMPLE_ESCAPES[ch];
  if (simple) return simple;
  if (ch !== " " && NEEDS_UNICODE_ESCAPE.test(ch)) return `\\u{${ch.codePointAt(0)!.toString(16)}}`;
  return ch;
}

export function formatString(s: string): string {
  let out = '"';
  for (const ch of s) out += escapeChar(ch);
  return out + '"';
}

function caseName(name: string): string {
  return KEYWORDS.has(name) ? `%${name}` : name;
}

class Printer {
  fail(t: AbiType, v: unknown, path: string): never {
    const shown =
      typeof v === "bigint"
        ? `${v}n`
        : typeof v === "string"
          ? JSON.stringify(v)
          : v instanceof Object
            ? (v.constructor?.name ?? "object")
            : String(v);
    throw new WavePrintError(`cannot print ${shown} as ${typeText(t)}${path ? ` at ${path}` : ""}`);
  }

  print(v: unknown, t: AbiType, path: string): string {
    switch (t.kind) {
      case "bool":
        if (typeof v !== "boolean") this.fail(t, v, path);
        return v ? "true" : "false";
      case "u8":
      case "u16":
      case "u32":
      case "s8":
      case "s16":
      case "s32":
        if (typeof v !== "number" || !Number.isInteger(v)) this.fail(t, v, path);
        return String(v);
      case "u64":
      case "s64":
        if (typeof v !== "bigint") this.fail(t, v, path);
        return String(v);
      case "f32":
      case "f64":
        if (typeof v !== "number") this.fail(t, v, path);
        return formatFloat(v, t.kind);
      case "char":
        if (typeof v !== "string" || [...v].length !== 1) this.fail(t, v, path);
        return `'${escapeChar(v)}'`;
      case "string":
        if (typeof v !== "string") this.fail(t, v, path);
        return formatString(v);
      case "list": {
        if (!Array.isArray(v) && !ArrayBuffer.isView(v)) this.fail(t, v, path);
        const items = Array.from(v as ArrayLike<unknown>, (x, i) => this.print(x, t.element, `${path}[${i}]`));
        return `[${items.join(", ")}]`;
      }
      case "tuple": {
        if (!Array.isArray(v) || v.length !== t.types.length) this.fail(t, v, path);
        return `(${t.types.map((u, i) => this.print(v[i], u, `${path}[${i}]`)).join(", ")})`;
      }
      case "record": {
        if (typeof v !== "object" || v === null) this.fail(t, v, path);
        const keys = camelCaseScope(t.fields.map((f) => f.name));
        const parts: string[] = [];
        t.fields.forEach((f, i) => {
          const x = (v as Record<string, unknown>)[keys[i]];
          if (f.type.kind === "option" && isNone(x, f.type)) return;
          parts.push(`${f.name}: ${this.print(x, f.type, `${path}.${f.name}`)}`);
        });
        return parts.length ? `{${parts.join(", ")}}` : "{:}";
      }
      case "flags": {
        if (typeof v !== "object" || v === null) this.fail(t, v, path);
        const keys = camelCaseScope(t.flags);
        return `{${t.flags.filter((_, i) => (v as Record<string, unknown>)[keys[i]] === true).join(", ")}}`;
      }
      case "enum":
        if (typeof v !== "string" || !t.cases.includes(v)) this.fail(t, v, path);
        return caseName(v);
      case "variant": {
        const tag = (v as { tag?: unknown } | null)?.tag;
        const c = t.cases.find((x) => x.name === tag);
        if (!c) this.fail(t, v, path);
        return c.type
          ? `${caseName(c.name)}(${this.print((v as { val: unknown }).val, c.type, `${path}.${c.name}`)})`
          : caseName(c.name);
      }
      case "option": {
        if (isNone(v, t)) return "none";
        const payload = t.some.kind === "option" ? (v as { val: unknown }).val : v;
        return `some(${this.print(payload, t.some, `${path}.some`)})`;
      }
      case "result": {
        const r = v as { tag?: unknown; val?: unknown } | null;
        if (r?.tag !== "ok" && r?.tag !== "err") this.fail(t, v, path);
        const type = r.tag === "ok" ? t.ok : t.err;
        return type ? `${r.tag}(${this.print(r.val, type, `${path}.${r.tag}`)})` : r.tag;
      }
      case "map": {
        if (!(v instanceof Map)) this.fail(t, v, path);
        const entries = [...v].map(
          ([k, x], i) =>
            `(${this.print(k, t.key, `${path}[${i}].key`)}, ${this.print(x, t.value, `${path}[${i}].value`)})`,
        );
        return `[${entries.join(", ")}]`;
      }
      default:
        throw new WavePrintError(`${typeText(t)} values cannot be written in WAVE${path ? ` (at ${path})` : ""}`);
    }
  }
}

function isNone(v: unknown, t: Extract<AbiType, { kind: "option" }>): boolean {
  if (t.some.kind === "option") {
    const tag = (v as { tag?: unknown } | null | undefined)?.tag;
    if (v === undefined || v === null || tag === "none") return true;
    if (tag === "some") return false;
    throw new WavePrintError(`cannot print ${String(v)} as ${typeText(t)}: expected { tag: "some" | "none" }`);
  }
  return v === undefined || v === null;
}

/** The canonical WAVE text of `v`, a JS value of type `t`. */
export function printWave(v: unknown, t: AbiType): string {
  return new Printer().print(v, t, "");
}
