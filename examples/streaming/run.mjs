// `npm run example:streaming`: an async component (componentize-qjs's async runtime) fed
// and read through streams and futures by a typed embedder.
import { runExample } from "../run-example.mjs";

await runExample("streaming", { world: "streaming", sync: false });
