import type { ByteReader } from "./byte-reader.js";

/**
 * Caps the nesting of components and types so deep (or hostile) input fails
 * with a ComponentLoadError instead of overflowing the JavaScript stack.
 */
export const MAX_NESTING = 100;

export function enterNested(r: ByteReader): void {
  if (++r.shared.depth > MAX_NESTING) {
    r.fail(`expected at most ${MAX_NESTING} levels of nested components and types, found more`);
  }
}

export function leaveNested(r: ByteReader): void {
  r.shared.depth--;
}
