import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import type { EmittedFile } from "../emit/index.js";
import { GENERATED_MARKER } from "../emit/model.js";
import { unifiedDiff } from "./diff.js";

/** Whether `file` starts with the generated-file marker (reads only as many bytes as the marker has). */
function isGenerated(file: string): boolean {
  const marker = Buffer.from(GENERATED_MARKER, "utf8");
  const head = Buffer.alloc(marker.length);
  const fd = openSync(file, "r");
  try {
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(marker);
  } finally {
    closeSync(fd);
  }
}

/** The generated `.ts` files under `outDir` (relative, `/`-separated), for stale-file removal. */
function listGeneratedFiles(outDir: string): string[] {
  if (!existsSync(outDir)) return [];
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts") && isGenerated(full)) {
        found.push(relative(outDir, full).split(sep).join("/"));
      }
    }
  };
  walk(outDir);
  return found.sort();
}

export interface WriteSummary {
  written: number;
  unchanged: number;
  removed: string[];
}

/** Writes the files under `outDir`, leaving unchanged files untouched and removing stale generated ones. */
export function writeOutput(outDir: string, files: EmittedFile[]): WriteSummary {
  const wanted = new Set(files.map((f) => f.path));
  const summary: WriteSummary = { written: 0, unchanged: 0, removed: [] };
  for (const file of files) {
    const target = join(outDir, file.path);
    if (existsSync(target) && readFileSync(target, "utf8") === file.contents) {
      summary.unchanged++;
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.contents);
    summary.written++;
  }
  for (const stale of listGeneratedFiles(outDir)) {
    if (wanted.has(stale)) continue;
    rmSync(join(outDir, stale));
    summary.removed.push(stale);
  }
  return summary;
}

/** The differences between `outDir` and what would be generated, as unified diffs; empty when up to date. */
export function checkOutput(outDir: string, files: EmittedFile[]): string[] {
  const problems: string[] = [];
  const wanted = new Set(files.map((f) => f.path));
  for (const file of files) {
    const target = join(outDir, file.path);
    const shown = join(outDir, file.path).split(sep).join("/");
    if (!existsSync(target)) {
      problems.push(unifiedDiff("", file.contents, "/dev/null", shown));
      continue;
    }
    const diff = unifiedDiff(readFileSync(target, "utf8"), file.contents, shown, shown);
    if (diff) problems.push(diff);
  }
  for (const stale of listGeneratedFiles(outDir)) {
    if (wanted.has(stale)) continue;
    const shown = join(outDir, stale).split(sep).join("/");
    problems.push(`${shown}: stale generated file (would be removed)\n`);
  }
  return problems;
}
