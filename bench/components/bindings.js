// JS bindings of a benchmark component, written to the git-ignored `.cache/bench/`:
// our generated glue (`witgen host` from dist, its TypeScript transpiled to .js) and
// `jco transpile` output. Both import by bare name (`@witgen/runtime`, jco's shims),
// which Node resolves from the repository's node_modules above `.cache/`.
import { execFile } from "node:child_process";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import ts from "typescript";
import { cacheDir, packageVersion, repoRoot, sha256 } from "./build.js";

const run = promisify(execFile);

/**
 * Runs `witgen host <wit> -w <world>` into `.cache/bench/glue-<world>-<hash>/` and
 * transpiles every generated .ts file beside it; returns the path of `glue.js`.
 * Regenerated on every run: the generator is what is being measured, not cached.
 */
export async function generateGlue(witPath, world) {
  const dir = path.join(cacheDir, `glue-${world}-${sha256(witPath, world).slice(0, 12)}`);
  await rm(dir, { recursive: true, force: true });
  try {
    await run(process.execPath, [path.join(repoRoot, "bin", "witgen.js"), "host", witPath, "-w", world, "-o", dir]);
  } catch (e) {
    throw new Error(`bench: \`witgen host ${path.basename(witPath)} -w ${world}\` failed: ${e.stderr || e.message}`);
  }
  for (const name of await readdir(dir)) {
    if (!name.endsWith(".ts") || name.endsWith(".d.ts")) continue;
    const out = ts.transpileModule(await readFile(path.join(dir, name), "utf8"), {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
      reportDiagnostics: true,
      fileName: name,
    });
    if (out.diagnostics?.length) {
      throw new Error(
        `bench: generated ${name} does not parse: ${out.diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, " ")).join("; ")}`,
      );
    }
    await writeFile(path.join(dir, name.replace(/\.ts$/, ".js")), out.outputText);
  }
  return path.join(dir, "glue.js");
}

/**
 * `jco transpile` of `component` with sync instantiation (`instantiate(getCoreModule, imports)`),
 * so the caller hands it precompiled core modules; returns the directory and the files' names.
 */
export async function jcoTranspile(component, name) {
  const options = { name, instantiation: "sync", noTypescript: true };
  const dir = path.join(
    cacheDir,
    `jco-${name}-${sha256(component, options, packageVersion("@bytecodealliance/jco")).slice(0, 12)}`,
  );
  const marker = path.join(dir, ".complete");
  try {
    await readFile(marker);
  } catch {
    const { transpile } = await import("@bytecodealliance/jco");
    const { files } = await transpile(component, options);
    await rm(dir, { recursive: true, force: true });
    for (const [file, bytes] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await writeFile(path.join(dir, file), bytes);
    }
    await writeFile(marker, "");
  }
  return { dir, entry: path.join(dir, `${name}.js`) };
}
