/** Shared fixtures for the ABI tests: real WebAssembly memories, a logging bump realloc, type shorthands. */
import {
  CodecCompiler,
  ComponentInstanceState,
  LiftLowerContext,
  planValue,
  type AbiType,
  type CanonOptions,
  type ResourceResolver,
  type StringEncoding,
} from "@witgen/runtime";

export interface ReallocCall {
  old: number;
  oldSize: number;
  align: number;
  newSize: number;
  ret: number;
}

/**
 * A 1-page `WebAssembly.Memory` with a bump allocator: each call returns fresh
 * space (copying the old bytes, like a real realloc) and is logged.
 */
export function bumpMemory(
  opts: {
    start?: number;
    pages?: number;
    override?: (
      call: Omit<ReallocCall, "ret">,
      next: number,
    ) => number | undefined;
  } = {},
) {
  const memory = new WebAssembly.Memory({
    initial: opts.pages ?? 1,
    maximum: 16,
  });
  const calls: ReallocCall[] = [];
  let next = opts.start ?? 16;
  const realloc = (
    old: number,
    oldSize: number,
    align: number,
    newSize: number,
  ): number => {
    next = Math.ceil(next / align) * align;
    const forced = opts.override?.({ old, oldSize, align, newSize }, next);
    const ret = forced ?? next;
    if (forced === undefined) {
      if (next + newSize > memory.buffer.byteLength) memory.grow(1);
      const u8 = new Uint8Array(memory.buffer);
      u8.copyWithin(ret, old, old + Math.min(oldSize, newSize));
      next += newSize;
    }
    calls.push({ old, oldSize, align, newSize, ret });
    return ret;
  };
  return {
    memory,
    realloc,
    calls,
    bytes: (ptr: number, n: number) => [
      ...new Uint8Array(memory.buffer, ptr, n),
    ],
  };
}

export function makeCx(
  opts: {
    encoding?: StringEncoding;
    inst?: ComponentInstanceState;
  } & Partial<CanonOptions> & { mem?: ReturnType<typeof bumpMemory> } = {},
) {
  const mem = opts.mem ?? bumpMemory();
  const inst = opts.inst ?? new ComponentInstanceState("test");
  const cx = new LiftLowerContext(inst, {
    stringEncoding: opts.encoding ?? "utf8",
    memory: opts.memory ?? mem.memory,
    realloc: opts.realloc ?? mem.realloc,
    ...(opts.postReturn ? { postReturn: opts.postReturn } : {}),
  });
  return { cx, mem, inst };
}

export function codecOf(t: AbiType, resolve?: ResourceResolver) {
  return new CodecCompiler(resolve).codec(planValue(t));
}

// ---- AbiType shorthands ----
export const T = {
  bool: { kind: "bool" } as AbiType,
  u8: { kind: "u8" } as AbiType,
  u16: { kind: "u16" } as AbiType,
  u32: { kind: "u32" } as AbiType,
  u64: { kind: "u64" } as AbiType,
  s8: { kind: "s8" } as AbiType,
  s16: { kind: "s16" } as AbiType,
  s32: { kind: "s32" } as AbiType,
  s64: { kind: "s64" } as AbiType,
  f32: { kind: "f32" } as AbiType,
  f64: { kind: "f64" } as AbiType,
  char: { kind: "char" } as AbiType,
  string: { kind: "string" } as AbiType,
  list: (element: AbiType, length?: number): AbiType =>
    length === undefined
      ? { kind: "list", element }
      : { kind: "list", element, length },
  record: (fields: [string, AbiType][]): AbiType => ({
    kind: "record",
    fields: fields.map(([name, type]) => ({ name, type })),
  }),
  tuple: (...types: AbiType[]): AbiType => ({ kind: "tuple", types }),
  variant: (cases: [string, AbiType?][]): AbiType => ({
    kind: "variant",
    cases: cases.map(([name, type]) => (type ? { name, type } : { name })),
  }),
  enum: (...cases: string[]): AbiType => ({ kind: "enum", cases }),
  option: (some: AbiType): AbiType => ({ kind: "option", some }),
  result: (ok?: AbiType, err?: AbiType): AbiType => ({
    kind: "result",
    ok,
    err,
  }),
  flags: (...flags: string[]): AbiType => ({ kind: "flags", flags }),
  map: (key: AbiType, value: AbiType): AbiType => ({ kind: "map", key, value }),
  own: (resource: number, name = "r"): AbiType => ({
    kind: "own",
    resource,
    name,
  }),
  borrow: (resource: number, name = "r"): AbiType => ({
    kind: "borrow",
    resource,
    name,
  }),
};
