import { describe, expect, it } from "vitest";
import { loadWitSource, selectWorld } from "../../src/wit/index.js";

function docsOf(source: string): (string | undefined)[] {
  const doc = selectWorld(loadWitSource(source));
  return doc.interfaces.flatMap((i) => i.functions.map((f) => f.docs));
}

describe("doc comments", () => {
  it("strip the `*` gutter of multi-line block comments and their blank edge lines", () => {
    const docs = docsOf(`package a:b;
interface i {
  /**
   * First line.
   *   indented, with \`code\`.
   *
   * After a blank line.
   */
  f: func();
  /** One line. */
  g: func();
  /// Line comment
  ///   keeps relative indentation.
  h: func();
  /*** three stars is a plain comment */
  k: func();
}
world w { export i; }`);
    expect(docs).toEqual([
      "First line.\n  indented, with `code`.\n\nAfter a blank line.",
      "One line.",
      "Line comment\n  keeps relative indentation.",
      undefined,
    ]);
  });

  it("keep a block comment without a gutter as written", () => {
    const docs = docsOf(`package a:b;
interface i {
  /** Spans
      two lines. */
  f: func();
}
world w { export i; }`);
    expect(docs).toEqual(["Spans\n      two lines."]);
  });
});
