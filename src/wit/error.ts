import { codeFrame } from "./code-frame.js";

/**
 * A WIT input error: where (file, 1-based line and column of the offending
 * token's start) and why. Only the first error of a load is reported.
 */
export class WitError extends Error {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** The message without the location prefix. */
  readonly reason: string;
  /** Text of the file, for the code frame (absent when no source is known). */
  readonly source?: string;

  constructor(file: string, line: number, col: number, reason: string, source?: string) {
    super(`${file}:${line}:${col}: ${reason}`);
    this.name = "WitError";
    this.file = file;
    this.line = line;
    this.col = col;
    this.reason = reason;
    this.source = source;
  }

  /** The same error with `file` placed under `dir` (e.g. the WIT path as the user wrote it). */
  under(dir: string): WitError {
    if (dir === "" || dir === ".") return this;
    const file = `${dir.replace(/[\\/]+$/, "")}/${this.file}`;
    return new WitError(file, this.line, this.col, this.reason, this.source);
  }

  /** `path:line:col: message`, then the source line and a caret line. */
  format(): string {
    const head = `${this.file}:${this.line}:${this.col}: ${this.reason}`;
    if (this.source === undefined) return head;
    return `${head}\n${codeFrame(this.source, this.line, this.col)}`;
  }
}
