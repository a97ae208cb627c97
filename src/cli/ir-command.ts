import { loadWorld } from "../generate.js";
import type { CliIo } from "./io.js";

export interface IrCommandOptions {
  witPath: string;
  world?: string;
  features?: string[];
  allFeatures?: boolean;
}

export async function runIr(options: IrCommandOptions, io: CliIo): Promise<number> {
  io.out(JSON.stringify(loadWorld(options), null, 2) + "\n");
  return 0;
}
