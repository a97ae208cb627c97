// Type-checks emitted files against the runtime's sources, in memory, with `strict` on (optionally stricter).
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Node, Project, ts, type SourceFile } from "ts-morph";
import type { EmittedFile } from "../../src/emit/index.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const runtimeSrc = join(repoRoot, "runtime/src");

/** Where things live in the in-memory file system. */
const RUNTIME_DIR = "/runtime/src";
const OUT_DIR = "/out";

export interface TypecheckOptions {
  /**
   * Libraries in scope, as `lib` names. Default: ES2023 + disposables + DOM, i.e. a user program
   * with web streams typed. Pass `["es2023", "esnext.disposable"]` to check without the DOM.
   */
  lib?: string[];
  /**
   * Also check with `exactOptionalPropertyTypes`, `noUncheckedIndexedAccess`,
   * `noPropertyAccessFromIndexSignature`, `noUnused*`, `verbatimModuleSyntax` and `isolatedModules`.
   */
  strictest?: boolean;
}

/** The strictest settings users turn on, so generated code is known to work for all of them. */
const STRICTEST = {
  noUnusedLocals: true,
  noUnusedParameters: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  noPropertyAccessFromIndexSignature: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
} as const;

let runtimeFiles: Map<string, string> | undefined;

function loadRuntimeSources(): Map<string, string> {
  if (runtimeFiles) return runtimeFiles;
  runtimeFiles = new Map();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts")) runtimeFiles!.set(`${RUNTIME_DIR}/${relative(runtimeSrc, full).split("\\").join("/")}`, readFileSync(full, "utf8"));
    }
  };
  walk(runtimeSrc);
  return runtimeFiles;
}

/** One project per option set, kept across calls: the libraries and runtime sources are parsed once. */
const projects = new Map<string, Project>();

function projectFor(options: TypecheckOptions): Project {
  const key = JSON.stringify([options.lib ?? null, options.strictest ?? false]);
  let project = projects.get(key);
  if (project) return project;
  project = new Project({
    useInMemoryFileSystem: true,
    compilerOptions: {
      strict: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: (options.lib ?? ["es2023", "esnext.disposable", "dom"]).map((l) => `lib.${l}.d.ts`),
      types: [],
      noEmit: true,
      skipLibCheck: true,
      ...(options.strictest ? STRICTEST : {}),
      paths: {
        "@witgen/runtime": [`${RUNTIME_DIR}/index.ts`],
        "@witgen/runtime/*": [`${RUNTIME_DIR}/*/index.ts`],
      },
    },
  });
  const fs = project.getFileSystem();
  fs.writeFileSync("/runtime/package.json", JSON.stringify({ type: "module" }));
  fs.writeFileSync(`${OUT_DIR}/package.json`, JSON.stringify({ type: "module" }));
  for (const [path, text] of loadRuntimeSources()) project.createSourceFile(path, text);
  projects.set(key, project);
  return project;
}

/** The project for `options` holding exactly `files` under the output directory. */
function createProject(files: EmittedFile[], options: TypecheckOptions): { project: Project; generated: SourceFile[] } {
  const project = projectFor(options);
  for (const stale of project.getSourceFiles(`${OUT_DIR}/**/*.ts`)) project.removeSourceFile(stale);
  const generated = files.map((f) => project.createSourceFile(`${OUT_DIR}/${f.path}`, f.contents, { overwrite: true }));
  return { project, generated };
}

/**
 * Diagnostics for `files` (an emission, paths relative to one output directory), each as
 * `path:line:col: message`; empty when they type-check. Only the emitted files are reported.
 */
export function typecheck(files: EmittedFile[], options: TypecheckOptions = {}): string[] {
  const { project, generated } = createProject(files, options);
  const program = project.getProgram().compilerObject;
  const problems: string[] = [];
  for (const sourceFile of generated) {
    const tsFile = program.getSourceFile(sourceFile.getFilePath())!;
    const diagnostics = [...program.getSyntacticDiagnostics(tsFile), ...program.getSemanticDiagnostics(tsFile)];
    for (const d of diagnostics) {
      const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      const at = where ? `${where.line + 1}:${where.character + 1}` : "?";
      const path = sourceFile.getFilePath().slice(OUT_DIR.length + 1);
      problems.push(`${path}:${at}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
    }
  }
  return problems;
}

/**
 * The exported declarations of `files`, one per line with their types, docs left out: a compact
 * view of the generated API for snapshot review.
 */
export function apiSummary(files: EmittedFile[]): string {
  const { generated } = createProject(files, {});
  const lines: string[] = [];
  for (const sourceFile of [...generated].sort((a, b) => a.getFilePath().localeCompare(b.getFilePath()))) {
    lines.push(`${sourceFile.getFilePath().slice(OUT_DIR.length + 1)}:`);
    const exported = [...sourceFile.getExportedDeclarations()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [name, declarations] of exported) {
      for (const declaration of declarations) lines.push(`  ${describe(name, declaration, sourceFile)}`);
    }
  }
  return lines.join("\n") + "\n";
}

function oneLine(text: string): string {
  return text
    .replace(/\/\*\*[\s\S]*?\*\//g, "")
    .replace(/\s+/g, " ")
    .replace(/([([]) /g, "$1")
    .replace(/,? ([)\]])/g, "$1")
    .replace(/ ;/g, ";")
    .trim();
}

function describe(name: string, node: Node, from: SourceFile): string {
  const origin = node.getSourceFile() === from ? "" : ` (from ${node.getSourceFile().getFilePath().replace(/^\/(out|runtime\/src)\//, "")})`;
  if (Node.isInterfaceDeclaration(node)) {
    const heritage = node.getExtends().map((e) => e.getText());
    const members = node.getMembers().map((m) => oneLine(m.getText()));
    return `interface ${name}${heritage.length ? ` extends ${heritage.join(", ")}` : ""} { ${members.join(" ")} }${origin}`;
  }
  if (Node.isTypeAliasDeclaration(node)) return `type ${name} = ${oneLine(node.getTypeNodeOrThrow().getText())}${origin}`;
  if (Node.isFunctionDeclaration(node)) {
    const params = node.getParameters().map((p) => oneLine(p.getText())).join(", ");
    return `function ${name}(${params}): ${oneLine(node.getReturnTypeNodeOrThrow().getText())}${origin}`;
  }
  if (Node.isVariableDeclaration(node)) return `const ${name}: ${oneLine(node.getTypeNode()?.getText() ?? node.getType().getText(node))}${origin}`;
  if (Node.isSourceFile(node)) return `namespace ${name} = ${node.getFilePath().replace(/^\/out\//, "")}`;
  return `${node.getKindName()} ${name}${origin}`;
}
