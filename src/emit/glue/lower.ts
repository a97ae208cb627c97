/**
 * Lowering code: a JS value (host argument or host result) into flat core values
 * (CanonicalABI.md "Flat Lowering") or into memory at a constant offset from a
 * pointer (CanonicalABI.md "Storing"). Checks follow the runtime's JS mapping
 * (plan.ts) and raise the runtime's `AbiValueError`s with the value's path.
 *
 * `v` is always an identifier (a parameter or a local), so it may be read twice.
 * `path` is the static path from the nearest dynamic boundary (the argument or
 * the current list element); list loops add `[i]` while unwinding.
 */
import type { CoreType, ValuePlan } from "@witgen/runtime";
import { addr, at, child, elementAt, lit, type Addr } from "./code.js";
import { coreTsType, INT_EXPECTED, zeroOf, type Env } from "./env.js";

type Variant = Extract<ValuePlan, { kind: "variant" }>;
type List = Extract<ValuePlan, { kind: "list" }>;

/** `if (bad) throw badValue(...)`: the host's value does not fit the type. */
function check(env: Env, bad: string, expected: string, v: string, path: string): void {
  env.code.line(`if (${bad}) throw ${env.rt("badValue")}(${lit(expected)}, ${v}${env.pathArg(path)});`);
}

/** The type check of a scalar; returns the flat expression of the checked value. */
function scalar(env: Env, p: ValuePlan, v: string, path: string): string {
  switch (p.kind) {
    case "bool":
      check(env, `typeof ${v} !== "boolean"`, "a boolean", v, path);
      return `${v} ? 1 : 0`;
    case "u8":
      check(env, `typeof ${v} !== "number" || (${v} & 0xff) !== ${v}`, INT_EXPECTED.u8, v, path);
      return v;
    case "s8":
      check(env, `typeof ${v} !== "number" || (${v} << 24) >> 24 !== ${v}`, INT_EXPECTED.s8, v, path);
      return v;
    case "u16":
      check(env, `typeof ${v} !== "number" || (${v} & 0xffff) !== ${v}`, INT_EXPECTED.u16, v, path);
      return v;
    case "s16":
      check(env, `typeof ${v} !== "number" || (${v} << 16) >> 16 !== ${v}`, INT_EXPECTED.s16, v, path);
      return v;
    case "u32":
      check(env, `typeof ${v} !== "number" || ${v} >>> 0 !== ${v}`, INT_EXPECTED.u32, v, path);
      return v;
    case "s32":
      check(env, `typeof ${v} !== "number" || (${v} | 0) !== ${v}`, INT_EXPECTED.s32, v, path);
      return v;
    case "u64":
      check(env, `typeof ${v} !== "bigint" || BigInt.asUintN(64, ${v}) !== ${v}`, INT_EXPECTED.u64, v, path);
      return `BigInt.asIntN(64, ${v})`;
    case "s64":
      check(env, `typeof ${v} !== "bigint" || BigInt.asIntN(64, ${v}) !== ${v}`, INT_EXPECTED.s64, v, path);
      return v;
    case "f32":
    case "f64":
      check(env, `typeof ${v} !== "number"`, "a number", v, path);
      return v;
    case "own":
    case "borrow": {
      // CanonicalABI.md lower_own / lower_borrow (the runtime's codecs, via resourceHandles).
      const how = p.kind === "own" ? "lowerOwn" : "lowerBorrow";
      return bind(env, `${v}Handle`, `${env.handles(p)}.${how}(cx, ${v}${env.pathArg(path)})`);
    }
    case "char":
      // Bound now: a flat expression is only evaluated in the core call's argument list.
      return bind(env, `${v}Code`, `${env.rt("lowerChar")}(${v}${env.pathArg(path)})`);
    // CanonicalABI.md lower_stream / lower_future / lower_error_context: the runtime's hooks move the end.
    case "stream":
      return bind(env, `${v}Handle`, `cx.hooks.lowerStream(cx, ${v}, ${env.asyncType(p)})`);
    case "future":
      return bind(env, `${v}Handle`, `cx.hooks.lowerFuture(cx, ${v}, ${env.asyncType(p)})`);
    case "error-context":
      return bind(env, `${v}Handle`, `cx.hooks.lowerErrorContext(cx, ${v})`);
    default:
      throw new Error(`glue: ${p.kind} is not a scalar`);
  }
}

/** Whether `p` is stored with one memory access (no address local is worth it). */
export function isScalar(p: ValuePlan): boolean {
  return !["string", "list", "map", "record", "variant"].includes(p.kind);
}

/** Binds `expr` to a fresh local named after `name` and returns the local. */
function bind(env: Env, name: string, expr: string): string {
  const local = env.locals.claim(name);
  env.code.line(`const ${local} = ${expr};`);
  return local;
}

/** Lowers `v` to flat core values; returns one expression per flat slot (each evaluated once). */
export function lowerFlat(env: Env, p: ValuePlan, v: string, name: string, path: string): string[] {
  switch (p.kind) {
    case "string": {
      env.lowersStrings = true;
      const ptr = env.locals.claim(`${name}Ptr`);
      const len = env.locals.claim(`${name}Len`);
      env.code.line(`const [${ptr}, ${len}] = lowerString(cx, ${v}${env.pathArg(path)});`);
      return [ptr, len];
    }
    case "list":
      if (p.length !== undefined) {
        checkArray(env, p, v, path);
        const out: string[] = [];
        for (let i = 0; i < p.length; i++) {
          const elem = bind(env, child(name, String(i)), `${v}[${i}]`);
          out.push(...lowerFlat(env, p.element, elem, elem, `${path}[${i}]`));
        }
        return out;
      }
      return [storeList(env, p, v, name, path), `${v}.length`];
    case "map":
      return storeMap(env, p, v, name, path);
    case "record": {
      checkRecord(env, p, v, path);
      const out: string[] = [];
      for (const f of p.fields) {
        const field = bind(env, child(name, f.jsName), p.shape === "tuple" ? `${v}[${f.jsName}]` : `${v}.${f.jsName}`);
        out.push(...lowerFlat(env, f.type, field, field, p.shape === "tuple" ? `${path}[${f.jsName}]` : `${path}.${f.jsName}`));
      }
      return out;
    }
    case "variant":
      return lowerFlatVariant(env, p, v, name, path);
    case "flags":
      return [packFlags(env, p, v, name, path)];
    default:
      return [scalar(env, p, v, path)];
  }
}

/** Stores `v` at `a` (CanonicalABI.md `store`). */
export function store(env: Env, p: ValuePlan, v: string, a: Addr, name: string, path: string): void {
  const code = env.code;
  const at0 = addr(a);
  // A named type's store function, written once per module (shared.ts).
  const shared = env.sharedOwner === p ? undefined : env.shared?.storeFunction(p);
  if (shared !== undefined) {
    code.line(`${shared}(cx, ${at0}, ${v}${env.pathArg(path)});`);
    return;
  }
  switch (p.kind) {
    case "bool":
    case "u8":
      code.line(`cx.u8[${at0}] = ${scalar(env, p, v, path)};`);
      return;
    case "s8":
      code.line(`cx.dv.setInt8(${at0}, ${scalar(env, p, v, path)});`);
      return;
    case "u16":
    case "s16":
    case "u32":
    case "s32": {
      const setter = { u16: "setUint16", s16: "setInt16", u32: "setUint32", s32: "setInt32" }[p.kind];
      code.line(`cx.dv.${setter}(${at0}, ${scalar(env, p, v, path)}, true);`);
      return;
    }
    case "u64":
      scalar(env, p, v, path);
      code.line(`cx.dv.setBigUint64(${at0}, ${v}, true);`);
      return;
    case "s64":
      code.line(`cx.dv.setBigInt64(${at0}, ${scalar(env, p, v, path)}, true);`);
      return;
    // Stores write the canonical NaN (CanonicalABI.md `maybe_scramble_nan32/64`, deterministic profile).
    case "f32":
      scalar(env, p, v, path);
      code.line(`cx.dv.setUint32(${at0}, ${env.rt("f32ToBits")}(${v}), true);`);
      return;
    case "f64":
      scalar(env, p, v, path);
      code.line(`cx.dv.setBigUint64(${at0}, ${env.rt("f64ToBits")}(${v}), true);`);
      return;
    case "char":
    case "own":
    case "borrow":
    case "stream":
    case "future":
    case "error-context":
      code.line(`cx.dv.setUint32(${at0}, ${scalar(env, p, v, path)}, true);`);
      return;
    case "string": {
      const [ptr, len] = lowerFlat(env, p, v, name, path);
      code.line(`cx.dv.setUint32(${at0}, ${ptr}, true);`);
      code.line(`cx.dv.setUint32(${addr(a, 4)}, ${len}, true);`);
      return;
    }
    case "list": {
      if (p.length !== undefined) {
        checkArray(env, p, v, path);
        storeElements(env, p, v, a, name, path, p.length);
        return;
      }
      const ptr = storeList(env, p, v, name, path);
      code.line(`cx.dv.setUint32(${at0}, ${ptr}, true);`);
      code.line(`cx.dv.setUint32(${addr(a, 4)}, ${v}.length, true);`);
      return;
    }
    case "map": {
      const [ptr, len] = storeMap(env, p, v, name, path);
      code.line(`cx.dv.setUint32(${at0}, ${ptr}, true);`);
      code.line(`cx.dv.setUint32(${addr(a, 4)}, ${len}, true);`);
      return;
    }
    case "record":
      checkRecord(env, p, v, path);
      for (const f of p.fields) {
        const field = bind(env, child(name, f.jsName), p.shape === "tuple" ? `${v}[${f.jsName}]` : `${v}.${f.jsName}`);
        store(env, f.type, field, at(a, f.offset), field, p.shape === "tuple" ? `${path}[${f.jsName}]` : `${path}.${f.jsName}`);
      }
      return;
    case "variant":
      storeVariant(env, p, v, a, name, path);
      return;
    case "flags": {
      const bits = packFlags(env, p, v, name, path);
      if (p.size === 1) code.line(`cx.u8[${at0}] = ${bits};`);
      else code.line(`cx.dv.${p.size === 2 ? "setUint16" : "setUint32"}(${at0}, ${bits}, true);`);
      return;
    }
    default:
      throw new Error(`glue: cannot store a ${(p as ValuePlan).kind}`);
  }
}

function checkRecord(env: Env, p: Extract<ValuePlan, { kind: "record" }>, v: string, path: string): void {
  if (p.shape === "tuple") {
    const n = p.fields.length;
    check(env, `!Array.isArray(${v}) || ${v}.length !== ${n}`, `a tuple (array of length ${n})`, v, path);
  } else {
    check(env, `typeof ${v} !== "object" || ${v} === null`, "a record object", v, path);
  }
}

function checkArray(env: Env, p: List, v: string, path: string): void {
  const isArray = p.typedArray ? `(Array.isArray(${v}) || ${v} instanceof ${p.typedArray})` : `Array.isArray(${v})`;
  if (p.length !== undefined) {
    check(env, `!${isArray}`, `a list of ${p.length} elements`, v, path);
    env.code.line(`if (${v}.length !== ${p.length}) throw ${env.rt("wrongLength")}(${p.length}, ${v}.length${env.pathArg(path)});`);
  } else {
    check(env, `!${isArray}`, p.typedArray ? `a ${p.typedArray} or an array` : "an array", v, path);
  }
}

/** Allocates and fills a variable-length list (CanonicalABI.md `store_list_into_range`); returns the pointer local. */
function storeList(env: Env, p: List, v: string, name: string, path: string): string {
  checkArray(env, p, v, path);
  const { size, align } = p.element;
  const ptr = bind(env, `${name}Ptr`, `${env.rt("allocateList")}(cx, ${v}.length, ${size}, ${align}${env.pathArg(path)})`);
  storeElements(env, p, v, { base: ptr, offset: 0 }, name, path);
  return ptr;
}

/** Stores the elements of array `v` from `a` on: a bulk copy for typed arrays, else a loop. */
function storeElements(env: Env, p: List, v: string, a: Addr, name: string, path: string, fixed?: number): void {
  const code = env.code;
  const loop = (items: string): void => {
    const i = env.locals.claim("i");
    const size = p.element.size;
    code.block(`for (let ${i} = 0; ${i} < ${fixed ?? `${items}.length`}; ${i}++)`, () => {
      const elem = bind(env, child(name, "item"), `${items}[${i}]`);
      // One local for the element's address when its fields are stored at offsets from it.
      const base = elementAt(a, i, size);
      const elemAt: Addr = { base: isScalar(p.element) ? base : bind(env, child(name, "itemAt"), base), offset: 0 };
      tryElement(env, i, path, () => store(env, p.element, elem, elemAt, elem, ""));
    });
  };
  if (!p.typedArray) return loop(v);
  // A typed array already holds the little-endian bytes (CanonicalABI.md `store_list_into_range`).
  code.block(`if (${v} instanceof ${p.typedArray})`, () => {
    code.line(`cx.u8.set(new Uint8Array(${v}.buffer, ${v}.byteOffset, ${v}.byteLength), ${addr(a)});`);
  });
  code.block("else", () => {
    // A plain array of numbers is accepted too (plan.ts mapping); each element is checked.
    loop(bind(env, child(name, "elements"), `${v} as ArrayLike<unknown>`));
  });
}

/** Runs `body` (one element's code) with `[i]` added to the path of anything it throws. */
function tryElement(env: Env, i: string, path: string, body: () => void): void {
  const code = env.code;
  code.block("try", body);
  code.block("catch (e)", () => code.line(`throw ${env.rt("atPath")}(e, ${env.pathTemplate(path, `[\${${i}}]`)});`));
}

/** `map<K, V>` is `list<tuple<K, V>>` (CanonicalABI.md "Despecialization"); returns `[ptr, length]`. */
function storeMap(env: Env, p: Extract<ValuePlan, { kind: "map" }>, v: string, name: string, path: string): [string, string] {
  const code = env.code;
  // Explainer.md "JS API": a Map, or a plain object's own entries.
  check(
    env,
    `!(${v} instanceof Map) && (typeof ${v} !== "object" || ${v} === null || Array.isArray(${v}) || ArrayBuffer.isView(${v}))`,
    "a Map (or a plain object)",
    v,
    path,
  );
  const entries = bind(env, `${name}Entries`, `${v} instanceof Map ? ${v} : new Map(Object.entries(${v} as object))`);
  const entry = p.entry as Extract<ValuePlan, { kind: "record" }>;
  const [keyField, valueField] = entry.fields;
  const ptr = bind(env, `${name}Ptr`, `${env.rt("allocateList")}(cx, ${entries}.size, ${entry.size}, ${entry.align}${env.pathArg(path)})`);
  const i = env.locals.claim("i");
  code.line(`let ${i} = 0;`);
  const key = env.locals.claim(child(name, "key"));
  const value = env.locals.claim(child(name, "value"));
  code.block(`for (const [${key}, ${value}] of ${entries})`, () => {
    const entryAt: Addr = { base: bind(env, child(name, "entryAt"), elementAt({ base: ptr, offset: 0 }, i, entry.size)), offset: 0 };
    tryElement(env, i, path, () => {
      store(env, keyField.type, key, at(entryAt, keyField.offset), key, "[0]");
      store(env, valueField.type, value, at(entryAt, valueField.offset), value, "[1]");
    });
    code.line(`${i}++;`);
  });
  return [ptr, `${entries}.size`];
}

function packFlags(env: Env, p: Extract<ValuePlan, { kind: "flags" }>, v: string, name: string, path: string): string {
  check(env, `typeof ${v} !== "object" || ${v} === null`, "a flags object", v, path);
  const terms = p.flags.map((f, i) => `(${v}.${f.jsName} ? ${i === 31 ? "0x80000000" : `0x${(1 << i).toString(16)}`} : 0)`);
  return bind(env, `${name}Bits`, terms.join(" | "));
}

interface Arm {
  /** `case` labels, or undefined for the `else` of an option. */
  labels: string[];
  index: number;
  /** The payload expression (before binding). */
  payload?: string;
}

/**
 * The arms of a variant's lowering: how each case is recognised in the JS value
 * (plan.ts mapping). Options test for `undefined`/`null`; the others switch on a tag.
 */
function arms(p: Variant, v: string): { test?: string; switchOn?: string; arms: Arm[]; expected: string } {
  const cases = p.cases;
  switch (p.shape) {
    case "option":
      return {
        test: `${v} === undefined || ${v} === null`,
        arms: [{ labels: [], index: 0 }, { labels: [], index: 1, payload: v }],
        expected: "",
      };
    case "enum":
      return {
        switchOn: v,
        arms: cases.map((c, index) => ({ labels: [lit(c.witName)], index })),
        expected: `one of ${cases.map((c) => lit(c.witName)).join(", ")}`,
      };
    default:
      return {
        switchOn: `${v}.tag`,
        arms: cases.map((c, index) => ({ labels: [lit(c.tag)], index, ...(c.type ? { payload: `${v}.val` } : {}) })),
        expected: `{ tag: ${cases.map((c) => lit(c.tag)).join(" | ")}, val }`,
      };
  }
}

/** Emits the dispatch over a variant's cases; `arm` writes one case's code. */
function dispatch(env: Env, p: Variant, v: string, path: string, arm: (a: Arm) => void): void {
  const code = env.code;
  const d = arms(p, v);
  if (d.test) {
    code.block(`if (${d.test})`, () => arm(d.arms[0]));
    code.block("else", () => arm(d.arms[1]));
    return;
  }
  const tagSwitch = (): void => {
    if (p.shape !== "enum") check(env, `typeof ${v} !== "object" || ${v} === null`, d.expected, v, path);
    code.block(`switch (${d.switchOn})`, () => {
    for (const a of d.arms) {
      code.block(`${a.labels.map((l) => `case ${l}:`).join(" ")}`, () => {
        arm(a);
        code.line("break;");
      });
    }
      code.line(`default:`);
      code.indent(() => code.line(`throw ${env.rt("badValue")}(${lit(d.expected)}, ${v}${env.pathArg(path)});`));
    });
  };
  if (p.shape !== "option-wrapped") return tagSwitch();
  // An option of an option also takes a plain `undefined` for `none` (plan.ts mapping).
  code.block(`if (${v} === undefined || ${v} === null)`, () => arm(d.arms[0]));
  code.block("else", tagSwitch);
}

function payloadPath(p: Variant, tag: string, path: string): string {
  return p.shape === "option" ? path : `${path}<${tag}>.val`;
}

/** CanonicalABI.md `lower_flat_variant`: the case index, then the payload in the joined slots. */
function lowerFlatVariant(env: Env, p: Variant, v: string, name: string, path: string): string[] {
  const code = env.code;
  const disc = env.locals.claim(`${name}Case`);
  const slots = p.payloadFlat.map((t, j) => ({ name: env.locals.claim(`${name}Payload${p.payloadFlat.length > 1 ? j : ""}`), type: t }));
  code.line(`let ${disc}: number;`);
  for (const s of slots) code.line(`let ${s.name}: ${coreTsType(s.type)};`);
  dispatch(env, p, v, path, (a) => {
    const c = p.cases[a.index];
    code.line(`${disc} = ${a.index};`);
    let written = 0;
    if (c.type && a.payload) {
      const payload = a.payload === v ? v : bind(env, child(name, c.tag), a.payload);
      const flat = lowerFlat(env, c.type, payload, payload, payloadPath(p, c.tag, path));
      for (; written < flat.length; written++) {
        code.line(`${slots[written].name} = ${coerceLower(env, flat[written], c.type.flat[written], slots[written].type)};`);
      }
    }
    for (; written < slots.length; written++) code.line(`${slots[written].name} = ${zeroOf(slots[written].type)};`);
  });
  return [disc, ...slots.map((s) => s.name)];
}

/** A case's flat value widened into its joined slot (CanonicalABI.md `lower_flat_variant` coercions). */
function coerceLower(env: Env, x: string, have: CoreType, want: CoreType): string {
  if (have === want) return x;
  if (have === "f32" && want === "i32") return `${env.rt("f32ToBits")}(${x}) | 0`;
  if (have === "i32" && want === "i64") return `BigInt((${x}) >>> 0)`;
  if (have === "f32" && want === "i64") return `BigInt(${env.rt("f32ToBits")}(${x}))`;
  if (have === "f64" && want === "i64") return `${env.rt("f64ToBits")}(${x})`;
  throw new Error(`glue: no flat coercion ${have} -> ${want}`);
}

/** CanonicalABI.md `store_variant`: discriminant, then the payload at its aligned offset. */
function storeVariant(env: Env, p: Variant, v: string, a: Addr, name: string, path: string): void {
  const code = env.code;
  dispatch(env, p, v, path, (arm) => {
    const c = p.cases[arm.index];
    if (p.discSize === 1) code.line(`cx.u8[${addr(a)}] = ${arm.index};`);
    else code.line(`cx.dv.${p.discSize === 2 ? "setUint16" : "setUint32"}(${addr(a)}, ${arm.index}, true);`);
    if (c.type && arm.payload) {
      const payload = arm.payload === v ? v : bind(env, child(name, c.tag), arm.payload);
      store(env, c.type, payload, at(a, p.payloadOffset), payload, payloadPath(p, c.tag, path));
    }
  });
}
