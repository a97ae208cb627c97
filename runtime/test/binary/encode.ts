/** A tiny hand encoder for component binaries (Binary.md), for cases no tool writes. */

export type Bytes = number[];

export function u32(n: number): Bytes {
  const out: Bytes = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function str(s: string): Bytes {
  const utf8 = [...new TextEncoder().encode(s)];
  return [...u32(utf8.length), ...utf8];
}

export function vec(items: Bytes[]): Bytes {
  return [...u32(items.length), ...items.flat()];
}

export function section(id: number, body: Bytes): Bytes {
  return [id, ...u32(body.length), ...body];
}

export const PREAMBLE: Bytes = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];

export function component(...sections: Bytes[]): Uint8Array {
  return new Uint8Array([...PREAMBLE, ...sections.flat()]);
}
