/**
 * Errors in WAVE text: each names the source (e.g. `--invoke`), the 1-based
 * line and column of the offending text, and what was expected there.
 */

/** A half-open range of UTF-16 offsets into the source text. */
export interface Span {
  start: number;
  end: number;
}

export class WaveError extends Error {
  override readonly name = "WaveError";
  constructor(
    /** The bare message, without position. */
    readonly reason: string,
    readonly source: string,
    readonly text: string,
    readonly span: Span,
  ) {
    const { line, col } = lineCol(text, span.start);
    super(`${source}:${line}:${col}: ${reason}`);
  }

  get line(): number {
    return lineCol(this.text, this.span.start).line;
  }

  get col(): number {
    return lineCol(this.text, this.span.start).col;
  }
}

/** 1-based line and column (in Unicode scalar values, so an emoji is one column) of an offset. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf("\n") + 1;
  const line = before.split("\n").length;
  return { line, col: [...before.slice(lineStart)].length + 1 };
}

/** The source text of a span for messages, shortened when long and kept on one line. */
export function excerpt(text: string, span: Span, max = 40): string {
  const s = text.slice(span.start, span.end).replace(/\s+/g, " ");
  const chars = [...s];
  if (span.end <= span.start) return "the end of the input";
  return chars.length > max ? chars.slice(0, max - 3).join("") + "..." : s;
}
