/**
 * The lifting/lowering context of one canonical function (CanonicalABI.md
 * "Lifting and Lowering Context"): options, instance, current borrow scope,
 * plus a cached view of linear memory that is refreshed whenever guest code
 * (realloc, the callee) may have grown the memory.
 */
import type { SourceFailureSink } from "../task/source-failures.js";
import type {
  ComponentInstanceState,
  CoreMemory,
  CoreRealloc,
} from "../instance-state.js";
import type { BorrowScopeLike } from "../resources/handle.js";
import { Trap } from "../trap.js";
import type { AbiType } from "./valtype.js";

export type StringEncoding = "utf8" | "utf16" | "latin1+utf16";

/** Canonical options of a sync `canon lift` / `canon lower` (CanonicalABI.md "Canonical ABI Options"). */
export interface CanonOptions {
  stringEncoding?: StringEncoding;
  memory?: CoreMemory;
  realloc?: CoreRealloc;
  /** Called with the core results after they were lifted (`canon lift` only). */
  postReturn?: (...flatResults: (number | bigint)[]) => void;
}

/**
 * Lift/lower of `stream`, `future` and `error-context` values: filled in by the
 * async part of the runtime. `i` is a handle index in `cx.inst.handles`.
 */
export interface AsyncValueHooks {
  liftStream(
    cx: LiftLowerContext,
    i: number,
    t: Extract<AbiType, { kind: "stream" }>,
  ): unknown;
  lowerStream(
    cx: LiftLowerContext,
    v: unknown,
    t: Extract<AbiType, { kind: "stream" }>,
  ): number;
  liftFuture(
    cx: LiftLowerContext,
    i: number,
    t: Extract<AbiType, { kind: "future" }>,
  ): unknown;
  lowerFuture(
    cx: LiftLowerContext,
    v: unknown,
    t: Extract<AbiType, { kind: "future" }>,
  ): number;
  liftErrorContext(cx: LiftLowerContext, i: number): unknown;
  lowerErrorContext(cx: LiftLowerContext, v: unknown): number;
}

function unsupported(what: string): never {
  throw new Trap(
    `${what} is not supported yet by this runtime (async support not installed)`,
    {
      rule: "CanonicalABI.md lift_async_value / lower_stream / lower_future / lift_error_context",
    },
  );
}

export const noAsyncValueHooks: AsyncValueHooks = {
  liftStream: () => unsupported("lifting a stream"),
  lowerStream: () => unsupported("lowering a stream"),
  liftFuture: () => unsupported("lifting a future"),
  lowerFuture: () => unsupported("lowering a future"),
  liftErrorContext: () => unsupported("lifting an error-context"),
  lowerErrorContext: () => unsupported("lowering an error-context"),
};

const noMemory = new ArrayBuffer(0);

export class LiftLowerContext {
  readonly stringEncoding: StringEncoding;
  /** Current borrow scope (the call's Task or Subtask). */
  borrowScope: BorrowScopeLike | undefined;
  /** Views of memory; valid until guest code runs (call `refresh()` after). */
  dv: DataView = new DataView(noMemory);
  u8: Uint8Array = new Uint8Array(noMemory);
  private buffer: ArrayBuffer = noMemory;
  /** The function being lifted/lowered, for trap messages. */
  func: string | undefined;
  /**
   * While a host call's arguments are lowered: how to take back each handle they added to `inst`,
   * so a later argument that fails leaves nothing behind (lowering-journal.ts).
   */
  lowered: (() => void)[] | undefined;
  /** The array `lowered` is while journaling (one per context, reused). */
  readonly loweredJournal: (() => void)[] = [];
  /** While a host call's arguments are lowered: where the host sources among them report a failure. */
  sourceFailures: SourceFailureSink | undefined;

  constructor(
    readonly inst: ComponentInstanceState,
    readonly opts: CanonOptions,
    readonly hooks: AsyncValueHooks = noAsyncValueHooks,
  ) {
    this.stringEncoding = opts.stringEncoding ?? "utf8";
    this.refresh();
  }

  /**
   * Re-reads `memory.buffer` if it was replaced. Growing a (non-shared) memory
   * detaches the old buffer, so a zero-length view is the cheap signal; reading
   * `memory.buffer` on every call is comparatively slow.
   */
  refresh(): void {
    if (this.u8.length !== 0) return;
    const mem = this.opts.memory;
    if (!mem) return;
    const b = mem.buffer;
    if (b !== this.buffer) {
      this.buffer = b;
      this.dv = new DataView(b);
      this.u8 = new Uint8Array(b);
    }
  }

  get memoryLength(): number {
    return this.u8.length;
  }

  /** CanonicalABI.md `LiftLowerContext.reallocate`: calls realloc with `may_leave` cleared. */
  reallocate(
    old: number,
    oldSize: number,
    align: number,
    newSize: number,
  ): number {
    const realloc = this.opts.realloc;
    if (!realloc) {
      throw new Trap(
        "a realloc is needed to lower this value but the canonical options have none",
        {
          rule: "CanonicalABI.md canonopt validation (realloc required)",
        },
      );
    }
    const inst = this.inst;
    inst.mayLeave = false;
    let ptr: number;
    try {
      ptr = realloc(old, oldSize, align, newSize) >>> 0;
    } catch (e) {
      if (e instanceof Trap) throw e;
      // A realloc taking i64s (JS BigInts) belongs to a 64-bit memory (CanonicalABI.md ptr_type).
      if (e instanceof TypeError && /BigInt/.test(e.message))
        throw new Trap(
          "realloc takes 64-bit arguments: components with 64-bit memories (memory64, CanonicalABI.md ptr_type i64) are not supported by this runtime yet",
          { rule: "CanonicalABI.md LiftLowerContext.reallocate", cause: e },
        );
      throw new Trap(
        `realloc trapped: ${e instanceof Error ? e.message : String(e)}`,
        {
          rule: "CanonicalABI.md LiftLowerContext.reallocate",
          cause: e,
        },
      );
    } finally {
      inst.mayLeave = true;
    }
    this.refresh();
    return ptr;
  }

  allocate(align: number, size: number): number {
    return this.reallocate(0, 0, align, size);
  }

  /** Bounds / alignment check of a pointer produced by guest code or realloc. */
  checkRange(
    ptr: number,
    byteLength: number,
    align: number,
    what: string,
    rule: string,
  ): void {
    if (ptr % align !== 0)
      throw new Trap(`${what} pointer ${ptr} is not ${align}-byte aligned`, {
        rule,
      });
    if (ptr + byteLength > this.u8.length) {
      throw new Trap(
        `${what} range [${ptr}, ${ptr + byteLength}) is out of bounds of memory (${this.u8.length} bytes)`,
        { rule },
      );
    }
  }
}
