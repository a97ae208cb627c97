/**
 * Strings across the boundary in all three encodings
 * (CanonicalABI.md `load_string_from_range`, `store_string_into_range`).
 *
 * A JS string is a sequence of UTF-16 code units, so host strings are lowered
 * as the spec's `utf16` source encoding with `s.length` code units; that fixes
 * the (observable) sequence of realloc calls the spec prescribes.
 */
import { Trap, AbiValueError } from "../trap.js";
import type { LiftLowerContext } from "./context.js";
import { MAX_STRING_BYTE_LENGTH, UTF16_TAG } from "./layout.js";

interface TextCodecGlobals {
  TextDecoder: new (label: string, opts?: { fatal?: boolean; ignoreBOM?: boolean }) => {
    decode(input: Uint8Array): string;
  };
  TextEncoder: new () => {
    encodeInto(s: string, dest: Uint8Array): { read: number; written: number };
  };
}
// Available in every JS host (browsers, Node, Deno, Bun); typed locally so the runtime needs no DOM/Node types.
const codecs = globalThis as unknown as TextCodecGlobals;
const utf8Decoder = new codecs.TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const utf16Decoder = new codecs.TextDecoder("utf-16le", { fatal: true, ignoreBOM: true });
const utf8Encoder = new codecs.TextEncoder();

const LOAD_RULE = "CanonicalABI.md load_string_from_range";

/** CanonicalABI.md `load_string_from_range`. */
export function loadStringFromRange(cx: LiftLowerContext, ptr: number, taggedCodeUnits: number): string {
  // Both are unsigned i32s; callers may hold them as signed JS numbers.
  ptr >>>= 0;
  taggedCodeUnits >>>= 0;
  let align: number;
  let byteLength: number;
  let encoding: "utf8" | "utf16" | "latin1";
  switch (cx.stringEncoding) {
    case "utf8":
      align = 1;
      byteLength = taggedCodeUnits;
      encoding = "utf8";
      break;
    case "utf16":
      align = 2;
      byteLength = 2 * taggedCodeUnits;
      encoding = "utf16";
      break;
    case "latin1+utf16":
      align = 2;
      if (taggedCodeUnits >= UTF16_TAG) {
        byteLength = 2 * (taggedCodeUnits - UTF16_TAG);
        encoding = "utf16";
      } else {
        byteLength = taggedCodeUnits;
        encoding = "latin1";
      }
      break;
  }
  if (byteLength > MAX_STRING_BYTE_LENGTH) {
    throw new Trap(`string byte length ${byteLength} exceeds the maximum ${MAX_STRING_BYTE_LENGTH}`, { rule: LOAD_RULE });
  }
  cx.checkRange(ptr, byteLength, align, "string", LOAD_RULE);
  if (encoding === "utf8" && byteLength <= SHORT) {
    const ascii = decodeShortAscii(cx.u8, ptr, byteLength);
    if (ascii !== undefined) return ascii;
  }
  const bytes = cx.u8.subarray(ptr, ptr + byteLength);
  if (encoding === "latin1") return decodeLatin1(bytes);
  try {
    return (encoding === "utf8" ? utf8Decoder : utf16Decoder).decode(bytes);
  } catch (e) {
    throw new Trap(`string at ${ptr} is not valid ${encoding === "utf8" ? "UTF-8" : "UTF-16"}`, {
      rule: LOAD_RULE,
      cause: e,
    });
  }
}

/** Below this many bytes, hand-written loops beat TextEncoder/TextDecoder call overhead. */
const SHORT = 32;

function decodeShortAscii(u8: Uint8Array, ptr: number, len: number): string | undefined {
  let s = "";
  for (let i = 0; i < len; i++) {
    const b = u8[ptr + i];
    if (b >= 0x80) return undefined;
    s += String.fromCharCode(b);
  }
  return s;
}

function decodeLatin1(bytes: Uint8Array): string {
  let s = "";
  const CHUNK = 8192;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]);
  }
  return s;
}

const STORE_RULE = "CanonicalABI.md store_string_into_range";

/** Rejects host strings that are not sequences of Unicode scalar values (lone surrogates). */
export function checkHostString(v: unknown): string {
  if (typeof v !== "string") throw new AbiValueError(`expected a string, got ${describe(v)}`);
  if (!(v as unknown as { isWellFormed(): boolean }).isWellFormed()) {
    throw new AbiValueError("string contains a lone surrogate (not a sequence of Unicode scalar values)");
  }
  return v;
}

/** CanonicalABI.md `store_string_into_range` with a `utf16` source; returns `[ptr, taggedCodeUnits]`. */
export function storeStringIntoRange(cx: LiftLowerContext, v: unknown): [number, number] {
  const s = checkHostString(v);
  switch (cx.stringEncoding) {
    case "utf8":
      return storeUtf16ToUtf8(cx, s);
    case "utf16":
      return storeUtf16Copy(cx, s);
    case "latin1+utf16":
      return storeUtf16ToLatin1OrUtf16(cx, s);
  }
}

/** CanonicalABI.md `store_utf16_to_utf8` / `store_string_to_utf8`. */
export function storeUtf16ToUtf8(cx: LiftLowerContext, s: string): [number, number] {
  const n = s.length;
  let ptr = cx.allocate(1, n);
  cx.checkRange(ptr, n, 1, "string", STORE_RULE);
  if (n <= SHORT) {
    const u8 = cx.u8;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      u8[ptr + i] = c;
    }
    if (i === n) return [ptr, n]; // all ASCII
  } else {
    const first = utf8Encoder.encodeInto(s, cx.u8.subarray(ptr, ptr + n));
    if (first.read === n && first.written === n) return [ptr, n]; // all ASCII
  }
  const worst = 3 * n;
  ptr = cx.reallocate(ptr, n, 1, worst);
  cx.checkRange(ptr, worst, 1, "string", STORE_RULE);
  const { written } = utf8Encoder.encodeInto(s, cx.u8.subarray(ptr, ptr + worst));
  if (worst > written) {
    ptr = cx.reallocate(ptr, worst, 1, written);
    cx.checkRange(ptr, written, 1, "string", STORE_RULE);
  }
  return [ptr, written];
}

/** CanonicalABI.md `store_string_copy` (utf16 -> utf16). */
export function storeUtf16Copy(cx: LiftLowerContext, s: string): [number, number] {
  const n = s.length;
  const ptr = cx.allocate(2, 2 * n);
  cx.checkRange(ptr, 2 * n, 2, "string", STORE_RULE);
  writeUtf16(cx, s, ptr, 0, n);
  return [ptr, n];
}

function writeUtf16(cx: LiftLowerContext, s: string, ptr: number, from: number, to: number): void {
  const dv = cx.dv;
  for (let i = from; i < to; i++) dv.setUint16(ptr + 2 * i, s.charCodeAt(i), true);
}

/** CanonicalABI.md `store_string_to_latin1_or_utf16` (utf16 source). */
export function storeUtf16ToLatin1OrUtf16(cx: LiftLowerContext, s: string): [number, number] {
  const n = s.length;
  let ptr = cx.allocate(2, n);
  cx.checkRange(ptr, n, 2, "string", STORE_RULE);
  let u8 = cx.u8;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 256) {
      u8[ptr + i] = c;
      continue;
    }
    // First code point outside latin1: switch to UTF-16, widening the prefix in place.
    const worst = 2 * n;
    ptr = cx.reallocate(ptr, n, 2, worst);
    cx.checkRange(ptr, worst, 2, "string", STORE_RULE);
    u8 = cx.u8;
    for (let j = i - 1; j >= 0; j--) {
      u8[ptr + 2 * j] = u8[ptr + j];
      u8[ptr + 2 * j + 1] = 0;
    }
    writeUtf16(cx, s, ptr, i, n);
    // A UTF-16 source has exactly `n` code units, so worst == encoded length: no shrink.
    return [ptr, n + UTF16_TAG];
  }
  return [ptr, n];
}

export function describe(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (typeof v === "string") return `string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)}`;
  if (typeof v === "number" || typeof v === "boolean") return `${typeof v} ${String(v)}`;
  if (typeof v === "bigint") return `bigint ${v}n`;
  if (Array.isArray(v)) return `array of length ${v.length}`;
  if (typeof v === "object") return `object ${(v as object).constructor?.name ?? "Object"}`;
  return typeof v;
}
