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

function compileError(s: CoreModuleSection, e: unknown): ComponentLoadError {
  return new ComponentLoadError(s.start, `core module (bytes 0x${s.start.toString(16)}..0x${s.end.toString(16)}) does not compile: ${e instanceof Error ? e.message : String(e)}`);
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
