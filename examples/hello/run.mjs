// `npm run example`: the hello component (componentize-qjs --sync) with a typed embedder.
import { runExample } from "../run-example.mjs";

await runExample("hello", { world: "hello", sync: true });
