import { describe, expect, test } from "vitest";
import type * as A from "../../src/wit/ast.js";
import { parseFile } from "../../src/wit/parser.js";
import { SourceMap } from "../../src/wit/source-map.js";
import { WitError } from "../../src/wit/index.js";

function parse(text: string): A.FileAst {
  const map = new SourceMap();
  return parseFile(map.add("p.wit", text), map);
}

function parseError(text: string): string {
  try {
    parse(text);
  } catch (e) {
    expect(e).toBeInstanceOf(WitError);
    return (e as WitError).message;
  }
  throw new Error("no error");
}

describe("parser", () => {
  test("a header package, then a nested package block", () => {
    const ast = parse("/// pkg docs\npackage a:b@1.2.3-rc.1+meta;\npackage c:d { interface i {} }\ninterface top {}");
    expect(ast.package?.ref).toMatchObject({ namespace: "a", name: "b", version: "1.2.3-rc.1+meta" });
    expect(ast.package?.docs?.lines).toEqual(["/// pkg docs"]);
    expect(ast.items.map((i) => i.kind)).toEqual(["package", "interface"]);
    const nested = ast.items[0] as A.NestedPackage;
    expect(nested.decl.ref).toMatchObject({ namespace: "c", name: "d" });
    expect(nested.decl.ref.version).toBeUndefined();
  });

  test("a file that starts with a nested package has no header", () => {
    const ast = parse("package a:b { world w {} }");
    expect(ast.package).toBeUndefined();
    expect(ast.items[0].kind).toBe("package");
  });

  test("nested namespaces and packages (🪺)", () => {
    const ast = parse("package a:b:c/d@1.0.0;\nworld w { import x:y:z/p/q@2.0.0; }");
    expect(ast.package?.ref).toMatchObject({ namespace: "a:b", name: "c/d", version: "1.0.0" });
    const imp = (ast.items[0] as A.World).items[0] as A.ImportExport;
    expect(imp.extern).toMatchObject({
      kind: "path",
      path: { kind: "package", pkg: { namespace: "x:y", name: "z/p", version: "2.0.0" }, name: { name: "q" } },
    });
  });

  test("world extern kinds: func, inline interface, path, label: path", () => {
    const w = parse(`world w {
      import f: async func(a: u8) -> string;
      import inline: interface { g: func(); }
      import local;
      import wasi:io/streams@0.2.0;
      import label: wasi:keyvalue/store;
      export other: local;
    }`).items[0] as A.World;
    const kinds = w.items.map((i) => (i as A.ImportExport).extern.kind);
    expect(kinds).toEqual(["func", "interface", "path", "path", "named-path", "named-path"]);
    const f = (w.items[0] as A.ImportExport).extern as A.ExternKind & { kind: "func" };
    expect(f.func.async).toBe(true);
    const labelled = (w.items[4] as A.ImportExport).extern as A.ExternKind & { kind: "named-path" };
    expect(labelled.name.name).toBe("label");
    expect(labelled.path).toMatchObject({
      kind: "package",
      pkg: { namespace: "wasi", name: "keyvalue" },
      name: { name: "store" },
    });
  });

  test("attributes: gates and @external-id", () => {
    const i = parse(`interface i {
      @since(version = 0.2.1)
      @deprecated(version = 0.3.0)
      @external-id("foo/0")
      a: func();
      @unstable(feature = fancy)
      b: func();
    }`).items[0] as A.Interface;
    expect(i.items[0].attrs.map((a) => a.kind)).toEqual(["since", "deprecated", "external-id"]);
    expect(i.items[0].attrs[2]).toMatchObject({ value: "foo/0" });
    expect(i.items[1].attrs[0]).toMatchObject({ kind: "unstable", feature: "fancy" });
  });

  test("every type form", () => {
    const i = parse(`interface i {
      type t = tuple<u8, list<string>, list<u8, 4>, option<s64>, map<string, u32>,
                     result, result<u8>, result<_, u8>, result<u8, u8>,
                     own<r>, borrow<r>, future, future<u8>, stream, stream<u8>, error-context, r>;
    }`).items[0] as A.Interface;
    const t = (i.items[0] as A.TypeDef).body as { kind: "alias"; type: A.Type & { kind: "tuple" } };
    expect(t.type.types.map((x) => x.kind)).toEqual([
      "prim",
      "list",
      "list",
      "option",
      "map",
      "result",
      "result",
      "result",
      "result",
      "handle",
      "handle",
      "future",
      "future",
      "stream",
      "stream",
      "prim",
      "name",
    ]);
    expect(t.type.types[2]).toMatchObject({ kind: "list", length: 4 });
    expect(t.type.types[7]).toMatchObject({ kind: "result", ok: undefined, err: { kind: "prim", name: "u8" } });
  });

  test("resources: constructor, methods, static and async functions", () => {
    const i = parse(`interface i {
      resource r {
        constructor(x: u32) -> result<r, string>;
        get: func() -> u32;
        make: static func() -> r;
        wait: async func();
        later: static async func();
      }
    }`).items[0] as A.Interface;
    const body = (i.items[0] as A.TypeDef).body as { kind: "resource"; funcs: A.ResourceFunc[] };
    expect(body.funcs.map((f) => [f.kind, f.name.name, f.func.async])).toEqual([
      ["constructor", "constructor", false],
      ["method", "get", false],
      ["static", "make", false],
      ["method", "wait", true],
      ["static", "later", true],
    ]);
  });

  test("include with renames, use with renames, trailing commas", () => {
    const w = parse("world w { include other with { a as b, c as d } use i.{x, y as z,}; }").items[0] as A.World;
    const inc = w.items[0] as A.Include;
    expect(inc.names.map((n) => [n.name.name, n.as.name])).toEqual([
      ["a", "b"],
      ["c", "d"],
    ]);
    const use = w.items[1] as A.Use;
    expect(use.names.map((n) => [n.name.name, n.as?.name])).toEqual([
      ["x", undefined],
      ["y", "z"],
    ]);
  });

  test("syntax errors point at the offending token", () => {
    expect(parseError("interface i {\n  f: func() -> ;\n}")).toBe("p.wit:2:16: expected a type, found `;`");
    expect(parseError("interface i {\n  f: func()\n  g: func();\n}")).toBe("p.wit:3:3: expected `;`, found `g`");
    expect(parseError("interface type {}")).toBe("p.wit:1:11: expected an identifier, found keyword `type`");
    expect(parseError("interface i {")).toBe("p.wit:1:14: expected `}`, found end of file");
    expect(parseError("interface i { type t = tuple<>; }")).toBe("p.wit:1:30: expected a type, found `>`");
    expect(parseError("package a:b@1.0;")).toBe("p.wit:1:13: invalid version `1.0`: expected `major.minor.patch`");
    expect(parseError("interface i { type t = list<u8, 0>; }")).toBe(
      "p.wit:1:33: fixed-length list must have at least one element",
    );
    expect(parseError("world w { import wasi:http; }")).toBe(
      "p.wit:1:18: `wasi:http` names a package, not an interface",
    );
    expect(parseError("world w { export s: u32; }")).toBe(
      "p.wit:1:21: expected `func`, `async func`, `interface` or an interface name, found `u32`",
    );
    expect(parseError("interface i { @experimental f: func(); }")).toBe(
      "p.wit:1:15: unknown attribute `@experimental`",
    );
  });

  test("identifiers are kebab-case", () => {
    expect(parseError("interface fooBar {}")).toBe(
      "p.wit:1:11: invalid identifier `fooBar`: word `fooBar` mixes lower and upper case",
    );
    expect(parseError("interface foo_bar {}")).toBe(
      "p.wit:1:11: invalid identifier `foo_bar`: `_` is not allowed (use `-`)",
    );
    expect(parseError("interface foo--bar {}")).toBe(
      "p.wit:1:11: invalid identifier `foo--bar`: empty word between `-`",
    );
    expect(parseError("interface %1st {}")).toBe(
      "p.wit:1:11: invalid identifier `1st`: the first word must start with a letter",
    );
    // All-uppercase words, digits after the first word and `%` keywords are fine.
    expect(() => parse("interface HTTP-2-x { %record: func(); }")).not.toThrow();
  });
});
