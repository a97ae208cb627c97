/**
 * The untyped WAVE parser: text -> {@link WaveNode} (values) or
 * {@link WaveCall} (`name(arg, ...)`, the `--invoke` form). Grammar as in
 * wasm-tools' `wasm-wave` (`wave_ebnf.md`): trailing commas allowed, records
 * `{a: 1}` vs flags `{a}` told apart by the `:` after the first label, `{:}`
 * the empty record and `{}` the empty flags.
 */
import { KEYWORDS, type LabelNode, type WaveCall, type WaveNode } from "./ast.js";
import type { Span } from "./errors.js";
import { Lexer, type Token } from "./lexer.js";

/** Values nested deeper than this are refused (as wasm-wave does), so input cannot exhaust the stack. */
const MAX_DEPTH = 100;

class Parser {
  private readonly lex: Lexer;
  private tok: Token;
  private depth = 0;

  constructor(text: string, source: string, start = 0) {
    this.lex = new Lexer(text, source);
    this.lex.pos = start;
    this.tok = this.lex.next();
  }

  private advance(): Token {
    const t = this.tok;
    this.tok = this.lex.next();
    return t;
  }

  private describe(t: Token): string {
    switch (t.kind) {
      case "end":
        return "the end of the input";
      case "punct":
        return `"${t.value}"`;
      case "label":
        return t.text;
      case "number":
        return t.text;
      default:
        return this.lex.text.slice(t.span.start, t.span.end);
    }
  }

  private fail(expected: string, t: Token = this.tok): never {
    throw this.lex.error(`expected ${expected}, found ${this.describe(t)}`, t.span);
  }

  private isPunct(v: string): boolean {
    return this.tok.kind === "punct" && this.tok.value === v;
  }

  private expectPunct(v: string, expected = `"${v}"`): Span {
    if (!this.isPunct(v)) this.fail(expected);
    return this.advance().span;
  }

  expectEnd(): void {
    if (this.tok.kind !== "end") this.fail("the end of the input");
  }

  value(): WaveNode {
    if (this.depth >= MAX_DEPTH) throw this.lex.error(`value nested more than ${MAX_DEPTH} levels deep`, this.tok.span);
    this.depth++;
    try {
      return this.valueInner();
    } finally {
      this.depth--;
    }
  }

  private valueInner(): WaveNode {
    const t = this.tok;
    switch (t.kind) {
      case "number":
        this.advance();
        return { kind: "number", text: t.text, span: t.span };
      case "char":
      case "string":
        this.advance();
        return { kind: t.kind, value: t.value, span: t.span };
      case "label":
        return this.labelled();
      case "punct":
        if (t.value === "(") return this.sequence("tuple", ")");
        if (t.value === "[") return this.sequence("list", "]");
        if (t.value === "{") return this.braced();
        return this.fail("a value");
      case "end":
        return this.fail("a value");
    }
  }

  private labelNode(t: Extract<Token, { kind: "label" }>): LabelNode {
    const escaped = t.text.startsWith("%");
    return { kind: "label", name: escaped ? t.text.slice(1) : t.text, escaped, span: t.span };
  }

  /** A keyword (true, false, inf, nan, some, none, ok, err) or a case label with an optional payload. */
  private labelled(): WaveNode {
    const t = this.advance() as Extract<Token, { kind: "label" }>;
    const start = t.span.start;
    const keyword = KEYWORDS.has(t.text) ? t.text : undefined;
    switch (keyword) {
      case "true":
      case "false":
        return { kind: "bool", value: keyword === "true", span: t.span };
      case "inf":
      case "nan":
        return { kind: "number", text: keyword, span: t.span };
      case "none":
        return { kind: "none", span: t.span };
      case "some": {
        if (!this.isPunct("(")) this.fail(`"(" after some (write some(value), or none)`);
        const { payload, end } = this.payload();
        return { kind: "some", payload, span: { start, end } };
      }
      case "ok":
      case "err": {
        if (!this.isPunct("(")) return { kind: keyword, span: t.span };
        const { payload, end } = this.payload();
        return { kind: keyword, payload, span: { start, end } };
      }
    }
    const label = this.labelNode(t);
    if (!this.isPunct("(")) return label;
    const { payload, end } = this.payload();
    return { kind: "case", label, payload, span: { start, end } };
  }

  /** `( value )`; returns the payload and the end of the `)`. */
  private payload(): { payload: WaveNode; end: number } {
    this.advance();
    const payload = this.value();
    return { payload, end: this.expectPunct(")", `")" after the payload`).end };
  }

  /** Comma-separated values up to `close`, trailing comma allowed. */
  items(close: string): { items: WaveNode[]; end: number } {
    const items: WaveNode[] = [];
    while (!this.isPunct(close)) {
      items.push(this.value());
      if (this.isPunct(",")) this.advance();
      else if (!this.isPunct(close)) this.fail(`"," or "${close}"`);
    }
    return { items, end: this.advance().span.end };
  }

  private sequence(kind: "tuple" | "list", close: string): WaveNode {
    const start = this.advance().span.start;
    const { items, end } = this.items(close);
    const span = { start, end };
    if (kind === "tuple" && items.length === 0)
      throw this.lex.error("empty tuple: a tuple has at least one value", span);
    return { kind, items, span };
  }

  private braced(): WaveNode {
    const start = this.advance().span.start;
    if (this.isPunct(":")) {
      this.advance();
      const end = this.expectPunct("}", `"}" (the empty record is written {:})`).end;
      return { kind: "record", fields: [], span: { start, end } };
    }
    if (this.isPunct("}")) return { kind: "flags", flags: [], span: { start, end: this.advance().span.end } };
    if (this.tok.kind !== "label") this.fail('a field label, a flag label, or "}"');
    // Peek: a ":" after the first label makes this a record.
    const save = { pos: this.lex.pos, tok: this.tok };
    this.advance();
    const isRecord = this.isPunct(":");
    this.lex.pos = save.pos;
    this.tok = save.tok;
    return isRecord ? this.record(start) : this.flags(start);
  }

  private label(expected: string): LabelNode {
    if (this.tok.kind !== "label") this.fail(expected);
    return this.labelNode(this.advance() as Extract<Token, { kind: "label" }>);
  }

  private record(start: number): WaveNode {
    const fields: { label: LabelNode; value: WaveNode }[] = [];
    const seen = new Set<string>();
    while (!this.isPunct("}")) {
      const label = this.label(`a field label or "}"`);
      if (seen.has(label.name)) throw this.lex.error(`duplicate field ${label.name}`, label.span);
      seen.add(label.name);
      this.expectPunct(":", `":" after field ${label.name}`);
      fields.push({ label, value: this.value() });
      if (this.isPunct(",")) this.advance();
      else if (!this.isPunct("}")) this.fail(`"," or "}"`);
    }
    return { kind: "record", fields, span: { start, end: this.advance().span.end } };
  }

  private flags(start: number): WaveNode {
    const flags: LabelNode[] = [];
    const seen = new Set<string>();
    while (!this.isPunct("}")) {
      const label = this.label(`a flag label or "}"`);
      if (seen.has(label.name)) throw this.lex.error(`duplicate flag ${label.name}`, label.span);
      seen.add(label.name);
      flags.push(label);
      if (this.isPunct(",")) this.advance();
      else if (this.isPunct(":")) this.fail(`"," or "}" (a record needs a field label and ":" for every entry)`);
      else if (!this.isPunct("}")) this.fail(`"," or "}"`);
    }
    return { kind: "flags", flags, span: { start, end: this.advance().span.end } };
  }

  /** The `(` of a call's arguments, positioned by the caller. */
  callArgs(): { args: WaveNode[]; span: Span } {
    const start = this.expectPunct("(").start;
    const { items, end } = this.items(")");
    return { args: items, span: { start, end } };
  }
}

/** Parses one untyped WAVE value (surrounding whitespace and comments allowed). */
export function parseWaveNode(text: string, source = "value"): WaveNode {
  const p = new Parser(text, source);
  const v = p.value();
  p.expectEnd();
  return v;
}

/**
 * Parses `name(arg, ...)`. The name is everything before the first `(`
 * (trimmed); its form is checked by whoever resolves it.
 */
export function parseWaveCall(text: string, source = "--invoke"): WaveCall {
  const open = text.indexOf("(");
  const lead = text.length - text.trimStart().length;
  const name = (open < 0 ? text : text.slice(0, open)).trim();
  const nameSpan = { start: lead, end: lead + name.length };
  const lexer = new Lexer(text, source);
  if (name.length === 0) throw lexer.error('expected a function name, as in greet("World")', nameSpan);
  if (open < 0) {
    throw lexer.error(`expected "(" after the function name: write ${name}() to call it without arguments`, {
      start: text.length,
      end: text.length,
    });
  }
  const p = new Parser(text, source, open);
  const { args, span } = p.callArgs();
  p.expectEnd();
  return { name, nameSpan, args, argsSpan: span };
}
