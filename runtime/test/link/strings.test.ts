/**
 * Every string encoding of the canonical options (utf8, utf16, latin1+utf16),
 * set by jco's `componentEmbed --string-encoding`, with non-ASCII text: the
 * guest reports the core (ptr, len) it received, returns strings from static
 * data in its own encoding, and forwards strings to a host import.
 */
import { describe, expect, it } from "vitest";
import { compileComponent } from "@witgen/runtime";
import { buildCoreComponent } from "../../../test/support/build-component.js";
import { T } from "../abi/helpers.js";
import { echoCoreWat, echoWorldItems, type EchoFn } from "./echo-guest.js";

const UTF16_TAG = 2 ** 31;

/** Bytes as a WAT data string. */
const wat = (bytes: number[]) => bytes.map((b) => "\\" + b.toString(16).padStart(2, "0")).join("");
const utf16le = (s: string) => {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i) & 0xff, s.charCodeAt(i) >> 8);
  return out;
};

interface Enc {
  option: "utf8" | "utf16" | "compact-utf16";
  /** Static text the guest returns, its bytes and the core length it carries. */
  text: string;
  bytes: number[];
  len: number;
  /** (input, expected core length) pairs for `units`. */
  lengths: [string, number][];
}

const ENCODINGS: Enc[] = [
  {
    option: "utf8",
    text: "hé😀",
    bytes: [...new TextEncoder().encode("hé😀")],
    len: 7,
    lengths: [["abc", 3], ["é", 2], ["日本", 6], ["😀", 4]],
  },
  {
    option: "utf16",
    text: "hé😀",
    bytes: utf16le("hé😀"),
    len: 4,
    lengths: [["abc", 3], ["é", 1], ["日本", 2], ["😀", 2]],
  },
  {
    // latin1+utf16: Latin-1 text stays 1 byte per char; anything else is utf16 tagged with bit 31.
    option: "compact-utf16",
    text: "åäö",
    bytes: [0xe5, 0xe4, 0xf6],
    len: 3,
    lengths: [["abc", 3], ["é", 1], ["日本", 2 + UTF16_TAG], ["😀", 2 + UTF16_TAG]],
  },
];

const ECHO: EchoFn[] = [
  { name: "fwd", witParams: "s: string", witResult: "string", params: [T.string], result: T.string },
  { name: "fwd-list", witParams: "s: list<string>", witResult: "list<string>", params: [T.list(T.string)], result: T.list(T.string) },
];

for (const enc of ENCODINGS) {
  describe(`link: string encoding ${enc.option}`, async () => {
    const core = echoCoreWat(ECHO).replace(
      /\)\s*$/,
      `
  (data (i32.const 512) "${wat(enc.bytes)}")
  (func (export "units") (param i32 i32) (result i32) (local.get 1))
  (func (export "greet") (result i32)
    (i32.store (i32.const 128) (i32.const 512))
    (i32.store (i32.const 132) (i32.const ${enc.len >>> 0}))
    (i32.const 128))
)`,
    );
    const bytes = await buildCoreComponent({
      coreWat: core,
      witSource: `package test:str;\nworld w {\n  export units: func(s: string) -> u32;\n  export greet: func() -> string;\n  ${echoWorldItems(ECHO)}\n}`,
      world: "w",
      stringEncoding: enc.option,
    });
    const seen: unknown[] = [];
    const inst = await (await compileComponent(bytes)).instantiate({
      hFwd: (s: string) => {
        seen.push(s);
        return `${s}|ret ✓ 😀`;
      },
      hFwdList: (l: string[]) => {
        seen.push(l);
        return [...l].reverse();
      },
    });

    it("lowers host strings in the guest's encoding (core length = code units of that encoding)", () => {
      for (const [s, len] of enc.lengths) expect([s, inst.exports.units(s)]).toEqual([s, len]);
    });

    it("lifts a string the guest wrote in its encoding", () => {
      expect(inst.exports.greet()).toBe(enc.text);
    });

    it("round-trips non-ASCII strings through a host import", () => {
      expect(inst.exports.fwd("grüße 日本 😀")).toBe("grüße 日本 😀|ret ✓ 😀");
      expect(inst.exports.fwdList(["å", "", "😀x", "plain"])).toEqual(["plain", "😀x", "", "å"]);
      expect(seen).toEqual(["grüße 日本 😀", ["å", "", "😀x", "plain"]]);
    });
  });
}
