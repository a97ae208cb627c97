import { readFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { WitError } from "../wit/index.js";
import { runGenerate } from "./generate-command.js";
import { runIr } from "./ir-command.js";
import { runRun } from "./run-command.js";
import type { CliIo } from "./io.js";

export const DEFAULT_WIT_PATH = "wit";
export const DEFAULT_OUT_DIR = "generated";

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  return pkg.version as string;
}

function addWorldOptions(cmd: Command): Command {
  return cmd
    .argument("[wit-path]", "a .wit file, a package directory (with deps/), or a component binary (.wasm)", DEFAULT_WIT_PATH)
    .option("-w, --world <name>", "world of the main package (`command`) or qualified (`wasi:cli/command@0.3.0`)")
    .option("--features <list>", "comma-separated @unstable features to enable", (v) =>
      v.split(",").map((s) => s.trim()).filter(Boolean),
    )
    .option("--all-features", "enable every @unstable feature");
}

function addEmitOptions(cmd: Command): Command {
  return cmd
    .option("-o, --out <dir>", "output directory", DEFAULT_OUT_DIR)
    .option("--check", "write nothing; exit 1 with a diff if the files on disk differ from what would be generated")
    .addOption(
      new Option("--results <style>", "top-level result<T, E>: throw ComponentError, or return a Result union")
        .choices(["throw", "union"])
        .default("throw"),
    );
}

/** Runs the CLI; returns the process exit code. Never throws for user errors. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const program = new Command("witgen")
    .description("TypeScript bindings for WebAssembly components, from WIT")
    .version(version(), "-V, --version")
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  let action: Promise<number> = Promise.resolve(0);
  for (const [mode, summary, isDefault] of [
    ["host", "types + what an embedder implements (imports) and calls (exports)", true],
    ["guest", "types + what a component author implements (exports) and calls (imports)", false],
    ["types", "the world's types only", false],
  ] as const) {
    const cmd = addEmitOptions(addWorldOptions(program.command(mode, { isDefault }).description(summary)));
    if (mode === "host")
      cmd.option("--jspi", "bindings for instantiate(..., { jspi: true }): exports return promises, imports may (Node >= 24)");
    cmd.exitOverride().action((witPath: string, opts) => {
      action = runGenerate({ mode, witPath, ...opts }, io);
    });
  }
  const ir = addWorldOptions(program.command("ir").description("print the resolved world's IR as JSON"));
  ir.exitOverride().action((witPath: string, opts) => {
    action = runIr({ witPath, ...opts }, io);
  });

  const run = program
    .command("run")
    .description("call an export of a component with WAVE arguments and print the result in WAVE")
    .argument("<component>", "a component binary (.wasm)")
    .option("--invoke <call>", `the call, e.g. 'greet("World")' or 'ns:pkg/iface.func(1, 2)'`)
    .option("--list", "print the exported functions with their WIT signatures");
  run.exitOverride().action((component: string, opts: { invoke?: string; list?: boolean }) => {
    action = runRun({ component, ...opts }, io);
  });

  try {
    await program.parseAsync(argv, { from: "user" });
    return await action;
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // --help and --version exit through here with code 0; usage errors were already printed.
    return error.exitCode;
  }
  if (error instanceof WitError) {
    io.err(error.format() + "\n");
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.err(`witgen: ${message}\n`);
  return 1;
}

function processIo(): CliIo {
  return {
    out: (s) => void process.stdout.write(s),
    err: (s) => void process.stderr.write(s),
  };
}
