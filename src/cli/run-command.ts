/**
 * `witgen run component.wasm --invoke 'greet("World")'`: loads a component
 * with the runtime's dynamic API, calls one export with WAVE arguments and
 * prints its result in WAVE (nothing for a function without result), as
 * `wasmtime run --invoke` does. `--list` prints the exported functions with
 * their WIT signatures. The host provides no imports: a component that has
 * any is refused with the full list.
 */
import { readFile } from "node:fs/promises";
import { ComponentLinkError, compileComponent, Trap, type CompiledComponent, type IrDocument } from "@witgen/runtime";
import { exportedFunctions, exportedJsFunction, parseInvocation, printWave, signatureText } from "../wave/index.js";
import type { CliIo } from "./io.js";

export interface RunCommandOptions {
  component: string;
  invoke?: string;
  list?: boolean;
}

/** A failure the CLI reports as `witgen: <message>` with exit code 1. */
export class RunError extends Error {
  override readonly name = "RunError";
}

export async function runRun(options: RunCommandOptions, io: CliIo): Promise<number> {
  if (options.invoke === undefined && !options.list) {
    throw new RunError(`run: nothing to do; pass --invoke '<function>(<args>)' or --list`);
  }
  const compiled = await load(options.component);
  const doc = compiled.world;
  if (options.list) {
    io.out(listExports(doc));
    if (options.invoke === undefined) return 0;
  }
  const invocation = parseInvocation(doc, options.invoke!);
  const missing = missingImports(doc);
  if (missing.length > 0) {
    throw new RunError(
      `cannot run ${options.component}: it imports ${missing.length} item(s), and \`witgen run\` provides no imports:\n` +
        missing.map((m) => `  ${m}`).join("\n"),
    );
  }
  let result: unknown;
  try {
    const instance = await compiled.instantiate({});
    const fn = exportedJsFunction(instance, invocation.target);
    result = await fn(...invocation.args);
  } catch (e) {
    // The runtime turns core traps into Trap; a bare WebAssembly.RuntimeError is a trap too.
    if (e instanceof Trap || (e instanceof Error && e.name === "RuntimeError")) {
      io.err(`witgen: trap: ${e.message}\n`);
      return 1;
    }
    if (e instanceof ComponentLinkError) throw new RunError(`cannot run ${options.component}: ${e.message}`);
    throw e;
  }
  if (invocation.result) io.out(printWave(result, invocation.result) + "\n");
  return 0;
}

async function load(file: string): Promise<CompiledComponent> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new RunError(
      `cannot read ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`,
    );
  }
  try {
    return await compileComponent(bytes);
  } catch (e) {
    throw new RunError(`${file}: ${(e as Error).message}`);
  }
}

/** One line per exported function: the name `--invoke` takes, then its WIT signature. */
export function listExports(doc: IrDocument): string {
  const fns = exportedFunctions(doc);
  if (fns.length === 0) return "(the component exports no functions)\n";
  return fns.map((e) => `${e.displayName}: ${signatureText(doc, e.func)}\n`).join("");
}

/**
 * Every import the host would have to supply, as WIT-like text: functions
 * with their signatures, resources (interface members by their extern path
 * `iface#name`, as the runtime names them).
 */
export function missingImports(doc: IrDocument): string[] {
  const out: string[] = [];
  for (const item of doc.worlds[doc.world].imports) {
    if (item.kind === "function") out.push(`${item.key}: ${signatureText(doc, item.function)}`);
    else if (item.kind === "type") {
      if (doc.types[item.type].def.kind === "resource") out.push(`${item.key}: resource`);
    } else {
      const iface = doc.interfaces[item.interface];
      for (const t of iface.types)
        if (doc.types[t.id].def.kind === "resource") out.push(`${item.key}#${t.name}: resource`);
      for (const f of iface.functions) out.push(`${item.key}#${f.name}: ${signatureText(doc, f)}`);
    }
  }
  return out;
}
