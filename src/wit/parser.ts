import type * as A from "./ast.js";
import { describe, describeFound, idError, tokenize, type Token, type TokenKind } from "./lexer.js";
import type { SourceFile, SourceMap } from "./source-map.js";

/** Deepest `list<list<...>>` nesting accepted, so hostile input cannot exhaust the stack. */
const MAX_TYPE_DEPTH = 100;
const MAX_PACKAGE_DEPTH = 100;
const MAX_FIXED_LIST_LENGTH = 1 << 30;

const PRIMS: ReadonlySet<string> = new Set([
  "bool",
  "u8",
  "u16",
  "u32",
  "u64",
  "s8",
  "s16",
  "s32",
  "s64",
  "f32",
  "f64",
  "char",
  "string",
  "error-context",
]);

/** Parses one WIT file (WIT.md "Top-level items"). */
export function parseFile(file: SourceFile, map: SourceMap): A.FileAst {
  return new Parser(tokenize(file, map), file, map).file();
}

class Parser {
  private i = 0;
  private readonly eofPos: number;

  constructor(
    private readonly toks: Token[],
    private readonly src: SourceFile,
    private readonly map: SourceMap,
  ) {
    this.eofPos = src.base + src.text.length;
  }

  // ---- token helpers ----

  private peek(offset = 0): Token | undefined {
    return this.toks[this.i + offset];
  }
  private at(kind: TokenKind, offset = 0): boolean {
    return this.toks[this.i + offset]?.kind === kind;
  }
  private eat(kind: TokenKind): Token | undefined {
    const t = this.toks[this.i];
    if (t?.kind === kind) {
      this.i++;
      return t;
    }
    return undefined;
  }
  private expect(kind: TokenKind): Token {
    const t = this.toks[this.i];
    if (t?.kind === kind) {
      this.i++;
      return t;
    }
    throw this.expected(describe(kind), t);
  }
  private expected(what: string, found: Token | undefined): Error {
    return this.map.error(
      found ? found.pos : this.eofPos,
      `expected ${what}, found ${describeFound(found, what === "an identifier")}`,
    );
  }
  /** Inside `{ ... }`: running out of input means the block was never closed. */
  private expectedItem(what: string, found: Token | undefined): Error {
    return found ? this.expected(what, found) : this.expected("`}`", found);
  }
  private fail(pos: number, msg: string): Error {
    return this.map.error(pos, msg);
  }
  private docs(): A.Docs | undefined {
    const t = this.toks[this.i];
    if (t?.docs) return { lines: t.docs, pos: t.docsPos! };
    return undefined;
  }

  private id(): A.Id {
    const t = this.toks[this.i];
    if (t && (t.kind === "id" || t.kind === "explicit-id")) {
      this.i++;
      return this.checkedId(t);
    }
    throw this.expected("an identifier", t);
  }

  private checkedId(t: Token): A.Id {
    const why = idError(t.text);
    if (why) throw this.fail(t.pos, why);
    return { name: t.text, pos: t.pos };
  }

  // ---- files and packages ----

  file(): A.FileAst {
    const ast: A.FileAst = { file: this.src.name, items: [] };
    // `package a:b;` is the file's header; `package a:b { ... }` is a nested package item.
    if (this.at("package")) {
      const save = this.i;
      const docs = this.docs();
      this.i++;
      const ref = this.packageName();
      if (this.eat(";")) ast.package = { docs, ref };
      else this.i = save;
    }
    ast.items = this.declList(undefined, 0);
    return ast;
  }

  private declList(end: TokenKind | undefined, depth: number): A.PackageItem[] {
    const items: A.PackageItem[] = [];
    for (;;) {
      if (end ? this.eat(end) : this.i >= this.toks.length) break;
      items.push(this.packageItem(depth));
    }
    return items;
  }

  private packageItem(depth: number): A.PackageItem {
    const docs = this.docs();
    const attrs = this.attributes();
    const t = this.peek();
    switch (t?.kind) {
      case "interface":
        return this.interface(docs, attrs);
      case "world":
        return this.world(docs, attrs);
      case "use": {
        this.i++;
        const path = this.usePath();
        const as = this.eat("as") ? this.id() : undefined;
        this.expect(";");
        return { kind: "toplevel-use", pos: t.pos, attrs, path, as };
      }
      case "package": {
        this.i++;
        if (attrs.length > 0) throw this.fail(t.pos, "cannot place attributes on nested packages");
        if (depth >= MAX_PACKAGE_DEPTH) throw this.fail(t.pos, "package nesting too deep");
        const ref = this.packageName();
        this.expect("{");
        const items = this.declList("}", depth + 1);
        return { kind: "package", decl: { docs, ref }, items };
      }
      default:
        throw depth > 0
          ? this.expectedItem("`world`, `interface` or `use`", t)
          : this.expected("`world`, `interface` or `use`", t);
    }
  }

  /**
   * A namespace or package name part: Explainer.md "Import and Export
   * Definitions" makes them `words`, lowercase only (unlike labels).
   */
  private packageWord(): A.Id {
    const id = this.id();
    if (/[A-Z]/.test(id.name)) {
      throw this.fail(id.pos, `invalid package name part \`${id.name}\`: namespaces and package names are lowercase`);
    }
    return id;
  }

  /** WIT.md "Package declaration": `( id ':' )+ id ( '/' id )* ('@' valid-semver)?`. */
  private packageName(): A.PackageRef {
    const first = this.packageWord();
    this.expect(":");
    const parts = [first.name, this.packageWord().name];
    while (this.eat(":")) parts.push(this.packageWord().name);
    let name = parts.pop()!;
    while (this.eat("/")) name += "/" + this.packageWord().name;
    const version = this.optVersion();
    return { namespace: parts.join(":"), name, version, pos: first.pos };
  }

  /** `id`, or `ns:pkg/iface@ver` (with nested namespaces/packages, 🪺). */
  private usePath(): A.UsePath {
    const first = this.id();
    if (!this.eat(":")) return { kind: "local", name: first };
    const colonParts = [first.name, this.id().name];
    while (this.eat(":")) colonParts.push(this.id().name);
    this.expect("/");
    const slashParts = [this.id()];
    while (this.eat("/")) slashParts.push(this.id());
    const iface = slashParts.pop()!;
    const pkgName = [colonParts.pop()!, ...slashParts.map((p) => p.name)].join("/");
    const version = this.optVersion();
    return {
      kind: "package",
      pkg: { namespace: colonParts.join(":"), name: pkgName, version, pos: first.pos },
      name: iface,
    };
  }

  private optVersion(): string | undefined {
    if (!this.eat("@")) return undefined;
    return this.version().text;
  }

  /**
   * Semver as tokens: `1.2.3`, then optional `-pre.release` and `+build.meta`.
   * A `.` not followed by an identifier/integer/`-` ends the version, so
   * `use a:b/c@1.0.0-rc.{x}` still works.
   */
  private version(): { text: string; pos: number } {
    const start = this.expect("integer");
    let end = start.end;
    // Numbers and dots first (so `1.0` gets a clear error), then pre-release and build parts.
    while (this.at(".") && this.at("integer", 1)) {
      end = this.peek(1)!.end;
      this.i += 2;
    }
    const isPart = (t: Token | undefined) =>
      !!t && (t.kind === "id" || t.kind === "integer" || t.kind === "-" || isKeywordLike(t));
    const eatIds = (prefix: TokenKind) => {
      const p = this.peek();
      if (p?.kind !== prefix || p.pos !== end) return;
      this.i++;
      end = p.end;
      for (;;) {
        const t = this.peek();
        if (isPart(t) && t!.pos === end) {
          end = t!.end;
          this.i++;
        } else if (t?.kind === "." && t.pos === end && isPart(this.peek(1))) {
          end = this.peek(1)!.end;
          this.i += 2;
        } else break;
      }
    };
    eatIds("-");
    eatIds("+");
    const text = this.src.text.slice(start.pos - this.src.base, end - this.src.base);
    const err = semverError(text);
    if (err) throw this.fail(start.pos, err);
    return { text, pos: start.pos };
  }

  // ---- attributes (WIT.md "Feature gate syntax", "@external-id") ----

  private attributes(): A.Attribute[] {
    const attrs: A.Attribute[] = [];
    for (let at = this.eat("@"); at; at = this.eat("@")) {
      const id = this.id();
      const pos = at.pos;
      switch (id.name) {
        case "since":
        case "deprecated": {
          this.expect("(");
          this.expectWord("version");
          this.expect("=");
          const v = this.version();
          this.expect(")");
          attrs.push({ kind: id.name, pos, version: v.text, versionPos: v.pos });
          break;
        }
        case "unstable": {
          this.expect("(");
          this.expectWord("feature");
          this.expect("=");
          const f = this.id();
          this.expect(")");
          attrs.push({ kind: "unstable", pos, feature: f.name });
          break;
        }
        case "external-id": {
          this.expect("(");
          const s = this.expect("string");
          this.expect(")");
          attrs.push({ kind: "external-id", pos, value: s.text });
          break;
        }
        default:
          throw this.fail(pos, `unknown attribute \`@${id.name}\``);
      }
    }
    return attrs;
  }

  private expectWord(word: string): void {
    const t = this.peek();
    if (t?.kind !== "id" && t?.kind !== "explicit-id") throw this.expected(`\`${word}\``, t);
    const id = this.id();
    if (id.name !== word) throw this.fail(id.pos, `expected \`${word}\`, found \`${id.name}\``);
  }

  // ---- worlds ----

  private world(docs: A.Docs | undefined, attrs: A.Attribute[]): A.World {
    this.expect("world");
    const name = this.id();
    this.expect("{");
    const items: A.WorldItem[] = [];
    while (!this.eat("}")) {
      const itemDocs = this.docs();
      const itemAttrs = this.attributes();
      items.push(this.worldItem(itemDocs, itemAttrs));
    }
    return { kind: "world", docs, attrs, name, items };
  }

  private worldItem(docs: A.Docs | undefined, attrs: A.Attribute[]): A.WorldItem {
    const t = this.peek();
    switch (t?.kind) {
      case "import":
      case "export":
        this.i++;
        return { kind: t.kind, pos: t.pos, docs, attrs, extern: this.externKind() };
      case "use":
        return this.use(attrs);
      case "type":
      case "flags":
      case "resource":
      case "record":
      case "variant":
      case "enum":
        return this.typeDef(docs, attrs);
      case "include": {
        this.i++;
        const from = this.usePath();
        const names: { name: A.Id; as: A.Id }[] = [];
        if (this.eat("with")) {
          this.list("{", "}", () => {
            const name = this.id();
            this.expect("as");
            names.push({ name, as: this.id() });
          });
        } else this.expect(";");
        return { kind: "include", pos: t.pos, attrs, from, names };
      }
      default:
        throw this.expectedItem("`import`, `export`, `include`, `use`, or type definition", t);
    }
  }

  private externKind(): A.ExternKind {
    const t0 = this.peek();
    const t1 = this.peek(1);
    if (t0 && (t0.kind === "id" || t0.kind === "explicit-id") && t1?.kind === ":") {
      const t2 = this.peek(2);
      if (t2?.kind === "func" || t2?.kind === "async") {
        const name = this.id();
        this.i++;
        const func = this.func();
        this.expect(";");
        return { kind: "func", name, func };
      }
      if (t2?.kind === "interface") {
        const name = this.id();
        this.i += 2;
        return { kind: "interface", name, items: this.interfaceItems() };
      }
      // `label: path` unless the colon belongs to a qualified `ns:pkg/iface` name.
      if (!this.isQualifiedPathAfterColon(this.i + 2)) {
        // WIT.md "Item: world": `a:b` (no spaces) is one name, a package's, which cannot be imported.
        if ((t2?.kind === "id" || t2?.kind === "explicit-id") && t0.end === t1.pos && t1.end === t2.pos) {
          throw this.fail(t0.pos, `\`${t0.text}:${t2.text}\` names a package, not an interface`);
        }
        const name = this.id();
        this.i++;
        if (t2?.kind !== "id" && t2?.kind !== "explicit-id") {
          throw this.expected("`func`, `async func`, `interface` or an interface name", t2);
        }
        const path = this.usePath();
        this.expect(";");
        return { kind: "named-path", name, path };
      }
    }
    const path = this.usePath();
    this.expect(";");
    return { kind: "path", path };
  }

  /**
   * After `id :`, is this a qualified `ns:pkg/iface` name rather than a
   * `label: path`? As in the reference parser: `id /` follows the colon. A
   * nested namespace `a:b:c/d` (🪺) counts only when written without spaces,
   * so `label: ns:pkg/iface` stays a label.
   */
  private isQualifiedPathAfterColon(j: number): boolean {
    const isId = (k: number) => this.toks[k]?.kind === "id" || this.toks[k]?.kind === "explicit-id";
    if (!isId(j)) return false;
    if (this.toks[j + 1]?.kind === "/") return true;
    if (this.toks[j - 1].end !== this.toks[j].pos) return false;
    let k = j + 1;
    while (
      this.toks[k]?.kind === ":" &&
      isId(k + 1) &&
      this.toks[k - 1].end === this.toks[k].pos &&
      this.toks[k].end === this.toks[k + 1].pos
    )
      k += 2;
    return k > j + 1 && this.toks[k]?.kind === "/";
  }

  // ---- interfaces ----

  private interface(docs: A.Docs | undefined, attrs: A.Attribute[]): A.Interface {
    this.expect("interface");
    const name = this.id();
    return { kind: "interface", docs, attrs, name, items: this.interfaceItems() };
  }

  private interfaceItems(): A.InterfaceItem[] {
    this.expect("{");
    const items: A.InterfaceItem[] = [];
    while (!this.eat("}")) {
      const docs = this.docs();
      const attrs = this.attributes();
      const t = this.peek();
      switch (t?.kind) {
        case "type":
        case "flags":
        case "enum":
        case "variant":
        case "resource":
        case "record":
          items.push(this.typeDef(docs, attrs));
          break;
        case "id":
        case "explicit-id": {
          const name = this.id();
          this.expect(":");
          const func = this.func();
          this.expect(";");
          items.push({ kind: "func", docs, attrs, name, func });
          break;
        }
        case "use":
          items.push(this.use(attrs));
          break;
        default:
          throw this.expectedItem("`type`, `resource` or `func`", t);
      }
    }
    return items;
  }

  private use(attrs: A.Attribute[]): A.Use {
    const t = this.expect("use");
    const from = this.usePath();
    this.expect(".");
    this.expect("{");
    const names: A.Use["names"] = [];
    while (!this.eat("}")) {
      const name = this.id();
      const as = this.eat("as") ? this.id() : undefined;
      names.push({ name, as });
      if (!this.eat(",")) {
        this.expect("}");
        break;
      }
    }
    this.expect(";");
    return { kind: "use", pos: t.pos, attrs, from, names };
  }

  private func(): A.Func {
    const async = !!this.eat("async");
    const f = this.expect("func");
    const params = this.params();
    const result = this.eat("->") ? this.type(0) : undefined;
    return { pos: f.pos, async, params, result };
  }

  private params(): A.Func["params"] {
    const params: A.Func["params"] = [];
    this.list("(", ")", () => {
      const name = this.id();
      this.expect(":");
      params.push({ name, type: this.type(0) });
    });
    return params;
  }

  /** `open item (, item)* ,? close`, with each item's doc comments. */
  private list(open: TokenKind, close: TokenKind, item: (docs: A.Docs | undefined) => void): void {
    this.expect(open);
    for (;;) {
      const docs = this.docs();
      if (this.eat(close)) break;
      item(docs);
      if (!this.eat(",")) {
        this.expect(close);
        break;
      }
    }
  }

  // ---- type definitions ----

  private typeDef(docs: A.Docs | undefined, attrs: A.Attribute[]): A.TypeDef {
    const kw = this.peek()!;
    this.i++;
    const name = this.id();
    let body: A.TypeDefBody;
    switch (kw.kind) {
      case "type":
        this.expect("=");
        body = { kind: "alias", type: this.type(0) };
        this.expect(";");
        break;
      case "record": {
        const fields: A.Field[] = [];
        this.list("{", "}", (d) => {
          const n = this.id();
          this.expect(":");
          fields.push({ docs: d, name: n, type: this.type(0) });
        });
        body = { kind: "record", fields };
        break;
      }
      case "flags": {
        const flags: A.Flag[] = [];
        this.list("{", "}", (d) => flags.push({ docs: d, name: this.id() }));
        body = { kind: "flags", flags };
        break;
      }
      case "enum": {
        const cases: A.Flag[] = [];
        this.list("{", "}", (d) => cases.push({ docs: d, name: this.id() }));
        body = { kind: "enum", cases };
        break;
      }
      case "variant": {
        const cases: A.Case[] = [];
        this.list("{", "}", (d) => {
          const n = this.id();
          let type: A.Type | undefined;
          if (this.eat("(")) {
            type = this.type(0);
            this.expect(")");
          }
          cases.push({ docs: d, name: n, type });
        });
        body = { kind: "variant", cases };
        break;
      }
      default: {
        const funcs: A.ResourceFunc[] = [];
        if (this.eat("{")) {
          while (!this.eat("}")) {
            const d = this.docs();
            const a = this.attributes();
            funcs.push(this.resourceFunc(d, a));
          }
        } else this.expect(";");
        body = { kind: "resource", funcs };
      }
    }
    return { kind: "type", docs, attrs, name, body };
  }

  private resourceFunc(docs: A.Docs | undefined, attrs: A.Attribute[]): A.ResourceFunc {
    const t = this.peek();
    if (t?.kind === "constructor") {
      this.i++;
      const params = this.params();
      const result = this.eat("->") ? this.type(0) : undefined;
      this.expect(";");
      return {
        kind: "constructor",
        docs,
        attrs,
        name: { name: "constructor", pos: t.pos },
        func: { pos: t.pos, async: false, params, result },
      };
    }
    if (t?.kind === "id" || t?.kind === "explicit-id") {
      const name = this.id();
      this.expect(":");
      const kind = this.eat("static") ? "static" : "method";
      const func = this.func();
      this.expect(";");
      return { kind, docs, attrs, name, func };
    }
    throw this.expectedItem("`constructor` or identifier", t);
  }

  // ---- types (WIT.md "Types") ----

  private type(depth: number): A.Type {
    const t = this.peek();
    if (depth >= MAX_TYPE_DEPTH) throw this.fail(t ? t.pos : this.eofPos, "type nesting too deep");
    if (!t) throw this.expected("a type", t);
    this.i++;
    const pos = t.pos;
    if (PRIMS.has(t.kind)) return { kind: "prim", name: t.kind as A.PrimName, pos };
    switch (t.kind) {
      case "tuple": {
        // WIT.md "Types": `tuple-list ::= ty | ty ',' tuple-list?`, so at least one type.
        this.expect("<");
        const types: A.Type[] = [this.type(depth + 1)];
        while (this.eat(",")) {
          if (this.at(">")) break;
          types.push(this.type(depth + 1));
        }
        this.expect(">");
        return { kind: "tuple", pos, types };
      }
      case "list": {
        this.expect("<");
        const element = this.type(depth + 1);
        if (this.eat(",")) {
          const n = this.peek();
          if (n?.kind !== "integer") throw this.expected("fixed-length", n);
          this.i++;
          const length = Number(n.text);
          if (!Number.isSafeInteger(length) || length > 0xffffffff) {
            throw this.fail(n.pos, `list length \`${n.text}\` is too large (at most 4294967295)`);
          }
          // WIT.md "Types": `uint ::= [1-9][0-9]*`.
          if (length === 0) throw this.fail(n.pos, "fixed-length list must have at least one element");
          // The reference validator's limit on fixed-length list elements.
          if (length > MAX_FIXED_LIST_LENGTH) {
            throw this.fail(
              n.pos,
              `list length \`${n.text}\` is too large (at most ${MAX_FIXED_LIST_LENGTH} elements)`,
            );
          }
          this.expect(">");
          return { kind: "list", pos, element, length, lengthPos: n.pos };
        }
        this.expect(">");
        return { kind: "list", pos, element };
      }
      case "map": {
        this.expect("<");
        const key = this.type(depth + 1);
        this.expect(",");
        const value = this.type(depth + 1);
        this.expect(">");
        return { kind: "map", pos, key, value };
      }
      case "option": {
        this.expect("<");
        const some = this.type(depth + 1);
        this.expect(">");
        return { kind: "option", pos, some };
      }
      case "result": {
        let ok: A.Type | undefined;
        let err: A.Type | undefined;
        if (this.eat("<")) {
          if (this.eat("_")) {
            this.expect(",");
            err = this.type(depth + 1);
          } else {
            ok = this.type(depth + 1);
            if (this.eat(",")) err = this.type(depth + 1);
          }
          this.expect(">");
        }
        return { kind: "result", pos, ok, err };
      }
      case "future":
      case "stream": {
        let element: A.Type | undefined;
        if (this.eat("<")) {
          element = this.type(depth + 1);
          this.expect(">");
        }
        return { kind: t.kind, pos, element };
      }
      case "own":
      case "borrow": {
        this.expect("<");
        const resource = this.id();
        this.expect(">");
        return { kind: "handle", pos, borrow: t.kind === "borrow", resource };
      }
      case "id":
      case "explicit-id":
        return { kind: "name", name: this.checkedId(t) };
      default:
        this.i--;
        throw this.expected("a type", t);
    }
  }
}

/** A keyword such as `u8` or `list` inside a pre-release or build part still counts as a word there. */
function isKeywordLike(t: Token): boolean {
  return /^[a-z][a-z0-9]*$/i.test(t.text) && t.kind !== "id" && t.kind !== "integer" && t.text === t.kind;
}

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Full semver (semver.org 2.0); returns why `text` is not one. */
export function semverError(text: string): string | undefined {
  if (SEMVER.test(text)) return undefined;
  const core = text.split(/[-+]/)[0];
  if (!/^\d+\.\d+\.\d+$/.test(core)) return `invalid version \`${text}\`: expected \`major.minor.patch\``;
  if (/(^|\.)0\d/.test(core)) return `invalid version \`${text}\`: leading zero in a version number`;
  return `invalid version \`${text}\`: bad pre-release or build part`;
}
