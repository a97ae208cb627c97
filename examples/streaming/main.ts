// The embedder: instantiates the streaming component through the bindings `witgen host`
// generated (./generated) and feeds it, and reads from it, with streams and futures.
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { instantiate } from "./generated/glue.js";

const bytes = await readFile(new URL("../streaming.wasm", import.meta.url));
const { "example:streaming/text@0.1.0": text } = await instantiate(bytes, {});

// A Node file stream is an async iterable of byte chunks: it goes in as a stream<u8>.
const file = new URL("../../wit/streaming.wit", import.meta.url);
const counted = await text.countBytes(createReadStream(file));
console.log(`count-bytes: ${counted} bytes (the file has ${(await stat(file)).size})`);

// Lines cut across chunk boundaries come back whole, each as soon as it is complete.
const encoder = new TextEncoder();
async function* typing() {
  for (const piece of ["streams of by", "tes\nbecome lines\nof te", "xt, même accentué"]) yield encoder.encode(piece);
}
for await (const line of await text.shoutLines(typing())) console.log(`shout-lines: ${line}`);

// A stream the guest keeps writing after returning: `for await` yields whole chunks.
let chunks = 0;
let total = 0;
let intact = true;
for await (const chunk of await text.pattern(1_000_000)) {
  for (let i = 0; i < chunk.length; i++) intact &&= chunk[i] === ((total + i) & 0xff);
  chunks += 1;
  total += chunk.length;
}
console.log(`pattern: ${total} bytes in ${chunks} chunks, ${intact ? "intact" : "CORRUPTED"}`);

// A returned future<u64>: awaiting the call waits for the value the guest writes later.
console.log(`sum-later: ${await text.sumLater(Uint32Array.of(1, 2, 3, 4))}`);
