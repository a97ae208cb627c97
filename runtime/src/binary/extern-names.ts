/** Binary.md "Import and Export Definitions": `nameattributes` and `attribute`. */
import type { ExternName } from "./ast.js";
import type { ByteReader } from "./byte-reader.js";
import { hexByte } from "./errors.js";

export function externName(r: ByteReader): ExternName {
  const offset = r.pos;
  const tag = r.u8("extern name");
  if (tag > 0x02) r.fail(`expected an extern name (0x00, 0x01 or 0x02), found ${hexByte(tag)}`, offset);
  const out: ExternName = { offset, name: r.name("extern name") };
  if (tag !== 0x02) return out;
  for (let n = r.count("name attributes", 2); n > 0; n--) {
    const at = r.pos;
    const kind = r.u8("name attribute");
    // Validation allows each attribute kind at most once.
    const dup = (present: unknown) => {
      if (present !== undefined) r.fail("expected each name attribute at most once, found a repeat", at);
    };
    switch (kind) {
      case 0x00:
        dup(out.implements);
        out.implements = r.name("implements interface name");
        break;
      case 0x01:
        dup(out.versionSuffix);
        out.versionSuffix = r.name("version suffix");
        break;
      case 0x02:
        dup(out.externalId);
        out.externalId = r.name("external id");
        break;
      default:
        r.fail(`expected a name attribute (0x00..0x02), found ${hexByte(kind)}`, at);
    }
  }
  return out;
}
