/** Binary.md "Instance Definitions": `core:instance` and `instance`. */
import type { CoreInstance, Instance } from "./ast.js";
import type { ByteReader } from "./byte-reader.js";
import { hexByte } from "./errors.js";
import { externName } from "./extern-names.js";
import { coreSort, sortIdx } from "./sorts.js";

export function coreInstance(r: ByteReader): CoreInstance {
  const offset = r.pos;
  const tag = r.u8("core instance");
  if (tag === 0x00) {
    const module = r.u32("core module index");
    const args = [];
    for (let n = r.count("instantiation arguments", 3); n > 0; n--) {
      const name = r.name("argument name");
      // Validation only allows the `instance` sort (0x12) for now.
      r.expect(0x12, "core instance sort of an instantiation argument");
      args.push({ name, instance: r.u32("core instance index") });
    }
    return { kind: "instantiate", offset, module, args };
  }
  if (tag === 0x01) {
    const exports = [];
    for (let n = r.count("inline exports", 3); n > 0; n--) {
      const name = r.name("export name");
      const sort = coreSort(r);
      exports.push({ name, sort, index: r.u32(`core ${sort} index`) });
    }
    return { kind: "exports", offset, exports };
  }
  return r.fail(`expected a core instance (0x00 instantiate or 0x01 exports), found ${hexByte(tag)}`, offset);
}

export function instance(r: ByteReader): Instance {
  const offset = r.pos;
  const tag = r.u8("instance");
  if (tag === 0x00) {
    const component = r.u32("component index");
    const args = [];
    for (let n = r.count("instantiation arguments", 3); n > 0; n--) {
      args.push({ name: r.name("argument name"), item: sortIdx(r) });
    }
    return { kind: "instantiate", offset, component, args };
  }
  if (tag === 0x01) {
    const exports = [];
    for (let n = r.count("inline exports", 4); n > 0; n--) {
      exports.push({ name: externName(r), item: sortIdx(r) });
    }
    return { kind: "exports", offset, exports };
  }
  return r.fail(`expected an instance (0x00 instantiate or 0x01 exports), found ${hexByte(tag)}`, offset);
}
