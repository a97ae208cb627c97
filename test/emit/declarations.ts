// The declaration modules (docs/mapping.md "Modes and file layout"); host glue has its own tests.
import type { EmittedFile } from "../../src/emit/index.js";

export function declarations(files: EmittedFile[]): EmittedFile[] {
  return files.filter((f) => f.path === "index.ts" || f.path.startsWith("interfaces/"));
}
