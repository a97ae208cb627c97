// `npm run example`: builds the hello component from guest.js, generates host bindings for
// its WIT with witgen, compiles the embedder (main.ts) and runs it. Every step is real:
// componentize-qjs builds the component, @witgen/runtime runs it.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, "../..");
const build = join(here, "build");
const wasm = join(build, "hello.wasm");
mkdirSync(build, { recursive: true });

function step(what, fn) {
  const started = performance.now();
  fn();
  console.error(`example: ${what} (${Math.round(performance.now() - started)} ms)`);
}

// 1. The component, rebuilt only when its sources change.
const guestSource = readFileSync(join(here, "guest.js"), "utf8");
const witSource = readFileSync(join(here, "wit/hello.wit"), "utf8");
const hash = createHash("sha256").update(guestSource).update(witSource).digest("hex").slice(0, 16);
const stamp = join(build, "hello.wasm.sha256");
if (!existsSync(wasm) || !existsSync(stamp) || readFileSync(stamp, "utf8") !== hash) {
  const { componentize } = await import("componentize-qjs");
  const started = performance.now();
  const { component } = await componentize({ witPath: join(here, "wit"), jsSource: guestSource, sync: true, stubWasi: true });
  writeFileSync(wasm, component);
  writeFileSync(stamp, hash);
  console.error(`example: built build/hello.wasm from guest.js with componentize-qjs (${Math.round(performance.now() - started)} ms)`);
}

// 2. Host bindings, 3. the embedder, 4. run it.
const node = process.execPath;
step("generated host bindings into generated/", () =>
  execFileSync(node, [join(repoRoot, "bin/witgen.js"), "host", join(here, "wit"), "--world", "hello", "--out", join(here, "generated")], { stdio: ["ignore", "ignore", "inherit"] }),
);
step("compiled main.ts", () =>
  execFileSync(node, [join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", here], { stdio: "inherit" }),
);
// componentize-qjs output uses WebAssembly extended-const, behind a flag before Node 22.
const major = Number(process.versions.node.split(".")[0]);
const flags = major < 22 ? ["--experimental-wasm-extended-const"] : [];
execFileSync(node, [...flags, join(build, "dist/main.js")], { stdio: "inherit" });
