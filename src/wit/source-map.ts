import { WitError } from "./error.js";

/** One WIT file's text and where its positions start in the global offset space. */
export interface SourceFile {
  /** Path as reported in spans and errors (relative to the load root). */
  name: string;
  text: string;
  base: number;
  lineStarts?: number[];
}

/**
 * Positions in the AST are plain numbers: a file's base plus an offset in its
 * text. This keeps AST nodes small; the map turns a position back into
 * file/line/col only when a span or an error is needed.
 */
export class SourceMap {
  readonly files: SourceFile[] = [];
  private next = 0;

  add(name: string, text: string): SourceFile {
    const file: SourceFile = { name, text, base: this.next };
    this.next += text.length + 1;
    this.files.push(file);
    return file;
  }

  fileOf(pos: number): SourceFile {
    const files = this.files;
    let lo = 0;
    let hi = files.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (files[mid].base <= pos) lo = mid;
      else hi = mid - 1;
    }
    return files[lo];
  }

  location(pos: number): { file: string; line: number; col: number } {
    const file = this.fileOf(pos);
    const { line, col } = lineCol(file, pos - file.base);
    return { file: file.name, line, col };
  }

  error(pos: number, message: string): WitError {
    if (this.files.length === 0) return new WitError("<input>", 1, 1, message);
    const file = this.fileOf(pos);
    const { line, col } = lineCol(file, pos - file.base);
    return new WitError(file.name, line, col, message, file.text);
  }
}

function lineCol(file: SourceFile, offset: number): { line: number; col: number } {
  if (!file.lineStarts) {
    const starts = [0];
    const text = file.text;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
    file.lineStarts = starts;
  }
  const starts = file.lineStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  // Columns count Unicode scalar values, so a non-BMP character is one column.
  let col = 1;
  const text = file.text;
  for (let i = starts[lo]; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) i++;
    col++;
  }
  return { line: lo + 1, col };
}
