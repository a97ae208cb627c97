import { statSync } from "node:fs";
import { dirname, relative } from "node:path";
import { WitError } from "../wit/index.js";

/**
 * Runs `load` and reports WIT errors with paths the user can open from the current
 * directory: the front end names files relative to the WIT path it was given.
 */
export async function withUserPaths<T>(witPath: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (!(error instanceof WitError)) throw error;
    let base = witPath;
    try {
      if (!statSync(witPath).isDirectory()) base = dirname(witPath);
    } catch {
      throw error;
    }
    throw error.under(relative(process.cwd(), base).split("\\").join("/"));
  }
}
