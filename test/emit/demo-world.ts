// A hand-built world exercising every mapping rule (the WIT it stands for is in the comments).
import type { IrDocument } from "@witgen/runtime/ir";
import { IrBuilder, t } from "./ir-builder.js";

/**
 * package test:demo@1.0.0;
 * interface types { record point {...}; variant shape {...}; enum color {...}; flags perms {...};
 *   type bytes = list<u8>; type error = string; type result = u32; resource blob {...}; functions... }
 * interface api { use types.{point, blob}; draw: func(p: point, b: borrow<blob>) -> blob; }
 * world demo { type config = ...; import types; import log: func(msg: string); export api; export run: func() -> result<_, string>; }
 */
export function demoWorld(): IrDocument {
  const b = new IrBuilder();
  const pkg = b.pkg("test", "demo", "1.0.0");
  const types = b.iface(pkg, "types", { docs: "Shared types.", stability: { kind: "stable", since: "1.0.0" } });
  const point = b.ifaceType(
    types,
    "point",
    {
      kind: "record",
      fields: [
        { name: "x", type: t.s32, docs: "Horizontal." },
        { name: "y", type: t.s32 },
        { name: "label", type: t.option(t.string) },
        { name: "tags", type: t.list(t.string) },
        { name: "nested", type: t.option(t.option(t.u8)) },
        { name: "delete", type: t.bool },
      ],
    },
    { docs: "A point. Ends a comment: */ here." },
  );
  b.ifaceType(types, "shape", {
    kind: "variant",
    cases: [
      { name: "circle", type: t.f64, docs: "Radius." },
      { name: "none-case" },
      { name: "named-pt", type: t.named(point) },
    ],
  });
  b.ifaceType(types, "color", { kind: "enum", cases: [{ name: "red" }, { name: "dark-blue" }] });
  b.ifaceType(types, "perms", { kind: "flags", flags: [{ name: "read" }, { name: "write-all" }] });
  b.ifaceType(types, "bytes", { kind: "alias", target: t.list(t.u8) });
  const error = b.ifaceType(types, "error", { kind: "alias", target: t.string });
  b.ifaceType(types, "result", { kind: "alias", target: t.u32 }, { stability: { kind: "unstable", feature: "fancy" } });
  const blob = b.ifaceType(types, "blob", { kind: "resource" }, { docs: "Bytes in the component." });
  b.func(types, {
    name: "[constructor]blob",
    kind: { kind: "constructor", resource: blob },
    params: [{ name: "init", type: t.list(t.u8) }],
    result: t.own(blob),
  });
  b.func(types, {
    name: "[method]blob.read",
    kind: { kind: "method", resource: blob },
    params: [
      { name: "self", type: t.borrow(blob) },
      { name: "n", type: t.u32 },
    ],
    result: t.list(t.u8),
    docs: "Reads up to `n` bytes.",
  });
  b.func(types, {
    name: "[method]blob.constructor",
    kind: { kind: "method", resource: blob },
    params: [{ name: "self", type: t.borrow(blob) }],
  });
  b.func(types, {
    name: "[static]blob.new",
    kind: { kind: "static", resource: blob },
    params: [{ name: "size", type: t.u32 }],
    result: t.result(t.own(blob), t.named(error)),
  });
  b.func(types, {
    name: "[static]blob.merge",
    kind: { kind: "static", resource: blob },
    params: [
      { name: "a", type: t.borrow(blob) },
      { name: "b", type: t.borrow(blob) },
    ],
    result: t.own(blob),
  });
  b.func(types, {
    name: "numbers",
    params: [
      { name: "a", type: t.u8 },
      { name: "b", type: t.s64 },
      { name: "c", type: t.f32 },
      { name: "d", type: t.char },
      { name: "e", type: t.bool },
    ],
    result: t.u64,
  });
  b.func(types, {
    name: "lists",
    params: [
      { name: "a", type: t.list(t.u8) },
      { name: "b", type: t.list(t.s8) },
      { name: "c", type: t.list(t.u16) },
      { name: "d", type: t.list(t.s16) },
      { name: "e", type: t.list(t.u32) },
      { name: "f", type: t.list(t.s32) },
      { name: "g", type: t.list(t.u64) },
      { name: "h", type: t.list(t.s64) },
      { name: "i", type: t.list(t.f32) },
      { name: "j", type: t.list(t.string) },
      { name: "k", type: t.list(t.option(t.u32)) },
    ],
    result: t.list(t.f64),
  });
  b.func(types, {
    name: "fixed",
    params: [
      { name: "a", type: t.list(t.u8, 4) },
      { name: "b", type: t.list(t.string, 3) },
    ],
    result: t.list(t.bool, 2),
  });
  b.func(types, { name: "fallible", params: [{ name: "x", type: t.u32 }], result: t.result(t.string, t.named(error)) });
  b.func(types, { name: "maybe-fail", result: t.result() });
  b.func(types, { name: "nested", result: t.result(t.result(t.u32, t.string), t.string) });
  b.func(types, {
    name: "pipe",
    async: true,
    params: [
      { name: "input", type: t.stream(t.u8) },
      { name: "items", type: t.stream(t.named(point)) },
      { name: "done", type: t.future(t.u32) },
      { name: "ticks", type: t.stream() },
      { name: "maybe-body", type: t.option(t.stream(t.u8)) },
    ],
    result: t.stream(t.string),
  });
  b.func(types, { name: "ctx", params: [{ name: "e", type: t.errorContext }], result: t.future() });
  b.func(types, {
    name: "table",
    params: [{ name: "m", type: t.map(t.string, t.u32) }],
    result: t.tuple(t.u32, t.string),
  });
  b.func(types, {
    name: "delete",
    params: [
      { name: "in", type: t.u32 },
      { name: "this", type: t.string },
    ],
    stability: { kind: "stable", since: "1.0.0", deprecated: "1.1.0" },
  });

  const api = b.iface(pkg, "api");
  const usedPoint = b.ifaceType(api, "point", { kind: "alias", target: t.named(point) });
  const usedBlob = b.ifaceType(api, "blob", { kind: "alias", target: t.named(blob) });
  b.func(api, {
    name: "draw",
    params: [
      { name: "p", type: t.named(usedPoint) },
      { name: "b", type: t.borrow(usedBlob) },
    ],
    result: t.own(usedBlob),
    docs: "Draws.",
  });

  const world = b.world(pkg, "demo", { docs: "The demo world." });
  const config = b.type({ kind: "world", id: world }, "config", {
    kind: "record",
    fields: [{ name: "verbose", type: t.bool }],
  });
  b.import(world, { kind: "type", key: "config", type: config });
  b.import(world, b.interfaceItem(types));
  b.import(world, {
    kind: "function",
    key: "log",
    function: { name: "log", kind: { kind: "freestanding" }, async: false, params: [{ name: "msg", type: t.string }] },
    docs: "Logs a line.",
  });
  b.export(world, b.interfaceItem(api));
  b.export(world, {
    kind: "function",
    key: "run",
    function: {
      name: "run",
      kind: { kind: "freestanding" },
      async: true,
      params: [{ name: "cfg", type: t.named(config) }],
      result: t.result(undefined, t.string),
    },
  });
  return b.doc;
}
