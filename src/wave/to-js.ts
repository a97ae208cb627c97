/**
 * Typed reading of WAVE: an untyped {@link WaveNode} plus its component type
 * -> the JS value the runtime lowers (docs/mapping.md "Types"; the summary in
 * `@witgen/runtime`'s `abi/plan.ts`). WAVE rules (wasm-wave README):
 * - an `option<T>` may be written as its payload alone when `T` is not an
 *   option or result; a `result<T, E>` likewise as its `ok` payload;
 * - record fields of option type may be left out (they are `none`); a record
 *   with no fields written is `{:}`;
 * - variant and enum cases named like a keyword are written with `%`.
 * Maps have no WAVE syntax; witgen writes `map<K, V>` as its Canonical ABI
 * form, a list of (key, value) tuples (CanonicalABI.md "Despecialization").
 */
import { camelCaseScope, TYPED_ARRAY_OF, type AbiType } from "@witgen/runtime";
import { KEYWORDS, type LabelNode, type WaveNode } from "./ast.js";
import { expectedText, intRange, typeText } from "./describe.js";
import { excerpt, WaveError } from "./errors.js";
import { decimalToF32 } from "./float32.js";

export interface WaveContext {
  /** The whole source text (for positions and excerpts). */
  text: string;
  /** Name of the source in messages, e.g. `--invoke`. */
  source: string;
  /** What the value is, e.g. `parameter "name" of greet`. */
  what: string;
}

const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;

/** Types WAVE cannot write (handles and async values), or undefined. */
export function unrepresentable(t: AbiType, seen = new Set<AbiType>()): AbiType | undefined {
  if (seen.has(t)) return undefined;
  seen.add(t);
  switch (t.kind) {
    case "own":
    case "borrow":
    case "stream":
    case "future":
    case "error-context":
      return t;
    case "list":
      return unrepresentable(t.element, seen);
    case "option":
      return unrepresentable(t.some, seen);
    case "result":
      return (t.ok && unrepresentable(t.ok, seen)) || (t.err && unrepresentable(t.err, seen));
    case "tuple":
      return t.types.map((u) => unrepresentable(u, seen)).find((u) => u);
    case "record":
      return t.fields.map((f) => unrepresentable(f.type, seen)).find((u) => u);
    case "variant":
      return t.cases.map((c) => c.type && unrepresentable(c.type, seen)).find((u) => u);
    case "map":
      return unrepresentable(t.key, seen) ?? unrepresentable(t.value, seen);
    default:
      return undefined;
  }
}

/** Why a type cannot be written, for messages. */
export function unrepresentableReason(t: AbiType): string {
  switch (t.kind) {
    case "own":
    case "borrow":
      return `${t.kind}<${t.name}> is a resource handle, which WAVE cannot write`;
    case "error-context":
      return "error-context values cannot be written in WAVE";
    default:
      return `${typeText(t)} values cannot be written in WAVE`;
  }
}

class Reader {
  constructor(private readonly cx: WaveContext) {}

  private at(path: string): string {
    return path ? `${this.cx.what} at ${path}` : this.cx.what;
  }

  error(reason: string, node: { span: WaveNode["span"] }): WaveError {
    return new WaveError(reason, this.cx.source, this.cx.text, node.span);
  }

  mismatch(t: AbiType, node: WaveNode, path: string, hint = ""): WaveError {
    return this.error(
      `expected ${expectedText(t)} for ${this.at(path)}, found ${excerpt(this.cx.text, node.span)}${hint}`,
      node,
    );
  }

  read(node: WaveNode, t: AbiType, path: string): unknown {
    switch (t.kind) {
      case "bool":
        if (node.kind !== "bool") throw this.mismatch(t, node, path, " (write true or false)");
        return node.value;
      case "u8":
      case "u16":
      case "u32":
      case "u64":
      case "s8":
      case "s16":
      case "s32":
      case "s64":
        return this.integer(node, t, path);
      case "f32":
      case "f64":
        return this.float(node, t, path);
      case "char":
        if (node.kind !== "char") {
          const hint =
            node.kind === "string" && [...node.value].length === 1
              ? ` (a char is written in single quotes: '${node.value}')`
              : "";
          throw this.mismatch(t, node, path, hint);
        }
        return node.value;
      case "string":
        if (node.kind !== "string")
          throw this.mismatch(
            t,
            node,
            path,
            node.kind === "char" ? ' (a string is written in double quotes: "...")' : "",
          );
        return node.value;
      case "list":
        return this.list(node, t, path);
      case "tuple": {
        if (node.kind !== "tuple") throw this.mismatch(t, node, path);
        if (node.items.length !== t.types.length) {
          throw this.error(
            `expected ${t.types.length} values in ${typeText(t)} for ${this.at(path)}, found ${node.items.length}`,
            node,
          );
        }
        return node.items.map((n, i) => this.read(n, t.types[i], `${path}[${i}]`));
      }
      case "record":
        return this.record(node, t, path);
      case "flags":
        return this.flags(node, t, path);
      case "enum":
        return this.enumCase(node, t, path);
      case "variant":
        return this.variant(node, t, path);
      case "option":
        return this.option(node, t, path);
      case "result":
        return this.result(node, t, path);
      case "map":
        return this.map(node, t, path);
      default:
        throw this.error(`${unrepresentableReason(t)} (${this.at(path)})`, node);
    }
  }

  private integer(node: WaveNode, t: AbiType, path: string): number | bigint {
    if (node.kind !== "number" || !INTEGER.test(node.text)) throw this.mismatch(t, node, path);
    const [min, max] = intRange(t.kind)!;
    const v = BigInt(node.text);
    // As in Rust's parse of an unsigned integer, a sign is refused even on 0.
    if (v < min || v > max || (min === 0n && node.text.startsWith("-"))) throw this.mismatch(t, node, path);
    return t.kind === "u64" || t.kind === "s64" ? v : Number(v);
  }

  private float(node: WaveNode, t: AbiType, path: string): number {
    if (node.kind !== "number") throw this.mismatch(t, node, path);
    if (node.text === "nan") return NaN;
    if (node.text === "inf") return Infinity;
    if (node.text === "-inf") return -Infinity;
    return t.kind === "f32" ? decimalToF32(node.text) : Number(node.text);
  }

  private list(node: WaveNode, t: Extract<AbiType, { kind: "list" }>, path: string): unknown {
    if (node.kind !== "list") throw this.mismatch(t, node, path);
    if (t.length !== undefined && node.items.length !== t.length) {
      throw this.error(
        `expected exactly ${t.length} elements in ${typeText(t)} for ${this.at(path)}, found ${node.items.length}`,
        node,
      );
    }
    const values = node.items.map((n, i) => this.read(n, t.element, `${path}[${i}]`));
    const typed = TYPED_ARRAY_OF[t.element.kind];
    if (typed) return new (globalThis[typed] as unknown as new (v: unknown[]) => unknown)(values);
    return values;
  }

  private record(node: WaveNode, t: Extract<AbiType, { kind: "record" }>, path: string): Record<string, unknown> {
    if (node.kind !== "record") {
      const allOptional = t.fields.every((f) => f.type.kind === "option");
      const hint =
        node.kind === "flags" && node.flags.length === 0 && allOptional
          ? " (a record with no fields written is {:})"
          : "";
      throw this.mismatch(t, node, path, hint);
    }
    const given = new Map(node.fields.map((f) => [f.label.name, f]));
    for (const f of node.fields) {
      if (!t.fields.some((tf) => tf.name === f.label.name)) {
        throw this.error(
          `${typeText(t)} has no field ${f.label.name} (fields: ${t.fields.map((x) => x.name).join(", ")}) in ${this.at(path)}`,
          f.label,
        );
      }
    }
    const keys = camelCaseScope(t.fields.map((f) => f.name));
    const out: Record<string, unknown> = {};
    t.fields.forEach((f, i) => {
      const g = given.get(f.name);
      if (g) out[keys[i]] = this.read(g.value, f.type, `${path}.${f.name}`);
      else if (f.type.kind === "option") out[keys[i]] = noneOf(f.type);
      else throw this.error(`missing field ${f.name} of ${typeText(t)} in ${this.at(path)}`, node);
    });
    return out;
  }

  private flags(node: WaveNode, t: Extract<AbiType, { kind: "flags" }>, path: string): Record<string, boolean> {
    if (node.kind !== "flags") throw this.mismatch(t, node, path);
    const keys = camelCaseScope(t.flags);
    const out: Record<string, boolean> = Object.fromEntries(keys.map((k) => [k, false]));
    for (const f of node.flags) {
      const i = t.flags.indexOf(f.name);
      if (i < 0) throw this.error(`${expectedText(t)} has no flag ${f.name} (${this.at(path)})`, f);
      out[keys[i]] = true;
    }
    return out;
  }

  /** A case label, with the keyword rule: a case named like a keyword must be written `%name`. */
  private caseLabel(node: WaveNode): LabelNode | undefined {
    if (node.kind === "label") return node;
    if (node.kind === "case") return node.label;
    return undefined;
  }

  private keywordHint(node: WaveNode, names: string[]): string {
    const word = this.cx.text.slice(node.span.start, node.span.end).replace(/\(.*$/s, "");
    return KEYWORDS.has(word) && names.includes(word) ? ` (a case named like a WAVE keyword is written %${word})` : "";
  }

  private enumCase(node: WaveNode, t: Extract<AbiType, { kind: "enum" }>, path: string): string {
    const label = node.kind === "label" ? node : undefined;
    if (!label) throw this.mismatch(t, node, path, this.keywordHint(node, t.cases));
    if (!t.cases.includes(label.name)) throw this.mismatch(t, node, path);
    return label.name;
  }

  private variant(node: WaveNode, t: Extract<AbiType, { kind: "variant" }>, path: string): unknown {
    const label = this.caseLabel(node);
    if (!label)
      throw this.mismatch(
        t,
        node,
        path,
        this.keywordHint(
          node,
          t.cases.map((c) => c.name),
        ),
      );
    const c = t.cases.find((x) => x.name === label.name);
    if (!c) throw this.mismatch(t, node, path);
    return { tag: c.name, ...this.payload(node, c.name, c.type, path) };
  }

  /** `{ val }` for a case with payload; checks payload presence against the type. */
  private payload(node: WaveNode, name: string, type: AbiType | undefined, path: string): { val?: unknown } {
    const given =
      node.kind === "case" || node.kind === "some"
        ? node.payload
        : node.kind === "ok" || node.kind === "err"
          ? node.payload
          : undefined;
    if (type && !given)
      throw this.error(`case ${name} of ${this.at(path)} needs a payload: ${name}(${typeText(type)})`, node);
    if (!type && given) throw this.error(`case ${name} of ${this.at(path)} has no payload: write ${name} alone`, given);
    return type ? { val: this.read(given!, type, `${path}.${name}`) } : {};
  }

  private option(node: WaveNode, t: Extract<AbiType, { kind: "option" }>, path: string): unknown {
    // CanonicalABI/JS mapping: option<option<U>> is the tagged Option; other options are T | undefined.
    const tagged = t.some.kind === "option";
    if (node.kind === "none") return noneOf(t);
    if (node.kind === "some") {
      const v = this.read(node.payload, t.some, `${path}.some`);
      return tagged ? { tag: "some", val: v } : v;
    }
    if (flattenable(t.some)) {
      // The payload's own error (e.g. a range) says more than "expected an option".
      const v = this.read(node, t.some, path);
      return tagged ? { tag: "some", val: v } : v;
    }
    throw this.mismatch(t, node, path);
  }

  private result(node: WaveNode, t: Extract<AbiType, { kind: "result" }>, path: string): unknown {
    if (node.kind === "ok" || node.kind === "err") {
      return { tag: node.kind, val: this.payload(node, node.kind, node.kind === "ok" ? t.ok : t.err, path).val };
    }
    if (t.ok && flattenable(t.ok)) {
      return { tag: "ok", val: this.read(node, t.ok, path) };
    }
    throw this.mismatch(t, node, path);
  }

  private map(node: WaveNode, t: Extract<AbiType, { kind: "map" }>, path: string): Map<unknown, unknown> {
    if (node.kind !== "list") throw this.mismatch(t, node, path);
    const out = new Map<unknown, unknown>();
    node.items.forEach((item, i) => {
      if (item.kind !== "tuple" || item.items.length !== 2) {
        throw this.error(
          `expected a (key, value) tuple as entry ${i} of ${typeText(t)} for ${this.at(path)}, found ${excerpt(this.cx.text, item.span)}`,
          item,
        );
      }
      const k = this.read(item.items[0], t.key, `${path}[${i}].key`);
      if (out.has(k))
        throw this.error(
          `duplicate key ${excerpt(this.cx.text, item.items[0].span)} in ${typeText(t)} for ${this.at(path)}`,
          item.items[0],
        );
      out.set(k, this.read(item.items[1], t.value, `${path}[${i}].value`));
    });
    return out;
  }
}

/** An option's `none` in the JS mapping. */
function noneOf(t: Extract<AbiType, { kind: "option" }>): unknown {
  return t.some.kind === "option" ? { tag: "none" } : undefined;
}

/** WAVE lets an option's `some` / a result's `ok` be written as the bare payload unless that is itself an option or result. */
export function flattenable(t: AbiType): boolean {
  return t.kind !== "option" && t.kind !== "result";
}

/** A typed WAVE node -> its JS value; errors name `cx.what` and the path inside it. */
export function waveNodeToJs(node: WaveNode, t: AbiType, cx: WaveContext): unknown {
  return new Reader(cx).read(node, t, "");
}
