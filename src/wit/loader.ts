import { type Dirent, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative, sep } from "node:path";
import type * as A from "./ast.js";
import { WitError } from "./error.js";
import { parseFile } from "./parser.js";
import { SourceMap } from "./source-map.js";

/** The files (or nested-package blocks) that make up one package. */
export interface PackageUnit {
  decl: A.PackageDecl;
  /** Each member keeps its file so top-level `use` stays file-scoped. */
  members: { file: string; items: A.PackageItem[] }[];
}

export interface LoadedSources {
  map: SourceMap;
  /** Every package found: nested blocks first, then their file's package (like the reference parser). */
  units: PackageUnit[];
  /** Index into `units` of the root package. */
  main: number;
}

/** The text of one package's files, before parsing. */
export interface SourceGroup {
  files: { name: string; text: string }[];
  /** A single `deps/x.wit` file, which must name its package. */
  depFile: boolean;
}

/** Loads a `.wit` file or a package directory with its `deps/` (WIT.md "Filesystem structure"). */
export function loadPath(path: string): LoadedSources {
  return parseGroups(readPath(path));
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Reads the files of a path: the root package's group first, then one group per dependency. */
export function readPath(path: string): SourceGroup[] {
  try {
    return readPathUnchecked(path);
  } catch (e) {
    if (e instanceof WitError) throw e;
    // Filesystem trouble (missing path, permissions) reported like any other input error.
    const err = e as NodeJS.ErrnoException;
    const where = err.path ? relative(path, err.path) || basename(path) : basename(path);
    const why =
      err.code === "ENOENT" ? "no such file or directory" : err.code === "EACCES" ? "permission denied" : err.message;
    throw new WitError(toPosix(where), 1, 1, `cannot read \`${toPosix(where)}\`: ${why}`);
  }
}

function readPathUnchecked(path: string): SourceGroup[] {
  const groups: SourceGroup[] = [];
  const read = (abs: string, rel: string) => {
    let text: string;
    try {
      text = utf8.decode(readFileSync(abs));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ERR_ENCODING_INVALID_ENCODED_DATA") throw e;
      // WIT.md "Lexical structure": files are UTF-8.
      throw new WitError(rel, 1, 1, "the file is not valid UTF-8");
    }
    return { name: rel, text };
  };
  if (!statSync(path).isDirectory()) {
    groups.push({ files: [read(path, basename(path))], depFile: false });
    return groups;
  }
  const rootFiles = witFilesOf(path);
  if (rootFiles.length === 0) throw new WitError(".", 1, 1, "the directory holds no `.wit` files");
  groups.push({ files: rootFiles.map((f) => read(f, toPosix(relative(path, f)))), depFile: false });
  const depsDir = join(path, "deps");
  let entries: Dirent[] = [];
  try {
    entries = readdirSync(depsDir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
  } catch {
    entries = []; // no deps/ directory
  }
  for (const ent of entries) {
    const abs = join(depsDir, ent.name);
    if (isDir(ent, abs)) {
      const files = witFilesOf(abs);
      if (files.length > 0)
        groups.push({ files: files.map((f) => read(f, toPosix(relative(path, f)))), depFile: false });
    } else if (ent.name.endsWith(".wit") && isFile(ent, abs)) {
      groups.push({ files: [read(abs, toPosix(relative(path, abs)))], depFile: true });
    }
  }
  return groups;
}

/** Parses read groups; the first group is the root package. */
export function parseGroups(groups: SourceGroup[]): LoadedSources {
  const map = new SourceMap();
  const units: PackageUnit[] = [];
  let main = -1;
  groups.forEach((g, i) => {
    const asts = g.files.map((f) => parseFile(map.add(f.name, f.text), map));
    const unit = pushParsed(map, units, asts, g.depFile);
    if (i === 0) main = unit;
  });
  return { map, units, main };
}

/** One in-memory file (it may hold nested packages). */
export function loadSource(source: string, fileName: string): LoadedSources {
  return parseGroups([{ files: [{ name: fileName, text: source }], depFile: false }]);
}

function witFilesOf(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.name.endsWith(".wit") && isFile(e, join(dir, e.name)))
    .map((e) => e.name)
    .sort()
    .map((n) => join(dir, n));
}

/** Symlinks are followed, like the reference loader does through the filesystem. */
function isDir(e: Dirent, abs: string): boolean {
  return e.isDirectory() || (e.isSymbolicLink() && statSync(abs).isDirectory());
}
function isFile(e: Dirent, abs: string): boolean {
  return e.isFile() || (e.isSymbolicLink() && statSync(abs).isFile());
}

function toPosix(p: string): string {
  return sep === "/" ? p : p.split(sep).join("/");
}

/**
 * Groups parsed files into packages: all files of a group form one package
 * (they must agree on its name), each nested `package x:y { ... }` is its own.
 */
function pushParsed(map: SourceMap, units: PackageUnit[], files: A.FileAst[], depFile = false): number {
  let decl: A.PackageDecl | undefined;
  const members: PackageUnit["members"] = [];
  for (const f of files) {
    if (f.package) {
      if (decl) {
        const cur = refKey(f.package.ref);
        const prev = refKey(decl.ref);
        if (cur !== prev) {
          throw map.error(
            f.package.ref.pos,
            `package \`${cur}\` does not match package \`${prev}\` declared by another file of this package`,
          );
        }
        // WIT.md: at most one `package` declaration of a package may carry docs.
        if (f.package.docs && decl.docs)
          throw map.error(f.package.docs.pos, "found doc comments on multiple 'package' items");
        if (f.package.docs) decl = { ...decl, docs: f.package.docs };
      } else decl = f.package;
    }
    const own: A.PackageItem[] = [];
    for (const item of f.items) {
      if (item.kind === "package") {
        for (const inner of item.items) {
          if (inner.kind === "package")
            throw map.error(inner.decl.ref.pos, "nested packages must be placed at the top-level");
        }
        units.push({ decl: item.decl, members: [{ file: f.file, items: item.items }] });
      } else own.push(item);
    }
    members.push({ file: f.file, items: own });
  }
  if (!decl) {
    const first = map.files[map.files.length - files.length];
    // WIT.md "Package Names": at least one file must name the package.
    throw map.error(
      first ? first.base : 0,
      depFile
        ? "a dependency file must start with a `package` declaration"
        : "no file of this package declares its name with `package`",
    );
  }
  units.push({ decl, members });
  return units.length - 1;
}

export function refKey(ref: A.PackageRef): string {
  return `${ref.namespace}:${ref.name}${ref.version ? "@" + ref.version : ""}`;
}
