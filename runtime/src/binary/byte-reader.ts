import { ComponentLoadError, hexByte } from "./errors.js";

/**
 * A bounds-checked cursor over a slice of the component binary. Offsets are
 * absolute (into the outermost binary) so errors name the real position.
 * Every read checks the remaining length first, so malformed input yields a
 * ComponentLoadError, never a RangeError or an over-sized allocation.
 */
export class ByteReader {
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    start: number,
    readonly end: number,
    /** State shared by a reader and its sub-readers (nesting depth). */
    readonly shared: { depth: number } = { depth: 0 },
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  fail(message: string, offset: number = this.pos): never {
    throw new ComponentLoadError(offset, message);
  }

  u8(what: string): number {
    if (this.pos >= this.end) this.fail(`expected ${what}, found end of input`);
    return this.bytes[this.pos++];
  }

  peek(what: string): number {
    if (this.pos >= this.end) this.fail(`expected ${what}, found end of input`);
    return this.bytes[this.pos];
  }

  /** Core "Integers": unsigned LEB128, at most 5 bytes for a u32. */
  u32(what: string): number {
    const start = this.pos;
    let result = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.u8(what);
      if (i === 4 && b > 0x0f)
        this.fail(`expected ${what} (u32 LEB128), found an encoding that overflows 32 bits`, start);
      result += (b & 0x7f) * 2 ** (7 * i);
      if ((b & 0x80) === 0) return result;
    }
    return this.fail(`expected ${what} (u32 LEB128), found more than 5 bytes`, start);
  }

  /** Unsigned LEB128 up to 64 bits (memory64 limits); returned as a bigint. */
  u64(what: string): bigint {
    const start = this.pos;
    let result = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.u8(what);
      if (i === 9 && b > 0x01)
        this.fail(`expected ${what} (u64 LEB128), found an encoding that overflows 64 bits`, start);
      result |= BigInt(b & 0x7f) << BigInt(7 * i);
      if ((b & 0x80) === 0) return result;
    }
    return this.fail(`expected ${what} (u64 LEB128), found more than 10 bytes`, start);
  }

  /** Signed LEB128 of at most 33 bits (core heap types, component valtypes). */
  s33(what: string): number {
    const start = this.pos;
    let result = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.u8(what);
      result += (b & 0x7f) * 2 ** (7 * i);
      if ((b & 0x80) === 0) {
        const bits = 7 * (i + 1);
        if (i === 4) {
          // The unused high bits of the last byte must be the sign extension.
          const high = b & 0x70;
          if (high !== 0 && high !== 0x70)
            this.fail(`expected ${what} (s33 LEB128), found an encoding that overflows 33 bits`, start);
        }
        if (b & 0x40) result -= 2 ** bits;
        return result;
      }
    }
    return this.fail(`expected ${what} (s33 LEB128), found more than 5 bytes`, start);
  }

  /** Reads a length and checks that many bytes remain. */
  length(what: string): number {
    const at = this.pos;
    const len = this.u32(`length of ${what}`);
    if (len > this.remaining)
      this.fail(`expected ${what} of ${len} bytes, found only ${this.remaining} bytes left`, at);
    return len;
  }

  /**
   * Reads a vector count. Each item takes at least `minItemSize` bytes, so a
   * count larger than the remaining bytes allow is rejected before any loop.
   */
  count(what: string, minItemSize = 1): number {
    const at = this.pos;
    const n = this.u32(`number of ${what}`);
    if (n * minItemSize > this.remaining) {
      this.fail(`expected ${n} ${what}, found only ${this.remaining} bytes left`, at);
    }
    return n;
  }

  /** A view (no copy) of the next `len` bytes. */
  take(len: number, what: string): Uint8Array {
    if (len > this.remaining) this.fail(`expected ${what} of ${len} bytes, found only ${this.remaining} bytes left`);
    const view = this.bytes.subarray(this.pos, this.pos + len);
    this.pos += len;
    return view;
  }

  /** Core "Names": a length-prefixed UTF-8 string. */
  name(what: string): string {
    const len = this.length(what);
    const at = this.pos;
    const text = decodeUtf8(this.bytes, at, at + len);
    if (text === undefined) this.fail(`expected ${what} as UTF-8, found invalid UTF-8`, at);
    this.pos += len;
    return text;
  }

  /** Reads a byte that must be `expected`. */
  expect(expected: number, what: string): void {
    const at = this.pos;
    const b = this.u8(what);
    if (b !== expected) this.fail(`expected ${what} (${hexByte(expected)}), found ${hexByte(b)}`, at);
  }

  /** A sub-reader over the next `len` bytes; this reader skips past them. */
  sub(len: number, what: string): ByteReader {
    if (len > this.remaining) this.fail(`expected ${what} of ${len} bytes, found only ${this.remaining} bytes left`);
    const r = new ByteReader(this.bytes, this.pos, this.pos + len, this.shared);
    this.pos += len;
    return r;
  }

  expectEnd(what: string): void {
    if (this.pos !== this.end) this.fail(`expected end of ${what}, found ${this.end - this.pos} more bytes`);
  }
}

/**
 * Strict UTF-8 decoding (core "Names" must be valid UTF-8). Hand-written
 * because the runtime uses no platform APIs beyond ECMAScript.
 * Returns undefined on invalid input.
 */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string | undefined {
  let out = "";
  let i = start;
  while (i < end) {
    // Fast path for ASCII runs.
    let j = i;
    while (j < end && bytes[j] < 0x80) j++;
    if (j > i) {
      out += asciiChunk(bytes, i, j);
      i = j;
      if (i >= end) break;
    }
    const b0 = bytes[i];
    let cp: number;
    let need: number;
    let min: number;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      cp = b0 & 0x1f;
      need = 1;
      min = 0x80;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      cp = b0 & 0x0f;
      need = 2;
      min = 0x800;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      cp = b0 & 0x07;
      need = 3;
      min = 0x10000;
    } else {
      return undefined;
    }
    if (i + need >= end) return undefined;
    for (let k = 1; k <= need; k++) {
      const b = bytes[i + k];
      if ((b & 0xc0) !== 0x80) return undefined;
      cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}

function asciiChunk(bytes: Uint8Array, start: number, end: number): string {
  let s = "";
  // Chunked to keep the argument count of fromCharCode bounded.
  for (let i = start; i < end; i += 4096) {
    s += String.fromCharCode.apply(null, Array.from(bytes.subarray(i, Math.min(end, i + 4096))));
  }
  return s;
}
