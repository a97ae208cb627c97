/**
 * Compiling a component: decode the binary once and compile every core module
 * in it (nested components included) to a `WebAssembly.Module`, so each
 * instantiation only instantiates.
 */
import type { ComponentAst, CoreModuleSection } from "../binary/ast.js";
import { ComponentLoadError } from "../binary/errors.js";
import type { ModuleMap } from "./instantiate.js";
import { wasm } from "./wasm-api.js";

function* coreModules(ast: ComponentAst): Generator<CoreModuleSection> {
  for (const s of ast.sections) {
    if (s.kind === "core-module") yield s;
    else if (s.kind === "component") yield* coreModules(s.component);
  }
}

/** The wasm feature behind an engine's refusal, when the message tells: a hint for the user. */
function featureHint(message: string): string {
  // V8 before Node 22: "opcode i32.add is not allowed in constant expressions".
  if (/opcode [if](32|64)\.(add|sub|mul) is not allowed in constant expressions/.test(message))
    return " (the module uses the WebAssembly extended-const feature, which this engine does not enable by default: on Node 20 run node with --experimental-wasm-extended-const; Node >= 22 has it)";
  return "";
}

function compileError(s: CoreModuleSection, e: unknown): ComponentLoadError {
  const message = e instanceof Error ? e.message : String(e);
  // V8 reports the offset inside the module as "@+N"; point at the byte in the component.
  const at = /@\+(\d+)/.exec(message);
  const offset = at ? s.start + Number(at[1]) : s.start;
  return new ComponentLoadError(
    offset,
    `core module (bytes 0x${s.start.toString(16)}..0x${s.end.toString(16)}) does not compile: ${message}${featureHint(message)}`,
  );
}

/** A copy of the module bytes: `WebAssembly.compile` needs a BufferSource it may keep. */
function bytesOf(s: CoreModuleSection): Uint8Array<ArrayBuffer> {
  return new Uint8Array(s.bytes);
}

export function compileModulesSync(ast: ComponentAst): ModuleMap {
  const out: ModuleMap = new WeakMap();
  for (const s of coreModules(ast)) {
    try {
      out.set(s, new (wasm().Module)(bytesOf(s)));
    } catch (e) {
      throw compileError(s, e);
    }
  }
  return out;
}

export async function compileModules(ast: ComponentAst): Promise<ModuleMap> {
  const sections = [...coreModules(ast)];
  const compiled = await Promise.all(
    sections.map((s) =>
      wasm().compile(bytesOf(s)).catch((e: unknown) => {
        throw compileError(s, e);
      }),
    ),
  );
  const out: ModuleMap = new WeakMap();
  sections.forEach((s, i) => out.set(s, compiled[i]));
  return out;
}
