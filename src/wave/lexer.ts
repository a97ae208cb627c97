/**
 * WAVE tokens (the WebAssembly Value Encoding of wasm-tools' `wasm-wave`
 * crate, used by `wasmtime run --invoke`). Whitespace and `//` comments are
 * skipped; strings and chars are decoded here, so an escape error points at
 * the escape itself.
 */
import { WaveError, type Span } from "./errors.js";

export type Token =
  | { kind: "punct"; value: "{" | "}" | "(" | ")" | "[" | "]" | ":" | ","; span: Span }
  /** An integer or float literal, or `inf` / `-inf` / `nan` (kept as written). */
  | { kind: "number"; text: string; span: Span }
  /** A label or keyword as written, `%` included. */
  | { kind: "label"; text: string; span: Span }
  | { kind: "char"; value: string; span: Span }
  | { kind: "string"; value: string; span: Span }
  | { kind: "end"; span: Span };

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/y;
/** A label: kebab-case words, each all-lowercase or all-uppercase; only the first must start with a letter. */
const LABEL = /%?(?:[a-z][a-z0-9]*|[A-Z][A-Z0-9]*)(?:-(?:[a-z0-9]+|[A-Z0-9]+))*/y;
/** What may continue a number or label: if it follows one, the token is malformed. */
const WORD_CHAR = /[A-Za-z0-9_%.-]/;
const WORD_RUN = /[A-Za-z0-9_%.+-]*/y;

export class Lexer {
  pos = 0;
  constructor(
    readonly text: string,
    readonly source: string,
  ) {}

  error(reason: string, span: Span): WaveError {
    return new WaveError(reason, this.source, this.text, span);
  }

  /** Skips whitespace and comments. */
  skipTrivia(): void {
    const t = this.text;
    for (;;) {
      const c = t[this.pos];
      if (c === " " || c === "\t" || c === "\n" || c === "\r") this.pos++;
      else if (c === "/" && t[this.pos + 1] === "/") {
        const nl = t.indexOf("\n", this.pos);
        this.pos = nl < 0 ? t.length : nl;
      } else return;
    }
  }

  next(): Token {
    this.skipTrivia();
    const t = this.text;
    const start = this.pos;
    if (start >= t.length) return { kind: "end", span: { start, end: start } };
    const c = t[start];
    switch (c) {
      case "{":
      case "}":
      case "(":
      case ")":
      case "[":
      case "]":
      case ":":
      case ",":
        this.pos++;
        return { kind: "punct", value: c, span: { start, end: this.pos } };
      case "'":
        return this.char();
      case '"':
        return t.startsWith('"""', start) ? this.multilineString() : this.string();
    }
    if (c === "-" || (c >= "0" && c <= "9")) return this.number();
    if (c === "%" || /[A-Za-z]/.test(c)) return this.label();
    const cp = String.fromCodePoint(t.codePointAt(start)!);
    throw this.error(`unexpected character ${JSON.stringify(cp)}`, { start, end: start + cp.length });
  }

  private malformed(start: number, what: string, why: string): WaveError {
    WORD_RUN.lastIndex = start;
    WORD_RUN.exec(this.text);
    const end = Math.max(WORD_RUN.lastIndex, start + 1);
    return this.error(`invalid ${what} ${JSON.stringify(this.text.slice(start, end))} (${why})`, { start, end });
  }

  private number(): Token {
    const start = this.pos;
    if (this.text.startsWith("-inf", start) && !WORD_CHAR.test(this.text[start + 4] ?? "")) {
      this.pos = start + 4;
      return { kind: "number", text: "-inf", span: { start, end: this.pos } };
    }
    NUMBER.lastIndex = start;
    const m = NUMBER.exec(this.text);
    if (!m || WORD_CHAR.test(this.text[NUMBER.lastIndex] ?? "")) {
      throw this.malformed(start, "number", "WAVE numbers are decimal, like 42, -7, 1.5, 6.02e23, nan, inf, -inf");
    }
    this.pos = NUMBER.lastIndex;
    return { kind: "number", text: m[0], span: { start, end: this.pos } };
  }

  private label(): Token {
    const start = this.pos;
    LABEL.lastIndex = start;
    const m = LABEL.exec(this.text);
    if (!m || WORD_CHAR.test(this.text[LABEL.lastIndex] ?? "")) {
      throw this.malformed(start, "label", "labels are kebab-case words, each all-lowercase or all-uppercase");
    }
    this.pos = LABEL.lastIndex;
    return { kind: "label", text: m[0], span: { start, end: this.pos } };
  }

  /** Decodes one escape at `pos` (which holds `\`); returns the character and the offset after it. */
  private escape(pos: number): { ch: string; end: number } {
    const t = this.text;
    const simple: Record<string, string> = { "'": "'", '"': '"', "\\": "\\", t: "\t", n: "\n", r: "\r" };
    const e = t[pos + 1];
    if (e !== undefined && e in simple) return { ch: simple[e], end: pos + 2 };
    if (e === "u") {
      const m = /^u\{([0-9a-fA-F]{1,6})\}/.exec(t.slice(pos + 1, pos + 12));
      if (m) {
        const end = pos + 1 + m[0].length;
        const cp = parseInt(m[1], 16);
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
          throw this.error(`invalid escape ${t.slice(pos, end)}: not a Unicode scalar value`, { start: pos, end });
        }
        return { ch: String.fromCodePoint(cp), end };
      }
      throw this.error(`invalid escape: write a Unicode escape as \\u{1F600} (1 to 6 hex digits)`, {
        start: pos,
        end: pos + 2,
      });
    }
    const shown = e === undefined ? "\\" : `\\${String.fromCodePoint(t.codePointAt(pos + 1)!)}`;
    throw this.error(`invalid escape ${JSON.stringify(shown)} (valid: \\' \\" \\\\ \\t \\n \\r \\u{...})`, {
      start: pos,
      end: Math.min(pos + 2, t.length),
    });
  }

  private char(): Token {
    const t = this.text;
    const start = this.pos;
    let p = start + 1;
    let ch: string;
    if (p >= t.length) throw this.error("unterminated char literal", { start, end: p });
    if (t[p] === "\\") {
      ({ ch, end: p } = this.escape(p));
    } else {
      if (t[p] === "'")
        throw this.error("empty char literal (a char holds exactly one character)", { start, end: p + 1 });
      if (t[p] === "\n") throw this.error("a line break in a char must be written '\\n'", { start, end: p + 1 });
      ch = String.fromCodePoint(t.codePointAt(p)!);
      p += ch.length;
    }
    if (t[p] !== "'") {
      const close = t.indexOf("'", p);
      const end = close < 0 || t.slice(p, close).includes("\n") ? p : close + 1;
      throw this.error(
        close < 0 ? "unterminated char literal" : "a char literal holds exactly one character (use a string for more)",
        { start, end },
      );
    }
    this.pos = p + 1;
    return { kind: "char", value: ch, span: { start, end: this.pos } };
  }

  private string(): Token {
    const t = this.text;
    const start = this.pos;
    let p = start + 1;
    let out = "";
    for (;;) {
      if (p >= t.length) throw this.error("unterminated string", { start, end: p });
      const c = t[p];
      if (c === '"') break;
      if (c === "\n")
        throw this.error('a line break in a string must be written "\\n" (or use a """ multiline string)', {
          start: p,
          end: p + 1,
        });
      if (c === "\\") {
        const e = this.escape(p);
        out += e.ch;
        p = e.end;
      } else {
        out += c;
        p++;
      }
    }
    this.pos = p + 1;
    return { kind: "string", value: out, span: { start, end: this.pos } };
  }

  /**
   * `"""` line-break lines... spaces `"""`: the spaces before the closing
   * delimiter are the indent every line must have and loses; the line breaks
   * after the opening and before the closing delimiter are not part of the value.
   */
  private multilineString(): Token {
    const t = this.text;
    const start = this.pos;
    const contentStart = start + 3;
    const close = t.indexOf('"""', contentStart);
    if (close < 0) throw this.error('unterminated multiline string (no closing """)', { start, end: t.length });
    const end = close + 3;
    let first = contentStart;
    if (t.startsWith("\r\n", first)) first += 2;
    else if (t[first] === "\n") first += 1;
    else
      throw this.error('a multiline string\'s opening """ must be followed by a line break', {
        start,
        end: contentStart,
      });
    const lastBreak = t.lastIndexOf("\n", close - 1);
    const indent = t.slice(lastBreak + 1, close);
    if (lastBreak < first - 1 || /[^ ]/.test(indent)) {
      throw this.error('a multiline string\'s closing """ must be on its own line, after spaces only', {
        start: close,
        end,
      });
    }
    const lines: string[] = [];
    let lineStart = first;
    while (lineStart <= lastBreak) {
      const nl = t.indexOf("\n", lineStart);
      if (!t.startsWith(indent, lineStart) && nl !== lineStart && !(t[lineStart] === "\r" && nl === lineStart + 1)) {
        throw this.error(
          `every line of a multiline string must be indented at least as much as the closing """ (${indent.length} spaces)`,
          {
            start: lineStart,
            end: lineStart + 1,
          },
        );
      }
      // An empty line needs no indent.
      let p = t.startsWith(indent, lineStart) ? lineStart + indent.length : lineStart;
      let lineEnd = nl;
      if (t[lineEnd - 1] === "\r") lineEnd--;
      let out = "";
      while (p < lineEnd) {
        if (t[p] === "\\") {
          const e = this.escape(p);
          out += e.ch;
          p = e.end;
        } else {
          out += t[p];
          p++;
        }
      }
      lines.push(out);
      lineStart = nl + 1;
    }
    this.pos = end;
    return { kind: "string", value: lines.join("\n"), span: { start, end } };
  }
}
