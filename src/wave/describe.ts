/**
 * How types are named in WAVE messages: WIT-like text (`list<u8>`,
 * `record point`), with an article, plus the spellings a value may take.
 */
import { describeAbiType, type AbiType } from "@witgen/runtime";

const INT_RANGES: Record<string, [bigint, bigint]> = {
  u8: [0n, 255n],
  u16: [0n, 65535n],
  u32: [0n, 4294967295n],
  u64: [0n, 18446744073709551615n],
  s8: [-128n, 127n],
  s16: [-32768n, 32767n],
  s32: [-2147483648n, 2147483647n],
  s64: [-9223372036854775808n, 9223372036854775807n],
};

export function intRange(kind: string): [bigint, bigint] | undefined {
  return INT_RANGES[kind];
}

/** WIT-like text of a type (named types by name). */
export function typeText(t: AbiType): string {
  return describeAbiType(t);
}

function article(text: string): string {
  return /^(?:[aeio]|[sf]\d)/.test(text) ? `an ${text}` : `a ${text}`;
}

function labels(names: string[], max = 8): string {
  return names.length > max ? names.slice(0, max).join(", ") + ", ..." : names.join(", ");
}

/** "a string", "an s32 (-2147483648 to 2147483647)", "a variant shape: circle(...), rect(...), none", ... */
export function expectedText(t: AbiType): string {
  switch (t.kind) {
    case "record":
      return t.name ? `a record ${t.name}` : `a ${typeText(t)}`;
    case "variant":
      return `${t.name ? `a variant ${t.name}` : "a variant"} (${labels(t.cases.map((c) => (c.type ? `${c.name}(...)` : c.name)))})`;
    case "enum":
      return `${t.name ? `an enum ${t.name}` : "an enum"} (${labels(t.cases)})`;
    case "flags":
      return `${t.name ? `flags ${t.name}` : "flags"} {${labels(t.flags)}}`;
    case "map":
      return `a ${typeText(t)}, written as a list of (key, value) tuples`;
    default: {
      const range = INT_RANGES[t.kind];
      const base = article(typeText(t));
      return range ? `${base} (an integer from ${range[0]} to ${range[1]})` : base;
    }
  }
}
