/**
 * Core WebAssembly types as they appear at the component level
 * (Binary.md "Type Definitions": `core:type`, `core:moduletype`). Only what
 * a component's own sections contain is decoded here; core module bodies
 * are left to the engine.
 */
import type {
  CoreCompType,
  CoreExternType,
  CoreHeapType,
  CoreLimits,
  CoreModuleDecl,
  CoreStorageType,
  CoreSubType,
  CoreType,
  CoreValType,
} from "./ast.js";
import type { ByteReader } from "./byte-reader.js";
import { hexByte } from "./errors.js";
import { enterNested, leaveNested } from "./nesting.js";

const NUMERIC: Record<number, "i32" | "i64" | "f32" | "f64" | "v128"> = {
  0x7f: "i32",
  0x7e: "i64",
  0x7d: "f32",
  0x7c: "f64",
  0x7b: "v128",
};

/** Abstract heap types by their one-byte code (core "Reference Types", incl. GC and exceptions). */
const ABSTRACT_HEAP: Record<number, string> = {
  0x70: "func",
  0x6f: "extern",
  0x6e: "any",
  0x6d: "eq",
  0x6c: "i31",
  0x6b: "struct",
  0x6a: "array",
  0x69: "exn",
  0x68: "cont",
  0x71: "none",
  0x72: "noextern",
  0x73: "nofunc",
  0x74: "noexn",
  0x75: "nocont",
};

function heapType(r: ByteReader): CoreHeapType {
  const at = r.pos;
  const v = r.s33("core heap type");
  if (v >= 0) return v;
  const code = v + 0x80;
  const name = ABSTRACT_HEAP[code];
  if (name === undefined) r.fail(`expected a core heap type, found ${hexByte(code & 0xff)}`, at);
  return name;
}

export function coreValType(r: ByteReader): CoreValType {
  const at = r.pos;
  const b = r.u8("core value type");
  const numeric = NUMERIC[b];
  if (numeric) return { kind: numeric };
  if (b === 0x63 || b === 0x64) return { kind: "ref", nullable: b === 0x63, heap: heapType(r) };
  const abbrev = ABSTRACT_HEAP[b];
  // `funcref` etc. abbreviate `(ref null func)`.
  if (abbrev !== undefined) return { kind: "ref", nullable: true, heap: abbrev };
  return r.fail(`expected a core value type, found ${hexByte(b)}`, at);
}

function storageType(r: ByteReader): CoreStorageType {
  const b = r.peek("core storage type");
  if (b === 0x78) return (r.u8(""), { kind: "i8" });
  if (b === 0x77) return (r.u8(""), { kind: "i16" });
  return coreValType(r);
}

function mutability(r: ByteReader): boolean {
  const at = r.pos;
  const m = r.u8("mutability");
  if (m > 1) r.fail(`expected mutability 0x00 or 0x01, found ${hexByte(m)}`, at);
  return m === 1;
}

function fieldType(r: ByteReader): { type: CoreStorageType; mutable: boolean } {
  const type = storageType(r);
  return { type, mutable: mutability(r) };
}

function compType(r: ByteReader): CoreCompType {
  const at = r.pos;
  const b = r.u8("core composite type");
  switch (b) {
    case 0x60: {
      const params: CoreValType[] = [];
      for (let n = r.count("core params"); n > 0; n--) params.push(coreValType(r));
      const results: CoreValType[] = [];
      for (let n = r.count("core results"); n > 0; n--) results.push(coreValType(r));
      return { kind: "func", params, results };
    }
    case 0x5f: {
      const fields = [];
      for (let n = r.count("struct fields", 2); n > 0; n--) fields.push(fieldType(r));
      return { kind: "struct", fields };
    }
    case 0x5e:
      return { kind: "array", element: fieldType(r) };
    default:
      return r.fail(`expected a core composite type (0x60, 0x5f or 0x5e), found ${hexByte(b)}`, at);
  }
}

function typeIndices(r: ByteReader, what: string): number[] {
  const out: number[] = [];
  for (let n = r.count(what); n > 0; n--) out.push(r.u32(what));
  return out;
}

/** `core:subtype` inside a rec group (the plain core encoding). */
function subType(r: ByteReader): CoreSubType {
  const b = r.peek("core sub type");
  if (b === 0x50 || b === 0x4f) {
    r.u8("");
    const supertypes = typeIndices(r, "supertypes");
    return { final: b === 0x4f, supertypes, type: compType(r) };
  }
  return { final: true, supertypes: [], type: compType(r) };
}

/** `core:type` / `core:deftype`: a module type, a rec group or a single sub type. */
export function coreType(r: ByteReader): CoreType {
  const offset = r.pos;
  const b = r.peek("core type");
  switch (b) {
    case 0x50: // core:moduletype (the 0x50 ambiguity, Binary.md "Type Definitions" notes)
      r.u8("");
      return { kind: "module", offset, decls: moduleDecls(r) };
    case 0x00: {
      // A non-final `sub` is prefixed with 0x00 in this context.
      r.u8("");
      r.expect(0x50, "non-final core sub type");
      const supertypes = typeIndices(r, "supertypes");
      return { kind: "sub", offset, type: { final: false, supertypes, type: compType(r) } };
    }
    case 0x4e: {
      r.u8("");
      const types: CoreSubType[] = [];
      for (let n = r.count("rec group types"); n > 0; n--) types.push(subType(r));
      return { kind: "rec", offset, types };
    }
    default:
      return { kind: "sub", offset, type: subType(r) };
  }
}

function moduleDecls(r: ByteReader): CoreModuleDecl[] {
  enterNested(r);
  const decls: CoreModuleDecl[] = [];
  for (let n = r.count("module type declarations", 2); n > 0; n--) {
    const offset = r.pos;
    const tag = r.u8("module type declaration");
    switch (tag) {
      case 0x00: {
        const module = r.name("import module name");
        const name = r.name("import field name");
        decls.push({ kind: "import", offset, module, name, type: coreExternType(r) });
        break;
      }
      case 0x01:
        decls.push({ kind: "type", offset, type: coreType(r) });
        break;
      case 0x02: {
        r.expect(0x10, "core alias sort `type`");
        r.expect(0x01, "core alias kind `outer`");
        const count = r.u32("outer alias count");
        const index = r.u32("outer alias index");
        decls.push({ kind: "alias", offset, count, index });
        break;
      }
      case 0x03: {
        const name = r.name("export name");
        decls.push({ kind: "export", offset, name, type: coreExternType(r) });
        break;
      }
      default:
        r.fail(`expected a module type declaration (0x00..0x03), found ${hexByte(tag)}`, offset);
    }
  }
  leaveNested(r);
  return decls;
}

function limits(r: ByteReader): CoreLimits {
  const at = r.pos;
  const flags = r.u8("limits flags");
  if (flags > 0x0f) r.fail(`expected limits flags 0x00..0x0f, found ${hexByte(flags)}`, at);
  const is64 = (flags & 0x04) !== 0;
  const read = (what: string): bigint => (is64 ? r.u64(what) : BigInt(r.u32(what)));
  const min = read("limits minimum");
  const max = flags & 0x01 ? read("limits maximum") : undefined;
  const pageSizeLog2 = flags & 0x08 ? r.u32("page size") : undefined;
  const out: CoreLimits = { min, shared: (flags & 0x02) !== 0, is64 };
  if (max !== undefined) out.max = max;
  if (pageSizeLog2 !== undefined) out.pageSizeLog2 = pageSizeLog2;
  return out;
}

/** `core:externtype` (core "External Types"). */
export function coreExternType(r: ByteReader): CoreExternType {
  const at = r.pos;
  const b = r.u8("core extern type");
  switch (b) {
    case 0x00:
      return { kind: "func", type: r.u32("function type index") };
    case 0x01: {
      const element = coreValType(r);
      if (element.kind !== "ref") r.fail("expected a reference type for a table", at + 1);
      return { kind: "table", element, limits: limits(r) };
    }
    case 0x02:
      return { kind: "memory", limits: limits(r) };
    case 0x03: {
      const type = coreValType(r);
      return { kind: "global", type, mutable: mutability(r) };
    }
    case 0x04:
      r.expect(0x00, "tag attribute");
      return { kind: "tag", type: r.u32("tag type index") };
    default:
      return r.fail(`expected a core extern type (0x00..0x04), found ${hexByte(b)}`, at);
  }
}
