/**
 * Lifting code: flat core values (CanonicalABI.md "Flat Lifting") or memory at
 * a constant offset from a pointer (CanonicalABI.md "Loading") into the JS
 * value of plan.ts's mapping. Invalid guest data traps through the runtime's
 * helpers (strings, list ranges, chars, discriminants).
 *
 * Lifting returns an expression; composite values that need statements
 * (variants, lists) are built into a typed local first.
 */
import type { CoreType, ValuePlan } from "@witgen/runtime";
import { addr, at, child, elementAt, lit, type Addr } from "./code.js";
import { isScalar } from "./lower.js";
import type { Env } from "./env.js";

type Variant = Extract<ValuePlan, { kind: "variant" }>;
type List = Extract<ValuePlan, { kind: "list" }>;

/** A cursor over the flat core values being lifted (CanonicalABI.md `CoreValueIter`). */
export class Slots {
  private i = 0;
  constructor(private readonly exprs: string[]) {}
  next(): string {
    const e = this.exprs[this.i++];
    if (e === undefined) throw new Error("glue: ran out of flat values");
    return e;
  }
}

function flatScalar(env: Env, p: ValuePlan, x: string): string {
  switch (p.kind) {
    case "bool":
      return `${x} !== 0`; // CanonicalABI.md convert_int_to_bool: any non-zero is true
    case "u8":
      return `${x} & 0xff`;
    case "s8":
      return `(${x} << 24) >> 24`;
    case "u16":
      return `${x} & 0xffff`;
    case "s16":
      return `(${x} << 16) >> 16`;
    case "u32":
      return `${x} >>> 0`;
    case "s32":
      return `${x} | 0`;
    case "u64":
      return `BigInt.asUintN(64, ${x})`;
    case "s64":
      return `BigInt.asIntN(64, ${x})`;
    case "f32":
    case "f64":
      return x;
    case "char":
      return `${env.rt("i32ToChar")}(${x} >>> 0)`;
    // CanonicalABI.md lift_own / lift_borrow (the runtime's codecs, via resourceHandles).
    case "own":
      return `${env.handles(p)}.liftOwn(cx, ${x} >>> 0)`;
    case "borrow":
      return `${env.handles(p)}.liftBorrow(cx, ${x} >>> 0)`;
    // CanonicalABI.md lift_stream / lift_future / lift_error_context: the runtime's hooks take the end.
    case "stream":
      return `cx.hooks.liftStream(cx, ${x} >>> 0, ${env.asyncType(p)})`;
    case "future":
      return `cx.hooks.liftFuture(cx, ${x} >>> 0, ${env.asyncType(p)})`;
    case "error-context":
      return `cx.hooks.liftErrorContext(cx, ${x} >>> 0)`;
    default:
      throw new Error(`glue: ${p.kind} is not a scalar`);
  }
}

function bind(env: Env, name: string, expr: string, type?: string): string {
  const local = env.locals.claim(name);
  env.code.line(`const ${local}${type ? `: ${type}` : ""} = ${expr};`);
  return local;
}

/** Lifts a value from flat core values. */
export function liftFlat(env: Env, p: ValuePlan, slots: Slots, name: string): string {
  switch (p.kind) {
    case "string":
      return `${env.rt("loadStringFromRange")}(cx, ${slots.next()}, ${slots.next()})`;
    case "list": {
      if (p.length !== undefined) {
        const elems: string[] = [];
        for (let i = 0; i < p.length; i++) elems.push(liftFlatInto(env, p.element, slots, child(name, String(i))));
        return p.typedArray ? `new ${p.typedArray}([${elems.join(", ")}])` : `[${elems.join(", ")}]`;
      }
      const ptr = bind(env, `${name}Ptr`, `${slots.next()} >>> 0`);
      const len = bind(env, `${name}Len`, `${slots.next()} >>> 0`);
      return loadList(env, p, ptr, len, name);
    }
    case "map": {
      const ptr = bind(env, `${name}Ptr`, `${slots.next()} >>> 0`);
      const len = bind(env, `${name}Len`, `${slots.next()} >>> 0`);
      return loadMap(env, p, ptr, len, name);
    }
    case "record": {
      const fields = p.fields.map((f) => liftFlatInto(env, f.type, slots, child(name, f.jsName)));
      return composite(p, fields);
    }
    case "variant":
      return liftFlatVariant(env, p, slots, name);
    case "flags":
      return unpackFlags(p, bind(env, `${name}Bits`, `${slots.next()} >>> 0`));
    default:
      return flatScalar(env, p, slots.next());
  }
}

/**
 * Like {@link liftFlat}, but a value whose lifting has effects that must stay in
 * order (statements, traps) is bound to a local first, so evaluation order matches
 * the spec's left-to-right lifting even inside an object literal.
 */
function liftFlatInto(env: Env, p: ValuePlan, slots: Slots, name: string): string {
  const expr = liftFlat(env, p, slots, name);
  return mayTrap(p) && !isIdentifier(expr) ? bind(env, name, expr, env.typeOf(p)) : expr;
}

const isIdentifier = (expr: string): boolean => /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(expr);

/** Whether lifting `p` can trap or allocate in guest-visible ways (then order matters). */
function mayTrap(p: ValuePlan): boolean {
  return ["char", "string", "record", "list", "map", "own", "borrow", "stream", "future", "error-context"].includes(p.kind);
}

/** An object literal (record) or array literal (tuple) of lifted fields. */
function composite(p: Extract<ValuePlan, { kind: "record" }>, fields: string[]): string {
  if (p.shape === "tuple") return `[${fields.join(", ")}]`;
  return `{ ${p.fields.map((f, i) => `${f.jsName}: ${fields[i]}`).join(", ")} }`;
}

function unpackFlags(p: Extract<ValuePlan, { kind: "flags" }>, bits: string): string {
  return `{ ${p.flags.map((f, i) => `${f.jsName}: (${bits} & ${i === 31 ? "0x80000000" : `0x${(1 << i).toString(16)}`}) !== 0`).join(", ")} }`;
}

/** Loads a value stored at `a`. */
export function load(env: Env, p: ValuePlan, a: Addr, name: string): string {
  const at0 = addr(a);
  // A named type's load function, written once per module (shared.ts); bound, as it may trap.
  const shared = env.sharedOwner === p ? undefined : env.shared?.loadFunction(p);
  if (shared !== undefined) return bind(env, name, `${shared}(cx, ${at0})`, env.typeOf(p));
  switch (p.kind) {
    case "bool":
      return `cx.u8[${at0}] !== 0`;
    case "u8":
      return `cx.u8[${at0}]`;
    case "s8":
      return `cx.dv.getInt8(${at0})`;
    case "u16":
      return `cx.dv.getUint16(${at0}, true)`;
    case "s16":
      return `cx.dv.getInt16(${at0}, true)`;
    case "u32":
      return `cx.dv.getUint32(${at0}, true)`;
    case "s32":
      return `cx.dv.getInt32(${at0}, true)`;
    case "u64":
      return `cx.dv.getBigUint64(${at0}, true)`;
    case "s64":
      return `cx.dv.getBigInt64(${at0}, true)`;
    case "f32":
      return `cx.dv.getFloat32(${at0}, true)`;
    case "f64":
      return `cx.dv.getFloat64(${at0}, true)`;
    case "char":
      return `${env.rt("i32ToChar")}(cx.dv.getUint32(${at0}, true))`;
    case "own":
      return `${env.handles(p)}.liftOwn(cx, cx.dv.getUint32(${at0}, true))`;
    case "borrow":
      return `${env.handles(p)}.liftBorrow(cx, cx.dv.getUint32(${at0}, true))`;
    case "stream":
    case "future":
    case "error-context":
      return flatScalar(env, p, `cx.dv.getUint32(${at0}, true)`);
    case "string":
      return `${env.rt("loadStringFromRange")}(cx, cx.dv.getUint32(${at0}, true), cx.dv.getUint32(${addr(a, 4)}, true))`;
    case "list": {
      if (p.length !== undefined) return loadElements(env, p, a, String(p.length), name);
      const ptr = bind(env, `${name}Ptr`, `cx.dv.getUint32(${at0}, true)`);
      const len = bind(env, `${name}Len`, `cx.dv.getUint32(${addr(a, 4)}, true)`);
      return loadList(env, p, ptr, len, name);
    }
    case "map": {
      const ptr = bind(env, `${name}Ptr`, `cx.dv.getUint32(${at0}, true)`);
      const len = bind(env, `${name}Len`, `cx.dv.getUint32(${addr(a, 4)}, true)`);
      return loadMap(env, p, ptr, len, name);
    }
    case "record": {
      const fields = p.fields.map((f) => loadInto(env, f.type, at(a, f.offset), child(name, f.jsName)));
      return composite(p, fields);
    }
    case "variant":
      return loadVariant(env, p, a, name);
    case "flags": {
      const bits = p.size === 1 ? `cx.u8[${at0}]` : `cx.dv.${p.size === 2 ? "getUint16" : "getUint32"}(${at0}, true)`;
      return unpackFlags(p, bind(env, `${name}Bits`, bits));
    }
    default:
      throw new Error(`glue: cannot load a ${(p as ValuePlan).kind}`);
  }
}

function loadInto(env: Env, p: ValuePlan, a: Addr, name: string): string {
  const expr = load(env, p, a, name);
  return mayTrap(p) && !isIdentifier(expr) ? bind(env, name, expr, env.typeOf(p)) : expr;
}

/** CanonicalABI.md `load_list_from_range`: range check, then the elements. */
function loadList(env: Env, p: List, ptr: string, len: string, name: string): string {
  const { size, align } = p.element;
  env.code.line(`${env.rt("checkListRange")}(cx, ${ptr}, ${len}, ${size}, ${align});`);
  return loadElements(env, p, { base: ptr, offset: 0 }, len, name);
}

function loadElements(env: Env, p: List, a: Addr, len: string, name: string): string {
  const code = env.code;
  const size = p.element.size;
  if (p.typedArray) {
    // The bytes are already the little-endian elements: copy them out of guest memory.
    return `new ${p.typedArray}(cx.u8.slice(${addr(a)}, ${elementAt(a, len, size)}).buffer)`;
  }
  const list = env.locals.claim(name);
  const i = env.locals.claim("i");
  const type = p.length !== undefined ? `${env.typeOf(p.element)}[]` : env.typeOf(p);
  code.line(`const ${list}: ${type} = new Array(${len});`);
  code.block(`for (let ${i} = 0; ${i} < ${len}; ${i}++)`, () => {
    const base = elementAt(a, i, size);
    const elemAt: Addr = { base: isScalar(p.element) ? base : bind(env, child(name, "itemAt"), base), offset: 0 };
    code.line(`${list}[${i}] = ${load(env, p.element, elemAt, child(name, "item"))};`);
  });
  return p.length !== undefined && p.length <= 32 ? `${list} as ${env.typeOf(p)}` : list;
}

function loadMap(env: Env, p: Extract<ValuePlan, { kind: "map" }>, ptr: string, len: string, name: string): string {
  const code = env.code;
  const entry = p.entry as Extract<ValuePlan, { kind: "record" }>;
  const [keyField, valueField] = entry.fields;
  code.line(`${env.rt("checkListRange")}(cx, ${ptr}, ${len}, ${entry.size}, ${entry.align});`);
  const map = env.locals.claim(name);
  const i = env.locals.claim("i");
  code.line(`const ${map} = new Map<${env.typeOf(keyField.type)}, ${env.typeOf(valueField.type)}>();`);
  code.block(`for (let ${i} = 0; ${i} < ${len}; ${i}++)`, () => {
    const entryAt: Addr = { base: bind(env, child(name, "entryAt"), elementAt({ base: ptr, offset: 0 }, i, entry.size)), offset: 0 };
    const key = loadInto(env, keyField.type, at(entryAt, keyField.offset), child(name, "key"));
    const value = loadInto(env, valueField.type, at(entryAt, valueField.offset), child(name, "value"));
    code.line(`${map}.set(${key}, ${value});`);
  });
  return map;
}

/** The JS value of case `index` with lifted `payload` (plan.ts mapping). */
function caseValue(p: Variant, index: number, payload: string | undefined): string {
  const c = p.cases[index];
  switch (p.shape) {
    case "option":
      return index === 0 ? "undefined" : payload!;
    case "enum":
      return lit(c.witName);
    case "result":
      return `{ tag: ${lit(c.tag)}, val: ${payload ?? "undefined"} }`;
    default:
      return payload === undefined ? `{ tag: ${lit(c.tag)} }` : `{ tag: ${lit(c.tag)}, val: ${payload} }`;
  }
}

/** `switch` over the case index into a typed local; an unknown index traps. */
function switchCases(env: Env, p: Variant, disc: string, name: string, payloadOf: (index: number) => string | undefined): string {
  const code = env.code;
  const value = env.locals.claim(name);
  code.line(`let ${value}: ${env.typeOf(p)};`);
  code.block(`switch (${disc})`, () => {
    p.cases.forEach((_, index) => {
      code.block(`case ${index}:`, () => {
        code.line(`${value} = ${caseValue(p, index, payloadOf(index))};`);
        code.line("break;");
      });
    });
    code.line("default:");
    code.indent(() => code.line(`throw ${env.rt("invalidDiscriminant")}(${disc}, ${lit(p.shape)}, ${p.cases.length});`));
  });
  return value;
}

/** CanonicalABI.md `lift_flat_variant`: case index, then the payload from the joined slots. */
function liftFlatVariant(env: Env, p: Variant, slots: Slots, name: string): string {
  const disc = bind(env, `${name}Case`, `${slots.next()} >>> 0`);
  const joined = p.payloadFlat.map((t) => ({ expr: slots.next(), type: t }));
  return switchCases(env, p, disc, name, (index) => {
    const c = p.cases[index];
    if (!c.type) return undefined;
    const own = c.type.flat.map((want, j) => coerceLift(env, joined[j].expr, joined[j].type, want));
    return liftFlat(env, c.type, new Slots(own), child(name, c.tag));
  });
}

/** A joined slot narrowed back to the case's own flat type (CanonicalABI.md `lift_flat_variant`). */
function coerceLift(env: Env, x: string, have: CoreType, want: CoreType): string {
  if (have === want) return x;
  if (have === "i32" && want === "f32") return `${env.rt("bitsToF32")}(${x})`;
  if (have === "i64" && want === "i32") return `Number(BigInt.asUintN(32, ${x}))`;
  if (have === "i64" && want === "f32") return `${env.rt("bitsToF32")}(Number(BigInt.asUintN(32, ${x})))`;
  if (have === "i64" && want === "f64") return `${env.rt("bitsToF64")}(${x})`;
  throw new Error(`glue: no flat coercion ${have} -> ${want}`);
}

/** CanonicalABI.md `load_variant`. */
function loadVariant(env: Env, p: Variant, a: Addr, name: string): string {
  const discRead = p.discSize === 1 ? `cx.u8[${addr(a)}]` : `cx.dv.${p.discSize === 2 ? "getUint16" : "getUint32"}(${addr(a)}, true)`;
  const disc = bind(env, `${name}Case`, discRead);
  return switchCases(env, p, disc, name, (index) => {
    const c = p.cases[index];
    return c.type ? load(env, c.type, at(a, p.payloadOffset), child(name, c.tag)) : undefined;
  });
}
