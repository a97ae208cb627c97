/** Binary.md "Type Definitions": component-level types and declarators. */
import type { PrimitiveKind } from "../ir/types.js";
import type {
  ComponentDecl,
  DefValType,
  ExternType,
  FuncType,
  InstanceDecl,
  TypeBound,
  TypeDef,
  ValType,
} from "./ast.js";
import { alias } from "./aliases.js";
import type { ByteReader } from "./byte-reader.js";
import { coreType, coreValType } from "./core-types.js";
import { hexByte } from "./errors.js";
import { externName } from "./extern-names.js";
import { enterNested, leaveNested } from "./nesting.js";

/** `primvaltype` by opcode. */
const PRIMITIVES: Record<number, PrimitiveKind> = {
  0x7f: "bool",
  0x7e: "s8",
  0x7d: "u8",
  0x7c: "s16",
  0x7b: "u16",
  0x7a: "s32",
  0x79: "u32",
  0x78: "s64",
  0x77: "u64",
  0x76: "f32",
  0x75: "f64",
  0x74: "char",
  0x73: "string",
  0x64: "error-context",
};

/**
 * `valtype`: type opcodes are negative SLEB128s, type indices non-negative
 * (Binary.md "Type Definitions" notes), so the value is read as an s33.
 */
export function valType(r: ByteReader): ValType {
  const at = r.pos;
  const v = r.s33("value type");
  if (v >= 0) return { kind: "index", index: v };
  const prim = PRIMITIVES[v + 0x80];
  if (prim === undefined)
    r.fail(`expected a value type (a primitive or a type index), found ${hexByte((v + 0x80) & 0xff)}`, at);
  return { kind: "primitive", type: prim };
}

/** `<T>?` */
function optional<T>(r: ByteReader, what: string, read: (r: ByteReader) => T): T | undefined {
  const at = r.pos;
  const b = r.u8(`presence flag of ${what}`);
  if (b === 0x00) return undefined;
  if (b === 0x01) return read(r);
  return r.fail(`expected 0x00 or 0x01 for optional ${what}, found ${hexByte(b)}`, at);
}

function labels(r: ByteReader, what: string): string[] {
  const out: string[] = [];
  for (let n = r.count(what); n > 0; n--) out.push(r.name(what));
  return out;
}

function nonEmpty(r: ByteReader, n: number, what: string, at: number): void {
  if (n === 0) r.fail(`expected at least one ${what}, found none`, at);
}

/** `defvaltype` after its opcode byte `b` was read. */
function defValType(r: ByteReader, b: number, at: number): DefValType {
  const prim = PRIMITIVES[b];
  if (prim !== undefined) return { kind: "primitive", type: prim };
  switch (b) {
    case 0x72: {
      const fields = [];
      for (let n = r.count("record fields", 2); n > 0; n--)
        fields.push({ name: r.name("field name"), type: valType(r) });
      nonEmpty(r, fields.length, "record field", at);
      return { kind: "record", fields };
    }
    case 0x71: {
      const cases = [];
      for (let n = r.count("variant cases", 3); n > 0; n--) {
        const name = r.name("case name");
        const type = optional(r, "case type", valType);
        // The trailing 0x00 of `case` (reserved for a future refinement).
        r.expect(0x00, "end of variant case");
        cases.push(type === undefined ? { name } : { name, type });
      }
      nonEmpty(r, cases.length, "variant case", at);
      return { kind: "variant", cases };
    }
    case 0x70:
      return { kind: "list", element: valType(r) };
    case 0x67: {
      const element = valType(r);
      const lenAt = r.pos;
      const length = r.u32("fixed list length");
      if (length === 0) r.fail("expected a fixed list length above 0, found 0", lenAt);
      return { kind: "list", element, length };
    }
    case 0x6f: {
      const types = [];
      for (let n = r.count("tuple types"); n > 0; n--) types.push(valType(r));
      nonEmpty(r, types.length, "tuple type", at);
      return { kind: "tuple", types };
    }
    case 0x6e: {
      const names = labels(r, "flag names");
      nonEmpty(r, names.length, "flag", at);
      if (names.length > 32) r.fail(`expected at most 32 flags, found ${names.length}`, at);
      return { kind: "flags", names };
    }
    case 0x6d: {
      const names = labels(r, "enum cases");
      nonEmpty(r, names.length, "enum case", at);
      return { kind: "enum", names };
    }
    case 0x6b:
      return { kind: "option", type: valType(r) };
    case 0x6a: {
      const ok = optional(r, "result ok type", valType);
      const err = optional(r, "result error type", valType);
      const out: DefValType = { kind: "result" };
      if (ok) out.ok = ok;
      if (err) out.err = err;
      return out;
    }
    case 0x69:
      return { kind: "own", resource: r.u32("resource type index") };
    case 0x68:
      return { kind: "borrow", resource: r.u32("resource type index") };
    case 0x66: {
      const element = optional(r, "stream element type", valType);
      return element ? { kind: "stream", element } : { kind: "stream" };
    }
    case 0x65: {
      const element = optional(r, "future element type", valType);
      return element ? { kind: "future", element } : { kind: "future" };
    }
    case 0x63:
      return { kind: "map", key: valType(r), value: valType(r) };
    default:
      return r.fail(`expected a type definition, found opcode ${hexByte(b)}`, at);
  }
}

function funcType(r: ByteReader, async: boolean): FuncType {
  const params = [];
  for (let n = r.count("function parameters", 2); n > 0; n--)
    params.push({ name: r.name("parameter name"), type: valType(r) });
  const at = r.pos;
  const tag = r.u8("function result");
  const out: FuncType = { kind: "func", async, params };
  if (tag === 0x00) out.result = valType(r);
  else if (tag === 0x01) r.expect(0x00, "empty result list");
  else r.fail(`expected a result list (0x00 or 0x01), found ${hexByte(tag)}`, at);
  return out;
}

/** `type` / `deftype`. */
export function typeDef(r: ByteReader): TypeDef {
  const offset = r.pos;
  const b = r.u8("type definition");
  switch (b) {
    case 0x40:
      return { ...funcType(r, false), offset };
    case 0x43:
      return { ...funcType(r, true), offset };
    case 0x41: {
      enterNested(r);
      const decls: ComponentDecl[] = [];
      for (let n = r.count("component type declarations", 2); n > 0; n--) decls.push(componentDecl(r));
      leaveNested(r);
      return { kind: "component", offset, decls };
    }
    case 0x42: {
      enterNested(r);
      const decls: InstanceDecl[] = [];
      for (let n = r.count("instance type declarations", 2); n > 0; n--) decls.push(instanceDecl(r));
      leaveNested(r);
      return { kind: "instance", offset, decls };
    }
    case 0x3f: {
      const rep = coreValType(r);
      const dtor = optional(r, "resource destructor", (r) => r.u32("destructor core function index"));
      return dtor === undefined ? { kind: "resource", offset, rep } : { kind: "resource", offset, rep, dtor };
    }
    default:
      return { ...defValType(r, b, offset), offset };
  }
}

function componentDecl(r: ByteReader): ComponentDecl {
  const offset = r.pos;
  if (r.peek("component type declaration") === 0x03) {
    r.u8("");
    const name = externName(r);
    return { kind: "import", offset, name, type: externType(r) };
  }
  return instanceDecl(r);
}

function instanceDecl(r: ByteReader): InstanceDecl {
  const offset = r.pos;
  const tag = r.u8("instance type declaration");
  switch (tag) {
    case 0x00:
      return { kind: "core-type", offset, type: coreType(r) };
    case 0x01:
      return { kind: "type", offset, type: typeDef(r) };
    case 0x02:
      return { kind: "alias", offset, alias: alias(r) };
    case 0x04: {
      const name = externName(r);
      return { kind: "export", offset, name, type: externType(r) };
    }
    default:
      return r.fail(`expected a type declaration (0x00, 0x01, 0x02 or 0x04), found ${hexByte(tag)}`, offset);
  }
}

function typeBound(r: ByteReader): TypeBound {
  const at = r.pos;
  const b = r.u8("type bound");
  if (b === 0x00) return { kind: "eq", index: r.u32("type index") };
  if (b === 0x01) return { kind: "sub-resource" };
  return r.fail(`expected a type bound (0x00 eq or 0x01 sub resource), found ${hexByte(b)}`, at);
}

/** `externtype` */
export function externType(r: ByteReader): ExternType {
  const at = r.pos;
  const b = r.u8("extern type");
  switch (b) {
    case 0x00:
      r.expect(0x11, "core module sort");
      return { kind: "module", type: r.u32("core type index") };
    case 0x01:
      return { kind: "func", type: r.u32("type index") };
    case 0x02: {
      const vat = r.pos;
      const vb = r.u8("value bound");
      if (vb === 0x00) return { kind: "value", bound: { kind: "eq", index: r.u32("value index") } };
      if (vb === 0x01) return { kind: "value", bound: { kind: "type", type: valType(r) } };
      return r.fail(`expected a value bound (0x00 or 0x01), found ${hexByte(vb)}`, vat);
    }
    case 0x03:
      return { kind: "type", bound: typeBound(r) };
    case 0x04:
      return { kind: "component", type: r.u32("type index") };
    case 0x05:
      return { kind: "instance", type: r.u32("type index") };
    default:
      return r.fail(`expected an extern type (0x00..0x05), found ${hexByte(b)}`, at);
  }
}
