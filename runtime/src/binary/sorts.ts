/** Binary.md "Instance Definitions": `sort`, `core:sort`, `sortidx`. */
import type { CoreSort, Sort, SortIdx } from "./ast.js";
import type { ByteReader } from "./byte-reader.js";
import { hexByte } from "./errors.js";

const CORE_SORTS: Record<number, CoreSort> = {
  0x00: "func",
  0x01: "table",
  0x02: "memory",
  0x03: "global",
  0x04: "tag",
  0x10: "type",
  0x11: "module",
  0x12: "instance",
};

const SORTS: Record<number, Sort> = { 0x01: "func", 0x02: "value", 0x03: "type", 0x04: "component", 0x05: "instance" };

export function coreSort(r: ByteReader): CoreSort {
  const at = r.pos;
  const b = r.u8("core sort");
  const s = CORE_SORTS[b];
  if (s === undefined) r.fail(`expected a core sort, found ${hexByte(b)}`, at);
  return s;
}

export function sort(r: ByteReader): Sort {
  const at = r.pos;
  const b = r.u8("sort");
  if (b === 0x00) return `core ${coreSort(r)}`;
  const s = SORTS[b];
  if (s === undefined) r.fail(`expected a sort (0x00..0x05), found ${hexByte(b)}`, at);
  return s;
}

export function sortIdx(r: ByteReader): SortIdx {
  const s = sort(r);
  return { sort: s, index: r.u32(`${s} index`) };
}
