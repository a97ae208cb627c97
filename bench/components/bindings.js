// JS bindings of a benchmark component, written to the git-ignored `.cache/bench/`:
// our generated glue (`witgen host` from dist, its TypeScript transpiled to .js) and
// `jco transpile` output. Both import by bare name (`@witgen/runtime`, jco's shims),
// which Node resolves from the repository's node_modules above `.cache/`.
// Each is written into a private directory, then renamed to one named by the hash of its
// contents, so concurrent bench runs never see each other's half-written files.
import { execFile } from "node:child_process";
import { access, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import ts from "typescript";
import { cacheDir, packageVersion, repoRoot, sha256 } from "./build.js";

const run = promisify(execFile);

function privateDir(what) {
  return path.join(cacheDir, `tmp-${what}-${process.pid}-${Math.random().toString(36).slice(2)}`);
}

/** Moves `tmp` to `final` unless an identical `final` is already there. */
async function publish(tmp, final) {
  try {
    await access(final);
    await rm(tmp, { recursive: true, force: true });
  } catch {
    try {
      await rename(tmp, final);
    } catch {
      await rm(tmp, { recursive: true, force: true }); // another run published it first
    }
  }
  return final;
}

/**
 * Runs `witgen host <wit> -w <world>` and transpiles every generated .ts file beside it;
 * returns the path of `glue.js` in `.cache/bench/glue-<world>-<hash of the generated code>/`.
 * Generated on every run: the generator is part of what is measured, so it is not cached.
 */
export async function generateGlue(witPath, world) {
  await mkdir(cacheDir, { recursive: true });
  const tmp = privateDir(`glue-${world}`);
  try {
    await run(process.execPath, [path.join(repoRoot, "bin", "witgen.js"), "host", witPath, "-w", world, "-o", tmp]);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw new Error(`bench: \`witgen host ${path.basename(witPath)} -w ${world}\` failed: ${e.stderr || e.message}`);
  }
  const sources = [];
  for (const name of (await readdir(tmp)).sort()) {
    if (!name.endsWith(".ts") || name.endsWith(".d.ts")) continue;
    const text = await readFile(path.join(tmp, name), "utf8");
    sources.push(name, text);
    const out = ts.transpileModule(text, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
      reportDiagnostics: true,
      fileName: name,
    });
    if (out.diagnostics?.length) {
      const messages = out.diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, " "));
      throw new Error(`bench: generated ${name} does not parse: ${messages.join("; ")}`);
    }
    await writeFile(path.join(tmp, name.replace(/\.ts$/, ".js")), out.outputText);
  }
  const final = path.join(cacheDir, `glue-${world}-${sha256(ts.version, ...sources).slice(0, 12)}`);
  return path.join(await publish(tmp, final), "glue.js");
}

/**
 * `jco transpile` of `component` with sync instantiation (`instantiate(getCoreModule, imports)`),
 * so the caller hands it precompiled core modules; returns the directory and the entry file.
 */
export async function jcoTranspile(component, name) {
  const options = { name, instantiation: "sync", noTypescript: true };
  const key = sha256(component, options, packageVersion("@bytecodealliance/jco"));
  const final = path.join(cacheDir, `jco-${name}-${key.slice(0, 12)}`);
  try {
    await access(final);
  } catch {
    const { transpile } = await import("@bytecodealliance/jco");
    const { files } = await transpile(component, options);
    const tmp = privateDir(`jco-${name}`);
    for (const [file, bytes] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(tmp, file)), { recursive: true });
      await writeFile(path.join(tmp, file), bytes);
    }
    await publish(tmp, final);
  }
  return { dir: final, entry: path.join(final, `${name}.js`) };
}
