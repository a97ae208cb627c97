// Child process of the runtime benchmark (`bench/runtime.js`): measures one engine
// (whatever Node runs this file) and prints the samples as one JSON line on stdout
// (per variant, one number per round; bench/runtime.js takes the medians).
//
//   node measure.js <config.json>
//
// The config names the prepared inputs: the calc core module and component, the qjs
// component, our generated glue for both, and (when `jco` is set) jco's transpiled output.
// Every variant is checked for the right answer before it is timed.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { compileComponent } from "@witgen/runtime";

const config = JSON.parse(await readFile(process.argv[2], "utf8"));
const bytes = async (file) => new Uint8Array(await readFile(file));
const importFile = (file) => import(pathToFileURL(file).href);

function check(what, actual, expected) {
  if (actual !== expected)
    throw new Error(`bench: ${what} returned ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
}

/**
 * A timing loop of its own per variant (a fresh `Function`, so V8 keeps separate type
 * feedback and can inline each callee, as a real caller's monomorphic call site would).
 */
function loopOf(body, f, arg) {
  return new Function(
    "f",
    "arg",
    `return function loop(n) { let s = 0; for (let i = 0; i < n; i++) { ${body} } return s; };`,
  )(f, arg);
}

/**
 * Process CPU time in ms (user + system): the machine may be busy with other work, and wall
 * time would count the time this process waits for a core. It includes V8's helper threads
 * (compiler, concurrent GC), which are part of the cost.
 */
function cpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Calls/s per variant and round: calibrate a batch of about `sampleMs`, then `reps` rounds in
 * which every variant runs one batch, back to back (order rotated each round, so none always
 * runs after the same neighbour). Rounds are short so that the variants of one round share
 * the machine's state: the caller compares them round by round (paired ratios).
 */
function callsPerSecond(variants, { reps, sampleMs }) {
  const batches = variants.map(({ loop }) => {
    let n = 256;
    for (;;) {
      const t0 = cpuMs();
      loop(n);
      const ms = cpuMs() - t0;
      if (ms >= sampleMs / 4) return Math.max(1, Math.round((n * sampleMs) / ms));
      n *= 4;
    }
  });
  const samples = variants.map(() => []);
  let sink = 0;
  for (let r = -1; r < reps; r++) {
    for (let k = 0; k < variants.length; k++) {
      const v = (k + Math.max(r, 0)) % variants.length;
      const t0 = cpuMs();
      sink += variants[v].loop(batches[v]);
      if (r >= 0) samples[v].push((batches[v] * 1000) / Math.max(cpuMs() - t0, 0.001)); // round -1 warms up
    }
  }
  if (sink === 0.5) console.error(sink); // keeps the work observable
  return Object.fromEntries(variants.map((v, i) => [v.name, samples[i]]));
}

/**
 * Milliseconds (process CPU) per instantiation and round, interleaved the same way (one
 * instantiation per sample); each new instance is then checked with one call, untimed.
 */
async function msPerInstantiation(variants, reps) {
  const samples = variants.map(() => []);
  for (let r = -1; r < reps; r++) {
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(k + Math.max(r, 0)) % variants.length];
      const t0 = cpuMs();
      const exports = await v.instantiate();
      const ms = cpuMs() - t0;
      if (r >= 0) samples[variants.indexOf(v)].push(ms); // round -1 warms up
      v.check(exports);
    }
  }
  return Object.fromEntries(variants.map((v, i) => [v.name, samples[i]]));
}

// ---------------------------------------------------------------------------
// calc: add and echo

const calcComponent = await bytes(config.calc.component);
const { instance: coreInstance } = await WebAssembly.instantiate(await bytes(config.calc.core), {});
const core = coreInstance.exports;

// The hand-written binding of `echo` over the raw core module: what a careful person
// would write for this one signature (UTF-8 fast path for ASCII, re-encode otherwise).
const { memory, cabi_realloc: realloc, echo: coreEcho, cabi_post_echo: postEcho } = core;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });
let buffer;
let u8 = new Uint8Array(0);
let dv = new DataView(new ArrayBuffer(0));
function views() {
  if (memory.buffer !== buffer) {
    buffer = memory.buffer;
    u8 = new Uint8Array(buffer);
    dv = new DataView(buffer);
  }
}
function echoByHand(s) {
  const n = s.length;
  let ptr = realloc(0, 0, 1, n);
  views();
  const r = encoder.encodeInto(s, u8.subarray(ptr, ptr + n));
  let len = n;
  if (r.read !== n || r.written !== n) {
    ptr = realloc(ptr, n, 1, 3 * n);
    views();
    len = encoder.encodeInto(s, u8.subarray(ptr, ptr + 3 * n)).written;
  }
  const ret = coreEcho(ptr, len);
  views();
  const p = dv.getUint32(ret, true);
  const out = decoder.decode(u8.subarray(p, p + dv.getUint32(ret + 4, true)));
  postEcho(ret);
  return out;
}

const glue = await importFile(config.calc.glue);
const generated = await glue.instantiate(calcComponent, {});
const dynamic = (await (await compileComponent(calcComponent)).instantiate({})).exports;
const calcApis = { generated, dynamic };
if (config.jco) {
  const { instantiate } = await importFile(config.jco.calc);
  const dir = path.dirname(config.jco.calc);
  const modules = new Map();
  for (const name of config.jco.calcModules)
    modules.set(name, await WebAssembly.compile(await bytes(path.join(dir, name))));
  calcApis.jco = instantiate((name) => modules.get(name), {});
}

const text = "0123456789abcdef"; // 16 bytes of UTF-8
check("raw add", core.add(40, 2), 42);
check("hand-written echo", echoByHand(text), text);
for (const [name, api] of Object.entries(calcApis)) {
  check(`${name} add`, api.add(40, 2), 42);
  check(`${name} echo`, api.echo(text), text);
}

const timing = { reps: config.reps, sampleMs: config.sampleMs };
const addBody = "s += f(i & 0xffff, 1);";
const add = callsPerSecond(
  [
    { name: "raw", loop: loopOf(addBody, core.add) },
    ...Object.entries(calcApis).map(([name, api]) => ({ name, loop: loopOf(addBody, api.add) })),
  ],
  timing,
);
const echoBody = "s += f(arg).length;";
const echo = callsPerSecond(
  [
    { name: "hand", loop: loopOf(echoBody, echoByHand, text) },
    ...Object.entries(calcApis).map(([name, api]) => ({ name, loop: loopOf(echoBody, api.echo, text) })),
  ],
  timing,
);

// ---------------------------------------------------------------------------
// qjs: instantiation with the core modules already compiled

const qjsBytes = await bytes(config.qjs.component);
/** Per variant; or why the component cannot run on this engine (Node 20 lacks extended-const, which QuickJS's build uses). */
async function instantiation() {
  let compiledQjs;
  try {
    compiledQjs = await compileComponent(qjsBytes);
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  const qjsGlue = await importFile(config.qjs.glue);
  const greeting = "hello, bench";
  const greets = (name) => (exports) => check(`${name} qjs greet`, exports.greet("bench"), greeting);
  const instantiations = [
    { name: "dynamic", instantiate: async () => (await compiledQjs.instantiate({})).exports, check: greets("dynamic") },
    { name: "generated", instantiate: () => qjsGlue.instantiate(compiledQjs, {}), check: greets("generated") },
  ];
  if (config.jco) {
    const { instantiate } = await importFile(config.jco.qjs);
    const dir = path.dirname(config.jco.qjs);
    const modules = new Map();
    for (const name of config.jco.qjsModules)
      modules.set(name, await WebAssembly.compile(await bytes(path.join(dir, name))));
    instantiations.push({
      name: "jco",
      instantiate: async () => instantiate((name) => modules.get(name), {}),
      check: greets("jco"),
    });
  }
  const samples = await msPerInstantiation(instantiations, config.instantiations);
  return { ...samples, breakdown: await breakdown(instantiations) };
}

/**
 * Where instantiation time goes, for those who optimise it: process CPU per instantiation
 * and the part of it spent in `new WebAssembly.Instance` (the engine's own work: the floor
 * every binding shares). Measured apart from the timed rounds, since the wrapper adds a
 * little; the caller reports means, as the parts are often below the clock's resolution.
 */
async function breakdown(variants) {
  const Instance = WebAssembly.Instance;
  let inCore = 0;
  WebAssembly.Instance = function (module, importObject) {
    const t0 = cpuMs();
    try {
      return new Instance(module, importObject);
    } finally {
      inCore += cpuMs() - t0;
    }
  };
  const out = Object.fromEntries(variants.map((v) => [v.name, { total: [], core: [] }]));
  try {
    for (let r = 0; r < config.instantiations; r++) {
      for (const v of variants) {
        inCore = 0;
        const t0 = cpuMs();
        const exports = await v.instantiate();
        out[v.name].total.push(cpuMs() - t0);
        out[v.name].core.push(inCore);
        v.check(exports);
      }
    }
  } finally {
    WebAssembly.Instance = Instance;
  }
  return out;
}
const instantiate = await instantiation();

console.log(JSON.stringify({ node: process.version, add, echo, instantiate, qjsBytes: qjsBytes.length }));
