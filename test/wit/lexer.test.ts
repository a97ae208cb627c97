import { describe, expect, test } from "vitest";
import { tokenize } from "../../src/wit/lexer.js";
import { SourceMap } from "../../src/wit/source-map.js";
import { WitError } from "../../src/wit/index.js";

function lex(text: string) {
  const map = new SourceMap();
  return tokenize(map.add("t.wit", text), map);
}

function lexError(text: string): string {
  try {
    lex(text);
  } catch (e) {
    expect(e).toBeInstanceOf(WitError);
    return (e as WitError).message;
  }
  throw new Error("no error");
}

describe("lexer", () => {
  test("keywords, identifiers, explicit identifiers and punctuation", () => {
    const toks = lex("interface %type foo-bar { f: func(x: u32) -> list<u8, 4>; }");
    expect(toks.map((t) => t.kind)).toEqual([
      "interface",
      "explicit-id",
      "id",
      "{",
      "id",
      ":",
      "func",
      "(",
      "id",
      ":",
      "u32",
      ")",
      "->",
      "list",
      "<",
      "u8",
      ",",
      "integer",
      ">",
      ";",
      "}",
    ]);
    expect(toks[1].text).toBe("type");
    expect(toks[2].text).toBe("foo-bar");
    expect(toks[17].text).toBe("4");
  });

  test("error-context is one keyword token, `_` too", () => {
    expect(lex("error-context _").map((t) => t.kind)).toEqual(["error-context", "_"]);
  });

  test("doc comments attach to the next token; plain and nested block comments vanish", () => {
    const toks = lex("// plain\n/// line doc\n/** block doc */\n/* outer /* inner */ still */ world w {}");
    expect(toks[0].kind).toBe("world");
    expect(toks[0].docs).toEqual(["/// line doc", "/** block doc */"]);
    expect(toks[1].docs).toBeUndefined();
  });

  test("`/**/` and `/***/` are plain comments", () => {
    expect(lex("/**/ /***/ world").map((t) => [t.kind, t.docs])).toEqual([["world", undefined]]);
  });

  test("a version lexes as integers, dots, `-` and identifiers", () => {
    expect(lex("1.0.0-rc.1+build-5").map((t) => t.kind)).toEqual([
      "integer",
      ".",
      "integer",
      ".",
      "integer",
      "-",
      "id",
      ".",
      "integer",
      "+",
      "id",
    ]);
  });

  test("a digit-led word is one (bad) identifier token, not a number", () => {
    const [t] = lex("1st");
    expect(t.kind).toBe("id");
    expect(t.text).toBe("1st");
  });

  test("positions are global offsets; CRLF and a BOM are accepted", () => {
    const toks = lex("\ufeffworld\r\nw");
    expect(toks.map((t) => [t.kind, t.pos])).toEqual([
      ["world", 1],
      ["id", 8],
    ]);
  });

  test("string literals decode escapes", () => {
    const [t] = lex('"a\\tb\\u{2603}\\41"');
    expect(t.kind).toBe("string");
    expect(t.text).toBe("a\tb\u2603A");
  });

  test("lexical errors name the place and the cause", () => {
    expect(lexError("world w { $ }")).toBe("t.wit:1:11: unexpected character `$`");
    expect(lexError("world\n/* open")).toBe("t.wit:2:1: unterminated block comment");
    expect(lexError('x "abc')).toBe("t.wit:1:3: unterminated string literal");
    expect(lexError('x "a\\qb"')).toBe("t.wit:1:5: invalid escape `\\q` in string literal");
    expect(lexError("a \u202e b")).toBe("t.wit:1:3: bidirectional override character U+202E is not allowed");
    expect(lexError("a \u0007")).toBe("t.wit:1:3: control character U+0007 is not allowed");
  });
});
