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
