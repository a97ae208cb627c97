/**
 * A small unified diff (Myers' O(ND) algorithm) for `--check` output.
 * Files here are generated code of modest size, so a line diff is enough.
 */

type Edit = { op: " " | "-" | "+"; line: string };

function diffLines(a: string[], b: string[]): Edit[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1])
          ? v[offset + k + 1]
          : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) {
        trace.push(next);
        return backtrack(trace, a, b, offset);
      }
    }
    v = next;
  }
  return [];
}

function backtrack(trace: Int32Array[], a: string[], b: string[], offset: number): Edit[] {
  const edits: Edit[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 2; d >= 0 && (x > 0 || y > 0); d--) {
    const v = trace[d];
    const k = x - y;
    const prevK =
      k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? k + 1 : k - 1;
    const prevX = v[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) edits.push({ op: " ", line: a[--x] }), y--;
    if (d === 0) break;
    if (x === prevX) edits.push({ op: "+", line: b[--y] });
    else edits.push({ op: "-", line: a[--x] });
  }
  while (x > 0 && y > 0) edits.push({ op: " ", line: a[--x] }), y--;
  return edits.reverse();
}

/** Unified diff of two texts with `context` lines around each change; "" when equal. */
export function unifiedDiff(oldText: string, newText: string, oldName: string, newName: string, context = 3): string {
  if (oldText === newText) return "";
  const a = oldText.split("\n");
  const b = newText.split("\n");
  const edits = diffLines(a, b);
  const out = [`--- ${oldName}`, `+++ ${newName}`];
  let i = 0;
  let oldLine = 1;
  let newLine = 1;
  while (i < edits.length) {
    if (edits[i].op === " ") {
      i++, oldLine++, newLine++;
      continue;
    }
    // A hunk: back up `context` lines, then run until `2 * context` unchanged lines in a row.
    const start = Math.max(0, i - context);
    const lead = i - start;
    let end = i;
    let quiet = 0;
    while (end < edits.length && quiet <= 2 * context) {
      quiet = edits[end].op === " " ? quiet + 1 : 0;
      end++;
    }
    end = Math.min(edits.length, end - Math.max(0, quiet - context));
    const hunk = edits.slice(start, end);
    const oldCount = hunk.filter((e) => e.op !== "+").length;
    const newCount = hunk.filter((e) => e.op !== "-").length;
    out.push(`@@ -${oldLine - lead},${oldCount} +${newLine - lead},${newCount} @@`);
    for (const e of hunk) out.push(`${e.op}${e.line}`);
    for (let j = i; j < end; j++) {
      if (edits[j].op !== "+") oldLine++;
      if (edits[j].op !== "-") newLine++;
    }
    i = end;
  }
  return out.join("\n") + "\n";
}
