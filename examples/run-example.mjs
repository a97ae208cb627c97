// Runs one example end to end: builds its component from guest.js with componentize-qjs
// (rebuilt only when guest.js or the WIT changes), generates host bindings for its WIT with
// witgen, compiles the embedder (main.ts) and runs it. Every step is real.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));

function step(what, fn) {
  const started = performance.now();
  fn();
  console.error(`example: ${what} (${Math.round(performance.now() - started)} ms)`);
}

/** `sync`: build with componentize-qjs --sync (no async runtime in the guest). */
export async function runExample(name, { world, sync }) {
  const here = join(repoRoot, "examples", name);
  const build = join(here, "build");
  const wasm = join(build, `${name}.wasm`);
  mkdirSync(build, { recursive: true });

  // 1. The component.
  const guestSource = readFileSync(join(here, "guest.js"), "utf8");
  const hash = createHash("sha256").update(guestSource);
  for (const f of readdirSync(join(here, "wit")).sort()) hash.update(f).update(readFileSync(join(here, "wit", f)));
  const digest = hash.digest("hex").slice(0, 16);
  const stamp = `${wasm}.sha256`;
  if (!existsSync(wasm) || !existsSync(stamp) || readFileSync(stamp, "utf8") !== digest) {
    const { componentize } = await import("componentize-qjs");
    const started = performance.now();
    const { component } = await componentize({ witPath: join(here, "wit"), jsSource: guestSource, sync, stubWasi: true });
    writeFileSync(wasm, component);
    writeFileSync(stamp, digest);
    console.error(`example: built build/${name}.wasm from guest.js with componentize-qjs (${Math.round(performance.now() - started)} ms)`);
  }

  // 2. Host bindings, 3. the embedder, 4. run it.
  const node = process.execPath;
  step("generated host bindings into generated/", () =>
    execFileSync(node, [join(repoRoot, "bin/witgen.js"), "host", join(here, "wit"), "--world", world, "--out", join(here, "generated")], {
      stdio: ["ignore", "ignore", "inherit"],
    }),
  );
  step("compiled main.ts", () => execFileSync(node, [join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", here], { stdio: "inherit" }));
  // componentize-qjs output uses WebAssembly extended-const, behind a flag before Node 22.
  const major = Number(process.versions.node.split(".")[0]);
  const flags = major < 22 ? ["--experimental-wasm-extended-const"] : [];
  execFileSync(node, [...flags, join(build, "dist/main.js")], { stdio: "inherit" });
}
