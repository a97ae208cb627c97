/** Binary.md "Canonical Definitions": `canon`, `canonopt`. */
import type { Canon, CanonOptions } from "./ast.js";
import type { ByteReader } from "./byte-reader.js";
import { coreValType } from "./core-types.js";
import { hexByte } from "./errors.js";
import { valType } from "./types.js";

/** `opts`; validation forbids duplicate or conflicting options, so they are rejected here. */
function options(r: ByteReader): CanonOptions {
  const out: CanonOptions = {};
  for (let n = r.count("canonical options"); n > 0; n--) {
    const at = r.pos;
    const b = r.u8("canonical option");
    const once = (key: keyof CanonOptions, what: string) => {
      if (out[key] !== undefined) r.fail(`expected at most one ${what} option, found another`, at);
    };
    switch (b) {
      case 0x00:
      case 0x01:
      case 0x02:
        once("stringEncoding", "string-encoding");
        out.stringEncoding = b === 0x00 ? "utf8" : b === 0x01 ? "utf16" : "latin1+utf16";
        break;
      case 0x03:
        once("memory", "memory");
        out.memory = r.u32("core memory index");
        break;
      case 0x04:
        once("realloc", "realloc");
        out.realloc = r.u32("core function index");
        break;
      case 0x05:
        once("postReturn", "post-return");
        out.postReturn = r.u32("core function index");
        break;
      case 0x06:
        once("async", "async");
        out.async = true;
        break;
      case 0x07:
        once("callback", "callback");
        out.callback = r.u32("core function index");
        break;
      case 0x08: // wasm-tools extension, not in Binary.md
        once("coreType", "core-type");
        out.coreType = r.u32("core type index");
        break;
      case 0x09: // wasm-tools extension, not in Binary.md
        once("gc", "gc");
        out.gc = true;
        break;
      default:
        r.fail(`expected a canonical option (0x00..0x07), found ${hexByte(b)}`, at);
    }
  }
  return out;
}

function flag(r: ByteReader, what: string): boolean {
  const at = r.pos;
  const b = r.u8(what);
  if (b > 1) r.fail(`expected ${what} flag 0x00 or 0x01, found ${hexByte(b)}`, at);
  return b === 1;
}

/** One `canon` definition. */
export function canon(r: ByteReader): Canon {
  const offset = r.pos;
  const op = r.u8("canonical definition");
  const typeIdx = () => r.u32("type index");
  switch (op) {
    case 0x00: {
      r.expect(0x00, "core func sort of canon lift");
      const coreFunc = r.u32("core function index");
      const opts = options(r);
      return { kind: "lift", offset, coreFunc, options: opts, type: typeIdx() };
    }
    case 0x01: {
      r.expect(0x00, "func sort of canon lower");
      const func = r.u32("function index");
      return { kind: "lower", offset, func, options: options(r) };
    }
    case 0x02:
      return { kind: "resource.new", offset, resource: typeIdx() };
    case 0x03:
      return { kind: "resource.drop", offset, resource: typeIdx() };
    case 0x04:
      return { kind: "resource.rep", offset, resource: typeIdx() };
    case 0x24:
      return { kind: "backpressure.inc", offset };
    case 0x25:
      return { kind: "backpressure.dec", offset };
    case 0x09: {
      // `resultlist`
      const at = r.pos;
      const tag = r.u8("task.return result list");
      let result;
      if (tag === 0x00) result = valType(r);
      else if (tag === 0x01) r.expect(0x00, "empty result list");
      else r.fail(`expected a result list (0x00 or 0x01), found ${hexByte(tag)}`, at);
      const opts = options(r);
      return result
        ? { kind: "task.return", offset, result, options: opts }
        : { kind: "task.return", offset, options: opts };
    }
    case 0x05:
      return { kind: "task.cancel", offset };
    case 0x0a:
    case 0x0b: {
      const type = coreValType(r);
      return { kind: op === 0x0a ? "context.get" : "context.set", offset, type, index: r.u32("context slot index") };
    }
    case 0x06:
      return { kind: "subtask.cancel", offset, async: flag(r, "async") };
    case 0x0d:
      return { kind: "subtask.drop", offset };
    case 0x0e:
      return { kind: "stream.new", offset, type: typeIdx() };
    case 0x0f:
      return { kind: "stream.read", offset, type: typeIdx(), options: options(r) };
    case 0x10:
      return { kind: "stream.write", offset, type: typeIdx(), options: options(r) };
    case 0x11:
      return { kind: "stream.cancel-read", offset, type: typeIdx(), async: flag(r, "async") };
    case 0x12:
      return { kind: "stream.cancel-write", offset, type: typeIdx(), async: flag(r, "async") };
    case 0x13:
      return { kind: "stream.drop-readable", offset, type: typeIdx() };
    case 0x14:
      return { kind: "stream.drop-writable", offset, type: typeIdx() };
    case 0x15:
      return { kind: "future.new", offset, type: typeIdx() };
    case 0x16:
      return { kind: "future.read", offset, type: typeIdx(), options: options(r) };
    case 0x17:
      return { kind: "future.write", offset, type: typeIdx(), options: options(r) };
    case 0x18:
      return { kind: "future.cancel-read", offset, type: typeIdx(), async: flag(r, "async") };
    case 0x19:
      return { kind: "future.cancel-write", offset, type: typeIdx(), async: flag(r, "async") };
    case 0x1a:
      return { kind: "future.drop-readable", offset, type: typeIdx() };
    case 0x1b:
      return { kind: "future.drop-writable", offset, type: typeIdx() };
    case 0x1c:
      return { kind: "error-context.new", offset, options: options(r) };
    case 0x1d:
      return { kind: "error-context.debug-message", offset, options: options(r) };
    case 0x1e:
      return { kind: "error-context.drop", offset };
    case 0x1f:
      return { kind: "waitable-set.new", offset };
    case 0x20:
    case 0x21: {
      const cancellable = flag(r, "cancellable");
      const memory = r.u32("core memory index");
      return { kind: op === 0x20 ? "waitable-set.wait" : "waitable-set.poll", offset, cancellable, memory };
    }
    case 0x22:
      return { kind: "waitable-set.drop", offset };
    case 0x23:
      return { kind: "waitable.join", offset };
    case 0x26:
      return { kind: "thread.index", offset };
    case 0x27: {
      const funcType = r.u32("core function type index");
      return { kind: "thread.new-indirect", offset, funcType, table: r.u32("core table index") };
    }
    case 0x28:
      return { kind: "thread.resume-later", offset };
    case 0x29:
      return { kind: "thread.suspend", offset, cancellable: flag(r, "cancellable") };
    case 0x0c:
      return { kind: "thread.yield", offset, cancellable: flag(r, "cancellable") };
    case 0x2a:
      return { kind: "thread.suspend-then-resume", offset, cancellable: flag(r, "cancellable") };
    case 0x2b:
      return { kind: "thread.yield-then-resume", offset, cancellable: flag(r, "cancellable") };
    case 0x2c:
      return { kind: "thread.suspend-then-promote", offset, cancellable: flag(r, "cancellable") };
    case 0x2d:
      return { kind: "thread.yield-then-promote", offset, cancellable: flag(r, "cancellable") };
    case 0x40: {
      const shared = flag(r, "shared");
      return { kind: "thread.spawn-ref", offset, shared, funcType: r.u32("core function type index") };
    }
    case 0x41: {
      const shared = flag(r, "shared");
      const funcType = r.u32("core function type index");
      return { kind: "thread.spawn-indirect", offset, shared, funcType, table: r.u32("core table index") };
    }
    case 0x42:
      return { kind: "thread.available-parallelism", offset, shared: flag(r, "shared") };
    default:
      return r.fail(`expected a canonical definition opcode, found ${hexByte(op)}`, offset);
  }
}
