/**
 * Snapshot review: the generated output of every case is committed under
 * `snapshots/<case>/<mode>/` with an API summary in `snapshots/<case>/api.txt`.
 * Drift fails with a unified diff; `npm run snapshots:update` rewrites them.
 * Every generated file of every case must also type-check with `strict`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { unifiedDiff } from "../src/cli/diff.js";
import type { EmittedFile } from "../src/emit/index.js";
import { generate } from "../src/generate.js";
import { modesOf, snapshotCases, snapshotsRoot, type SnapshotCase } from "./support/snapshot-cases.js";
import { apiSummary, typecheck } from "./support/typecheck.js";

const update = process.env.WITGEN_UPDATE_SNAPSHOTS === "1";
const cases = snapshotCases();

/** Case name -> every file of every mode, paths prefixed with `<mode>/`. */
const generated = new Map<string, EmittedFile[]>();

async function generateCase(c: SnapshotCase): Promise<EmittedFile[]> {
  const files: EmittedFile[] = [];
  const summaries: string[] = [];
  for (const mode of modesOf(c)) {
    const { files: modeFiles } = await generate({ ...c, mode });
    files.push(...modeFiles.map((f) => ({ path: `${mode}/${f.path}`, contents: f.contents })));
    summaries.push(`# ${mode}\n${apiSummary(modeFiles)}`);
  }
  files.push({ path: "api.txt", contents: summaries.join("\n\n").trimEnd() + "\n" });
  return files;
}

function readTree(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  if (!existsSync(dir)) return found;
  const walk = (sub: string): void => {
    for (const entry of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else found.set(rel, readFileSync(path.join(dir, rel), "utf8"));
    }
  };
  walk("");
  return found;
}

function writeTree(dir: string, files: EmittedFile[]): void {
  rmSync(dir, { recursive: true, force: true });
  for (const f of files) {
    mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    writeFileSync(path.join(dir, f.path), f.contents);
  }
}

describe("snapshots", () => {
  beforeAll(() => {
    if (!update) return;
    // Remove snapshot folders of cases that no longer exist.
    const names = new Set(cases.map((c) => c.name));
    for (const entry of existsSync(snapshotsRoot) ? readdirSync(snapshotsRoot) : []) {
      if (!names.has(entry)) rmSync(path.join(snapshotsRoot, entry), { recursive: true, force: true });
    }
  });

  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const files = await generateCase(c);
    generated.set(c.name, files);
    const dir = path.join(snapshotsRoot, c.name);
    if (update) {
      writeTree(dir, files);
      return;
    }
    const onDisk = readTree(dir);
    const diffs: string[] = [];
    for (const f of files) {
      const shown = `snapshots/${c.name}/${f.path}`;
      const old = onDisk.get(f.path);
      if (old === undefined) diffs.push(`${shown}: missing snapshot`);
      else if (old !== f.contents) diffs.push(unifiedDiff(old, f.contents, shown, `${shown} (generated)`));
      onDisk.delete(f.path);
    }
    for (const stale of onDisk.keys()) diffs.push(`snapshots/${c.name}/${stale}: no longer generated`);
    if (diffs.length) {
      expect.fail(`generated output drifted (run \`npm run snapshots:update\` and review the diff):\n${diffs.join("\n")}`);
    }
  });

  it("every generated file of every case type-checks with strict", () => {
    const all = cases.flatMap((c) =>
      (generated.get(c.name) ?? [])
        .filter((f) => f.path.endsWith(".ts"))
        .map((f) => ({ path: `${c.name}/${f.path}`, contents: f.contents })),
    );
    expect(all.length).toBeGreaterThan(cases.reduce((n, c) => n + modesOf(c).length, 0) - 1);
    expect(typecheck(all)).toEqual([]);
  });
});
