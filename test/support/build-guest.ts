/**
 * Builds guest components from the sources in `test/guests/<name>/` with real guest
 * toolchains, caching each binary in the git-ignored `.cache/guests/` under the sha256
 * of every input (sources, WIT, world, options, toolchain versions), so a test run
 * after the first one skips the toolchains.
 *
 * - JavaScript (`guest.js` + `world.wit`): componentize-qjs (QuickJS, non-async runtime,
 *   WASI imports stubbed out), a few seconds per build.
 * - C (`guest.c` + `world.wit`): Debian's clang + wasm-ld for `wasm32`, freestanding
 *   (`-nostdlib`, the C source carries its own canonical-ABI glue: `cabi_realloc` and
 *   exports named per the canonical name mangling), then jco `componentEmbed` +
 *   `componentNew`. No WASI adapter is needed.
 *
 * A missing toolchain is an error that says what to install, never a silent skip.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const guestsDir = path.join(repoRoot, "test", "guests");
const cacheDir = path.join(repoRoot, ".cache", "guests");
/** Bump when a build recipe changes, so stale cache entries are not reused. */
const RECIPE_VERSION = "1";

/** The apt packages the C guests need (also installed by `.ci/run`). */
export const C_TOOLCHAIN_PACKAGES = "clang lld wasi-libc libclang-rt-dev-wasm32";

/** The directory of guest `name`. */
export function guestDir(name: string): string {
  return path.join(guestsDir, name);
}

/** The WIT source of guest `name` (`test/guests/<name>/world.wit`). */
export function guestWit(name: string): Promise<string> {
  return readFile(path.join(guestDir(name), "world.wit"), "utf8");
}

/** Every file of a guest directory (name -> contents), so any edit changes the cache key. */
async function guestInputs(name: string): Promise<Record<string, string>> {
  const dir = guestDir(name);
  const files = (await readdir(dir)).filter((f) => !f.endsWith(".test.ts")).sort();
  const out: Record<string, string> = {};
  for (const f of files) out[f] = await readFile(path.join(dir, f), "utf8");
  return out;
}

async function cached(
  kind: string,
  name: string,
  inputs: unknown,
  build: () => Promise<Uint8Array>,
): Promise<Uint8Array> {
  const key = createHash("sha256")
    .update(JSON.stringify({ recipe: RECIPE_VERSION, kind, name, inputs }))
    .digest("hex");
  const file = path.join(cacheDir, `${name}.${kind}.${key.slice(0, 32)}.wasm`);
  try {
    return new Uint8Array(await readFile(file));
  } catch {
    // not cached yet
  }
  const bytes = await build();
  await mkdir(cacheDir, { recursive: true });
  // Write then rename, so a concurrent test never reads a half-written file.
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, file);
  return bytes;
}

const require = createRequire(import.meta.url);
function packageVersion(pkg: string): string {
  try {
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === "object" && e !== null && "payload" in e) return String((e as { payload: unknown }).payload);
  return String(e);
}

// ---------------------------------------------------------------------------
// JavaScript guests: componentize-qjs

/** How to build a JavaScript guest. */
export interface JsGuestOptions {
  /** Use componentize-qjs's default runtime (component-model async: async exports, streams, futures) instead of `--sync`. */
  async?: boolean;
}

/**
 * Builds `test/guests/<name>/guest.js` against its `world.wit` with componentize-qjs
 * `--stub-wasi`, and `--sync` unless `opts.async`.
 */
export async function buildJsGuest(name: string, world: string, opts: JsGuestOptions = {}): Promise<Uint8Array> {
  const inputs = await guestInputs(name);
  if (inputs["guest.js"] === undefined) throw new Error(`buildJsGuest: test/guests/${name}/guest.js does not exist`);
  const toolchain = { "componentize-qjs": packageVersion("componentize-qjs") };
  // The options are part of the cache key, so the two runtimes never share an entry.
  const options = { world, sync: !opts.async, stubWasi: true };
  return cached("qjs", name, { inputs, toolchain, options }, async () => {
    let componentize: typeof import("componentize-qjs").componentize;
    try {
      ({ componentize } = await import("componentize-qjs"));
    } catch (e) {
      throw new Error(
        `buildJsGuest: cannot load componentize-qjs (run \`npm ci\`; it is a devDependency with a native binding per platform): ${errorText(e)}`,
      );
    }
    try {
      const { component } = await componentize({
        witPath: path.join(guestDir(name), "world.wit"),
        jsSource: inputs["guest.js"]!,
        ...options,
      });
      return new Uint8Array(component);
    } catch (e) {
      throw new Error(`buildJsGuest(${name}): componentize-qjs failed: ${errorText(e)}`);
    }
  });
}

// ---------------------------------------------------------------------------
// C guests: clang + wasm-ld (freestanding wasm32), then jco

/** Flags of the C build: freestanding wasm32, exports only what the source marks with `export_name`. */
const C_FLAGS = [
  "--target=wasm32",
  "-O2",
  "-nostdlib",
  "-ffreestanding",
  "-fno-builtin",
  "-Wall",
  "-Werror",
  "-Wl,--no-entry",
  "-Wl,--strip-all",
];

let clangVersion: Promise<string> | undefined;
/** `clang --version` + `wasm-ld --version` (looked up on `env.PATH`), or an error naming the packages to install. */
export function cToolchainVersion(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env === process.env) return (clangVersion ??= probeCToolchain(env));
  return probeCToolchain(env);
}

async function probeCToolchain(env: NodeJS.ProcessEnv): Promise<string> {
  const versions: string[] = [];
  for (const tool of ["clang", "wasm-ld"]) {
    try {
      const { stdout } = await run(tool, ["--version"], { env });
      versions.push(stdout.split("\n")[0]!.trim());
    } catch (e) {
      throw new Error(
        `C guest toolchain: \`${tool}\` is not available (${errorText(e).split("\n")[0]}); ` +
          `install it, on Debian/Ubuntu: apt-get install -y ${C_TOOLCHAIN_PACKAGES}`,
      );
    }
  }
  return versions.join("; ");
}

/** Builds `test/guests/<name>/guest.c` into a core module with clang, then a component of `world`. */
export async function buildCGuest(name: string, world: string): Promise<Uint8Array> {
  const inputs = await guestInputs(name);
  if (inputs["guest.c"] === undefined) throw new Error(`buildCGuest: test/guests/${name}/guest.c does not exist`);
  const toolchain = { clang: await cToolchainVersion(), jco: packageVersion("@bytecodealliance/jco") };
  return cached("c", name, { inputs, toolchain, world, flags: C_FLAGS }, async () => {
    const work = await mkdtemp(path.join(tmpdir(), `witgen-guest-${name}-`));
    try {
      const out = path.join(work, "guest.wasm");
      try {
        await run("clang", [...C_FLAGS, "-o", out, path.join(guestDir(name), "guest.c")]);
      } catch (e) {
        const stderr = (e as { stderr?: string }).stderr ?? "";
        if (/unknown target|no available targets|unable to create target/i.test(stderr)) {
          throw new Error(
            `buildCGuest(${name}): clang cannot target wasm32; install: apt-get install -y ${C_TOOLCHAIN_PACKAGES}\n${stderr}`,
          );
        }
        if (/wasm-ld|linker/i.test(stderr) && /not found|No such file/i.test(stderr)) {
          throw new Error(
            `buildCGuest(${name}): the wasm linker is missing; install: apt-get install -y ${C_TOOLCHAIN_PACKAGES}\n${stderr}`,
          );
        }
        throw new Error(`buildCGuest(${name}): clang failed:\n${stderr || errorText(e)}`);
      }
      const binary = new Uint8Array(await readFile(out));
      const { componentEmbed, componentNew } = await import("@bytecodealliance/jco");
      let step = "componentEmbed";
      try {
        const embedded = await componentEmbed({ binary, witSource: inputs["world.wit"]!, world });
        step = "componentNew";
        return await componentNew(embedded);
      } catch (e) {
        throw new Error(`buildCGuest(${name}): jco ${step} failed: ${errorText(e)}`);
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
}

// ---------------------------------------------------------------------------
// Engine features

/** A core module whose global initialiser is `i32.const 1 i32.const 2 i32.add` (extended-const). */
// prettier-ignore
const EXTENDED_CONST_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x06, 0x09, 0x01, 0x7f, 0x00, 0x41, 0x01, 0x41, 0x02, 0x6a, 0x0b, // global section: i32 const = 1 + 2
]);

/**
 * componentize-qjs output uses extended constant expressions (`i32.add` in global
 * initialisers), which Node 20's V8 has behind a flag (shipped from V8 11.4 / Node 22).
 * Turns the flag on when this engine lacks the feature, so the tests run on Node 20.
 */
export async function enableExtendedConst(): Promise<void> {
  if (WebAssembly.validate(EXTENDED_CONST_PROBE)) return;
  const v8 = await import("node:v8");
  v8.setFlagsFromString("--experimental-wasm-extended-const");
  if (!WebAssembly.validate(EXTENDED_CONST_PROBE)) {
    throw new Error(
      "this engine does not support WebAssembly extended-const, which componentize-qjs output needs (use Node >= 22)",
    );
  }
}
