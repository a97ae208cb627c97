// `npm run bench`: every benchmark, side by side in one run, printed as a Markdown table.
import { cpus, loadavg } from "node:os";
import { benchGenerator } from "./generator.js";
import { benchRuntime, runtimeNote } from "./runtime.js";

const load = loadavg()
  .map((x) => x.toFixed(2))
  .join(" ");
const rows = [...(await benchGenerator()), ...(await runtimeRows())];

/** The runtime rows, or one row saying they failed (the error goes to stderr, and the run exits with 1). */
async function runtimeRows() {
  try {
    return await benchRuntime();
  } catch (e) {
    process.exitCode = 1;
    console.error(e);
    const message = (e instanceof Error ? e.message : String(e)).split("\n")[0];
    return [["sync runtime benchmark (bench/runtime.js)", `FAILED: ${message.replaceAll("|", "\\|")}`, ""]];
  }
}

console.log(
  `witgen benchmarks, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, load average ${load} (at start)\n`,
);
console.log("| what | measured | target |");
console.log("| --- | --- | --- |");
for (const [what, measured, target] of rows) console.log(`| ${what} | ${measured} | ${target} |`);
console.log(`\n${runtimeNote}`);
