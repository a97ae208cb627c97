/**
 * Strings across the boundary in all three encodings
 * (CanonicalABI.md `load_string_from_range`, `store_string_into_range`).
 *
 * Lowering a host string: the spec's source string is `(chars, encoding,
 * code_units)`, and a host may present its string in whichever source
 * encoding it likes (a Rust host presents UTF-8). We present a JS string in
 * the encoding that makes the spec's algorithm a single exact-size copy:
 * UTF-8 (with its UTF-8 byte length) for a utf8 callee, UTF-16 for utf16,
 * and, after scanning for code units >= 256, latin1 or tagged UTF-16 for
 * latin1+utf16. So every host string costs exactly one realloc call.
 */
import { Trap, AbiValueError } from "../trap.js";
import type { LiftLowerContext } from "./context.js";
import { MAX_STRING_BYTE_LENGTH, UTF16_TAG } from "./layout.js";

interface TextCodecGlobals {
  TextDecoder: new (
    label: string,
    opts?: { fatal?: boolean; ignoreBOM?: boolean },
  ) => {
    decode(input: Uint8Array): string;
  };
  TextEncoder: new () => {
    encodeInto(s: string, dest: Uint8Array): { read: number; written: number };
  };
}
// Available in every JS host (browsers, Node, Deno, Bun); typed locally so the runtime needs no DOM/Node types.
const codecs = globalThis as unknown as TextCodecGlobals;
const utf8Decoder = new codecs.TextDecoder("utf-8", {
  fatal: true,
  ignoreBOM: true,
});
const utf16Decoder = new codecs.TextDecoder("utf-16le", {
  fatal: true,
  ignoreBOM: true,
});
const utf8Encoder = new codecs.TextEncoder();

const LOAD_RULE = "CanonicalABI.md load_string_from_range";

/** CanonicalABI.md `load_string_from_range`. */
export function loadStringFromRange(
  cx: LiftLowerContext,
  ptr: number,
  taggedCodeUnits: number,
): string {
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
    throw new Trap(
      `string byte length ${byteLength} exceeds the maximum ${MAX_STRING_BYTE_LENGTH}`,
      { rule: LOAD_RULE },
    );
  }
  cx.checkRange(ptr, byteLength, align, "string", LOAD_RULE);
  if (encoding === "utf8" && byteLength <= SHORT) {
    // Invalid input falls through to the fatal TextDecoder, which traps below.
    const short = decodeShortUtf8(cx.u8, ptr, byteLength);
    if (short !== undefined) return short;
  }
  const bytes = cx.u8.subarray(ptr, ptr + byteLength);
  if (encoding === "latin1") return decodeLatin1(bytes);
  try {
    return (encoding === "utf8" ? utf8Decoder : utf16Decoder).decode(bytes);
  } catch (e) {
    throw new Trap(
      `string at ${ptr} is not valid ${encoding === "utf8" ? "UTF-8" : "UTF-16"}`,
      {
        rule: LOAD_RULE,
        cause: e,
      },
    );
  }
}

/** Below this many bytes, hand-written loops beat TextEncoder/TextDecoder call overhead. */
const SHORT = 32;

/** Hand-written strict UTF-8 decoding for short strings; `undefined` if the bytes are not valid UTF-8. */
function decodeShortUtf8(
  u8: Uint8Array,
  ptr: number,
  len: number,
): string | undefined {
  let s = "";
  const end = ptr + len;
  let i = ptr;
  while (i < end) {
    const b0 = u8[i];
    if (b0 < 0x80) {
      s += String.fromCharCode(b0);
      i++;
    } else if (b0 < 0xc2) {
      return undefined; // stray continuation byte or overlong 2-byte form
    } else if (b0 < 0xe0) {
      const b1 = u8[i + 1];
      if (i + 1 >= end || (b1 & 0xc0) !== 0x80) return undefined;
      s += String.fromCharCode(((b0 & 0x1f) << 6) | (b1 & 0x3f));
      i += 2;
    } else if (b0 < 0xf0) {
      const b1 = u8[i + 1];
      const b2 = u8[i + 2];
      const lo = b0 === 0xe0 ? 0xa0 : 0x80; // no overlong forms
      const hi = b0 === 0xed ? 0x9f : 0xbf; // no surrogates
      if (i + 2 >= end || b1 < lo || b1 > hi || (b2 & 0xc0) !== 0x80)
        return undefined;
      s += String.fromCharCode(
        ((b0 & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f),
      );
      i += 3;
    } else if (b0 < 0xf5) {
      const b1 = u8[i + 1];
      const b2 = u8[i + 2];
      const b3 = u8[i + 3];
      const lo = b0 === 0xf0 ? 0x90 : 0x80; // no overlong forms
      const hi = b0 === 0xf4 ? 0x8f : 0xbf; // nothing above U+10FFFF
      if (
        i + 3 >= end ||
        b1 < lo ||
        b1 > hi ||
        (b2 & 0xc0) !== 0x80 ||
        (b3 & 0xc0) !== 0x80
      )
        return undefined;
      s += String.fromCodePoint(
        ((b0 & 0x07) << 18) |
          ((b1 & 0x3f) << 12) |
          ((b2 & 0x3f) << 6) |
          (b3 & 0x3f),
      );
      i += 4;
    } else {
      return undefined;
    }
  }
  return s;
}

/** Hand-written UTF-8 encoding of a well-formed string into `u8` at `ptr`; returns the byte count. */
function encodeShortUtf8(s: string, u8: Uint8Array, ptr: number): number {
  let p = ptr;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      u8[p++] = c;
    } else if (c < 0x800) {
      u8[p++] = 0xc0 | (c >> 6);
      u8[p++] = 0x80 | (c & 0x3f);
    } else if (c < 0xd800 || c > 0xdbff) {
      u8[p++] = 0xe0 | (c >> 12);
      u8[p++] = 0x80 | ((c >> 6) & 0x3f);
      u8[p++] = 0x80 | (c & 0x3f);
    } else {
      c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00); // well-formed: a pair
      u8[p++] = 0xf0 | (c >> 18);
      u8[p++] = 0x80 | ((c >> 12) & 0x3f);
      u8[p++] = 0x80 | ((c >> 6) & 0x3f);
      u8[p++] = 0x80 | (c & 0x3f);
    }
  }
  return p - ptr;
}

function decodeLatin1(bytes: Uint8Array): string {
  let s = "";
  const CHUNK = 8192;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    s += String.fromCharCode.apply(
      null,
      bytes.subarray(i, i + CHUNK) as unknown as number[],
    );
  }
  return s;
}

const STORE_RULE = "CanonicalABI.md store_string_into_range";

/** Rejects host strings that are not sequences of Unicode scalar values (lone surrogates). */
export function checkHostString(v: unknown): string {
  if (typeof v !== "string")
    throw new AbiValueError(`expected a string, got ${describe(v)}`);
  if (!(v as unknown as { isWellFormed(): boolean }).isWellFormed()) {
    throw new AbiValueError(
      "string contains a lone surrogate (not a sequence of Unicode scalar values)",
    );
  }
  return v;
}

/** CanonicalABI.md `store_string_into_range` of a host string; returns `[ptr, taggedCodeUnits]`. */
export function storeStringIntoRange(
  cx: LiftLowerContext,
  v: unknown,
): [number, number] {
  const s = checkHostString(v);
  switch (cx.stringEncoding) {
    case "utf8":
      return storeHostStringUtf8(cx, s);
    case "utf16":
      return storeHostStringUtf16(cx, s);
    case "latin1+utf16":
      return storeHostStringLatin1OrUtf16(cx, s);
  }
}

/** UTF-8 byte length of a well-formed string. */
function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c < 0xd800 || c > 0xdbff) n += 2;
    else {
      n += 2; // a surrogate pair: 2 code units, 4 bytes
      i++;
    }
  }
  return n;
}

/** Source presented as UTF-8: CanonicalABI.md `store_string_copy` (utf8 -> utf8). */
export function storeHostStringUtf8(
  cx: LiftLowerContext,
  s: string,
): [number, number] {
  const bytes = utf8Length(s);
  const ptr = cx.allocate(1, bytes);
  cx.checkRange(ptr, bytes, 1, "string", STORE_RULE);
  if (s.length <= SHORT) encodeShortUtf8(s, cx.u8, ptr);
  else utf8Encoder.encodeInto(s, cx.u8.subarray(ptr, ptr + bytes));
  return [ptr, bytes];
}

/** Source presented as UTF-16: CanonicalABI.md `store_string_copy` (utf16 -> utf16). */
export function storeHostStringUtf16(
  cx: LiftLowerContext,
  s: string,
): [number, number] {
  const n = s.length;
  const ptr = cx.allocate(2, 2 * n);
  cx.checkRange(ptr, 2 * n, 2, "string", STORE_RULE);
  writeUtf16(cx, s, ptr, 0, n);
  return [ptr, n];
}

function writeUtf16(
  cx: LiftLowerContext,
  s: string,
  ptr: number,
  from: number,
  to: number,
): void {
  const dv = cx.dv;
  for (let i = from; i < to; i++)
    dv.setUint16(ptr + 2 * i, s.charCodeAt(i), true);
}

/**
 * Source presented as latin1+utf16: latin1 when every code unit is < 256
 * (CanonicalABI.md `store_string_copy` latin1 -> latin1, alignment 2), else
 * tagged UTF-16 (`store_probably_utf16_to_latin1_or_utf16`, which then keeps UTF-16).
 */
export function storeHostStringLatin1OrUtf16(
  cx: LiftLowerContext,
  s: string,
): [number, number] {
  const n = s.length;
  let latin1 = true;
  for (let i = 0; i < n; i++) {
    if (s.charCodeAt(i) >= 256) {
      latin1 = false;
      break;
    }
  }
  if (!latin1) {
    const ptr = cx.allocate(2, 2 * n);
    cx.checkRange(ptr, 2 * n, 2, "string", STORE_RULE);
    writeUtf16(cx, s, ptr, 0, n);
    return [ptr, n + UTF16_TAG];
  }
  const ptr = cx.allocate(2, n);
  cx.checkRange(ptr, n, 2, "string", STORE_RULE);
  const u8 = cx.u8;
  for (let i = 0; i < n; i++) u8[ptr + i] = s.charCodeAt(i);
  return [ptr, n];
}

/** @deprecated Old names of the host-string stores (kept for `glue-support.ts`). */
export const storeUtf16ToUtf8 = storeHostStringUtf8;
/** @deprecated See {@link storeHostStringUtf16}. */
export const storeUtf16Copy = storeHostStringUtf16;
/** @deprecated See {@link storeHostStringLatin1OrUtf16}. */
export const storeUtf16ToLatin1OrUtf16 = storeHostStringLatin1OrUtf16;

export function describe(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (typeof v === "string")
    return `string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)}`;
  if (typeof v === "number" || typeof v === "boolean")
    return `${typeof v} ${String(v)}`;
  if (typeof v === "bigint") return `bigint ${v}n`;
  if (Array.isArray(v)) return `array of length ${v.length}`;
  if (typeof v === "object")
    return `object ${(v as object).constructor?.name ?? "Object"}`;
  return typeof v;
}
