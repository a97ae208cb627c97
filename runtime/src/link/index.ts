/**
 * `@witgen/runtime/link`: the component instantiator (Explainer.md
 * "Instance Definitions" and onwards). The public entry point is
 * `compileComponent` in `../component.ts`; this package holds:
 *
 * - `compile.ts`: decode once, compile every core module (nested ones too) once per component;
 * - `instantiate.ts`: the section walk that grows the index spaces (`items.ts`)
 *   of one component instance: core instances, nested components and
 *   instances, aliases, types (`types.ts`), canon definitions, imports, exports;
 * - `host-imports.ts` + `names.ts`: imports of the root component from the host's import object
 *   (versioned names with semver-compatible matching);
 * - `exports.ts`: the root instance's exports as JS (functions, interface objects, resource classes);
 * - `adapters.ts`: the seam through which generated glue replaces dynamic lift/lower functions;
 * - `async-calls.ts`, `async-builtins.ts`: `canon lift/lower async`, `task.return` and the
 *   other async built-ins wired to `../task/` and `../async/`;
 * - `call-options.ts`: `{ signal }` on async export calls and for async host imports (cancellation);
 * - `results.ts`: the `results: "union" | "throw"` style at the host boundary;
 * - `session.ts`: what one top-level instantiation shares (resource registry, codecs, classes, store);
 * - `errors.ts`: `LinkError` (a construct this runtime cannot run, with its byte offset) and
 *   `ComponentLinkError` (every missing host import with its type).
 */
export * from "./adapters.js";
export type { AbortSignalLike, CallOptions, ImportCallOptions } from "./call-options.js";
export * from "./errors.js";
export type { ExportTable } from "./exports.js";
export { lookupImport, semverCompatible } from "./names.js";
export type { ResultStyle } from "./results.js";
export { describeAbiType, describeSignature } from "./types.js";
export { abiTypeKey, adapterTypeKey } from "../async/abi-adapter.js";
