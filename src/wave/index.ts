/**
 * WAVE, the WebAssembly Value Encoding (wasm-tools' `wasm-wave`, used by
 * `wasmtime run --invoke`): parse text typed by a component type into the
 * JS value mapping of docs/mapping.md, and print such values back.
 *
 * Syntax supported (wasm-wave's grammar, `wave_ebnf.md`):
 * - bool `true` `false`; integers `42` `-7` (range-checked, u64/s64 as bigint);
 *   floats `1.5` `6.02e23` `nan` `inf` `-inf`;
 * - char `'x'` `'\u{1F600}'`, strings `"a\tb"` with escapes `\' \" \\ \t \n \r \u{...}`,
 *   and multiline strings (`"""` line break ... line break, indented closing `"""`);
 * - lists `[1, 2]` (fixed-length lists too, length checked), tuples `(1, "a")`,
 *   records `{a: 1, b-c: 2}` (option fields may be left out; `{:}` is empty),
 *   variants `case` / `case(payload)`, enums `case` (`%case` for keyword names),
 *   options `some(x)` `none` or bare `x`, results `ok(x)` `err(e)` `ok` `err` or bare `x`,
 *   flags `{read, write}` `{}`; `//` comments; trailing commas.
 * - maps (no WAVE syntax): a list of (key, value) tuples, `[("a", 1), ("b", 2)]`.
 * Resources, streams, futures and error-context cannot be written.
 */
import type { AbiType } from "@witgen/runtime";
import { parseWaveNode } from "./parser.js";
import { waveNodeToJs } from "./to-js.js";

export { WaveError, lineCol, type Span } from "./errors.js";
export type { WaveCall, WaveNode, LabelNode } from "./ast.js";
export { parseWaveNode, parseWaveCall } from "./parser.js";
export { waveNodeToJs, unrepresentable, type WaveContext } from "./to-js.js";
export { printWave, formatFloat, formatString, WavePrintError } from "./print.js";
export { expectedText, typeText } from "./describe.js";
export {
  exportedFunctions,
  exportedJsFunction,
  parseInvocation,
  resolveFunction,
  signatureText,
  type ExportedFunction,
  type Invocation,
} from "./invoke.js";

/** Parses WAVE text of type `t` into its JS value; throws `WaveError` naming `source:line:col`. */
export function parseWave(text: string, t: AbiType, options: { source?: string; what?: string } = {}): unknown {
  const source = options.source ?? "value";
  const node = parseWaveNode(text, source);
  return waveNodeToJs(node, t, { text, source, what: options.what ?? "the value" });
}
