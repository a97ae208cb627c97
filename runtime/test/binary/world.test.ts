import { beforeAll, describe, expect, test } from "vitest";
import { componentWorld, decodeComponent, decodeWorld } from "@witgen/runtime/binary";
import type { IrDocument } from "@witgen/runtime/ir";
import { dummyComponent, wasiComponent, witOf } from "./helpers.js";
import { dealias, fn, iface, signature, typedef, wellFormed, worldItem } from "./ir-query.js";

const DEMO_WIT = `package ex:demo@1.0.0;
interface types {
  resource blob { constructor(init: list<u8>); read: func(n: u32) -> list<u8>; merge: static func(a: blob, b: blob) -> blob; }
  record point { x: s32, y: s32 }
  flags perms { read, write }
  enum color { red, green }
  variant shape { circle(f32), none }
  type bytes = list<u8>;
  get: async func(p: point, s: stream<u8>, f: future) -> result<future<string>, color>;
  fixed: func(a: list<u32, 4>, sh: shape, b: bytes) -> tuple<u8, perms, option<char>>;
}
interface user { use types.{blob, point}; f: func(b: borrow<blob>) -> point; }
interface own-types {
  record config { name: string, tags: list<string> }
  resource session { open: static func(c: config) -> session; close: async func(); }
  status: func(s: borrow<session>) -> result<config, string>;
}
world w {
  import types;
  import user;
  import plain: func(x: option<string>);
  import inline: interface { hello: func() -> string; }
  export user;
  export own-types;
  export run: async func();
}
`;

/** World items as jco prints them (`import wasi:cli/stdout@0.3.0;`, `export run: async func();`). */
function witItemKeys(text: string, dir: "import" | "export"): string[] {
  const keys: string[] = [];
  for (const m of text.matchAll(new RegExp(`^\\s*${dir} ([^\\s:;]+(?::[^\\s:;]+)?(?:/[^\\s;]+)?)(;|:)`, "gm")))
    keys.push(m[1]);
  return keys;
}

function keys(doc: IrDocument, dir: "imports" | "exports"): string[] {
  return doc.worlds[doc.world][dir].map((i) => i.key);
}

describe("decodeWorld on a dummy component of a hand-written world", () => {
  let doc: IrDocument;
  let text: string;
  beforeAll(async () => {
    const bytes = await dummyComponent(DEMO_WIT, "w");
    doc = decodeWorld(bytes);
    text = await witOf(bytes);
  });

  test("imports and exports match what jco prints", () => {
    expect(keys(doc, "imports")).toEqual(["ex:demo/types@1.0.0", "ex:demo/user@1.0.0", "inline", "plain"]);
    expect(keys(doc, "exports")).toEqual(["run", "ex:demo/user@1.0.0", "ex:demo/own-types@1.0.0"]);
    expect(keys(doc, "imports")).toEqual(witItemKeys(text, "import"));
    expect([...keys(doc, "exports")].sort()).toEqual(witItemKeys(text, "export").sort());
  });

  test("packages and interface names come from the extern names", () => {
    const world = doc.worlds[doc.world];
    expect(doc.packages[world.package]).toMatchObject({ namespace: "root", name: "component" });
    const pkg = doc.packages.find((p) => p.namespace === "ex" && p.name === "demo");
    expect(pkg?.version).toBe("1.0.0");
    expect(pkg?.interfaces.map((i) => i.name)).toEqual(["types", "user", "own-types"]);
    const inline = iface(doc, "imports", "inline");
    expect(inline.name).toBeUndefined();
    expect(inline.package).toBeUndefined();
    expect(signature(doc, fn(inline, "hello"))).toBe("func() -> string");
  });

  test("types interface: named types, resource functions, async and stream/future", () => {
    const types = iface(doc, "imports", "ex:demo/types@1.0.0");
    expect(types.types.map((t) => [t.name, doc.types[t.id].def.kind])).toEqual([
      ["blob", "resource"],
      ["point", "record"],
      ["color", "enum"],
      ["shape", "variant"],
      ["bytes", "alias"],
      ["perms", "flags"],
    ]);
    const blob = typedef(doc, types, "blob");
    expect(blob.owner).toEqual({ kind: "interface", id: types.id });
    expect(fn(types, "[constructor]blob").kind).toEqual({ kind: "constructor", resource: blob.id });
    expect(fn(types, "[method]blob.read").kind).toEqual({ kind: "method", resource: blob.id });
    expect(fn(types, "[static]blob.merge").kind).toEqual({ kind: "static", resource: blob.id });
    expect(signature(doc, fn(types, "[constructor]blob"))).toBe("func(init: list<u8>) -> blob");
    expect(signature(doc, fn(types, "[method]blob.read"))).toBe("func(self: borrow<blob>, n: u32) -> list<u8>");
    expect(signature(doc, fn(types, "get"))).toBe(
      "async func(p: point, s: stream<u8>, f: future) -> result<future<string>, color>",
    );
    expect(signature(doc, fn(types, "fixed"))).toBe(
      "func(a: list<u32, 4>, sh: shape, b: bytes) -> tuple<u8, perms, option<char>>",
    );
    expect(typedef(doc, types, "point").def).toEqual({
      kind: "record",
      fields: [
        { name: "x", type: { kind: "s32" } },
        { name: "y", type: { kind: "s32" } },
      ],
    });
    expect(typedef(doc, types, "shape").def).toEqual({
      kind: "variant",
      cases: [{ name: "circle", type: { kind: "f32" } }, { name: "none" }],
    });
    expect(typedef(doc, types, "bytes").def).toEqual({
      kind: "alias",
      target: { kind: "list", element: { kind: "u8" } },
    });
    expect(typedef(doc, types, "perms").def).toEqual({ kind: "flags", flags: [{ name: "read" }, { name: "write" }] });
  });

  test("`use`d types are alias typedefs and handles keep resource identity", () => {
    const types = iface(doc, "imports", "ex:demo/types@1.0.0");
    const user = iface(doc, "imports", "ex:demo/user@1.0.0");
    const blob = typedef(doc, user, "blob");
    expect(blob.def).toEqual({ kind: "alias", target: { kind: "named", id: typedef(doc, types, "blob").id } });
    expect(typedef(doc, user, "point").def).toEqual({
      kind: "alias",
      target: { kind: "named", id: typedef(doc, types, "point").id },
    });
    const f = fn(user, "f");
    expect(f.params[0].type).toEqual({ kind: "borrow", resource: blob.id });
    expect(dealias(doc, blob.id).id).toBe(typedef(doc, types, "blob").id);
    expect(f.result).toEqual({ kind: "named", id: typedef(doc, user, "point").id });
  });

  test("an interface both imported and exported is one interface", () => {
    const imported = worldItem(doc, "imports", "ex:demo/user@1.0.0");
    const exported = worldItem(doc, "exports", "ex:demo/user@1.0.0");
    expect(
      imported.kind === "interface" && exported.kind === "interface" && imported.interface === exported.interface,
    ).toBe(true);
  });

  test("an exported interface's own types are defined by it", () => {
    const own = iface(doc, "exports", "ex:demo/own-types@1.0.0");
    expect(own.types.map((t) => [t.name, doc.types[t.id].def.kind])).toEqual([
      ["config", "record"],
      ["session", "resource"],
    ]);
    const session = typedef(doc, own, "session");
    expect(signature(doc, fn(own, "[static]session.open"))).toBe("func(c: config) -> session");
    expect(fn(own, "[static]session.open").result).toEqual({ kind: "own", resource: session.id });
    expect(signature(doc, fn(own, "[method]session.close"))).toBe("async func(self: borrow<session>)");
    expect(fn(own, "[method]session.close").kind).toEqual({ kind: "method", resource: session.id });
    expect(signature(doc, fn(own, "status"))).toBe("func(s: borrow<session>) -> result<config, string>");
  });

  test("world-level functions", () => {
    const plain = worldItem(doc, "imports", "plain");
    expect(plain.kind === "function" && signature(doc, plain.function)).toBe("func(x: option<string>)");
    const run = worldItem(doc, "exports", "run");
    expect(run.kind === "function" && run.function.async).toBe(true);
  });

  test("every reference in the IR is well-formed", () => {
    expect(wellFormed(doc)).toEqual([]);
  });

  test("componentWorld on a decoded AST gives the same document", async () => {
    const bytes = await dummyComponent(DEMO_WIT, "w");
    expect(componentWorld(decodeComponent(bytes))).toEqual(doc);
  });

  test("the IR is plain JSON", () => {
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});

describe("decodeWorld on the WASI 0.3.0 worlds", () => {
  const worlds: [string, string][] = [
    ["cli", "wasi:cli/command"],
    ["cli", "wasi:cli/imports"],
    ["http", "wasi:http/service"],
    ["http", "wasi:http/middleware"],
    ["clocks", "wasi:clocks/imports"],
    ["filesystem", "wasi:filesystem/imports"],
    ["random", "wasi:random/imports"],
    ["sockets", "wasi:sockets/imports"],
  ];
  const docs = new Map<string, IrDocument>();
  const texts = new Map<string, string>();
  beforeAll(async () => {
    for (const [pkg, world] of worlds) {
      const bytes = await wasiComponent(pkg, world);
      docs.set(world, decodeWorld(bytes));
      texts.set(world, await witOf(bytes));
    }
  });

  test.each(worlds)("%s / %s: world items match jco's componentWit", (_pkg, world) => {
    const doc = docs.get(world)!;
    const text = texts.get(world)!;
    expect(keys(doc, "imports")).toEqual(witItemKeys(text, "import"));
    expect([...keys(doc, "exports")].sort()).toEqual(witItemKeys(text, "export").sort());
    expect(wellFormed(doc)).toEqual([]);
  });

  test("wasi:cli/command exports run: async func() -> result", () => {
    const doc = docs.get("wasi:cli/command")!;
    const run = iface(doc, "exports", "wasi:cli/run@0.3.0");
    expect(run.name).toBe("run");
    expect(doc.packages[run.package!]).toMatchObject({ namespace: "wasi", name: "cli", version: "0.3.0" });
    expect(signature(doc, fn(run, "run"))).toBe("async func() -> result");
  });

  test("wasi:cli stdio uses streams and futures of the shared error-code", () => {
    const doc = docs.get("wasi:cli/imports")!;
    const stdin = iface(doc, "imports", "wasi:cli/stdin@0.3.0");
    const cliTypes = iface(doc, "imports", "wasi:cli/types@0.3.0");
    expect(signature(doc, fn(stdin, "read-via-stream"))).toBe(
      "func() -> tuple<stream<u8>, future<result<_, error-code>>>",
    );
    const code = typedef(doc, stdin, "error-code");
    expect(dealias(doc, code.id)).toBe(typedef(doc, cliTypes, "error-code"));
    expect(typedef(doc, cliTypes, "error-code").def).toEqual({
      kind: "enum",
      cases: [{ name: "io" }, { name: "illegal-byte-sequence" }, { name: "pipe" }],
    });
    const stdout = iface(doc, "imports", "wasi:cli/stdout@0.3.0");
    expect(signature(doc, fn(stdout, "write-via-stream"))).toBe(
      "func(data: stream<u8>) -> future<result<_, error-code>>",
    );
  });

  test("wasi:http/service: the handler export and the types resources", () => {
    const doc = docs.get("wasi:http/service")!;
    const handler = iface(doc, "exports", "wasi:http/handler@0.3.0");
    const types = iface(doc, "imports", "wasi:http/types@0.3.0");
    const handle = fn(handler, "handle");
    expect(handle.async).toBe(true);
    expect(signature(doc, handle)).toBe("async func(request: request) -> result<response, error-code>");
    const request = typedef(doc, handler, "request");
    expect(handle.params[0].type).toEqual({ kind: "own", resource: request.id });
    expect(dealias(doc, request.id)).toBe(typedef(doc, types, "request"));
    expect(typedef(doc, types, "request").def).toEqual({ kind: "resource" });

    const fields = typedef(doc, types, "fields");
    const fieldFns = types.functions.filter((f) => f.kind.kind !== "freestanding" && f.kind.resource === fields.id);
    expect(fieldFns.map((f) => f.name)).toContain("[constructor]fields");
    expect(fieldFns.map((f) => f.name)).toContain("[static]fields.from-list");
    expect(signature(doc, fn(types, "[method]fields.get"))).toBe(
      "func(self: borrow<fields>, name: field-name) -> list<field-value>",
    );
    expect(signature(doc, fn(types, "[method]fields.copy-all"))).toBe(
      "func(self: borrow<fields>) -> list<tuple<field-name, field-value>>",
    );
    expect(signature(doc, fn(types, "[static]request.consume-body"))).toBe(
      "func(this: request, res: future<result<_, error-code>>) -> tuple<stream<u8>, future<result<option<trailers>, error-code>>>",
    );
    // `headers` and `trailers` are `type headers = fields;`: aliases in the same interface.
    expect(typedef(doc, types, "headers").def).toEqual({ kind: "alias", target: { kind: "named", id: fields.id } });
  });

  test("wasi:http/middleware imports and exports the same handler interface", () => {
    const doc = docs.get("wasi:http/middleware")!;
    const imp = worldItem(doc, "imports", "wasi:http/handler@0.3.0");
    const exp = worldItem(doc, "exports", "wasi:http/handler@0.3.0");
    expect(imp.kind === "interface" && exp.kind === "interface" && imp.interface === exp.interface).toBe(true);
  });
});
