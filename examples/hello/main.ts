// The embedder: instantiates the component through the bindings `witgen host` generated
// (./generated), implements its `log` import and calls its `greetings` export.
import { readFile } from "node:fs/promises";
import { ComponentError } from "@witgen/runtime";
import { instantiate } from "./generated/glue.js";

const bytes = await readFile(new URL("../hello.wasm", import.meta.url));

const { "example:hello/greetings@0.1.0": greetings } = await instantiate(bytes, {
  "example:hello/log@0.1.0": {
    log(level, message) {
      console.log(`[guest ${level}] ${message}`);
    },
  },
});

console.log(greetings.greet({ name: "Ada", age: 36 }, "formal"));
console.log(greetings.greet({ name: "Grace" }, "casual"));

using book = new greetings.GuestBook("Visitors");
book.sign({ name: "Ada" });
const count = book.sign({ name: "Grace", age: 85 });
console.log(`${count} signatures: ${book.signatures().join(", ")}`);

try {
  book.sign({ name: " " });
} catch (error) {
  if (!(error instanceof ComponentError)) throw error;
  console.log(`signing failed: ${error.payload}`);
}
