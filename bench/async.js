// Async runtime benchmark: the component of bench/components/async.wat (async callback-lifted
// exports: one returning at once, one awaiting an async host import, a byte-stream sink,
// source and pass-through in 64 KiB chunks, one returning a future<u32>) driven through
//   - raw: its core module under a minimal hand-written JS implementation of the built-ins it
//     imports (bench/components/raw-async.js): the physical limit;
//   - dynamic: our runtime's dynamic API;
//   - jco: `jco transpile` of the same component (Node 26 only: its async support needs JSPI);
// and, for streams, plain `Uint8Array.set` of the same bytes in 64 KiB chunks, measured in
// the same rounds. Each engine runs in a child process (bench/components/measure-async.js).
import { mkdir } from "node:fs/promises";
import { buildAsync, cacheDir } from "./components/build.js";
import { jcoTranspile } from "./components/bindings.js";
import {
  coreModules,
  measure,
  median,
  NODE26_VERSION,
  node26Binary,
  pairedRatio,
  perSecond,
  times,
  verdict,
} from "./runtime.js";

const ROUNDS = 21;
const SAMPLE_MS = 15;
const STREAM_ROUNDS = 9;
const BYTES = 64 * 1024 * 1024;
/** jco moves byte streams element by element: smaller totals keep its rounds short (MB/s are comparable). */
const JCO_BYTES = { hostToGuest: 4 * 1024 * 1024, guestToHost: 64 * 1024, passThrough: 64 * 1024 };

export const asyncNote =
  `Async rows: wall time (jco waits on timers, which CPU time would not count), medians over interleaved rounds (${ROUNDS} rounds of ~${SAMPLE_MS} ms per variant for calls; ` +
  `${STREAM_ROUNDS} rounds of ${BYTES / 2 ** 20} MiB per variant for streams, jco ${JCO_BYTES.hostToGuest / 2 ** 20} MiB host -> guest and ` +
  `${JCO_BYTES.guestToHost / 1024} KiB otherwise, as it moves bytes one by one); a ratio is the median of the per-round ratios. ` +
  "The raw baseline is the same core module under a minimal hand-written JS implementation of the built-ins it calls.";

const mbps = (xs) => `${median(xs).toFixed(0)} MB/s`;
const pct = (r) => `${(r * 100).toFixed(r < 0.1 ? 1 : 0)}%`;

export async function benchAsync() {
  await mkdir(cacheDir, { recursive: true });
  const built = await buildAsync();
  const [node, jco] = await Promise.all([node26Binary(), jcoTranspile(built.component, "async")]);
  const config = {
    core: built.corePath,
    component: built.componentPath,
    rounds: ROUNDS,
    sampleMs: SAMPLE_MS,
    streamRounds: STREAM_ROUNDS,
    bytes: BYTES,
    jcoBytes: JCO_BYTES,
  };
  if (process.env.WITGEN_BENCH_ONLY) config.only = process.env.WITGEN_BENCH_ONLY.split(",");
  const jcoConfig = { entry: jco.entry, modules: await coreModules(jco.dir) };
  const gc = ["--expose-gc"];
  // One engine after the other, never both at once.
  // jco's future rate needs a fresh instance per call: their garbage would be collected on the
  // clock of the variants interleaved with it, so that row's jco runs in a process of its own.
  const soloJco = ["future"];
  const n26 = node
    ? await measure(node, { ...config, jco: jcoConfig, soloJco }, "node26", "measure-async.js", gc)
    : undefined;
  if (n26 && (!config.only || config.only.includes("future"))) {
    const solo = await measure(node, { ...config, jco: jcoConfig, only: soloJco, variants: ["jco"] }, "node26-jco", "measure-async.js", gc);
    if (n26.future && solo.future?.jco) Object.assign(n26.future, { jco: solo.future.jco, soloJco: true });
    if (solo.jcoFailed?.future) n26.jcoFailed.future = solo.jcoFailed.future;
    n26.jcoDropErrors = (n26.jcoDropErrors ?? 0) + (solo.jcoDropErrors ?? 0);
  }
  const here = await measure(process.execPath, config, "node-current", "measure-async.js", gc);

  const rows = [];
  for (const r of [n26, here]) {
    if (!r) continue;
    const on = `Node ${r.node.split(".")[0].slice(1)}`;
    const jcoFailed = (key, what) => {
      const why = r.jcoFailed?.[key];
      if (why) rows.push([`${what}, ${on}: jco transpile`, `fails: ${why.replaceAll("|", "\\|")}`, ""]);
    };
    const calls = (key, what, target) => {
      const g = r[key];
      if (!g) return;
      const hasJco = g.jco !== undefined;
      rows.push([`${what}, ${on}: raw baseline`, perSecond(g.raw), "baseline"]);
      const vsRaw = pairedRatio(g.dynamic, g.raw);
      // Measured in another process, jco's samples pair with nothing: a ratio of medians then.
      const vsJco = hasJco ? (g.soloJco ? median(g.dynamic) / median(g.jco) : pairedRatio(g.dynamic, g.jco)) : undefined;
      const measured = `${perSecond(g.dynamic)} (${pct(vsRaw)} of raw${hasJco ? `, ${times(vsJco)} jco` : ""})`;
      rows.push([`${what}, ${on}: dynamic API`, measured, target(vsRaw, vsJco, g)]);
      if (hasJco && !g.soloJco) rows.push([`${what}, ${on}: jco transpile`, `${perSecond(g.jco)} (${pct(pairedRatio(g.jco, g.raw))} of raw)`, ""]);
      if (hasJco && g.soloJco) rows.push([`${what}, ${on}: jco transpile`, perSecond(g.jco), ""]);
      jcoFailed(key, what);
    };
    calls("ready", "async export returning at once, awaited", (vsRaw) => `>= 10% of raw: ${verdict(vsRaw >= 0.1)}`);
    calls(
      "relay",
      "async export awaiting an async host import",
      (vsRaw, _, g) =>
        `>= 10% of raw, no timers: ${verdict(vsRaw >= 0.1 && r.ourTimers === 0)} (timers started by ours: ${r.ourTimers}${g.timers.jco ? `; by jco: ${g.timers.jco}` : ""})`,
    );
    calls(
      "future",
      "returned future<u32> resolved and awaited",
      (_, vsJco) =>
        vsJco === undefined ? "(>= 100x jco: needs jco's rate, on Node 26)" : `>= 100x jco: ${verdict(vsJco >= 100)}`,
    );
    if (r.future?.jco)
      rows.push([
        `returned future<u32>, ${on}: how jco was measured`,
        "a fresh jco instance per call, made before the clock starts (its second call on one instance never settles), in a process of its own (the ratio is of medians)",
        "",
      ]);
    if (r.jcoDropErrors)
      rows.push([
        `jco transpile, ${on}: errors its future drops threw after the value arrived`,
        `${r.jcoDropErrors} x "cannot drop future write end without first writing a value" (counted, not fatal)`,
        "",
      ]);
    const streams = (key, what) => {
      const d = r[key];
      if (!d) return;
      const { samples, shapes } = d;
      const hasJco = samples.jco !== undefined;
      rows.push([`stream<u8> ${what}, 64 KiB chunks, ${on}: Uint8Array.set of the same bytes`, mbps(samples.set), "baseline"]);
      rows.push([`stream<u8> ${what}, ${on}: raw baseline`, `${mbps(samples.raw)} (${pct(pairedRatio(samples.raw, samples.set))} of set)`, ""]);
      const vsSet = pairedRatio(samples.dynamic, samples.set);
      const shape = shapes.dynamic;
      const chunked = shape ? shape.smallest > 1 : true;
      const shapeText = shape ? `; for await: ${shape.chunks} chunks, smallest ${shape.smallest === Infinity ? "-" : shape.smallest} B` : "";
      rows.push([
        `stream<u8> ${what}, ${on}: dynamic API`,
        `${mbps(samples.dynamic)} (${pct(vsSet)} of set${hasJco ? `, ${times(pairedRatio(samples.dynamic, samples.jco))} jco` : ""})${shapeText}`,
        `>= 50% of set${shape ? ", chunks" : ""}: ${verdict(vsSet >= 0.5 && chunked)}`,
      ]);
      if (samples.readInto) {
        const vsSetInto = pairedRatio(samples.readInto, samples.set);
        // A pass-through copies each chunk twice: beside one set, the floor of those two copies.
        const twice = samples.setTwice;
        const ofTwice = (s) => (twice ? `, ${pct(pairedRatio(s, twice))} of two` : "");
        if (twice)
          rows.push([
            `stream<u8> ${what}, ${on}: the two copies alone (Uint8Array.set into guest memory, then into one host buffer)`,
            `${mbps(twice)} (${pct(pairedRatio(twice, samples.set))} of set)`,
            "floor",
          ]);
        rows.push([
          `stream<u8> ${what}, ${on}: raw baseline read with readInto`,
          `${mbps(samples.rawReadInto)} (${pct(pairedRatio(samples.rawReadInto, samples.set))} of set${ofTwice(samples.rawReadInto)})`,
          "",
        ]);
        rows.push([
          `stream<u8> ${what}, ${on}: dynamic API read with readInto (one reused buffer)`,
          `${mbps(samples.readInto)} (${pct(vsSetInto)} of set${ofTwice(samples.readInto)})`,
          `>= 50% of set: ${verdict(vsSetInto >= 0.5)}`,
        ]);
      }
      if (hasJco) {
        const js = shapes.jco;
        rows.push([
          `stream<u8> ${what}, ${on}: jco transpile`,
          `${mbps(samples.jco)} (${pct(pairedRatio(samples.jco, samples.set))} of set)${js ? `; for await: ${js.chunks} chunks, smallest ${js.smallest} B` : ""}`,
          "",
        ]);
      }
      jcoFailed(key, `stream<u8> ${what}`);
    };
    streams("hostToGuest", "host -> guest");
    streams("guestToHost", "guest -> host");
    streams("passThrough", "host -> pass-through guest -> host");
    if (r.memory) {
      const m = r.memory;
      rows.push(
        m.error
          ? [`10,000 idle open streams, ${on}`, `cannot measure: ${m.error}`, ""]
          : [
              `${m.count.toLocaleString("en")} idle open stream<u8> pairs, ${on}: JS heap`,
              `${(m.bytes / 1e6).toFixed(1)} MB (${(m.bytes / m.count).toFixed(0)} B each)`,
              `< 20 MB: ${verdict(m.bytes < 20e6)}`,
            ],
      );
    }
  }
  if (!n26) rows.push(["Node 26 async rows", `skipped: Node ${NODE26_VERSION} is installed on demand, for linux-x64 only`, ""]);
  return rows;
}
