/**
 * Resolving `name(args)` against a component's exports (wasmtime's
 * `--invoke` names and extern paths) and reading the arguments, on a world
 * written as IR: versions, inline interfaces, resource statics, `%` names,
 * trailing options, and signatures WAVE cannot express.
 */
import { describe, expect, it } from "vitest";
import type { IrDocument, IrFunction, IrType } from "@witgen/runtime";
import { exportedFunctions, parseInvocation, signatureText, WaveError } from "../../src/wave/index.js";

const u8: IrType = { kind: "u8" };
const u32: IrType = { kind: "u32" };
const fn = (
  name: string,
  params: [string, IrType][],
  result?: IrType,
  kind: IrFunction["kind"] = { kind: "freestanding" },
): IrFunction => ({
  name,
  kind,
  async: false,
  params: params.map(([n, type]) => ({ name: n, type })),
  ...(result ? { result } : {}),
});
const apiFunctions = [
  fn("[constructor]counter", [], { kind: "own", resource: 0 }, { kind: "constructor", resource: 0 }),
  fn("[static]counter.zero", [], u32, { kind: "static", resource: 0 }),
  fn("run", [], u32),
];

const doc: IrDocument = {
  irVersion: 1,
  world: 0,
  packages: [
    {
      id: 0,
      namespace: "test",
      name: "x",
      version: "1.0.0",
      interfaces: [{ name: "api", id: 0 }],
      worlds: [{ name: "w", id: 0 }],
    },
    { id: 1, namespace: "test", name: "x", version: "2.0.0", interfaces: [{ name: "api", id: 1 }], worlds: [] },
  ],
  interfaces: [
    { id: 0, name: "api", package: 0, types: [{ name: "counter", id: 0 }], functions: apiFunctions },
    { id: 1, name: "api", package: 1, types: [], functions: [fn("run", [], u32)] },
    { id: 2, types: [], functions: [fn("ping", [["n", u8]], u8)] },
  ],
  types: [
    { id: 0, name: "counter", owner: { kind: "interface", id: 0 }, def: { kind: "resource" } },
    {
      id: 1,
      name: "status",
      owner: { kind: "world", id: 0 },
      def: { kind: "enum", cases: [{ name: "ok" }, { name: "bad" }] },
    },
    { id: 2, name: "code", owner: { kind: "world", id: 0 }, def: { kind: "alias", target: { kind: "named", id: 1 } } },
  ],
  worlds: [
    {
      id: 0,
      name: "w",
      package: 0,
      imports: [],
      exports: [
        { kind: "function", key: "take", function: fn("take", [["c", { kind: "own", resource: 0 }]]) },
        { kind: "function", key: "stream-out", function: fn("stream-out", [], { kind: "stream", element: u8 }) },
        {
          kind: "function",
          key: "check",
          function: fn("check", [["s", { kind: "named", id: 2 }]], { kind: "named", id: 1 }),
        },
        {
          kind: "function",
          key: "opt-tail",
          function: fn("opt-tail", [
            ["a", u8],
            ["b", { kind: "option", some: { kind: "option", some: u8 } }],
          ]),
        },
        { kind: "interface", key: "test:x/api@1.0.0", interface: 0 },
        { kind: "interface", key: "test:x/api@2.0.0", interface: 1 },
        { kind: "interface", key: "plain", interface: 2 },
      ],
    },
  ],
};

function fails(text: string): string {
  try {
    parseInvocation(doc, text);
  } catch (e) {
    expect(e).toBeInstanceOf(WaveError);
    return (e as Error).message;
  }
  throw new Error(`expected ${text} to fail`);
}

describe("invocation names", () => {
  it("lists exports by the names --invoke takes, with WIT signatures", () => {
    expect(exportedFunctions(doc).map((e) => `${e.displayName}: ${signatureText(doc, e.func)}`)).toEqual([
      "take: func(c: counter)",
      "stream-out: func() -> stream<u8>",
      "check: func(s: status) -> status",
      "opt-tail: func(a: u8, b: option<option<u8>>)",
      "test:x/api@1.0.0#[constructor]counter: func() -> counter",
      "test:x/api@1.0.0#[static]counter.zero: func() -> u32",
      "test:x/api.run@1.0.0: func() -> u32",
      "test:x/api.run@2.0.0: func() -> u32",
      "plain.ping: func(n: u8) -> u8",
    ]);
  });

  it("resolves wasmtime-style and extern-path names", () => {
    const target = (text: string) => parseInvocation(doc, text).target;
    expect(target("test:x/api.run@2.0.0()").instance).toBe("test:x/api@2.0.0");
    expect(target("test:x/api@1.0.0#run()").instance).toBe("test:x/api@1.0.0");
    expect(target("plain.ping(1)").path).toBe("plain#ping");
    expect(target("plain#ping(1)").path).toBe("plain#ping");
    expect(target("ping(1)").path).toBe("plain#ping");
    expect(target("test:x/api#[static]counter.zero()").func.name).toBe("[static]counter.zero");
    expect(target("%check(bad)").path).toBe("check");
  });

  it("refuses ambiguous, unknown and malformed names, pointing at the name", () => {
    expect(fails("test:x/api.run()")).toBe(
      '--invoke:1:1: "test:x/api.run" matches several exports; write one of: test:x/api.run@1.0.0, test:x/api.run@2.0.0',
    );
    expect(fails("api.run()")).toBe(
      '--invoke:1:1: "api.run" matches several exports; write one of: test:x/api.run@1.0.0, test:x/api.run@2.0.0',
    );
    expect(fails("run()")).toBe(
      "--invoke:1:1: several exported interfaces have a function run; write one of: test:x/api.run@1.0.0, test:x/api.run@2.0.0",
    );
    expect(fails("  nope(1)")).toMatch(
      /^--invoke:1:3: the component exports no function "nope" \(exported functions: take, stream-out, check, opt-tail, test:x\/api\.run@1\.0\.0/,
    );
    expect(fails("a.b.c()")).toMatch(/^--invoke:1:1: invalid function name "a.b.c"/);
    expect(fails("run@1.0.0()")).toBe("--invoke:1:1: a version needs a package: ns:pkg/iface.run@1.0.0");
    expect(fails("(1)")).toBe('--invoke:1:1: expected a function name, as in greet("World")');
  });
});

describe("invocation arguments", () => {
  it("reads arguments by parameter type, through aliases; trailing options default to none", () => {
    expect(parseInvocation(doc, "check(%ok)").args).toEqual(["ok"]);
    expect(parseInvocation(doc, "opt-tail(1)").args).toEqual([1, { tag: "none" }]);
    expect(parseInvocation(doc, "opt-tail(1, some(none))").args).toEqual([1, { tag: "some", val: undefined }]);
    expect(parseInvocation(doc, "opt-tail(1, some(some(2)))").args).toEqual([1, { tag: "some", val: 2 }]);
    expect(parseInvocation(doc, "check(bad)").result).toEqual({ kind: "enum", name: "status", cases: ["ok", "bad"] });
  });

  it("refuses signatures with handles or streams before calling", () => {
    expect(fails("take(1)")).toBe(
      '--invoke:1:1: cannot call take: parameter "c" of take has type counter; own<counter> is a resource handle, which WAVE cannot write',
    );
    expect(fails("stream-out()")).toBe(
      "--invoke:1:1: cannot call stream-out: its result type stream<u8> cannot be printed; stream<u8> values cannot be written in WAVE",
    );
    expect(fails("test:x/api@1.0.0#[constructor]counter()")).toMatch(/own<counter> is a resource handle/);
  });

  it("argument errors carry line and column in multi-line calls", () => {
    expect(fails("opt-tail(\n  1,\n  some(300),\n)")).toBe(
      '--invoke:3:8: expected a u8 (an integer from 0 to 255) for parameter "b" of opt-tail at .some, found 300',
    );
    expect(fails("check(ok)")).toBe(
      '--invoke:1:7: expected an enum status (ok, bad) for parameter "s" of check, found ok (a case named like a WAVE keyword is written %ok)',
    );
  });
});
