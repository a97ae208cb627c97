/**
 * The WIT corpus (test/corpus/) through our front end.
 *
 * Path convention: `loadWitPath` is given the case's absolute path, and the
 * front end reports files relative to what it was given: relative to the
 * directory for a package directory, the file's own name for a single file.
 * An invalid case's `.expected` line is relative to `test/corpus/invalid`, so
 * a directory case's error gets the `<case>/` prefix before comparison.
 */
import type { IrDocument, Span } from "@witgen/runtime/ir";
import { describe, expect, it } from "vitest";
import { loadWitPath, selectWorld, WitError } from "../src/wit/index.js";
import { invalidCases, validCases, type CorpusCase } from "./support/corpus.js";

function load(c: CorpusCase): IrDocument {
  const { world, features, allFeatures } = c.options;
  const resolve = loadWitPath(c.path, {
    ...(features !== undefined ? { features } : {}),
    ...(allFeatures !== undefined ? { allFeatures } : {}),
  });
  return selectWorld(resolve, world);
}

/** Every span in the document (on any item, at any depth). */
function spansOf(doc: IrDocument): Span[] {
  const spans: Span[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (typeof v === "object" && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        if (k === "span") spans.push(x as Span);
        else visit(x);
      }
    }
  };
  visit(doc);
  return spans;
}

const valid = validCases();
const invalid = invalidCases();
const validByName = new Map(valid.map((c) => [c.name, c]));

function loadValid(name: string): IrDocument {
  const c = validByName.get(name);
  if (!c) throw new Error(`no valid corpus case \`${name}\``);
  return load(c);
}

/** All `docs` strings in the document, at any depth. */
function docsOf(doc: IrDocument): string[] {
  const docs: string[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (typeof v === "object" && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        if (k === "docs" && typeof x === "string") docs.push(x);
        else visit(x);
      }
    }
  };
  visit(doc);
  return docs;
}

describe("corpus: valid WIT loads", () => {
  it("has the cases the corpus promises", () => {
    expect(valid.length).toBeGreaterThanOrEqual(70);
    expect(invalid.length).toBeGreaterThanOrEqual(45);
  });

  it.each(valid.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const doc = load(c);
    const world = doc.worlds[doc.world];
    expect(world, "selected world").toBeDefined();
    if (c.options.world !== undefined && !c.options.world.includes(":")) expect(world.name).toBe(c.options.world);
    // Spans name files of the case, relative to the case directory.
    for (const span of spansOf(doc)) {
      expect(c.files, `span file ${span.file}`).toContain(span.file);
      expect(span.line).toBeGreaterThanOrEqual(1);
      expect(span.col).toBeGreaterThanOrEqual(1);
    }
  });
});

describe("corpus: invalid WIT is rejected with the expected error", () => {
  it.each(invalid.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    let error: unknown;
    try {
      load(c);
    } catch (e) {
      error = e;
    }
    expect(error, "a WitError").toBeInstanceOf(WitError);
    const formatted = (error as WitError).format();
    const firstLine = c.errorPathPrefix + formatted.split("\n")[0];
    expect(firstLine).toBe(c.expected);
    // The code frame shows the offending line under the message.
    expect(formatted.split("\n").length).toBeGreaterThan(1);
  });
});

// What a component binary does not carry (docs, gates, spans), so the
// differential test cannot check it against jco.
describe("corpus: details only the WIT text has", () => {
  it("doc-comments: doc comments reach the IR, markers stripped, plain comments ignored", () => {
    const docs = docsOf(loadValid("doc-comments"));
    for (const expected of [
      "Docs on the package declaration.",
      "An interface with docs\nspanning two lines.",
      "Block doc comment on a record.",
      "Docs on a field.",
      "Docs on a variant.",
      "Docs on a case without payload.",
      "Docs on a case with payload.",
      "Docs on an enum.",
      "Docs on an enum case.",
      "Docs on flags.",
      "Docs on a flag.",
      "Docs on an alias.",
      "Docs on a resource.",
      "Docs on a constructor.",
      "Docs on a method.",
      "Docs on a static function.",
      "Docs on a function.",
      "Docs on an aliased type.",
      "Docs on a world.",
      "Docs on an import of an interface.",
      "Docs on an import of a function.",
      "Docs on an inline interface.",
      "Docs inside an inline interface.",
      "Docs on a world type.",
    ]) {
      expect(docs).toContain(expected);
    }
    expect(docs.join("\n")).not.toContain("plain line comment");
  });

  it("gate-deprecated: @since, @unstable and @deprecated become stability", () => {
    const doc = loadValid("gate-deprecated");
    const fns = new Map(doc.interfaces.flatMap((i) => i.functions).map((f) => [f.name, f]));
    expect(fns.get("add-one")?.stability).toEqual({ kind: "stable", since: "0.1.0", deprecated: "0.2.0" });
    expect(fns.get("add")?.stability).toEqual({ kind: "stable", since: "0.1.1" });
    expect(fns.get("sub")?.stability).toEqual({ kind: "unstable", feature: "calc-minus", deprecated: "0.1.5" });
  });

  it("gate-unstable-off/on/all: features decide which gated items exist", () => {
    const names = (name: string) =>
      loadValid(name)
        .interfaces.flatMap((i) => i.functions.map((f) => f.name))
        .sort();
    expect(names("gate-unstable-off")).toEqual(["[constructor]thing", "stable-fn"]);
    expect(names("gate-unstable-on")).toEqual(
      ["[constructor]thing", "[method]thing.fancy-method", "fancy", "hello", "stable-fn", "use-rec"].sort(),
    );
    expect(names("gate-unstable-all")).toEqual(
      ["[constructor]thing", "[method]thing.fancy-method", "fancy", "hello", "other", "stable-fn", "use-rec"].sort(),
    );
  });

  it("multi-file-package: spans name the file and position of each definition", () => {
    const doc = loadValid("multi-file-package");
    const entry = doc.types.find((t) => t.name === "entry" && t.def.kind === "record");
    expect(entry?.span).toEqual({ file: "types.wit", line: 3, col: 10 });
    const store = doc.interfaces.find((i) => i.name === "store");
    expect(store?.span).toEqual({ file: "store.wit", line: 3, col: 11 });
  });
});
