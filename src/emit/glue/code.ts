// A tiny code builder for generated function bodies: indented lines and unique local names.

/** Lines of TypeScript with indentation; prettier formats the final module. */
export class Code {
  private readonly lines: string[] = [];
  private depth = 0;

  line(text: string): this {
    this.lines.push(text === "" ? "" : "  ".repeat(this.depth) + text);
    return this;
  }

  /** `head {` ... `}` around `body`. */
  block(head: string, body: () => void, tail = "}"): this {
    this.line(`${head} {`);
    this.depth++;
    body();
    this.depth--;
    return this.line(tail);
  }

  indent(body: () => void): this {
    this.depth++;
    body();
    this.depth--;
    return this;
  }

  get empty(): boolean {
    return this.lines.length === 0;
  }

  toString(): string {
    return this.lines.join("\n");
  }
}

const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "yield let static implements interface package private protected public await arguments eval undefined " +
    "NaN Infinity Array Map Object BigInt Number String Error"
  ).split(" "),
);

/** Unique identifiers within one generated function; the first claimant of a name keeps it. */
export class Locals {
  private readonly taken: Set<string>;

  constructor(reserved: Iterable<string> = []) {
    this.taken = new Set(reserved);
  }

  /** A fresh local derived from `wanted` (any string: it is made an identifier first). */
  claim(wanted: string): string {
    let base = wanted.replace(/[^A-Za-z0-9_$]/g, "");
    if (base === "" || /^[0-9]/.test(base)) base = `v${base}`;
    let name = base;
    for (let n = 2; this.taken.has(name) || RESERVED.has(name); n++) name = `${base}${n}`;
    this.taken.add(name);
    return name;
  }
}

/** `name` + `Suffix` in camelCase: `who` + `name` -> `whoName`. */
export function child(name: string, suffix: string): string {
  const clean = suffix.replace(/[^A-Za-z0-9_$]/g, "");
  return clean === "" ? name : `${name}${clean[0].toUpperCase()}${clean.slice(1)}`;
}

/** An address: a pointer expression plus a constant byte offset, folded when printed. */
export interface Addr {
  base: string;
  offset: number;
}

export function addr(a: Addr, extra = 0): string {
  const off = a.offset + extra;
  return off === 0 ? a.base : `${a.base} + ${off}`;
}

export function at(a: Addr, extra: number): Addr {
  return { base: a.base, offset: a.offset + extra };
}

/** A string literal for generated code. */
export function lit(s: string): string {
  return JSON.stringify(s);
}

/** The address of element `i` of an array at `a` with elements of `size` bytes. */
export function elementAt(a: Addr, i: string, size: number): string {
  return `${addr(a)} + ${size === 1 ? i : `${i} * ${size}`}`;
}
