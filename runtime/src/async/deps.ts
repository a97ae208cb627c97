/**
 * The only place the async half touches the synchronous ABI core's state:
 * `Trap` (`../trap.ts`) and the shape of the instance state
 * (`../instance-state.ts` `ComponentInstanceState`, whose handle table is
 * `../resources/table.ts` `HandleTable`). Declared structurally so tests and
 * other embedders can pass any object of that shape.
 */
import { Trap } from "../trap.js";

export { Trap };

/** Core values crossing the wasm boundary. */
export type CoreValue = number | bigint;

/** A linear memory; `WebAssembly.Memory` satisfies this structurally. */
export interface LinearMemory {
  readonly buffer: ArrayBuffer;
}

/** CanonicalABI.md "Table State": the one handle table per instance. */
export interface HandleTable {
  /** Traps when `i` is out of range or free. */
  get(i: number, rule?: string): object;
  /** Traps when the table is full. */
  add(e: object): number;
  /** Traps like `get`. */
  remove(i: number, rule?: string): object;
  /** Live entries. */
  entries(): IterableIterator<[number, object]>;
}

/** CanonicalABI.md "Component Instances": the fields of an instance the async built-ins use. */
export interface InstanceLike {
  handles: HandleTable;
  mayLeave: boolean;
  mayEnter: boolean;
  readonly parent?: InstanceLike;
  /** Lockdown after a trap (Explainer.md invariant 1): set by `poison`, checked on entry. */
  readonly poisoned?: Trap;
  poison?(trap: Trap): void;
  /** The task layer's state of the instance (task/instance.ts), kept here for a cheap lookup on every call. */
  concurrency?: object;
}

/** CanonicalABI.md `trap_if`: every rule violation ends here; `rule` names the spec definition. */
export function trap(reason: string, rule: string): never {
  throw new Trap(reason, { rule });
}
