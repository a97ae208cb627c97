/**
 * Two components linked inside an outer one: App (latin1+utf16) calls Lib
 * (utf16) through lift-then-lower between the two memories, with strings
 * transcoded and a Lib resource created, used and dropped from App.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { compileComponent, type CompiledComponent } from "@witgen/runtime";
import { buildWatComponent } from "../../../test/support/build-component.js";
import { COMPOSED_WAT } from "./composed.wat.js";

const UTF16_TAG = 2 ** 31;

describe("link: composed component (App -> Lib)", () => {
  let compiled: CompiledComponent;
  beforeAll(async () => {
    compiled = await compileComponent(await buildWatComponent(COMPOSED_WAT));
  });

  it("exposes nested instance exports and re-exported functions", async () => {
    const { exports } = await compiled.instantiate();
    expect(Object.keys(exports).sort()).toEqual(["app", "dropped", "shout"]);
    expect(Object.keys(exports.app).sort()).toEqual(["keep", "roundtrip", "run", "units"]);
    // Lib directly: utf16 on the guest side.
    expect(exports.shout("abc é 😀")).toBe("ABC é 😀!");
  });

  it("transcodes strings App(latin1+utf16) -> Lib(utf16) -> App -> host", async () => {
    const { exports } = await compiled.instantiate();
    expect(exports.app.run("héllo wörld")).toBe("HéLLO WöRLD!");
    expect(exports.app.run("日本 and 😀")).toBe("日本 AND 😀!");
    expect(exports.app.run("")).toBe("!");
    // App's own view: latin1 text stays 1 byte/char, other text is tagged utf16.
    expect(exports.app.units("héllo")).toBe(5);
    expect(exports.app.units("日本")).toBe(2 + UTF16_TAG);
  });

  it("passes Lib's resource across: App creates, borrows and drops it (Lib's destructor runs)", async () => {
    const { exports } = await compiled.instantiate();
    expect(exports.dropped()).toBe(0);
    expect(exports.app.roundtrip("blob ✓ ünï")).toBe("blob ✓ ünï");
    expect(exports.dropped()).toBe(1);
    expect(exports.app.roundtrip("second")).toBe("second");
    expect(exports.dropped()).toBe(2);
    // A kept handle lives in App's table; Lib's destructor has not run for it.
    const h = exports.app.keep("kept");
    expect(h).toBeGreaterThan(0);
    expect(exports.dropped()).toBe(2);
  });

  it("gives each instantiation its own state", async () => {
    const a = (await compiled.instantiate()).exports;
    const b = (await compiled.instantiate()).exports;
    a.app.roundtrip("x");
    expect(a.dropped()).toBe(1);
    expect(b.dropped()).toBe(0);
  });
});
