/**
 * Differential testing against the reference parser (wit-parser inside jco).
 *
 * For every corpus case (test/corpus/), our front end and jco must agree:
 * both accept or both reject. For accepted worlds, the world decoded from
 * jco's component binary (`decodeWorld`) must equal ours in the normal form of
 * test/support/structural.ts.
 *
 * Cases marked `"jco": "skip: <reason>"` in their case.json are where jco 1.35
 * cannot serve as the reference (a missing newer feature, or a jco crash).
 * jco verdicts and binaries are cached in `.cache/jco-corpus/` (see
 * test/support/jco-corpus.ts), so only changed cases run jco again.
 */
import type { IrDocument } from "@witgen/runtime/ir";
import { decodeWorld } from "@witgen/runtime/binary";
import { beforeAll, describe, expect, it } from "vitest";
import { loadWitPath, selectWorld } from "../src/wit/index.js";
import { allCases, type CorpusCase } from "./support/corpus.js";
import { caseKey, jcoVerdicts, type JcoVerdict } from "./support/jco-corpus.js";
import { normalWorld } from "./support/structural.js";

type Outcome = { ok: true; doc: IrDocument } | { ok: false; error: string };

function ours(c: CorpusCase): Outcome {
  const { world, features, allFeatures } = c.options;
  try {
    const resolve = loadWitPath(c.path, {
      ...(features !== undefined ? { features } : {}),
      ...(allFeatures !== undefined ? { allFeatures } : {}),
    });
    return { ok: true, doc: selectWorld(resolve, world) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

const cases = allCases();
const checked = cases.filter((c) => c.jcoSkip === undefined);
const skipped = cases.filter((c) => c.jcoSkip !== undefined);
let verdicts = new Map<string, JcoVerdict>();

beforeAll(async () => {
  verdicts = await jcoVerdicts(checked);
});

function verdictOf(c: CorpusCase): JcoVerdict {
  const v = verdicts.get(caseKey(c));
  if (!v) throw new Error(`no jco verdict for ${caseKey(c)}`);
  if (v.verdict === "crash") throw new Error(`jco crashed on ${caseKey(c)}: ${v.message}`);
  return v;
}

const row = (c: CorpusCase) => [caseKey(c), c] as const;

describe("jco agrees with the corpus labels", () => {
  it.each(checked.map(row))("%s", (_key, c) => {
    const v = verdictOf(c);
    const message = v.verdict === "reject" ? v.message : "";
    expect(v.verdict, `jco on ${c.kind} case: ${message}`).toBe(c.kind === "valid" ? "accept" : "reject");
  });

  it.each(skipped.map((c) => [caseKey(c), c.jcoSkip] as const))("%s is not checked with jco: %s", (_key, reason) => {
    expect(reason).toMatch(/\S/);
  });
});

describe("our front end and jco agree on validity", () => {
  it.each(checked.map(row))("%s", (_key, c) => {
    const v = verdictOf(c);
    const result = ours(c);
    const jcoSays = v.verdict === "accept" ? "accept" : `reject (${v.message})`;
    const weSay = result.ok ? "accept" : `reject (${result.error})`;
    expect(result.ok, `jco: ${jcoSays}; ours: ${weSay}`).toBe(v.verdict === "accept");
  });
});

describe("the world decoded from jco's binary equals ours", () => {
  const valid = checked.filter((c) => c.kind === "valid");
  it.each(valid.map(row))("%s", (_key, c) => {
    const v = verdictOf(c);
    if (v.verdict !== "accept") throw new Error(`jco rejected ${caseKey(c)}: ${v.message}`);
    const result = ours(c);
    if (!result.ok) throw new Error(`our front end rejected ${caseKey(c)}: ${result.error}`);
    const decoded = normalWorld(decodeWorld(v.bytes));
    expect(normalWorld(result.doc)).toEqual(decoded);
  });
});
