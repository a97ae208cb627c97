import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { IrDocument, IrInterface, IrWorldItem } from "@witgen/runtime/ir";
import { afterAll, describe, expect, test } from "vitest";
import { loadWitPath, loadWitSource, selectWorld, WitError, type WitResolve } from "../../src/wit/index.js";

function iface(r: WitResolve | IrDocument, name: string): IrInterface {
  const found = r.interfaces.find((i) => i.name === name);
  if (!found) throw new Error(`no interface ${name}`);
  return found;
}

function typeOf(r: WitResolve | IrDocument, ifaceName: string, typeName: string) {
  const entry = iface(r, ifaceName).types.find((t) => t.name === typeName);
  if (!entry) throw new Error(`no type ${typeName}`);
  return r.types[entry.id];
}

function keys(items: IrWorldItem[]): string[] {
  return items.map((i) => i.key);
}

function errorOf(f: () => unknown): WitError {
  try {
    f();
  } catch (e) {
    if (e instanceof WitError) return e;
    throw e;
  }
  throw new Error("no error");
}

const tmp = mkdtempSync(path.join(tmpdir(), "witgen-wit-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function writeTree(root: string, files: Record<string, string>): string {
  mkdirSync(root, { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return root;
}

describe("types", () => {
  const r = loadWitSource(
    `package t:types@1.0.0;
interface base {
  resource blob {
    constructor(init: list<u8>);
    write: func(bytes: list<u8>);
    merge: static func(lhs: borrow<blob>, rhs: borrow<blob>) -> blob;
    open: async func() -> result<blob, string>;
  }
  resource file { constructor() -> result<file, u32>; }
  record pair { a: u32, b: blob }
  type alias-of-blob = blob;
}
interface user {
  use base.{blob, pair as p};
  take: func(b: blob, q: p) -> option<blob>;
  record uses-later { x: later }
  type later = u8;
}`,
    "types.wit",
  );

  test("a bare resource name is own<r>; `type a = r` stays a named alias", () => {
    const pair = typeOf(r, "base", "pair");
    const blob = typeOf(r, "base", "blob");
    expect(pair.def).toEqual({
      kind: "record",
      fields: [
        expect.objectContaining({ name: "a", type: { kind: "u32" } }),
        expect.objectContaining({ name: "b", type: { kind: "own", resource: blob.id } }),
      ],
    });
    expect(typeOf(r, "base", "alias-of-blob").def).toEqual({ kind: "alias", target: { kind: "named", id: blob.id } });
  });

  test("resource functions get their component names, kinds and implicit self/results", () => {
    const blob = typeOf(r, "base", "blob");
    const file = typeOf(r, "base", "file");
    const fns = iface(r, "base").functions;
    expect(fns.map((f) => f.name)).toEqual([
      "[constructor]blob",
      "[method]blob.write",
      "[static]blob.merge",
      "[method]blob.open",
      "[constructor]file",
    ]);
    expect(fns[0]).toMatchObject({
      kind: { kind: "constructor", resource: blob.id },
      result: { kind: "own", resource: blob.id },
    });
    expect(fns[1].params[0]).toEqual({ name: "self", type: { kind: "borrow", resource: blob.id } });
    expect(fns[2].params.map((p) => p.type)).toEqual([
      { kind: "borrow", resource: blob.id },
      { kind: "borrow", resource: blob.id },
    ]);
    expect(fns[3]).toMatchObject({ async: true, kind: { kind: "method" } });
    expect(fns[4].result).toEqual({ kind: "result", ok: { kind: "own", resource: file.id }, err: { kind: "u32" } });
  });

  test("`use` makes aliases owned by the user; a used resource stays usable as own<alias>", () => {
    const user = iface(r, "user");
    // Used names first, then definitions in dependency order.
    expect(user.types.map((t) => t.name)).toEqual(["blob", "p", "later", "uses-later"]);
    const blobAlias = typeOf(r, "user", "blob");
    expect(blobAlias.owner).toEqual({ kind: "interface", id: user.id });
    expect(blobAlias.def).toEqual({ kind: "alias", target: { kind: "named", id: typeOf(r, "base", "blob").id } });
    const take = user.functions[0];
    expect(take.params[0].type).toEqual({ kind: "own", resource: blobAlias.id });
    expect(take.params[1].type).toEqual({ kind: "named", id: typeOf(r, "user", "p").id });
  });

  test("spans are 1-based and point at the name", () => {
    expect(typeOf(r, "base", "pair").span).toEqual({ file: "types.wit", line: 10, col: 10 });
  });
});

describe("worlds", () => {
  test('transitive imports are added before what needs them (WIT.md "Transitive imports and worlds")', () => {
    const r = loadWitSource(
      `package t:w;
interface a { resource r; }
interface b { use a.{r}; foo: func() -> r; }
interface c { use b.{r}; }
world w1 { export b; }
world w2 { import c; export run: func(); }
world w3 { use c.{r}; import f: func(x: r); }`,
    );
    const w1 = selectWorld(r, "w1").worlds[0];
    expect(keys(w1.imports)).toEqual(["t:w/a"]);
    expect(keys(w1.exports)).toEqual(["t:w/b"]);
    expect(keys(selectWorld(r, "w2").worlds[0].imports)).toEqual(["t:w/a", "t:w/b", "t:w/c"]);
    const w3 = selectWorld(r, "w3").worlds[0];
    expect(keys(w3.imports)).toEqual(["t:w/a", "t:w/b", "t:w/c", "r", "f"]);
    expect(w3.imports[3].kind).toBe("type");
  });

  test("an export whose dependency is both exported and needed as an import is rejected", () => {
    const e = errorOf(() =>
      loadWitSource(`package t:x;
interface a { type t = u32; }
interface b { use a.{t}; }
interface c { use a.{t}; use b.{t as t2}; }
world foo { export a; export c; }`),
    );
    expect(e.message).toBe(
      "input.wit:5:7: interface `t:x/c` transitively depends on an interface in incompatible ways",
    );
  });

  test("include merges, de-duplicates interfaces and renames plain names with `with`", () => {
    const r = loadWitSource(`package t:inc;
interface store { get: func(key: string) -> option<string>; }
world base { import cache: store; import a: func(); resource res { m: func(); } import store; }
world other { import store; import a: func(); }
world extended {
  include base with { cache as my-cache, res as thing }
  include other with { a as b }
}`);
    const w = selectWorld(r, "extended");
    const world = w.worlds[0];
    expect(keys(world.imports)).toEqual(["my-cache", "t:inc/store", "thing", "a", "b", "[method]thing.m"]);
    const cache = world.imports[0] as IrWorldItem & { kind: "interface" };
    expect(cache.implements).toBe("t:inc/store");
    // The included world's type is copied, owned by the including world.
    const thing = world.imports[2] as IrWorldItem & { kind: "type" };
    expect(w.types[thing.type]).toMatchObject({
      name: "thing",
      owner: { kind: "world", id: 0 },
      def: { kind: "resource" },
    });
    const method = world.imports[5] as IrWorldItem & { kind: "function" };
    expect(method.function.kind).toEqual({ kind: "method", resource: thing.type });
  });

  test("labelled imports: key is the label, implements the interface", () => {
    const r = loadWitSource(`package t:lab@1.0.0;
interface store { get: func(); }
world w {
  @external-id("db:prod")
  import primary: store;
  import secondary: store;
  export my-handler: store;
}`);
    const w = selectWorld(r).worlds[0];
    expect(w.imports.map((i) => [i.key, (i as { implements?: string }).implements, i.externalId])).toEqual([
      ["primary", "t:lab/store@1.0.0", "db:prod"],
      ["secondary", "t:lab/store@1.0.0", undefined],
    ]);
    expect(w.exports[0]).toMatchObject({ key: "my-handler", implements: "t:lab/store@1.0.0" });
  });

  test("world conflicts are reported where the second name is written", () => {
    expect(
      errorOf(() => loadWitSource("package t:c;\nworld w {\n  import foo: func();\n  import FOO: func();\n}")).message,
    ).toBe("input.wit:4:10: duplicate import `FOO` in world `w` (conflicts with `foo`)");
    // The same name may be imported and exported.
    expect(() => loadWitSource("package t:c;\nworld w { import run: func(); export run: func(); }")).not.toThrow();
  });
});

describe("feature gates", () => {
  const src = `package t:gates@1.0.0;
@since(version = 1.0.0)
interface api {
  @since(version = 0.9.0)
  a: func();
  @unstable(feature = fancy)
  b: func();
  @since(version = 1.0.0)
  @deprecated(version = 1.0.0)
  c: func();
}
world w {
  @since(version = 1.0.0)
  import api;
  @unstable(feature = fancy)
  export extra: func();
}`;

  test("@unstable items are left out unless their feature is enabled", () => {
    const off = loadWitSource(src);
    expect(iface(off, "api").functions.map((f) => f.name)).toEqual(["a", "c"]);
    expect(keys(off.worlds[0].exports)).toEqual([]);
    for (const options of [{ features: ["fancy"] }, { allFeatures: true }]) {
      const on = loadWitSource(src, "g.wit", options);
      expect(iface(on, "api").functions.map((f) => f.name)).toEqual(["a", "b", "c"]);
      expect(keys(on.worlds[0].exports)).toEqual(["extra"]);
    }
  });

  test("gates are kept in the IR", () => {
    const fns = iface(loadWitSource(src, "g.wit", { allFeatures: true }), "api").functions;
    expect(fns.map((f) => f.stability)).toEqual([
      { kind: "stable", since: "0.9.0" },
      { kind: "unstable", feature: "fancy" },
      { kind: "stable", since: "1.0.0", deprecated: "1.0.0" },
    ]);
  });

  test("a kept item may not refer to a left-out one", () => {
    const e = errorOf(() =>
      loadWitSource(`package t:g@1.0.0;
interface i {
  @unstable(feature = extra)
  record r { x: u8 }
  f: func(x: r);
}`),
    );
    expect(e.message).toBe("input.wit:5:14: type `r` is excluded because feature `extra` is not enabled");
  });
});

describe("rules the reference parser and validator enforce", () => {
  const cases: [string, string][] = [
    [
      "@unstable(feature = x)\ninterface i { type t = u8; }\nworld w {}",
      "input.wit:3:20: type `t` has no feature gate, but interface `i` is excluded because feature `x` is not enabled",
    ],
    [
      "interface i { type t = u8; }\nworld w { @unstable(feature = x) use i.{t}; }",
      "input.wit:3:41: type `t` of world `w` is excluded because feature `x` is not enabled, which a world's own types do not support",
    ],
    [
      "interface a-b {}\ninterface ab {}\nworld w { import a-b; import ab; }",
      "input.wit:4:30: duplicate import `t:r/ab@1.0.0` in world `w` (conflicts with `t:r/a-b@1.0.0`)",
    ],
    [
      "interface i { resource r { r: func(); } }",
      "input.wit:2:28: method `r` of resource `r` conflicts with the resource name",
    ],
    [
      "interface i { f: func(x: stream<char>); }",
      "input.wit:2:26: `stream<char>` is not allowed for now (use `stream<u8>` with an encoding)",
    ],
  ];
  test.each(cases)("%s", (body, message) => {
    expect(errorOf(() => loadWitSource(`package t:r@1.0.0;\n${body}`)).message).toBe(message);
  });

  test("a constructor may spell its result `result<own<r>, E>`", () => {
    const r = loadWitSource("package t:r;\ninterface i { resource r { constructor() -> result<own<r>, string>; } }");
    expect(iface(r, "i").functions[0].result).toMatchObject({
      kind: "result",
      ok: { kind: "own" },
      err: { kind: "string" },
    });
  });

  test("namespaces and package names are lowercase words", () => {
    expect(errorOf(() => loadWitSource("package T:f;")).message).toBe(
      "input.wit:1:9: invalid package name part `T`: namespaces and package names are lowercase",
    );
  });
});

describe("large inputs", () => {
  test("long chains of records and aliases resolve without exhausting the stack", () => {
    const n = 10_000;
    const lines = ["package t:deep;", "interface i {", "  resource res;"];
    for (let k = 0; k < n; k++) lines.push(`  record r${k} { x: ${k === 0 ? "u8" : `r${k - 1}`} }`);
    for (let k = 0; k < n; k++) lines.push(`  type a${k} = ${k === 0 ? "res" : `a${k - 1}`};`);
    lines.push(`  f: func(x: a${n - 1}) -> r${n - 1};`, "}", "world w { import i; }");
    const doc = selectWorld(loadWitSource(lines.join("\n")));
    const f = doc.interfaces[0].functions[0];
    // The last alias still stands for the resource, so a bare use is an own handle.
    expect(f.params[0].type.kind).toBe("own");
    expect(doc.types).toHaveLength(2 * n + 1);
  }, 60_000);
});

describe("docs", () => {
  test("doc comments are kept with markers and common indentation stripped", () => {
    const r = loadWitSource(`/// The package.
package t:d;
/// An interface
/// over two lines.
interface i {
  /**
   * Block docs.
   */
  record r {
    /// A field.
    // not a doc
    x: u8,
  }
  // plain comment only
  f: func();
}`);
    expect(r.packages[0].docs).toBe("The package.");
    expect(iface(r, "i").docs).toBe("An interface\nover two lines.");
    const rec = typeOf(r, "i", "r");
    // Unlike the reference parser (which keeps the block's raw inner text), the `*` gutter goes.
    expect(rec.docs).toBe("Block docs.");
    expect(rec.def.kind === "record" && rec.def.fields[0].docs).toBe("A field.");
    expect(iface(r, "i").functions[0].docs).toBeUndefined();
  });
});

describe("packages on disk", () => {
  test("a directory package spans files; deps/ holds dirs, files and nested packages", () => {
    const root = writeTree(path.join(tmp, "app"), {
      "a.wit": "package app:main;\nworld w { import dep:one/i; import helper; import dep:nested/n@0.1.0; }",
      "b.wit": "interface helper { use dep:two/t.{x}; f: func(v: x); }",
      "deps/one/i.wit": "package dep:one;\ninterface i { use dep:two/t.{x}; }",
      "deps/two.wit": "package dep:two;\ninterface t { type x = u32; }\npackage dep:nested@0.1.0 { interface n {} }",
      "deps/README.md": "not WIT",
    });
    const r = loadWitPath(root);
    expect(r.packages.map((p) => `${p.namespace}:${p.name}${p.version ? "@" + p.version : ""}`).sort()).toEqual([
      "app:main",
      "dep:nested@0.1.0",
      "dep:one",
      "dep:two",
    ]);
    expect(r.packages[r.mainPackage].name).toBe("main");
    const doc = selectWorld(r);
    expect(keys(doc.worlds[0].imports)).toEqual(["dep:two/t", "dep:one/i", "app:main/helper", "dep:nested/n@0.1.0"]);
    expect(iface(r, "helper").span).toEqual({ file: "b.wit", line: 1, col: 11 });
    expect(iface(r, "t").span?.file).toBe("deps/two.wit");
  });

  test("unreadable input is a WitError too", () => {
    expect(errorOf(() => loadWitPath(path.join(tmp, "missing.wit"))).message).toBe(
      "missing.wit:1:1: cannot read `missing.wit`: no such file or directory",
    );
    const bad = writeTree(path.join(tmp, "bad-utf8"), {});
    writeFileSync(path.join(bad, "a.wit"), Buffer.from([0x70, 0xff, 0xfe]));
    expect(errorOf(() => loadWitPath(bad)).message).toBe("a.wit:1:1: the file is not valid UTF-8");
    const empty = writeTree(path.join(tmp, "empty"), { "notes.txt": "" });
    expect(errorOf(() => loadWitPath(empty)).message).toBe(".:1:1: the directory holds no `.wit` files");
  });

  test("a cycle between packages is an error", () => {
    const root = writeTree(path.join(tmp, "cycle"), {
      "main.wit": "package app:c;\nworld w { import dep:x/ix; }",
      "deps/x.wit": "package dep:x;\ninterface ix { use dep:y/iy.{t}; }",
      "deps/y.wit": "package dep:y;\ninterface iy { use dep:x/ix.{t}; type t = u8; }",
    });
    const e = errorOf(() => loadWitPath(root));
    expect(e.message).toBe("deps/x.wit:1:9: package `dep:x` depends on itself");
  });

  test("a single file with nested packages", () => {
    const r = loadWitSource(`package app:single;
package dep:inner@2.0.0-pre.1 { interface i { type t = u8; } }
world w { use dep:inner/i@2.0.0-pre.1.{t}; import f: func() -> t; }`);
    expect(keys(selectWorld(r).worlds[0].imports)).toEqual(["dep:inner/i@2.0.0-pre.1", "t", "f"]);
  });
});

describe("selectWorld", () => {
  const r = loadWitSource(`package t:sel@0.1.0;
interface used { record rec { x: u8 } }
interface unused { f: func(); }
world one { import used; }
world two { export g: func(); }`);

  test("returns only what the world reaches, with dense ids", () => {
    const doc = selectWorld(r, "one");
    expect(doc.irVersion).toBe(1);
    expect(doc.world).toBe(0);
    expect(doc.interfaces.map((i) => [i.id, i.name])).toEqual([[0, "used"]]);
    expect(doc.types.map((t) => [t.id, t.name])).toEqual([[0, "rec"]]);
    expect(doc.packages).toHaveLength(1);
    expect(doc.packages[0].interfaces).toEqual([{ name: "used", id: 0 }]);
    expect(doc.packages[0].worlds).toEqual([{ name: "one", id: 0 }]);
  });

  test("by qualified name", () => {
    expect(selectWorld(r, "t:sel/two@0.1.0").worlds[0].name).toBe("two");
  });

  test("without a name it needs exactly one world", () => {
    const e = errorOf(() => selectWorld(r));
    expect(e.message).toContain("multiple worlds in package `t:sel@0.1.0`; pick one of: one, two");
    expect(errorOf(() => selectWorld(r, "three")).message).toContain("world `three` not found");
  });
});

describe("WitError", () => {
  test("format() gives path:line:col: message, the line and a caret", () => {
    const e = errorOf(() => loadWitSource("package t:e;\ninterface i {\n\tf: func(x: nope);\n}", "dir/e.wit"));
    expect(e).toMatchObject({ file: "dir/e.wit", line: 3, col: 13 });
    expect(e.format()).toBe(
      "dir/e.wit:3:13: type `nope` is not defined\n  |\n3 | \tf: func(x: nope);\n  | \t           ^",
    );
  });
});
