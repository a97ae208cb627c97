// `npm run bench`: every benchmark, side by side in one run, printed as a Markdown table.
// `npm run bench -- sync` runs the generator and sync runtime rows only, `npm run bench -- async`
// the async runtime rows only (bench/async.js).
import { cpus, loadavg } from "node:os";
import { benchAsync, asyncNote } from "./async.js";
import { benchGenerator } from "./generator.js";
import { benchRuntime, runtimeNote } from "./runtime.js";

const sections = process.argv.slice(2);
const known = ["sync", "async"];
for (const s of sections)
  if (!known.includes(s)) {
    console.error(`bench: unknown section "${s}" (expected ${known.join(" or ")}, or none for all)`);
    process.exit(2);
  }
const want = (s) => sections.length === 0 || sections.includes(s);

const load = loadavg()
  .map((x) => x.toFixed(2))
  .join(" ");
const rows = [];
const notes = [];
if (want("sync")) {
  rows.push(...(await benchGenerator()), ...(await rowsOf("sync runtime benchmark (bench/runtime.js)", benchRuntime)));
  notes.push(runtimeNote);
}
if (want("async")) {
  rows.push(...(await rowsOf("async runtime benchmark (bench/async.js)", benchAsync)));
  notes.push(asyncNote);
}

/** The rows of one benchmark, or one row saying it failed (the error goes to stderr, and the run exits with 1). */
async function rowsOf(what, bench) {
  try {
    return await bench();
  } catch (e) {
    process.exitCode = 1;
    console.error(e);
    const message = (e instanceof Error ? e.message : String(e)).split("\n")[0];
    return [[what, `FAILED: ${message.replaceAll("|", "\\|")}`, ""]];
  }
}

console.log(
  `witgen benchmarks, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, load average ${load} (at start)\n`,
);
console.log("| what | measured | target |");
console.log("| --- | --- | --- |");
for (const [what, measured, target] of rows) console.log(`| ${what} | ${measured} | ${target} |`);
for (const note of notes) console.log(`\n${note}`);
