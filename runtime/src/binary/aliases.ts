/** Binary.md "Alias Definitions". */
import type { Alias } from "./ast.js";
import type { ByteReader } from "./byte-reader.js";
import { hexByte } from "./errors.js";
import { sort } from "./sorts.js";

export function alias(r: ByteReader): Alias {
  const offset = r.pos;
  const s = sort(r);
  const at = r.pos;
  const tag = r.u8("alias kind");
  switch (tag) {
    case 0x00:
      return {
        kind: "instance-export",
        offset,
        sort: s,
        instance: r.u32("instance index"),
        name: r.name("export name"),
      };
    case 0x01:
      return {
        kind: "core-instance-export",
        offset,
        sort: s,
        instance: r.u32("core instance index"),
        name: r.name("core export name"),
      };
    case 0x02:
      // outeraliassort: only types, core types, core modules and components can be aliased outward.
      if (s !== "type" && s !== "core type" && s !== "core module" && s !== "component") {
        r.fail(`expected an outer alias of a type, core type, core module or component, found sort ${s}`, offset);
      }
      return { kind: "outer", offset, sort: s, count: r.u32("outer count"), index: r.u32("outer index") };
    default:
      return r.fail(`expected an alias kind (0x00, 0x01 or 0x02), found ${hexByte(tag)}`, at);
  }
}
