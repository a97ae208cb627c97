// Builds the benchmark's components from their sources in this folder (WAT + WIT with jco,
// JavaScript + WIT with componentize-qjs), caching binaries in the git-ignored `.cache/bench/`
// keyed by the sha256 of the sources and the tool versions, so a bench run rebuilds nothing.
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, "../..");
export const cacheDir = path.join(repoRoot, ".cache", "bench");

export function sha256(...parts) {
  const h = createHash("sha256");
  for (const p of parts)
    h.update(typeof p === "string" || p instanceof Uint8Array ? p : JSON.stringify(p)).update("\0");
  return h.digest("hex");
}

/** A devDependency's installed version (read from node_modules: some packages do not export package.json). */
export function packageVersion(name) {
  return JSON.parse(readFileSync(path.join(repoRoot, "node_modules", name, "package.json"), "utf8")).version;
}

function cacheFile(kind, key) {
  return path.join(cacheDir, `${kind}-${key.slice(0, 16)}.wasm`);
}

/** `build()` once per key; the bytes live in `.cache/bench/<kind>-<key>.wasm`. */
async function cached(kind, key, build) {
  const file = cacheFile(kind, key);
  try {
    return new Uint8Array(await readFile(file));
  } catch {
    // not built yet
  }
  const bytes = await build();
  await mkdir(cacheDir, { recursive: true });
  // Write then rename, so a concurrent run never reads half a file.
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, file);
  return bytes;
}

export function source(name) {
  return readFile(path.join(here, name), "utf8");
}

function errorText(e) {
  if (e instanceof Error) return e.message;
  if (typeof e === "object" && e !== null && "payload" in e) return String(e.payload);
  return String(e);
}

/**
 * The `calc` component (`add`, `echo`) and its core module, both built from
 * `calc.wat` + `calc.wit`: the core module is what the raw and hand-written baselines call.
 */
export async function buildCalc() {
  const wat = await source("calc.wat");
  const wit = await source("calc.wit");
  const key = sha256("calc", wat, wit, packageVersion("@bytecodealliance/jco"));
  let jco;
  const loadJco = async () => (jco ??= await import("@bytecodealliance/jco"));
  let step = "parse";
  try {
    const core = await cached("calc-core", key, async () => (await loadJco()).parse(wat));
    const component = await cached("calc", key, async () => {
      const { componentEmbed, componentNew } = await loadJco();
      step = "componentEmbed";
      const embedded = await componentEmbed({ binary: core, witSource: wit, world: "calc" });
      step = "componentNew";
      return componentNew(embedded);
    });
    return {
      core,
      component,
      corePath: cacheFile("calc-core", key),
      componentPath: cacheFile("calc", key),
      witPath: path.join(here, "calc.wit"),
      world: "calc",
    };
  } catch (e) {
    throw new Error(`bench/components: building calc (jco ${step}) failed: ${errorText(e)}`);
  }
}

/** The componentize-qjs guest (`qjs.js` + `qjs.wit`, `sync`, `stubWasi`): about 1.6 MB, mostly QuickJS. */
export async function buildQjs() {
  const js = await source("qjs.js");
  const wit = await source("qjs.wit");
  const options = { world: "qjs", sync: true, stubWasi: true };
  const key = sha256("qjs", js, wit, options, packageVersion("componentize-qjs"));
  const component = await cached("qjs", key, async () => {
    let componentize;
    try {
      ({ componentize } = await import("componentize-qjs"));
    } catch (e) {
      throw new Error(
        `bench/components: cannot load componentize-qjs (a devDependency; run \`npm ci\`): ${errorText(e)}`,
      );
    }
    try {
      const { component } = await componentize({ witPath: path.join(here, "qjs.wit"), jsSource: js, ...options });
      return new Uint8Array(component);
    } catch (e) {
      throw new Error(`bench/components: componentize-qjs failed on qjs.js: ${errorText(e)}`);
    }
  });
  return { component, componentPath: cacheFile("qjs", key), witPath: path.join(here, "qjs.wit"), world: "qjs" };
}

/**
 * The async benchmark component and its core module: `async.wat` with `async-core.wat`
 * spliced in at `;; @core-module` (the core module is what the raw baseline instantiates itself).
 */
export async function buildAsync() {
  const wrapper = await source("async.wat");
  const coreWat = await source("async-core.wat");
  const key = sha256("async", wrapper, coreWat, packageVersion("@bytecodealliance/jco"));
  const { parse } = await import("@bytecodealliance/jco");
  const inner = coreWat.slice(coreWat.indexOf("(module")).replace("(module", "(core module $Main");
  try {
    const core = await cached("async-core", key, () => parse(coreWat));
    const component = await cached("async", key, () => parse(wrapper.replace(";; @core-module", () => inner)));
    return {
      core,
      component,
      corePath: cacheFile("async-core", key),
      componentPath: cacheFile("async", key),
    };
  } catch (e) {
    throw new Error(`bench/components: building async.wat failed (jco parse): ${errorText(e)}`);
  }
}
