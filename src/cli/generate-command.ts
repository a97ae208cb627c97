import { relative } from "node:path";
import type { EmitMode } from "../emit/index.js";
import { generate } from "../generate.js";
import type { CliIo } from "./io.js";
import { checkOutput, writeOutput } from "./output.js";
import { withUserPaths } from "./wit-path.js";

export interface GenerateCommandOptions {
  mode: EmitMode;
  witPath: string;
  world?: string;
  features?: string[];
  allFeatures?: boolean;
  out: string;
  check?: boolean;
  results: "throw" | "union";
  jspi?: boolean;
}

export async function runGenerate(options: GenerateCommandOptions, io: CliIo): Promise<number> {
  const started = performance.now();
  const { worldName, files } = await withUserPaths(options.witPath, () => generate(options));
  const shownOut = relative(process.cwd(), options.out) || ".";
  if (options.check) {
    const problems = checkOutput(options.out, files);
    if (problems.length > 0) {
      io.out(problems.join("\n"));
      io.err(
        `witgen: ${problems.length} file(s) in ${shownOut} differ from ${options.mode} output for ${worldName}; ` +
          `run witgen without --check to update\n`,
      );
      return 1;
    }
    io.out(`witgen: ${files.length} files in ${shownOut} are up to date (${options.mode}, ${worldName})\n`);
    return 0;
  }
  const summary = writeOutput(options.out, files);
  const ms = Math.round(performance.now() - started);
  const removed = summary.removed.length ? `, removed ${summary.removed.length} stale` : "";
  io.out(
    `witgen: ${options.mode} for ${worldName}: wrote ${summary.written} of ${files.length} files ` +
      `to ${shownOut}${removed} in ${ms} ms\n`,
  );
  return 0;
}
