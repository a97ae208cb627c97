// `npm run bench`: every benchmark, side by side in one run, printed as a Markdown table.
import { cpus } from "node:os";
import { benchGenerator } from "./generator.js";

const rows = [...(await benchGenerator())];

console.log(`witgen benchmarks, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}\n`);
console.log("| what | measured | target |");
console.log("| --- | --- | --- |");
for (const [what, measured, target] of rows) console.log(`| ${what} | ${measured} | ${target} |`);
