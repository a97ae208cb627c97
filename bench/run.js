// `npm run bench`: every benchmark, side by side in one run, printed as a Markdown table.
import { cpus, loadavg } from "node:os";
import { benchGenerator } from "./generator.js";
import { benchRuntime } from "./runtime.js";

const load = loadavg()
  .map((x) => x.toFixed(2))
  .join(" ");
const rows = [...(await benchGenerator()), ...(await benchRuntime())];

console.log(
  `witgen benchmarks, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, load average ${load} (at start)\n`,
);
console.log("| what | measured | target |");
console.log("| --- | --- | --- |");
for (const [what, measured, target] of rows) console.log(`| ${what} | ${measured} | ${target} |`);
