/**
 * `@witgen/runtime` in a browser engine: Debian's Chromium (headless, driven by playwright-core)
 * loads the built runtime as plain ES modules from a local server and runs real components:
 * sync exports over host imports (strings transcoded both ways), an async export reading a
 * `stream<u8>` the page feeds, and the same sync component through JSPI (Chromium has it), whose
 * async host import suspends the wasm stack. No bundler, no Node API: what a web page gets.
 * Skipped, saying why, where Chromium is not installed (`.ci/run` installs it).
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWatComponent } from "../../../test/support/build-component.js";
import { SYNC_WAT } from "../jspi/sync-component.js";
import { STREAM_SUM_WAT } from "../link/stream-sum-guest.js";

const run = promisify(execFile);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const CHROMIUM = "/usr/bin/chromium";

/** The page's script: everything it observed, in `window.report`. */
const PAGE_SCRIPT = `
import { compileComponent, jspiAvailable, streamFrom } from "/runtime/index.js";
const bytes = async (name) => new Uint8Array(await (await fetch(name)).arrayBuffer());
const report = {};
try {
  const sync = await compileComponent(await bytes("/sync.wasm"));
  const seen = [];
  const { exports } = await sync.instantiate({
    fetch: (x) => (seen.push(x), x * 2),
    greet: (name) => "hello " + name,
  });
  report.run = exports.run(20);
  report.greet = exports.greet("wörld ✓");
  report.seen = seen;

  const streams = await compileComponent(await bytes("/stream-sum.wasm"));
  const s = (await streams.instantiate({})).exports;
  async function* chunks() {
    yield Uint8Array.of(1, 2, 3);
    await new Promise((r) => setTimeout(r, 1));
    yield Uint8Array.of(4, 5);
  }
  report.sum = await s.sum(streamFrom(chunks(), "u8"));

  report.jspi = jspiAvailable();
  if (report.jspi) {
    const j = (await sync.instantiate(
      {
        fetch: async (x) => (await new Promise((r) => setTimeout(r, 2)), x * 3),
        greet: async (name) => "hi " + name,
      },
      { jspi: true },
    )).exports;
    report.jspiRun = await j.run(5);
    report.jspiGreet = await j.greet("jspi");
  }
} catch (e) {
  report.error = String(e && e.stack || e);
}
window.report = report;
`;

describe("the runtime in a browser (Chromium)", () => {
  const available = existsSync(CHROMIUM);
  let server: Server | undefined;
  let origin = "";

  beforeAll(async () => {
    if (!available) return;
    // The page imports the built runtime.
    await run("npx", ["tsc", "-b", path.join(repoRoot, "runtime", "tsconfig.json")], { cwd: repoRoot });
    const files = new Map<string, { body: Uint8Array | string; type: string }>([
      ["/", { body: `<!doctype html><script type="module" src="/page.js"></script>`, type: "text/html" }],
      ["/page.js", { body: PAGE_SCRIPT, type: "text/javascript" }],
      ["/sync.wasm", { body: await buildWatComponent(SYNC_WAT), type: "application/wasm" }],
      ["/stream-sum.wasm", { body: await buildWatComponent(STREAM_SUM_WAT), type: "application/wasm" }],
    ]);
    const dist = path.join(repoRoot, "runtime", "dist");
    server = createServer(async (req, res) => {
      const url = new URL(req.url ?? "/", "http://localhost").pathname;
      const file = files.get(url);
      if (file) {
        res.writeHead(200, { "content-type": file.type }).end(file.body);
        return;
      }
      const local = path.join(dist, path.normalize(url.replace(/^\/runtime\//, "/")));
      if (url.startsWith("/runtime/") && local.startsWith(dist) && existsSync(local)) {
        res.writeHead(200, { "content-type": "text/javascript" }).end(await readFile(local));
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 300_000);

  afterAll(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  it.skipIf(!available)("runs sync, async (stream) and JSPI components as plain ES modules", async () => {
    const { chromium } = await import("playwright-core");
    // Containers run as root, where Chromium's sandbox cannot start.
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(origin);
      await page.waitForFunction(() => (window as unknown as { report?: unknown }).report !== undefined, undefined, { timeout: 60_000 });
      const report = await page.evaluate(() => (window as unknown as { report: Record<string, unknown> }).report);
      expect(errors).toEqual([]);
      expect(report.error).toBeUndefined();
      expect(report).toMatchObject({ run: 41, greet: "hello wörld ✓", seen: [20], sum: 15, jspi: true, jspiRun: 16, jspiGreet: "hi jspi" });
    } finally {
      await browser.close();
    }
  }, 120_000);

  if (!available) it.skip(`skipped: no Chromium at ${CHROMIUM} (Debian package chromium)`, () => {});
});
