/**
 * WAVE parser and printer over every value type: parse -> JS value (the
 * docs/mapping.md shape the runtime lowers) -> canonical text, with the
 * canonical forms as wasm-tools' wasm-wave writes them.
 */
import { describe, expect, it } from "vitest";
import type { AbiType } from "@witgen/runtime";
import { parseWave, printWave, WaveError } from "../../src/wave/index.js";

const u8: AbiType = { kind: "u8" };
const u32: AbiType = { kind: "u32" };
const s32: AbiType = { kind: "s32" };
const string: AbiType = { kind: "string" };
const point: AbiType = {
  kind: "record",
  name: "point",
  fields: [
    { name: "x", type: s32 },
    { name: "y-pos", type: s32 },
  ],
};
const withOptional: AbiType = {
  kind: "record",
  name: "opts",
  fields: [
    { name: "must-have", type: u8 },
    { name: "optional", type: { kind: "option", some: u8 } },
  ],
};
const allOptional: AbiType = {
  kind: "record",
  name: "all-opt",
  fields: [{ name: "optional", type: { kind: "option", some: u8 } }],
};
const shape: AbiType = {
  kind: "variant",
  name: "shape",
  cases: [
    { name: "circle", type: { kind: "f64" } },
    { name: "rect", type: point },
    { name: "empty" },
    { name: "err", type: string },
  ],
};
const status: AbiType = { kind: "enum", name: "status", cases: ["ok", "not-found", "teapot"] };
const perms: AbiType = { kind: "flags", name: "perms", flags: ["read", "write", "exec-all"] };

/** Parses `text`, checks the JS value, and that printing gives `canonical` (default: the input). */
function roundTrip(t: AbiType, text: string, js: unknown, canonical = text): void {
  const v = parseWave(text, t);
  expect(v).toEqual(js);
  expect(printWave(v, t)).toBe(canonical);
  // The canonical text reads back to the same value.
  expect(parseWave(canonical, t)).toEqual(js);
}

function waveError(text: string, t: AbiType): WaveError {
  try {
    parseWave(text, t, { source: "--invoke", what: 'parameter "x" of f' });
  } catch (e) {
    expect(e).toBeInstanceOf(WaveError);
    return e as WaveError;
  }
  throw new Error(`expected ${text} to be rejected`);
}

describe("WAVE scalars", () => {
  it("bools", () => {
    roundTrip({ kind: "bool" }, "true", true);
    roundTrip({ kind: "bool" }, "false", false);
  });

  it("integers at the edges of every range; 64-bit ones as bigint", () => {
    roundTrip(u8, "0", 0);
    roundTrip(u8, "255", 255);
    roundTrip({ kind: "s8" }, "-128", -128);
    roundTrip({ kind: "u16" }, "65535", 65535);
    roundTrip({ kind: "s16" }, "-32768", -32768);
    roundTrip(u32, "4294967295", 4294967295);
    roundTrip(s32, "-2147483648", -2147483648);
    roundTrip({ kind: "u64" }, "18446744073709551615", 18446744073709551615n);
    roundTrip({ kind: "s64" }, "-9223372036854775808", -9223372036854775808n);
    roundTrip(s32, "-0", 0, "0");
  });

  it("rejects integers out of range, fractions, exponents and signed unsigned values", () => {
    expect(waveError("256", u8).message).toBe(
      '--invoke:1:1: expected a u8 (an integer from 0 to 255) for parameter "x" of f, found 256',
    );
    expect(waveError("-1", u32).message).toMatch(/expected a u32 \(an integer from 0 to 4294967295\).*found -1$/);
    expect(waveError("-0", u32).message).toMatch(/found -0$/);
    expect(waveError("18446744073709551616", { kind: "u64" }).message).toMatch(/u64/);
    expect(waveError("9223372036854775808", { kind: "s64" }).message).toMatch(
      /s64 \(an integer from -9223372036854775808/,
    );
    expect(waveError("1.5", u8).message).toMatch(/found 1\.5$/);
    expect(waveError("1e3", u32).message).toMatch(/found 1e3$/);
    expect(waveError('"1"', u32).message).toMatch(/found "1"$/);
    expect(waveError("0x10", u32).message).toMatch(/--invoke:1:1: invalid number "0x10"/);
  });

  it("floats: shortest round-trip digits without exponent, nan, inf, -inf, -0", () => {
    const f32: AbiType = { kind: "f32" };
    const f64: AbiType = { kind: "f64" };
    roundTrip(f64, "3.14", 3.14);
    roundTrip(f64, "6.022e+23", 6.022e23, "602200000000000000000000");
    roundTrip(f64, "1e-7", 1e-7, "0.0000001");
    roundTrip(f64, "-1.5e-7", -1.5e-7, "-0.00000015");
    roundTrip(f64, "nan", NaN);
    roundTrip(f64, "inf", Infinity);
    roundTrip(f64, "-inf", -Infinity);
    roundTrip(f64, "-0.0", -0, "-0");
    roundTrip(f64, "42", 42);
    roundTrip(f32, "0.1", Math.fround(0.1));
    roundTrip(f32, "3.4028234664e38", Math.fround(3.4028234664e38), "340282350000000000000000000000000000000");
    roundTrip(f32, "3.4028234664e39", Infinity, "inf");
    roundTrip(
      f32,
      "1.4012984643e-45",
      Math.fround(1.4012984643e-45),
      "0.000000000000000000000000000000000000000000001",
    );
    roundTrip(f32, "-3.1415", Math.fround(-3.1415));
    // Correct rounding where decimal -> f64 -> f32 would round twice: the f64 nearest these
    // decimals is the midpoint 1 + 2^-24 between the f32 values 1 and 1 + 2^-23.
    expect(parseWave("1.00000005960464477539062500001", f32)).toBe(1 + 2 ** -23);
    expect(parseWave("1.00000005960464477539062499999", f32)).toBe(1);
    expect(parseWave("1.000000059604644775390625", f32)).toBe(1);
    expect(parseWave("-1.00000005960464477539062500001", f32)).toBe(-(1 + 2 ** -23));
    expect(parseWave("340282356779733661637539395458142568448", f32)).toBe(Infinity);
    expect(parseWave("340282356779733661637539395458142568447", f32)).toBe(3.4028234663852886e38);
    expect(waveError("-nan", f64).message).toMatch(/invalid number "-nan"/);
    expect(waveError("NaN", f64).message).toMatch(/invalid label "NaN"/);
    expect(waveError("INF", f64).message).toMatch(/expected an f64 for parameter "x" of f, found INF$/);
    expect(waveError("Infinity", f64).message).toMatch(/invalid label "Infinity"/);
    expect(waveError("true", f64).message).toMatch(/expected an f64 for parameter "x" of f, found true$/);
  });

  it("chars with escapes; printing escapes quotes, controls and combining marks as wasm-wave does", () => {
    const char: AbiType = { kind: "char" };
    roundTrip(char, "'x'", "x");
    roundTrip(char, "'😀'", "😀");
    roundTrip(char, "'\\u{1F600}'", "😀", "'😀'");
    roundTrip(char, "'\\''", "'");
    roundTrip(char, "'\"'", '"', "'\\\"'");
    roundTrip(char, "'\\n'", "\n");
    roundTrip(char, "'\\u{0}'", "\0");
    roundTrip(char, "'\\u{7f}'", "\x7f");
    roundTrip(char, "'\\u{301}'", "\u0301");
    roundTrip(char, "'\\u{a0}'", "\u00a0");
    expect(waveError("'ab'", char).message).toMatch(/1:1: a char literal holds exactly one character/);
    expect(waveError("''", char).message).toMatch(/empty char literal/);
    expect(waveError("'\\u{D800}'", char).message).toMatch(
      /1:2: invalid escape \\u\{D800\}: not a Unicode scalar value/,
    );
    expect(waveError("'\\u{110000}'", char).message).toMatch(/not a Unicode scalar value/);
    expect(waveError("'\\x1f'", char).message).toMatch(/invalid escape "\\\\x"/);
    expect(waveError('"a"', char).message).toMatch(/found "a" \(a char is written in single quotes: 'a'\)$/);
  });

  it("strings with escapes", () => {
    roundTrip(string, '""', "");
    roundTrip(string, '"WAVE🌊"', "WAVE🌊");
    roundTrip(string, '"\\\\\\\'\\"\\t\\n\\r"', "\\'\"\t\n\r");
    roundTrip(string, '"it\'s"', "it's", '"it\\\'s"');
    roundTrip(string, '"☃\\u{2603}\\u{002603}"', "☃☃☃", '"☃☃☃"');
    roundTrip(string, '"bell\\u{7}"', "bell\x07");
    expect(waveError('"abc', string).message).toMatch(/1:1: unterminated string/);
    expect(waveError('"a\nb"', string).message).toMatch(/1:3: a line break in a string must be written "\\n"/);
    expect(waveError('"\\j"', string).message).toMatch(/1:2: invalid escape "\\\\j"/);
    expect(waveError("42", string).message).toBe('--invoke:1:1: expected a string for parameter "x" of f, found 42');
  });

  it("multiline strings: dedent by the closing delimiter, escapes, empty lines", () => {
    expect(parseWave('"""\n"""', string)).toBe("");
    expect(parseWave('"""\nA single line\n"""', string)).toBe("A single line");
    expect(parseWave('"""\n    Indentation determined\n      by ending delimiter\n  """', string)).toBe(
      "  Indentation determined\n    by ending delimiter",
    );
    expect(parseWave('"""\r\n  crlf: \\r\r\n  ""\\""\r\n  """', string)).toBe('crlf: \r\n""""');
    expect(parseWave('"""\n\nEmpty lines kept\n\n"""', string)).toBe("\nEmpty lines kept\n");
    expect(printWave("two\nlines", string)).toBe('"two\\nlines"');
    expect(waveError('"""x\n"""', string).message).toMatch(
      /1:1: a multiline string's opening """ must be followed by a line break/,
    );
    expect(waveError('"""\nextra"""', string).message).toMatch(
      /2:6: a multiline string's closing """ must be on its own line/,
    );
    expect(waveError('"""\n  a\n b\n  """', string).message).toMatch(
      /3:1: every line of a multiline string must be indented at least as much as the closing """ \(2 spaces\)/,
    );
  });
});

describe("WAVE compound values", () => {
  it("lists: numeric ones as typed arrays, others as arrays; trailing comma; comments", () => {
    roundTrip({ kind: "list", element: u8 }, "[1, 2, 3]", new Uint8Array([1, 2, 3]));
    roundTrip({ kind: "list", element: { kind: "s64" } }, "[-1, 2]", new BigInt64Array([-1n, 2n]));
    roundTrip({ kind: "list", element: { kind: "f32" } }, "[1.5, nan]", new Float32Array([1.5, NaN]));
    roundTrip({ kind: "list", element: string }, '[ "a" , "b", ]', ["a", "b"], '["a", "b"]');
    roundTrip({ kind: "list", element: string }, "[]", []);
    roundTrip({ kind: "list", element: u32 }, "[1, // one\n 2]", new Uint32Array([1, 2]), "[1, 2]");
    roundTrip({ kind: "list", element: { kind: "list", element: { kind: "bool" } } }, "[[true], []]", [[true], []]);
  });

  it("fixed-length lists check their length", () => {
    roundTrip({ kind: "list", element: u8, length: 3 }, "[1, 2, 3]", new Uint8Array([1, 2, 3]));
    roundTrip({ kind: "list", element: string, length: 2 }, '["a", "b"]', ["a", "b"]);
    expect(waveError("[1, 2]", { kind: "list", element: u8, length: 3 }).message).toBe(
      '--invoke:1:1: expected exactly 3 elements in list<u8, 3> for parameter "x" of f, found 2',
    );
  });

  it("tuples", () => {
    roundTrip({ kind: "tuple", types: [u8, string] }, '(123, "abc")', [123, "abc"]);
    roundTrip({ kind: "tuple", types: [u8] }, "(1,)", [1], "(1)");
    expect(waveError("(1)", { kind: "tuple", types: [u8, string] }).message).toMatch(
      /expected 2 values in tuple<u8, string> .* found 1/,
    );
    expect(waveError("()", { kind: "tuple", types: [u8] }).message).toMatch(/1:1: empty tuple/);
  });

  it("records: any field order, camelCase keys, option fields omittable, {:} when empty", () => {
    roundTrip(point, "{y-pos: 2, x: 1}", { x: 1, yPos: 2 }, "{x: 1, y-pos: 2}");
    roundTrip(point, "{%x: 1, y-pos: 2,}", { x: 1, yPos: 2 }, "{x: 1, y-pos: 2}");
    roundTrip(withOptional, "{must-have: 123}", { mustHave: 123, optional: undefined });
    roundTrip(withOptional, "{must-have: 1, optional: none}", { mustHave: 1, optional: undefined }, "{must-have: 1}");
    roundTrip(
      withOptional,
      "{must-have: 1, optional: 7}",
      { mustHave: 1, optional: 7 },
      "{must-have: 1, optional: some(7)}",
    );
    roundTrip(allOptional, "{:}", { optional: undefined });
    roundTrip(allOptional, "{optional: none}", { optional: undefined }, "{:}");
    expect(waveError("{x: 1}", point).message).toBe('--invoke:1:1: missing field y-pos of point in parameter "x" of f');
    expect(waveError("{x: 1, y-pos: 2, z: 3}", point).message).toBe(
      '--invoke:1:18: point has no field z (fields: x, y-pos) in parameter "x" of f',
    );
    expect(waveError("{x: 1, x: 2}", point).message).toMatch(/1:8: duplicate field x/);
    expect(waveError('{x: 1, y-pos: "2"}', point).message).toBe(
      '--invoke:1:15: expected an s32 (an integer from -2147483648 to 2147483647) for parameter "x" of f at .y-pos, found "2"',
    );
    expect(waveError("{}", allOptional).message).toMatch(/found \{\} \(a record with no fields written is \{:\}\)$/);
    expect(waveError("{x: 1,, }", point).message).toMatch(/1:7: expected a field label or "}", found ","/);
  });

  it("variants: cases with and without payload, % for keyword names", () => {
    roundTrip(shape, "circle(1.5)", { tag: "circle", val: 1.5 });
    roundTrip(shape, "rect({x: 1, y-pos: -2})", { tag: "rect", val: { x: 1, yPos: -2 } });
    roundTrip(shape, "empty", { tag: "empty" });
    roundTrip(shape, '%err("oops")', { tag: "err", val: "oops" });
    expect(waveError('err("oops")', shape).message).toMatch(
      /found err\("oops"\) \(a case named like a WAVE keyword is written %err\)$/,
    );
    expect(waveError("circle", shape).message).toBe(
      '--invoke:1:1: case circle of parameter "x" of f needs a payload: circle(f64)',
    );
    expect(waveError("empty(1)", shape).message).toBe(
      '--invoke:1:7: case empty of parameter "x" of f has no payload: write empty alone',
    );
    expect(waveError("square(1)", shape).message).toBe(
      '--invoke:1:1: expected a variant shape (circle(...), rect(...), empty, err(...)) for parameter "x" of f, found square(1)',
    );
  });

  it("enums", () => {
    roundTrip(status, "not-found", "not-found");
    roundTrip(status, "%ok", "ok");
    roundTrip(status, "%teapot", "teapot", "teapot");
    expect(waveError("ok", status).message).toMatch(/found ok \(a case named like a WAVE keyword is written %ok\)$/);
    expect(waveError("gone", status).message).toBe(
      '--invoke:1:1: expected an enum status (ok, not-found, teapot) for parameter "x" of f, found gone',
    );
  });

  it("options: some/none, bare payload, tagged Option for option<option<T>>", () => {
    const opt: AbiType = { kind: "option", some: u8 };
    roundTrip(opt, "some(1)", 1);
    roundTrip(opt, "1", 1, "some(1)");
    roundTrip(opt, "none", undefined);
    const optOpt: AbiType = { kind: "option", some: opt };
    roundTrip(optOpt, "some(some(1))", { tag: "some", val: 1 });
    roundTrip(optOpt, "some(none)", { tag: "some", val: undefined });
    roundTrip(optOpt, "none", { tag: "none" });
    // A bare payload is not allowed when the payload is itself an option.
    expect(waveError("1", optOpt).message).toMatch(/expected an option<option<u8>> for parameter "x" of f, found 1$/);
    expect(waveError("some", opt).message).toMatch(/1:5: expected "\(" after some/);
    expect(waveError("300", opt).message).toMatch(/expected a u8 .* found 300$/);
  });

  it("results: ok/err with and without payloads, bare ok payload", () => {
    const r: AbiType = { kind: "result", ok: u8, err: string };
    roundTrip(r, "ok(1)", { tag: "ok", val: 1 });
    roundTrip(r, "1", { tag: "ok", val: 1 }, "ok(1)");
    roundTrip(r, 'err("oops")', { tag: "err", val: "oops" });
    roundTrip({ kind: "result", err: string }, "ok", { tag: "ok", val: undefined });
    roundTrip({ kind: "result" }, "err", { tag: "err", val: undefined });
    roundTrip({ kind: "result", ok: { kind: "option", some: u8 } }, "ok(none)", { tag: "ok", val: undefined });
    expect(waveError("ok", r).message).toMatch(/case ok of parameter "x" of f needs a payload: ok\(u8\)/);
    expect(waveError("err(1)", { kind: "result", ok: u8 }).message).toMatch(/1:5: case err .* has no payload/);
  });

  it("flags: any order in, type order out", () => {
    roundTrip(perms, "{write, read}", { read: true, write: true, execAll: false }, "{read, write}");
    roundTrip(perms, "{}", { read: false, write: false, execAll: false });
    roundTrip(perms, "{exec-all,}", { read: false, write: false, execAll: true }, "{exec-all}");
    expect(waveError("{read, read}", perms).message).toMatch(/1:8: duplicate flag read/);
    expect(waveError("{read, delete}", perms).message).toMatch(
      /1:8: flags perms \{read, write, exec-all\} has no flag delete/,
    );
  });

  it("maps as lists of (key, value) tuples", () => {
    const m: AbiType = { kind: "map", key: string, value: u32 };
    roundTrip(
      m,
      '[("a", 1), ("b", 2)]',
      new Map([
        ["a", 1],
        ["b", 2],
      ]),
    );
    roundTrip(m, "[]", new Map());
    expect(waveError('[("a", 1), ("a", 2)]', m).message).toMatch(/1:13: duplicate key "a"/);
    expect(waveError('["a"]', m).message).toMatch(/expected a \(key, value\) tuple as entry 0/);
  });

  it("resources and async values are refused", () => {
    expect(waveError("1", { kind: "own", resource: 0, name: "counter" }).message).toMatch(
      /own<counter> is a resource handle, which WAVE cannot write/,
    );
    expect(() => printWave(1, { kind: "borrow", resource: 0, name: "counter" })).toThrow(/cannot be written in WAVE/);
    expect(waveError("1", { kind: "stream", element: u8 }).message).toMatch(
      /stream<u8> values cannot be written in WAVE/,
    );
  });

  it("syntax errors name line and column", () => {
    expect(waveError("[1, 2", { kind: "list", element: u8 }).message).toBe(
      '--invoke:1:6: expected "," or "]", found the end of the input',
    );
    expect(waveError("[\n  1\n  2]", { kind: "list", element: u8 }).message).toBe(
      '--invoke:3:3: expected "," or "]", found 2',
    );
    expect(waveError("1 2", u8).message).toBe("--invoke:1:3: expected the end of the input, found 2");
    expect(waveError("HelloWorld", status).message).toMatch(/1:1: invalid label "HelloWorld"/);
    expect(waveError("😀", u8).message).toBe('--invoke:1:1: unexpected character "😀"');
    expect(waveError("[".repeat(101) + "]".repeat(101), { kind: "list", element: u8 }).message).toMatch(
      /nested more than 100 levels/,
    );
  });
});
