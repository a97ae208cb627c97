/** Binary.md "Name Section": the `component-name` custom section. */
import type { NameSection } from "./ast.js";
import { ByteReader } from "./byte-reader.js";
import { ComponentLoadError } from "./errors.js";
import { sort } from "./sorts.js";

/**
 * Decodes the payload of a `component-name` section (after its name).
 * Binary.md: engines must not reject a component for a bad name section, so
 * a malformed one yields undefined instead of an error.
 */
export function decodeNameSection(bytes: Uint8Array, start: number, end: number): NameSection | undefined {
  try {
    const r = new ByteReader(bytes, start, end);
    const out: NameSection = { sorts: [] };
    while (!r.atEnd()) {
      const id = r.u8("name subsection id");
      const body = r.sub(r.length("name subsection"), "name subsection");
      if (id === 0) {
        out.component = body.name("component name");
      } else if (id === 1) {
        const s = sort(body);
        const names = new Map<number, string>();
        for (let n = body.count("name map entries", 2); n > 0; n--) {
          const idx = body.u32("index");
          names.set(idx, body.name("name"));
        }
        out.sorts.push({ sort: s, names });
      }
      // Unknown subsections are skipped, like core name sections.
    }
    return out;
  } catch (e) {
    if (e instanceof ComponentLoadError) return undefined;
    throw e;
  }
}
