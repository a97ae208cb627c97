/**
 * Which argument lowerings run in the journal (abi/lowering-journal.ts): those where an argument
 * can add handles to the callee's table and a later one can still be refused.
 */
import { describe, expect, it } from "vitest";
import { lowersHandles, needsLoweringJournal } from "../../src/abi/lowering-journal.js";

const u32 = { kind: "u32" };
const str = { kind: "string" };
const own = { kind: "own", resource: 1 };
const borrow = { kind: "borrow", resource: 1 };
const stream = { kind: "stream", element: { kind: "u8" } };
const listOfOwn = { kind: "list", element: own };
const optionOfFuture = { kind: "variant", shape: "option", cases: [{ type: undefined }, { type: { kind: "future" } }] };

describe("lowering journal", () => {
  it("finds handles at any depth", () => {
    expect(lowersHandles([u32, str])).toBe(false);
    expect(lowersHandles([u32, listOfOwn])).toBe(true);
    expect(lowersHandles([optionOfFuture])).toBe(true);
    expect(lowersHandles([{ kind: "error-context" }])).toBe(true);
  });

  it("journals when a handle can be followed by a refusal", () => {
    expect(needsLoweringJournal([])).toBe(false);
    expect(needsLoweringJournal([u32, str])).toBe(false);
    // `self` and then an argument that may be refused.
    expect(needsLoweringJournal([borrow, u32])).toBe(true);
    expect(needsLoweringJournal([own, stream])).toBe(true);
    // Several handles in one argument: a later element may be refused after earlier ones moved.
    expect(needsLoweringJournal([listOfOwn])).toBe(true);
    expect(needsLoweringJournal([u32, optionOfFuture])).toBe(true);
  });

  it("does not journal a lone handle as the last argument (all or nothing, nothing after it)", () => {
    expect(needsLoweringJournal([borrow])).toBe(false);
    expect(needsLoweringJournal([u32, str, own])).toBe(false);
    expect(needsLoweringJournal([u32, stream])).toBe(false);
  });
});
