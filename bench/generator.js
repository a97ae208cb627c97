// Generator benchmark: parse + resolve, and emit (types, host, guest) for every WASI 0.3.0 world.
import { emitWorld } from "../dist/emit/index.js";
import { loadWitPath, selectWorld } from "../dist/wit/index.js";
import { requireWasi, wasiWorlds } from "./wasi-worlds.js";

const packageDirs = [...new Set(wasiWorlds.map((w) => w.dir))];

function parseAndResolveAll() {
  for (const dir of packageDirs) loadWitPath(dir);
}

async function emitAll() {
  const resolves = new Map(packageDirs.map((dir) => [dir, loadWitPath(dir)]));
  let files = 0;
  for (const { dir, world } of wasiWorlds) {
    const doc = selectWorld(resolves.get(dir), world);
    for (const mode of ["types", "host", "guest"]) files += (await emitWorld(doc, { mode })).length;
  }
  return files;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function time(fn, runs) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return { median: median(samples), min: Math.min(...samples) };
}

export async function benchGenerator() {
  requireWasi();
  const coldStart = performance.now();
  const files = await emitAll();
  const cold = performance.now() - coldStart;
  const parse = await time(parseAndResolveAll, 30);
  const whole = await time(async () => {
    parseAndResolveAll();
    await emitAll();
  }, 5);
  return [
    ["parse + resolve, 6 WASI packages (warm)", `${parse.median.toFixed(1)} ms median, ${parse.min.toFixed(1)} ms min`, "target < 50 ms"],
    [`parse + resolve + emit ${wasiWorlds.length} worlds x 3 modes, ${files} files (warm)`, `${whole.median.toFixed(0)} ms median`, "target < 1000 ms"],
    ["the same, first run in a fresh process (cold)", `${cold.toFixed(0)} ms`, ""],
  ];
}
