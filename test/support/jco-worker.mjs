// Worker thread for test/support/jco-corpus.ts: runs the reference parser
// (wit-parser inside jco) on one WIT path per message. Plain JS so that
// `new Worker()` can load it without a TypeScript loader.
import { parentPort } from "node:worker_threads";
import { componentEmbed, componentNew } from "@bytecodealliance/jco";

function errorText(e) {
  if (e instanceof Error) return e.message;
  if (typeof e === "object" && e !== null && "payload" in e) return String(e.payload);
  return String(e);
}

parentPort.on("message", async (req) => {
  try {
    const embedded = await componentEmbed({
      dummy: true,
      witPath: req.path,
      ...(req.world !== undefined ? { world: req.world } : {}),
      ...(req.features !== undefined ? { features: req.features } : {}),
    });
    const bytes = await componentNew(embedded);
    parentPort.postMessage({ id: req.id, verdict: "accept", bytes });
  } catch (e) {
    const message = errorText(e);
    // A Rust panic becomes a wasm trap, and the instance is unusable afterwards.
    const trapped = /wasm trap|unreachable|cannot enter component instance/.test(message);
    parentPort.postMessage({ id: req.id, verdict: trapped ? "crash" : "reject", message });
  }
});
