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
 *
 * The same comparison runs on every world of the WASI 0.3.0 packages
 * (`../shared/wit/wasi-0.3.0`, beside the clone), without and with all features.
 */
import type { IrDocument } from "@witgen/runtime/ir";
import { decodeWorld } from "@witgen/runtime/binary";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadWitPath, selectWorld } from "../src/wit/index.js";
import { allCases, externalValidCase, repoRoot, type CorpusCase } from "./support/corpus.js";
import { caseKey, jcoVerdicts, type JcoVerdict } from "./support/jco-corpus.js";
import { normalWorld } from "./support/structural.js";
import { wasiRoot } from "./support/wasi.js";

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

/** Each world of each WASI package, once without features and once with all of them. */
function wasiCases(): CorpusCase[] {
  if (!existsSync(wasiRoot)) return [];
  const out: CorpusCase[] = [];
  for (const pkg of readdirSync(wasiRoot).sort()) {
    const dir = path.join(wasiRoot, pkg);
    const worlds = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".wit"))) {
      for (const m of readFileSync(path.join(dir, file), "utf8").matchAll(/^\s*world\s+([a-z][a-z0-9-]*)/gm)) {
        worlds.add(m[1]);
      }
    }
    for (const world of [...worlds].sort()) {
      out.push(externalValidCase(`wasi-0.3.0/${pkg}/${world}`, dir, { world }));
      out.push(externalValidCase(`wasi-0.3.0/${pkg}/${world}+all-features`, dir, { world, allFeatures: true }));
    }
  }
  return out;
}

const cases = allCases();
const checked = cases.filter((c) => c.jcoSkip === undefined);
const skipped = cases.filter((c) => c.jcoSkip !== undefined);
const wasi = wasiCases();
let verdicts = new Map<string, JcoVerdict>();

beforeAll(async () => {
  verdicts = await jcoVerdicts([...checked, ...wasi]);
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
  const valid = [...checked.filter((c) => c.kind === "valid"), ...wasi];
  it("covers the WASI 0.3.0 worlds when they are present", () => {
    if (existsSync(wasiRoot)) expect(wasi.length).toBeGreaterThanOrEqual(12);
  });

  it.each(valid.map(row))("%s", (_key, c) => {
    const v = verdictOf(c);
    if (v.verdict !== "accept") throw new Error(`jco rejected ${caseKey(c)}: ${v.message}`);
    const result = ours(c);
    if (!result.ok) throw new Error(`our front end rejected ${caseKey(c)}: ${result.error}`);
    const decoded = normalWorld(decodeWorld(v.bytes));
    expect(normalWorld(result.doc)).toEqual(decoded);
  });
});

/** Guards against a normal form so coarse that the comparisons above pass vacuously. */
describe("the normal form", () => {
  const byName = new Map(checked.map((c) => [c.name, c]));
  const oursOf = (name: string): IrDocument => {
    const result = ours(byName.get(name)!);
    if (!result.ok) throw new Error(`our front end rejected ${name}: ${result.error}`);
    return result.doc;
  };

  it("tells different worlds apart", () => {
    expect(normalWorld(oursOf("records"))).not.toEqual(normalWorld(oursOf("variants")));
  });

  it("notices a changed parameter type and a renamed record field", () => {
    const doc = oursOf("records");
    const base = normalWorld(doc);
    const changedParam = structuredClone(doc);
    const fn = changedParam.interfaces.flatMap((i) => i.functions).find((f) => f.name === "make")!;
    fn.params[0].type = { kind: "u32" };
    expect(normalWorld(changedParam)).not.toEqual(base);
    const renamedField = structuredClone(doc);
    const rec = renamedField.types.find((t) => t.name === "pair")!;
    if (rec.def.kind !== "record") throw new Error("`pair` is not a record");
    rec.def.fields[0].name = "renamed";
    expect(normalWorld(renamedField)).not.toEqual(base);
  });

  it("resolves alias chains to the record they end at, and resource aliases to own handles", () => {
    const chains = normalWorld(oursOf("aliases")).imports["corpus:aliases/chains"];
    if (chains?.kind !== "interface") throw new Error("chains is not an imported interface");
    expect(chains.functions.f.params).toEqual([
      ["x", { type: "corpus:aliases/base#point" }],
      ["y", { list: "string" }],
      ["z", { type: "corpus:aliases/base#point" }],
    ]);
    expect(chains.functions.f.result).toEqual({ own: "corpus:aliases/base#thing" });
    expect(chains.types.a).toEqual({ def: { alias: { type: "corpus:aliases/base#point" } } });
  });

  it("keeps only live types: unused definitions are dropped on both sides", () => {
    const edge = normalWorld(oursOf("syntax-edge-cases")).imports["corpus:syntax-edge/edge"];
    if (edge?.kind !== "interface") throw new Error("edge is not an imported interface");
    expect(Object.keys(edge.types).sort()).toEqual(["a", "e", "r"]);
  });
});
