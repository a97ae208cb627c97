import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const runtimeSrc = fileURLToPath(new URL("./runtime/src/", import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the runtime's sources, so no build is needed between edits.
    alias: [{ find: /^@witgen\/runtime(\/.*)?$/, replacement: `${runtimeSrc}$1/index.ts`.replace("/$1/", "$1/") }],
  },
  test: {
    include: ["test/**/*.test.ts", "runtime/test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 300_000,
  },
});
