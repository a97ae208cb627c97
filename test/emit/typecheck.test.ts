import { describe, expect, test } from "vitest";
import { apiSummary, typecheck } from "../support/typecheck.js";

describe("test support: typecheck", () => {
  test("reports errors in emitted files, with path and position, and forgets files between calls", () => {
    const bad = [
      { path: "index.ts", contents: 'import type { StreamReader } from "@witgen/runtime";\nexport const x: StreamReader<number> = 5;\n' },
    ];
    const problems = typecheck(bad);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^index\.ts:2:14: Type 'number' is not assignable to type 'StreamReader<number/);
    // The same path, now valid: nothing of the previous call remains.
    expect(typecheck([{ path: "index.ts", contents: "export const x: number = 5;\n" }])).toEqual([]);
    expect(typecheck([{ path: "other.ts", contents: 'import { x } from "./index.js";\nexport const y = x;\n' }])).toHaveLength(1);
  });

  test("strictest adds the optional checks", () => {
    const file = [{ path: "a.ts", contents: "export function f(unused: number): void {}\n" }];
    expect(typecheck(file)).toEqual([]);
    expect(typecheck(file, { strictest: true })).toEqual(["a.ts:1:19: 'unused' is declared but its value is never read."]);
  });

  test("apiSummary lists exports with types, docs left out", () => {
    const summary = apiSummary([
      { path: "index.ts", contents: "/** Docs. */\nexport interface A {\n  /** x */\n  x: number;\n}\nexport type B = A[];\n" },
    ]);
    expect(summary).toBe("index.ts:\n  interface A { x: number; }\n  type B = A[]\n");
  });
});
