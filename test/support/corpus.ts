/**
 * The WIT test corpus in `test/corpus/`: small, focused cases written for witgen.
 *
 * - `valid/<case>/`: a package directory (`*.wit`, optional `deps/<name>/*.wit` or
 *   `deps/<name>.wit`) and an optional `case.json` with {@link CaseOptions}.
 * - `invalid/<case>.wit` (or `invalid/<case>/` when deps are needed) and
 *   `invalid/<case>.expected`: the exact first line of our formatted error,
 *   `<path relative to test/corpus/invalid>:<line>:<col>: <message>`.
 *   Options for a file case live in `invalid/<case>.json`, for a directory case
 *   in `invalid/<case>/case.json`.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const corpusRoot = path.join(repoRoot, "test", "corpus");

export interface CaseOptions {
  /** World to select; default: the main package's only world. */
  world?: string;
  /** `@unstable` features to enable. */
  features?: string[];
  /** Enable every `@unstable` feature. */
  allFeatures?: boolean;
  /** Why the case exists, when the name does not say it all. */
  note?: string;
  /** `"skip: <reason>"` when jco 1.35 cannot be the reference for this case. */
  jco?: string;
}

export type CaseKind = "valid" | "invalid";

export interface CorpusCase {
  kind: CaseKind;
  name: string;
  /** Absolute path of the package directory or the single `.wit` file. */
  path: string;
  isDirectory: boolean;
  options: CaseOptions;
  /**
   * Prefix that turns a path relative to `path` (what the front end puts in
   * spans and errors: relative to the directory given, or the file's own name
   * for a single file) into a path relative to `test/corpus/invalid`.
   */
  errorPathPrefix: string;
  /** Invalid cases: the expected first line of `WitError.format()`. */
  expected?: string;
  /** Why jco is not consulted for this case (from `options.jco`). */
  jcoSkip?: string;
  /** Every file of the case (relative to `path`, or the file name), sorted; case.json included. */
  files: string[];
}

const OPTION_KEYS = new Set(["world", "features", "allFeatures", "note", "jco"]);

function readOptions(file: string): CaseOptions {
  if (!existsSync(file)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`${file}: invalid JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${file}: expected a JSON object`);
  }
  for (const key of Object.keys(parsed)) {
    if (!OPTION_KEYS.has(key)) throw new Error(`${file}: unknown option \`${key}\``);
  }
  const o = parsed as Record<string, unknown>;
  if (o.world !== undefined && typeof o.world !== "string") throw new Error(`${file}: \`world\` must be a string`);
  if (o.features !== undefined && !(Array.isArray(o.features) && o.features.every((f) => typeof f === "string"))) {
    throw new Error(`${file}: \`features\` must be an array of strings`);
  }
  if (o.allFeatures !== undefined && typeof o.allFeatures !== "boolean") {
    throw new Error(`${file}: \`allFeatures\` must be a boolean`);
  }
  if (o.jco !== undefined && !(typeof o.jco === "string" && o.jco.startsWith("skip: "))) {
    throw new Error(`${file}: \`jco\` must be "skip: <reason>"`);
  }
  return parsed as CaseOptions;
}

function listFiles(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const abs = path.join(dir, entry);
    const rel = prefix ? `${prefix}/${entry}` : entry;
    if (statSync(abs).isDirectory()) out.push(...listFiles(abs, rel));
    else out.push(rel);
  }
  return out;
}

function makeCase(kind: CaseKind, name: string, casePath: string, optionsFile: string): CorpusCase {
  const isDirectory = statSync(casePath).isDirectory();
  const options = readOptions(optionsFile);
  const files = isDirectory ? listFiles(casePath) : [path.basename(casePath)];
  if (!files.some((f) => f.endsWith(".wit"))) throw new Error(`${casePath}: corpus case without .wit files`);
  const c: CorpusCase = {
    kind,
    name,
    path: casePath,
    isDirectory,
    options,
    errorPathPrefix: isDirectory ? `${name}/` : "",
    files,
  };
  if (options.jco) c.jcoSkip = options.jco.slice("skip: ".length);
  return c;
}

/** The valid cases, sorted by name. */
export function validCases(): CorpusCase[] {
  const dir = path.join(corpusRoot, "valid");
  return readdirSync(dir)
    .sort()
    .map((name) => {
      const casePath = path.join(dir, name);
      if (!statSync(casePath).isDirectory()) throw new Error(`${casePath}: a valid case must be a directory`);
      return makeCase("valid", name, casePath, path.join(casePath, "case.json"));
    });
}

/** The invalid cases, sorted by name; each has its `.expected` line. */
export function invalidCases(): CorpusCase[] {
  const dir = path.join(corpusRoot, "invalid");
  const entries = readdirSync(dir).sort();
  const cases: CorpusCase[] = [];
  for (const entry of entries) {
    if (entry.endsWith(".expected") || entry.endsWith(".json")) continue;
    const casePath = path.join(dir, entry);
    const isDirectory = statSync(casePath).isDirectory();
    if (!isDirectory && !entry.endsWith(".wit")) throw new Error(`${casePath}: unexpected file in the invalid corpus`);
    const name = isDirectory ? entry : entry.slice(0, -".wit".length);
    const optionsFile = isDirectory ? path.join(casePath, "case.json") : path.join(dir, `${name}.json`);
    const c = makeCase("invalid", name, casePath, optionsFile);
    const expectedFile = path.join(dir, `${name}.expected`);
    if (!existsSync(expectedFile)) throw new Error(`${casePath}: missing ${name}.expected`);
    const lines = readFileSync(expectedFile, "utf8").split("\n").filter((l) => l !== "");
    if (lines.length !== 1) throw new Error(`${expectedFile}: expected exactly one line`);
    c.expected = lines[0];
    if (!isDirectory && existsSync(optionsFile)) c.files.push(path.basename(optionsFile));
    cases.push(c);
  }
  for (const entry of entries) {
    if (!entry.endsWith(".expected")) continue;
    const name = entry.slice(0, -".expected".length);
    if (!cases.some((c) => c.name === name)) throw new Error(`${path.join(dir, entry)}: no case named \`${name}\``);
  }
  return cases;
}

export function allCases(): CorpusCase[] {
  return [...validCases(), ...invalidCases()];
}

/** Absolute path of one of `c.files`. */
function fileOf(c: CorpusCase, rel: string): string {
  if (c.isDirectory) return path.join(c.path, rel);
  return path.join(path.dirname(c.path), rel);
}

/** sha256 over the case's kind, name, options, file names and contents: the cache key for jco results. */
export function caseDigest(c: CorpusCase): string {
  const h = createHash("sha256");
  h.update(`${c.kind}\0${c.name}\0${JSON.stringify(c.options)}\0`);
  for (const rel of c.files) {
    h.update(`${rel}\0`);
    h.update(readFileSync(fileOf(c, rel)));
    h.update("\0");
  }
  return h.digest("hex");
}

/**
 * A valid case that lives outside the corpus (e.g. the WASI 0.3.0 packages):
 * `name` must be unique among cases; `dir` is a package directory.
 */
export function externalValidCase(name: string, dir: string, options: CaseOptions = {}): CorpusCase {
  return {
    kind: "valid",
    name,
    path: dir,
    isDirectory: true,
    options,
    errorPathPrefix: "",
    files: listFiles(dir).filter((f) => f.endsWith(".wit")),
  };
}
