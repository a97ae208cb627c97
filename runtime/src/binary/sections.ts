/** Binary.md "Component Definitions": the section list of one component. */
import type { ComponentAst, Section, Start, Value } from "./ast.js";
import { alias } from "./aliases.js";
import type { ByteReader } from "./byte-reader.js";
import { canon } from "./canon.js";
import { coreType } from "./core-types.js";
import { hexByte } from "./errors.js";
import { externName } from "./extern-names.js";
import { coreInstance, instance } from "./instances.js";
import { decodeNameSection } from "./name-section.js";
import { enterNested, leaveNested } from "./nesting.js";
import { sortIdx as sortIdxOf } from "./sorts.js";
import { externType, typeDef, valType } from "./types.js";

/** The preamble: magic, version 0x0d 0x00, layer 0x01 0x00. */
export const COMPONENT_VERSION = 0x0d;

export function component(r: ByteReader): ComponentAst {
  const offset = r.pos;
  enterNested(r);
  const magic = [0x00, 0x61, 0x73, 0x6d];
  for (const m of magic) {
    const at = r.pos;
    const b = r.u8("the wasm magic number \\0asm");
    if (b !== m) r.fail(`expected the wasm magic number \\0asm, found ${hexByte(b)}`, at);
  }
  const versionAt = r.pos;
  const version = r.u8("version") | (r.u8("version") << 8);
  const layer = r.u8("layer") | (r.u8("layer") << 8);
  if (layer === 0) r.fail("expected a component (layer 0x01), found a core module (layer 0x00)", versionAt + 2);
  if (layer !== 1) r.fail(`expected a component (layer 0x01), found layer 0x${layer.toString(16)}`, versionAt + 2);
  if (version !== COMPONENT_VERSION) {
    r.fail(
      `expected component binary version 0x${COMPONENT_VERSION.toString(16)}, found 0x${version.toString(16)}`,
      versionAt,
    );
  }
  const ast: ComponentAst = { offset, size: 0, version, sections: [] };
  while (!r.atEnd()) {
    const section = readSection(r);
    ast.sections.push(section);
    if (section.kind === "custom" && section.name === "component-name" && ast.names === undefined) {
      const names = decodeNameSection(section.data, 0, section.data.length);
      if (names) ast.names = names;
    }
  }
  ast.size = r.pos - offset;
  leaveNested(r);
  return ast;
}

function vec<T>(r: ByteReader, what: string, minSize: number, item: (r: ByteReader) => T): T[] {
  const out: T[] = [];
  for (let n = r.count(what, minSize); n > 0; n--) out.push(item(r));
  return out;
}

function readSection(r: ByteReader): Section {
  const offset = r.pos;
  const id = r.u8("section id");
  const size = r.length(`section ${id}`);
  const body = r.sub(size, `section ${id}`);
  const section = sectionBody(body, id, offset);
  body.expectEnd(`section ${id}`);
  return section;
}

function sectionBody(r: ByteReader, id: number, offset: number): Section {
  switch (id) {
    case 0: {
      const name = r.name("custom section name");
      return { kind: "custom", offset, name, data: r.take(r.remaining, "custom section data") };
    }
    case 1: {
      // Kept as bytes for the engine; only its extent is checked here.
      const start = r.pos;
      const bytes = r.take(r.remaining, "core module");
      return { kind: "core-module", offset, start, end: r.pos, bytes };
    }
    case 2:
      return { kind: "core-instances", offset, items: vec(r, "core instances", 2, coreInstance) };
    case 3:
      return { kind: "core-types", offset, items: vec(r, "core types", 1, coreType) };
    case 4:
      return { kind: "component", offset, component: component(r) };
    case 5:
      return { kind: "instances", offset, items: vec(r, "instances", 2, instance) };
    case 6:
      return { kind: "aliases", offset, items: vec(r, "aliases", 3, alias) };
    case 7:
      return { kind: "types", offset, items: vec(r, "types", 1, typeDef) };
    case 8:
      return { kind: "canons", offset, items: vec(r, "canonical definitions", 1, canon) };
    case 9:
      return { kind: "start", offset, start: start(r) };
    case 10:
      return {
        kind: "imports",
        offset,
        items: vec(r, "imports", 4, (r) => {
          const at = r.pos;
          const name = externName(r);
          return { offset: at, name, type: externType(r) };
        }),
      };
    case 11:
      return {
        kind: "exports",
        offset,
        items: vec(r, "exports", 5, (r) => {
          const at = r.pos;
          const name = externName(r);
          const item = sortIdxOf(r);
          const flagAt = r.pos;
          const has = r.u8("export type ascription flag");
          if (has > 1) r.fail(`expected 0x00 or 0x01 for an optional export type, found ${hexByte(has)}`, flagAt);
          return has ? { offset: at, name, item, type: externType(r) } : { offset: at, name, item };
        }),
      };
    case 12:
      return { kind: "values", offset, items: vec(r, "values", 2, value) };
    default:
      return r.fail(`expected a component section id (0..12), found ${id}`, offset);
  }
}

/** 🪙 `start` */
function start(r: ByteReader): Start {
  const offset = r.pos;
  const func = r.u32("function index");
  const args = vec(r, "start arguments", 1, (r) => r.u32("value index"));
  return { offset, func, args, results: r.u32("start result count") };
}

/** 🪙 `value`: the payload is length-prefixed, so it is kept encoded. */
function value(r: ByteReader): Value {
  const offset = r.pos;
  const type = valType(r);
  const len = r.length("value");
  return { offset, type, bytes: r.take(len, "value") };
}
