import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative, sep } from "node:path";
import type * as A from "./ast.js";
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

/** Loads a `.wit` file or a package directory with its `deps/` (WIT.md "Filesystem structure"). */
export function loadPath(path: string): LoadedSources {
  const map = new SourceMap();
  const units: PackageUnit[] = [];
  const st = statSync(path);
  let main: number;
  if (st.isDirectory()) {
    main = pushGroup(map, units, witFilesOf(path).map((f) => ({ abs: f, rel: toPosix(relative(path, f)) })));
    const depsDir = join(path, "deps");
    let entries: string[] = [];
    try {
      if (statSync(depsDir).isDirectory()) entries = readdirSync(depsDir).sort();
    } catch {
      entries = [];
    }
    for (const entry of entries) {
      const abs = join(depsDir, entry);
      const est = statSync(abs);
      if (est.isDirectory()) {
        const files = witFilesOf(abs);
        if (files.length > 0) pushGroup(map, units, files.map((f) => ({ abs: f, rel: toPosix(relative(path, f)) })));
      } else if (entry.endsWith(".wit")) {
        pushGroup(map, units, [{ abs, rel: toPosix(relative(path, abs)) }], true);
      }
    }
  } else {
    main = pushGroup(map, units, [{ abs: path, rel: basename(path) }]);
  }
  return { map, units, main };
}

/** One in-memory file (it may hold nested packages). */
export function loadSource(source: string, fileName: string): LoadedSources {
  const map = new SourceMap();
  const units: PackageUnit[] = [];
  const main = pushParsed(map, units, [parseFile(map.add(fileName, source), map)]);
  return { map, units, main };
}

function witFilesOf(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith(".wit"))
    .sort()
    .map((n) => join(dir, n))
    .filter((f) => statSync(f).isFile());
}

function toPosix(p: string): string {
  return sep === "/" ? p : p.split(sep).join("/");
}

function pushGroup(map: SourceMap, units: PackageUnit[], files: { abs: string; rel: string }[], depFile = false): number {
  const asts = files.map((f) => parseFile(map.add(f.rel, readFileSync(f.abs, "utf8")), map));
  return pushParsed(map, units, asts, depFile);
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
          throw map.error(f.package.ref.pos, `package \`${cur}\` does not match package \`${prev}\` declared by another file of this package`);
        }
        // WIT.md: at most one `package` declaration of a package may carry docs.
        if (f.package.docs && decl.docs) throw map.error(f.package.docs.pos, "found doc comments on multiple 'package' items");
        if (f.package.docs) decl = { ...decl, docs: f.package.docs };
      } else decl = f.package;
    }
    const own: A.PackageItem[] = [];
    for (const item of f.items) {
      if (item.kind === "package") {
        for (const inner of item.items) {
          if (inner.kind === "package") throw map.error(inner.decl.ref.pos, "nested packages must be placed at the top-level");
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
      depFile ? "a dependency file must start with a `package` declaration" : "no file of this package declares its name with `package`",
    );
  }
  units.push({ decl, members });
  return units.length - 1;
}

export function refKey(ref: A.PackageRef): string {
  return `${ref.namespace}:${ref.name}${ref.version ? "@" + ref.version : ""}`;
}
