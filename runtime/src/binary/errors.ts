/**
 * The one error a component binary can cause: malformed, truncated or
 * unsupported input. `offset` is the byte position (in the outermost binary)
 * where decoding failed.
 */
export class ComponentLoadError extends Error {
  override readonly name = "ComponentLoadError";
  readonly offset: number;

  constructor(offset: number, message: string) {
    super(`at byte 0x${offset.toString(16)}: ${message}`);
    this.offset = offset;
  }
}

/** Formats a byte for "found ..." messages. */
export function hexByte(b: number): string {
  return `0x${b.toString(16).padStart(2, "0")}`;
}
