/**
 * Generated stream/future element code (src/emit/glue/elements.ts) against the runtime's
 * interpreted codec of the same element type: storing the same values leaves the same bytes
 * and the same realloc calls in memory, loading them back gives the same values, and a value
 * of the wrong shape is refused with the same message. Number elements get no generated code
 * (the runtime copies them in bulk); elements holding handles get a factory, tested through a
 * real component in element-handles.test.ts.
 */
import { describe, expect, it } from "vitest";
import {
  CodecCompiler,
  ComponentInstanceState,
  LiftLowerContext,
  planValue,
  TypeResolver,
  type AbiType,
  type ElementAdapter,
  type StringEncoding,
} from "@witgen/runtime";
import { adapterTypeKey } from "@witgen/runtime";
import { emitGlue } from "../../src/emit/glue/index.js";
import { loadWitSource, selectWorld } from "../../src/wit/index.js";
import { loadGlue } from "./harness.js";

const WIT = `package test:elements@1.0.0;

interface pipes {
  enum color { red, green, blue }
  flags perms { read, write, exec }
  record item {
    name: string,
    count: u16,
    tag: option<string>,
    color: color,
  }
  variant shape { dot, circle(f32), label(string) }

  items: func(s: stream<item>) -> future<shape>;
  pairs: func() -> stream<tuple<string, bool>>;
  lists: func(s: stream<list<u16>>, f: future<result<string, u8>>);
  more: func(s: stream<perms>, c: future<char>, n: stream<u32>, u: stream);
}

world w {
  export pipes;
}
`;

const SAMPLES: Record<string, unknown[]> = {
  "record{name:string,count:u16,tag:option<string>,color:enum{red,green,blue}}": [
    { name: "bolt", count: 3, tag: "m6", color: "green" },
    { name: "nuß", count: 65535, tag: undefined, color: "blue" },
  ],
  "variant{dot,circle(f32),label(string)}": [{ tag: "dot" }, { tag: "circle", val: 1.5 }, { tag: "label", val: "zoë" }],
  "tuple<string,bool>": [["a", true], ["", false]],
  "list<u16>": [Uint16Array.of(1, 2, 65535), new Uint16Array(0)],
  "result<string,u8>": [{ tag: "ok", val: "fine" }, { tag: "err", val: 7 }],
  "flags{read,write,exec}": [{ read: true, write: false, exec: true }],
  char: ["x", "€", "😀"],
};

function bump(memory: WebAssembly.Memory) {
  let next = 1024;
  const calls: number[][] = [];
  return {
    calls,
    realloc: (old: number, oldSize: number, align: number, size: number): number => {
      next = Math.ceil(next / align) * align;
      const ret = next;
      next += size;
      calls.push([old, oldSize, align, size, ret]);
      return ret;
    },
  };
}

function context(encoding: StringEncoding) {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const { realloc, calls } = bump(memory);
  const cx = new LiftLowerContext(new ComponentInstanceState("test"), { stringEncoding: encoding, memory, realloc });
  return { cx, memory, calls };
}

describe("generated stream/future element code", async () => {
  const doc = selectWorld(loadWitSource(WIT, "elements.wit"), "w");
  const glue = await emitGlue(doc, { results: "throw", runtimeModule: "@witgen/runtime" });
  const { adapters } = await loadGlue(glue.contents);
  const elements = adapters.elements ?? {};
  const resolver = new TypeResolver(doc);
  const types = new Map<string, AbiType>();
  const visit = (t: AbiType | undefined): void => {
    if (!t) return;
    if ((t.kind === "stream" || t.kind === "future") && t.element) types.set(adapterTypeKey(t.element), t.element);
    if (t.kind === "stream" || t.kind === "future") visit(t.element);
  };
  for (const fn of Object.values(doc.interfaces).flatMap((i) => i.functions)) {
    for (const p of fn.params) visit(resolver.resolve(p.type));
    if (fn.result) visit(resolver.resolve(fn.result));
  }

  it("covers every non-number element type, and only those", () => {
    expect(Object.keys(elements).sort()).toEqual(Object.keys(SAMPLES).sort());
  });

  for (const encoding of ["utf8", "utf16", "latin1+utf16"] as const) {
    it.each(Object.keys(SAMPLES))(`%s (${encoding}): same bytes, reallocs and values as the runtime's codec`, (key) => {
      const generated = elements[key] as ElementAdapter;
      const dynamic = new CodecCompiler().codec(planValue(types.get(key)!));
      for (const value of SAMPLES[key]!) {
        const a = context(encoding);
        const b = context(encoding);
        generated.store(a.cx, value, 64);
        dynamic.store(b.cx, value, 64);
        // Whole memories, compared as buffers (a deep equality over 64 KiB of elements is slow).
        expect(Buffer.from(a.memory.buffer).equals(Buffer.from(b.memory.buffer))).toBe(true);
        expect(a.calls).toEqual(b.calls);
        expect(generated.load(a.cx, 64)).toEqual(dynamic.load(b.cx, 64));
      }
    });
  }

  it("a value of the wrong shape is refused with the runtime's message", () => {
    const key = Object.keys(SAMPLES)[0]!;
    const messageOf = (f: () => void) => {
      try {
        f();
      } catch (e) {
        return (e as Error).message;
      }
      return "no error";
    };
    const bad = { name: "x", count: 70000, color: "red" };
    const generated = messageOf(() => (elements[key] as ElementAdapter).store(context("utf8").cx, bad, 64));
    const dynamic = messageOf(() => new CodecCompiler().codec(planValue(types.get(key)!)).store(context("utf8").cx, bad, 64));
    expect(generated).toBe(dynamic);
    expect(generated).toMatch(/u16/);
  });
});
