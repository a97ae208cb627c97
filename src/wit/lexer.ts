import type { SourceFile, SourceMap } from "./source-map.js";

/**
 * Token kinds: punctuation is its own text (`{`, `->`, ...), keywords are their
 * text too (`interface`, `u32`, ...); the rest are named kinds.
 */
export type TokenKind =
  | "id"
  | "explicit-id"
  | "integer"
  | "string"
  | "="
  | ","
  | ":"
  | "."
  | ";"
  | "("
  | ")"
  | "{"
  | "}"
  | "<"
  | ">"
  | "->"
  | "*"
  | "@"
  | "/"
  | "+"
  | "-"
  | Keyword;

// WIT.md "Keywords" (plus `_`, `error-context` and `map`, which the reference lexer also reserves).
export const KEYWORDS = [
  "as",
  "async",
  "bool",
  "borrow",
  "char",
  "constructor",
  "enum",
  "error-context",
  "export",
  "f32",
  "f64",
  "flags",
  "from",
  "func",
  "future",
  "import",
  "include",
  "interface",
  "list",
  "map",
  "option",
  "own",
  "package",
  "record",
  "resource",
  "result",
  "s16",
  "s32",
  "s64",
  "s8",
  "static",
  "stream",
  "string",
  "tuple",
  "type",
  "u16",
  "u32",
  "u64",
  "u8",
  "use",
  "variant",
  "with",
  "world",
  "_",
] as const;
export type Keyword = (typeof KEYWORDS)[number];
export const KEYWORD_SET: ReadonlySet<string> = new Set(KEYWORDS);

export interface Token {
  kind: TokenKind;
  /** Global position (file base + offset) of the first character. */
  pos: number;
  /** Global position just past the last character. */
  end: number;
  /** Identifier name (without `%`), integer digits, or decoded string literal. */
  text: string;
  /** Doc comments (`///`, `/** *\/`) written between the previous token and this one. */
  docs?: string[];
  /** Position of the first of those doc comments. */
  docsPos?: number;
}

/** How an expected token kind is named in "expected X, found Y". */
export function describe(kind: TokenKind): string {
  switch (kind) {
    case "id":
    case "explicit-id":
      return "an identifier";
    case "integer":
      return "an integer";
    case "string":
      return "a string literal";
    default:
      return KEYWORD_SET.has(kind) ? `keyword \`${kind}\`` : `\`${kind}\``;
  }
}

/**
 * How a found token is named in "expected X, found Y": its text, so the
 * reader sees what is there; a keyword where a name was expected says so.
 */
export function describeFound(t: Token | undefined, wantedName = false): string {
  if (!t) return "end of file";
  switch (t.kind) {
    case "id":
      return `\`${t.text}\``;
    case "explicit-id":
      return `\`%${t.text}\``;
    case "integer":
      return `\`${t.text}\``;
    case "string":
      return "a string literal";
    default:
      return wantedName && KEYWORD_SET.has(t.kind) ? `keyword \`${t.kind}\`` : `\`${t.kind}\``;
  }
}

const XID_START = /[\p{XID_Start}_-]/u;
const XID_CONTINUE = /[\p{XID_Continue}-]/u;

function isKeylikeStart(c: number, ch: string): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 45;
  return XID_START.test(ch);
}
function isKeylikeContinue(c: number, ch: string): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45;
  return XID_CONTINUE.test(ch);
}

/** Tokenizes a whole file; comments are dropped except doc comments, which attach to the next token. */
export function tokenize(file: SourceFile, map: SourceMap): Token[] {
  const text = file.text;
  const base = file.base;
  const n = text.length;
  const tokens: Token[] = [];
  const fail = (offset: number, msg: string): never => {
    throw map.error(base + offset, msg);
  };
  checkCodepoints(text, fail);
  let docs: string[] | undefined;
  let docsPos = 0;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      continue;
    }
    const start = i;
    if (c === 47 /* / */) {
      const next = text.charCodeAt(i + 1);
      if (next === 47) {
        let j = text.indexOf("\n", i);
        if (j < 0) j = n;
        // WIT.md "Comments": `///` starts a doc comment, `//` a plain one.
        if (text.charCodeAt(i + 2) === 47) {
          if (!docs) {
            docs = [];
            docsPos = base + i;
          }
          docs.push(text.slice(i, j).replace(/\r$/, ""));
        }
        i = j;
        continue;
      }
      if (next === 42) {
        let depth = 1;
        let j = i + 2;
        while (depth > 0) {
          if (j >= n) fail(start, "unterminated block comment");
          const d = text.charCodeAt(j);
          if (d === 47 && text.charCodeAt(j + 1) === 42) {
            depth++;
            j += 2;
          } else if (d === 42 && text.charCodeAt(j + 1) === 47) {
            depth--;
            j += 2;
          } else j++;
        }
        const body = text.slice(i, j);
        // `/** ... */` is a doc comment, but `/**/` is an empty plain comment.
        if (body.startsWith("/**") && body.length > 4 && !body.startsWith("/***")) {
          if (!docs) {
            docs = [];
            docsPos = base + i;
          }
          docs.push(body);
        }
        i = j;
        continue;
      }
    }
    let kind: TokenKind;
    let value = "";
    switch (c) {
      case 61:
        kind = "=";
        i++;
        break;
      case 44:
        kind = ",";
        i++;
        break;
      case 58:
        kind = ":";
        i++;
        break;
      case 46:
        kind = ".";
        i++;
        break;
      case 59:
        kind = ";";
        i++;
        break;
      case 40:
        kind = "(";
        i++;
        break;
      case 41:
        kind = ")";
        i++;
        break;
      case 123:
        kind = "{";
        i++;
        break;
      case 125:
        kind = "}";
        i++;
        break;
      case 60:
        kind = "<";
        i++;
        break;
      case 62:
        kind = ">";
        i++;
        break;
      case 42:
        kind = "*";
        i++;
        break;
      case 64:
        kind = "@";
        i++;
        break;
      case 47:
        kind = "/";
        i++;
        break;
      case 43:
        kind = "+";
        i++;
        break;
      case 34 /* " */: {
        const r = readString(text, i + 1, fail);
        kind = "string";
        value = r.value;
        i = r.end;
        break;
      }
      case 37 /* % */: {
        i++;
        while (i < n) {
          const d = text.codePointAt(i)!;
          const ch = String.fromCodePoint(d);
          if (!isKeylikeContinue(d, ch)) break;
          i += ch.length;
        }
        kind = "explicit-id";
        value = text.slice(start + 1, i);
        break;
      }
      default: {
        if (c === 45 /* - */) {
          // `-` never starts an identifier: it is `->` or a lone `-` (semver pre-release).
          if (text.charCodeAt(i + 1) === 62) {
            kind = "->";
            i += 2;
          } else {
            kind = "-";
            i++;
          }
          break;
        }
        if (c >= 48 && c <= 57) {
          while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
          // `1st` is a (bad) identifier, reported as such when used as one; `1.0.0-rc` stays numbers.
          const after = i < n ? text.codePointAt(i)! : 0;
          if (i < n && after !== 45 && isKeylikeStart(after, String.fromCodePoint(after))) {
            while (i < n) {
              const d = text.codePointAt(i)!;
              if (!isKeylikeContinue(d, d < 128 ? "" : String.fromCodePoint(d))) break;
              i += d > 0xffff ? 2 : 1;
            }
            kind = "id";
            value = text.slice(start, i);
            break;
          }
          kind = "integer";
          value = text.slice(start, i);
          break;
        }
        const cp = text.codePointAt(i)!;
        const ch = String.fromCodePoint(cp);
        if (isKeylikeStart(cp, ch)) {
          i += ch.length;
          while (i < n) {
            const d = text.codePointAt(i)!;
            const dch = d < 128 ? "" : String.fromCodePoint(d);
            if (!isKeylikeContinue(d, dch)) break;
            i += d > 0xffff ? 2 : 1;
          }
          value = text.slice(start, i);
          if (KEYWORD_SET.has(value)) kind = value as Keyword;
          else kind = "id";
          break;
        }
        return fail(start, `unexpected character \`${ch}\``);
      }
    }
    const tok: Token = { kind, pos: base + start, end: base + i, text: value };
    if (docs) {
      tok.docs = docs;
      tok.docsPos = docsPos;
      docs = undefined;
    }
    tokens.push(tok);
  }
  return tokens;
}

/** Reads a string literal body starting after the opening quote (Core WebAssembly `name` syntax). */
function readString(
  text: string,
  i: number,
  fail: (offset: number, msg: string) => never,
): { value: string; end: number } {
  let out = "";
  const open = i - 1;
  for (;;) {
    if (i >= text.length || text.charCodeAt(i) === 10) fail(open, "unterminated string literal");
    const c = text.charCodeAt(i);
    if (c === 34) return { value: out, end: i + 1 };
    if (c === 92) {
      const e = text[i + 1];
      if (e === undefined) fail(open, "unterminated string literal");
      i += 2;
      switch (e) {
        case '"':
          out += '"';
          break;
        case "'":
          out += "'";
          break;
        case "t":
          out += "\t";
          break;
        case "n":
          out += "\n";
          break;
        case "r":
          out += "\r";
          break;
        case "\\":
          out += "\\";
          break;
        case "u": {
          if (text[i] !== "{") fail(i, "expected character '{'");
          const close = text.indexOf("}", i);
          const hex = close < 0 ? "" : text.slice(i + 1, close).replace(/_/g, "");
          if (!/^[0-9a-fA-F]+$/.test(hex)) fail(i + 1, "invalid hex digit");
          const v = parseInt(hex, 16);
          if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
            fail(i - 2, `invalid unicode value ${"0x" + v.toString(16)}`);
          out += String.fromCodePoint(v);
          i = close + 1;
          break;
        }
        default: {
          if (/[0-9a-fA-F]/.test(e) && /[0-9a-fA-F]/.test(text[i] ?? "")) {
            // `\XX` is a raw byte; only ASCII bytes decode to text here.
            const b = parseInt(e + text[i], 16);
            if (b >= 0x80) fail(i - 2, "invalid UTF-8 in string literal");
            out += String.fromCharCode(b);
            i++;
          } else fail(i - 2, `invalid escape \`\\${e}\` in string literal`);
        }
      }
      continue;
    }
    if (c < 0x20 || c === 0x7f) fail(i, `control character ${uplus(c)} is not allowed in a string literal`);
    out += text[i];
    i++;
  }
}

// WIT.md "Lexical structure": no bidi overrides, no control codes but \n \r \t, no deprecated code points.
function checkCodepoints(text: string, fail: (offset: number, msg: string) => never): void {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20) {
      if (c === 9 || c === 10 || c === 13) continue;
      fail(i, `control character ${uplus(c)} is not allowed`);
    } else if (c < 0x7f) continue;
    else if (c <= 0x9f) fail(i, `control character ${uplus(c)} is not allowed`);
    else if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) {
      fail(i, `bidirectional override character ${uplus(c)} is not allowed`);
    } else if ([0x149, 0x673, 0xf77, 0xf79, 0x17a3, 0x17a4, 0x17b4, 0x17b5].includes(c)) {
      fail(i, `character ${uplus(c)} is deprecated by Unicode and not allowed`);
    }
  }
}

function uplus(c: number): string {
  return "U+" + c.toString(16).toUpperCase().padStart(4, "0");
}

/**
 * WIT.md "WIT Identifiers": kebab-case words, each all-lowercase or
 * all-uppercase, the first word starting with a letter. Returns why `id` is
 * not one, or undefined.
 */
const VALID_ID = /^(?:[a-z][a-z0-9]*|[A-Z][A-Z0-9]*)(?:-(?:[a-z0-9]+|[A-Z0-9]+))*$/;

export function idError(id: string): string | undefined {
  if (VALID_ID.test(id)) return undefined;
  const bad = (why: string) => `invalid identifier \`${id}\`: ${why}`;
  if (id.includes("_")) return bad("`_` is not allowed (use `-`)");
  const parts = id.split("-");
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p];
    if (part.length === 0) return bad("empty word between `-`");
    const first = part.charCodeAt(0);
    const isAlpha = (x: number) => (x >= 97 && x <= 122) || (x >= 65 && x <= 90);
    if (p === 0 && !isAlpha(first)) return bad("the first word must start with a letter");
    let upper: boolean | undefined;
    for (const ch of part) {
      const x = ch.charCodeAt(0);
      if (ch.length === 1 && x >= 48 && x <= 57) continue;
      if (ch.length === 1 && x >= 65 && x <= 90) {
        if (upper === false) return bad(`word \`${part}\` mixes lower and upper case`);
        upper = true;
      } else if (ch.length === 1 && x >= 97 && x <= 122) {
        if (upper === true) return bad(`word \`${part}\` mixes lower and upper case`);
        upper = false;
      } else return bad(`character \`${ch}\` is not allowed`);
    }
  }
  return undefined;
}
