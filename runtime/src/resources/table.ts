/**
 * The per-instance handle table (CanonicalABI.md "Table State"): one table
 * per component instance holding resource handles and, later, waitables,
 * waitable sets, stream/future ends and error contexts. Index 0 is reserved
 * so it can never be a valid handle; freed slots are reused LIFO.
 */
import { Trap } from "../trap.js";

export class HandleTable<T extends object = object> {
  /** CanonicalABI.md `Table.MAX_LENGTH`. */
  static readonly MAX_LENGTH = 2 ** 28 - 1;

  private readonly array: (T | undefined)[] = [undefined];
  private readonly free: number[] = [];

  get(i: number, rule = "CanonicalABI.md Table.get"): T {
    const e = i >= 0 && i < this.array.length ? this.array[i] : undefined;
    if (e === undefined) throw new Trap(`invalid handle index ${i}`, { rule });
    return e;
  }

  /** Like `get`, but `undefined` instead of a trap (for host-side lookups). */
  peek(i: number): T | undefined {
    return i > 0 && i < this.array.length ? this.array[i] : undefined;
  }

  add(e: T): number {
    const reused = this.free.pop();
    if (reused !== undefined) {
      this.array[reused] = e;
      return reused;
    }
    const i = this.array.length;
    if (i > HandleTable.MAX_LENGTH)
      throw new Trap("handle table is full", {
        rule: "CanonicalABI.md Table.add",
      });
    this.array.push(e);
    return i;
  }

  remove(i: number, rule = "CanonicalABI.md Table.remove"): T {
    const e = this.get(i, rule);
    this.array[i] = undefined;
    this.free.push(i);
    return e;
  }

  /** Number of live entries. */
  get size(): number {
    return this.array.length - 1 - this.free.length;
  }

  *entries(): IterableIterator<[number, T]> {
    for (let i = 1; i < this.array.length; i++) {
      const e = this.array[i];
      if (e !== undefined) yield [i, e];
    }
  }
}
