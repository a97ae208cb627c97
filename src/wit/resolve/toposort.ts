/**
 * Topological sort that keeps source order where the graph allows: among the
 * nodes whose dependencies are all placed, the earliest-defined goes next
 * (the reference parser orders the same way, so output is stable).
 *
 * `deps[i]` lists indices node `i` depends on. Returns the order, or the
 * edge (from node, edge index) that closes a cycle.
 */
export function toposort(deps: number[][]): { order: number[] } | { cycle: { node: number; edge: number } } {
  const n = deps.length;
  const remaining = new Array<number>(n);
  const reverse: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    remaining[i] = deps[i].length;
    for (const d of deps[i]) reverse[d].push(i);
  }
  const heap = new MinHeap();
  for (let i = 0; i < n; i++) if (remaining[i] === 0) heap.push(i);
  const order: number[] = [];
  while (heap.size > 0) {
    const i = heap.pop();
    order.push(i);
    for (const r of reverse[i]) if (--remaining[r] === 0) heap.push(r);
  }
  if (order.length === n) return { order };
  for (let i = 0; i < n; i++) {
    if (remaining[i] === 0) continue;
    for (let e = 0; e < deps[i].length; e++) if (remaining[deps[i][e]] !== 0) return { cycle: { node: i, edge: e } };
  }
  throw new Error("unreachable: toposort found no cycle");
}

class MinHeap {
  private a: number[] = [];
  get size(): number {
    return this.a.length;
  }
  push(v: number): void {
    const a = this.a;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p] <= a[i]) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }
  pop(): number {
    const a = this.a;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l] < a[m]) m = l;
        if (r < a.length && a[r] < a[m]) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}
