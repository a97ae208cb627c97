import { parse } from "@bytecodealliance/jco";
import { describe, expect, test } from "vitest";
import { ComponentLoadError, decodeComponent, decodeWorld } from "@witgen/runtime/binary";
import { component, section, str, u32, vec } from "./encode.js";
import { dummyComponent } from "./helpers.js";
import { dealias, signature, wellFormed, worldItem } from "./ir-query.js";

describe("world-level items", () => {
  test("type imports are world-owned typedefs; world resources get their functions", async () => {
    const doc = decodeWorld(
      await dummyComponent(
        `package ex:w@0.1.0;
world w {
  type t = u32;
  record r { a: t }
  resource res { constructor(); m: func() -> r; }
  import f: func(x: r, y: borrow<res>) -> t;
  export g: func(x: r) -> t;
}`,
        "w",
      ),
    );
    expect(wellFormed(doc)).toEqual([]);
    const world = doc.worlds[doc.world];
    expect(world.imports.map((i) => [i.kind, i.key])).toEqual([
      ["type", "t"],
      ["type", "r"],
      ["type", "res"],
      ["function", "f"],
      ["function", "[constructor]res"],
      ["function", "[method]res.m"],
    ]);
    const typeId = (key: string) => {
      const item = worldItem(doc, "imports", key);
      return item.kind === "type" ? item.type : -1;
    };
    expect(doc.types[typeId("t")]).toMatchObject({
      name: "t",
      owner: { kind: "world", id: world.id },
      def: { kind: "alias", target: { kind: "u32" } },
    });
    expect(doc.types[typeId("r")].def).toEqual({
      kind: "record",
      fields: [{ name: "a", type: { kind: "named", id: typeId("t") } }],
    });
    expect(doc.types[typeId("res")].def).toEqual({ kind: "resource" });
    const m = worldItem(doc, "imports", "[method]res.m");
    expect(m.kind === "function" && m.function.kind).toEqual({ kind: "method", resource: typeId("res") });
    const f = worldItem(doc, "imports", "f");
    expect(f.kind === "function" && signature(doc, f.function)).toBe("func(x: r, y: borrow<res>) -> t");
    const g = worldItem(doc, "exports", "g");
    expect(g.kind === "function" && signature(doc, g.function)).toBe("func(x: r) -> t");
  });
});

describe("name attributes reach the IR", () => {
  test("implements: two labels of one interface share it; external-id and versionsuffix are kept", async () => {
    const bytes = await parse(`(component
      (type $store (instance
        (export "bucket" (type (sub resource)))
        (type (own 0))
        (export "open" (func (param "name" string) (result 1)))))
      (import "primary" (implements "wasi:keyvalue/store@0.2") (versionsuffix ".0-draft") (instance (type $store)))
      (import "secondary" (implements "wasi:keyvalue/store@0.2") (external-id "catalog-db:region-a") (instance (type $store)))
      (import "wasi:http/types@0.2" (versionsuffix ".6") (instance))
      (import "slugify" (external-id "https://esm.unpkg.com/slugify@1.6.6") (func (param "text" string) (result string)))
    )`);
    const doc = decodeWorld(bytes);
    expect(wellFormed(doc)).toEqual([]);
    const primary = worldItem(doc, "imports", "primary");
    const secondary = worldItem(doc, "imports", "secondary");
    expect(primary).toMatchObject({ kind: "interface", implements: "wasi:keyvalue/store@0.2" });
    expect(secondary).toMatchObject({
      kind: "interface",
      implements: "wasi:keyvalue/store@0.2",
      externalId: "catalog-db:region-a",
    });
    if (primary.kind !== "interface" || secondary.kind !== "interface") return;
    expect(secondary.interface).toBe(primary.interface);
    const store = doc.interfaces[primary.interface];
    expect(store.name).toBe("store");
    expect(doc.packages[store.package!]).toMatchObject({ namespace: "wasi", name: "keyvalue", version: "0.2" });
    expect(store.functions.map((f) => signature(doc, f))).toEqual(["func(name: string) -> bucket"]);

    const http = worldItem(doc, "imports", "wasi:http/types@0.2");
    expect(http.kind === "interface" && doc.packages[doc.interfaces[http.interface].package!].version).toBe("0.2.6");
    expect(worldItem(doc, "imports", "slugify")).toMatchObject({
      kind: "function",
      externalId: "https://esm.unpkg.com/slugify@1.6.6",
    });
  });
});

test("external-id attributes inside instance types reach typedefs and functions", async () => {
  const doc = decodeWorld(
    await parse(`(component
      (import "users" (instance
        (export "bar" (external-id "DB.Bar") (type (sub resource)))
        (type (borrow 0))
        (export "[method]bar.baz" (external-id "baz/1") (func (param "self" 1)))))
    )`),
  );
  const users = worldItem(doc, "imports", "users");
  if (users.kind !== "interface") throw new Error("expected an interface");
  const i = doc.interfaces[users.interface];
  expect(doc.types[i.types[0].id]).toMatchObject({ name: "bar", externalId: "DB.Bar", def: { kind: "resource" } });
  expect(i.functions[0]).toMatchObject({
    name: "[method]bar.baz",
    externalId: "baz/1",
    kind: { kind: "method", resource: i.types[0].id },
  });
});

test("an interface exported with more than was imported keeps one interface with everything", async () => {
  const doc = decodeWorld(
    await parse(`(component
      (import "ex:a/i" (instance $imp (export "f" (func))))
      (type $t (record (field "x" u32)))
      (import "t" (type $t2 (eq $t)))
      (import "g" (func $g (param "x" $t2)))
      (alias export $imp "f" (func $f))
      (instance $e (export "f" (func $f)) (export "t" (type $t2)) (export "g" (func $g)))
      (export "ex:a/i" (instance $e))
    )`),
  );
  expect(wellFormed(doc)).toEqual([]);
  const imp = worldItem(doc, "imports", "ex:a/i");
  const exp = worldItem(doc, "exports", "ex:a/i");
  if (imp.kind !== "interface" || exp.kind !== "interface") throw new Error("expected interfaces");
  expect(exp.interface).toBe(imp.interface);
  const i = doc.interfaces[imp.interface];
  expect(i.functions.map((f) => signature(doc, f))).toEqual(["func()", "func(x: t)"]);
  // The interface's `t` names the world's `t`.
  expect(doc.types[i.types[0].id].def).toEqual({
    kind: "alias",
    target: { kind: "named", id: (worldItem(doc, "imports", "t") as { type: number }).type },
  });
});

test("an instance export with a type ascription keeps the actual resources and takes the ascribed functions", async () => {
  const doc = decodeWorld(
    await parse(`(component
      (import "i" (instance $i
        (export "r" (type (sub resource)))
        (type (own 0))
        (export "f" (func (result 1)))
        (export "g" (func))))
      (type $it (instance
        (export "r" (type (sub resource)))
        (type (own 0))
        (export "f" (func (result 1)))))
      (export "j" (instance $i) (instance (type $it)))
    )`),
  );
  expect(wellFormed(doc)).toEqual([]);
  const i = worldItem(doc, "imports", "i");
  const j = worldItem(doc, "exports", "j");
  if (i.kind !== "interface" || j.kind !== "interface") throw new Error("expected interfaces");
  const ji = doc.interfaces[j.interface];
  const iR = doc.interfaces[i.interface].types[0].id;
  expect(ji.functions.map((f) => f.name)).toEqual(["f"]);
  expect(doc.types[ji.types[0].id].def).toEqual({ kind: "alias", target: { kind: "named", id: iR } });
  // `f` returns the import's resource, not a fresh one minted by the ascription.
  const result = ji.functions[0].result;
  expect(result?.kind === "own" && dealias(doc, result.resource).id).toBe(iR);
});

describe("index-space errors in well-formed bytes", () => {
  const err = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      if (e instanceof ComponentLoadError) return e.message;
      throw e;
    }
    throw new Error("expected a ComponentLoadError");
  };

  test("an alias of an export the instance does not have", async () => {
    const bytes = await parse(`(component
      (import "i" (instance $i (export "a" (func))))
      (alias export $i "a" (func))
    )`);
    expect(() => decodeWorld(bytes)).not.toThrow();
    const aliases = decodeComponent(bytes).sections.find((s) => s.kind === "aliases");
    const alias = aliases?.kind === "aliases" ? aliases.items[0] : undefined;
    const bad = bytes.slice();
    // The alias is: sort 0x01, 0x00 (export), instance 0, name length 1, "a". Rename "a" to "b".
    expect([...bad.subarray(alias!.offset, alias!.offset + 5)]).toEqual([0x01, 0x00, 0x00, 0x01, 0x61]);
    bad[alias!.offset + 4] = 0x62;
    expect(err(() => decodeWorld(bad))).toMatch(
      /^at byte 0x[0-9a-f]+: expected instance 0 to export "b", found no such export$/,
    );
  });

  test("a type index out of range", async () => {
    const bytes = await parse(`(component (type (list u8)) (type (option 0)))`);
    const bad = bytes.slice();
    bad[bad.length - 1] = 0x05; // (option 5)
    expect(err(() => decodeWorld(bad))).toMatch(/expected a type index below 1, found 5$/);
  });

  test("anonymous types that share sub-terms cannot blow up the IR", () => {
    // t0 = tuple<u8, u8>; t(i) = tuple<t(i-1), t(i-1)>: inline expansion doubles per level.
    const types = [[0x6f, 0x02, 0x7d, 0x7d]];
    for (let i = 1; i < 40; i++) types.push([0x6f, 0x02, ...u32(i - 1), ...u32(i - 1)]);
    types.push([0x40, 0x01, ...str("x"), ...u32(39), 0x01, 0x00]); // (func (param "x" 39))
    const imports = vec([[0x00, ...str("f"), 0x01, ...u32(40)]]);
    const bytes = component(section(7, vec(types)), section(10, imports));
    expect(err(() => decodeWorld(bytes))).toMatch(
      /expected anonymous types of bounded size, found more than 100000 type nodes$/,
    );
    // A hang guard: expanded inline, these types would take 2^40 nodes.
  }, 3_000);

  test("instance types that nest each other twice per level cannot hang the evaluation", () => {
    // I(k) = (instance (alias outer 1 k-1 (type)) (export "a" (instance (type 0))) (export "b" (instance (type 0)))):
    // importing I(40) would instantiate 2^40 instance types.
    const types = [[0x42, 0x00]];
    for (let k = 1; k <= 40; k++) {
      types.push([
        ...[0x42, 0x03],
        ...[0x02, 0x03, 0x02, 0x01, ...u32(k - 1)],
        ...[0x04, 0x00, ...str("a"), 0x05, 0x00],
        ...[0x04, 0x00, ...str("b"), 0x05, 0x00],
      ]);
    }
    const bytes = component(section(7, vec(types)), section(10, vec([[0x00, ...str("i"), 0x05, ...u32(40)]])));
    const started = Date.now();
    expect(err(() => decodeWorld(bytes))).toMatch(
      /expected a component of bounded complexity, found more than \d+ type-level steps$/,
    );
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  test("a function without its resource", async () => {
    const bytes = await parse(`(component (import "[method]r.m" (func)))`);
    expect(err(() => decodeWorld(bytes))).toMatch(
      /expected a resource named "r" before function "\[method\]r\.m", found none$/,
    );
  });
});
