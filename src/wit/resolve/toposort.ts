/**
 * Topological sort that keeps source order where the graph allows: among the
 * nodes whose dependencies are all placed, the earliest-defined goes next
 * (the reference parser orders the same way, so output is stable).
 *
 * `deps[i]` lists indices node `i` depends on. Returns the order, or the
 * edge (from node, edge index) that closes a cycle.
 */
export function toposort(deps: number[][]): { order: number[] } | { cycle: number } {
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
  // Report the first node (in definition order) that really is on a cycle.
  for (let i = 0; i < n; i++) {
    if (remaining[i] !== 0 && reaches(deps, remaining, i)) return { cycle: i };
  }
  throw new Error("unreachable: toposort found no cycle");
}

/** Whether `start` can reach itself through unsorted nodes (error path only). */
function reaches(deps: number[][], remaining: number[], start: number): boolean {
  const seen = new Set<number>();
  const stack = [...deps[start]];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (x === start) return true;
    if (seen.has(x) || remaining[x] === 0) continue;
    seen.add(x);
    stack.push(...deps[x]);
  }
  return false;
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
