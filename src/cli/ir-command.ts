import { loadWorld } from "../generate.js";
import type { CliIo } from "./io.js";
import { withUserPaths } from "./wit-path.js";

export interface IrCommandOptions {
  witPath: string;
  world?: string;
  features?: string[];
  allFeatures?: boolean;
}

export async function runIr(options: IrCommandOptions, io: CliIo): Promise<number> {
  const doc = await withUserPaths(options.witPath, async () => loadWorld(options));
  io.out(JSON.stringify(doc, null, 2) + "\n");
  return 0;
}
