import type { Stability } from "@witgen/runtime/ir";
import type * as A from "../ast.js";
import type { SourceMap } from "../source-map.js";

/** Reads `@since` / `@unstable` / `@deprecated` (WIT.md "Feature Gates"). */
export function readStability(attrs: A.Attribute[], map: SourceMap): Stability {
  let since: A.Attribute | undefined;
  let unstable: A.Attribute | undefined;
  let deprecated: A.Attribute | undefined;
  for (const a of attrs) {
    if (a.kind === "since") {
      if (since) throw map.error(a.pos, "`@since` is given twice");
      since = a;
    } else if (a.kind === "unstable") {
      if (unstable) throw map.error(a.pos, "`@unstable` is given twice");
      unstable = a;
    } else if (a.kind === "deprecated") {
      if (deprecated) throw map.error(a.pos, "`@deprecated` is given twice");
      deprecated = a;
    }
  }
  const dep = deprecated?.kind === "deprecated" ? { deprecated: deprecated.version } : {};
  // WIT.md "Rules for feature gate usage": `@since` xor `@unstable`; `@deprecated` needs one of them.
  if (since && unstable)
    throw map.error(Math.max(since.pos, unstable.pos), "`@since` and `@unstable` cannot both gate one item");
  if (since?.kind === "since") return { kind: "stable", since: since.version, ...dep };
  if (unstable?.kind === "unstable") return { kind: "unstable", feature: unstable.feature, ...dep };
  if (deprecated)
    throw map.error(deprecated.pos, "`@deprecated` needs a `@since` or `@unstable` gate on the same item");
  return { kind: "unknown" };
}

export function readExternalId(attrs: A.Attribute[], map: SourceMap): string | undefined {
  let value: string | undefined;
  let seen = false;
  for (const a of attrs) {
    if (a.kind !== "external-id") continue;
    if (seen) throw map.error(a.pos, "`@external-id` is given twice");
    seen = true;
    value = a.value;
  }
  return value;
}

export interface GateOptions {
  features: ReadonlySet<string>;
  allFeatures: boolean;
}

/**
 * Whether a gated item is part of the resolved packages. `@since` items are
 * always in, but only in a versioned package and not newer than it;
 * `@unstable` ones only when their feature is enabled.
 */
export function isIncluded(
  stability: Stability,
  attrs: A.Attribute[],
  pkgName: string,
  pkgVersion: string | undefined,
  gates: GateOptions,
  map: SourceMap,
): boolean {
  switch (stability.kind) {
    case "unknown":
      return true;
    case "stable": {
      const since = attrs.find((a) => a.kind === "since");
      const pos = since?.pos ?? 0;
      // WIT.md "Rules for feature gate usage": a package with gates must have a version.
      if (pkgVersion === undefined) {
        throw map.error(pos, `\`@since\` needs a package version, but package \`${pkgName}\` has none`);
      }
      if (compareSemver(stability.since, pkgVersion) > 0) {
        throw map.error(
          since?.kind === "since" ? since.versionPos : pos,
          `\`@since\` version ${stability.since} is newer than package version ${pkgVersion}`,
        );
      }
      return true;
    }
    case "unstable":
      return gates.allFeatures || gates.features.has(stability.feature);
  }
}

const semverCache = new Map<string, number>();

/** Semver precedence (semver.org §11); build metadata is ignored. */
export function compareSemver(a: string, b: string): number {
  const key = a + " " + b;
  let r = semverCache.get(key);
  if (r === undefined) {
    r = compareSemverUncached(a, b);
    if (semverCache.size < 10_000) semverCache.set(key, r);
  }
  return r;
}

function compareSemverUncached(a: string, b: string): number {
  const split = (v: string) => {
    const noBuild = v.split("+")[0];
    const dash = noBuild.indexOf("-");
    const core = (dash < 0 ? noBuild : noBuild.slice(0, dash)).split(".").map(Number);
    const pre = dash < 0 ? [] : noBuild.slice(dash + 1).split(".");
    return { core, pre };
  };
  const x = split(a);
  const y = split(b);
  for (let i = 0; i < 3; i++) if (x.core[i] !== y.core[i]) return x.core[i] < y.core[i] ? -1 : 1;
  if (x.pre.length === 0 || y.pre.length === 0) return y.pre.length - x.pre.length;
  for (let i = 0; i < Math.min(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i];
    const q = y.pre[i];
    if (p === q) continue;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn) return Number(p) < Number(q) ? -1 : 1;
    if (pn !== qn) return pn ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return x.pre.length - y.pre.length;
}

/** Strips doc comment markers and common indentation, as the reference parser does. */
export function docsText(docs: A.Docs | undefined): string | undefined {
  if (!docs || docs.lines.length === 0) return undefined;
  const units: string[] = [];
  for (const raw of docs.lines) {
    if (raw.startsWith("/**")) units.push(blockCommentBody(raw));
    else {
      let i = 0;
      while (raw.charCodeAt(i) === 47) i++;
      units.push(raw.slice(i).trimEnd());
    }
  }
  // The smallest indentation of a non-empty comment is removed from all of them.
  let min = Infinity;
  for (const u of units) {
    if (u.length === 0) continue;
    let ws = 0;
    while (ws < u.length && isSpace(u.charCodeAt(ws))) ws++;
    if (ws < min) min = ws;
  }
  const pad = min === Infinity ? "" : " ".repeat(min);
  let out = "";
  for (const u of units) {
    const body = pad && u.startsWith(pad) ? u.slice(pad.length) : u;
    if (body.length === 0) out += "\n";
    else for (const line of body.split(/\r?\n/)) out += line + "\n";
  }
  let end = out.length;
  while (end > 0 && out.charCodeAt(end - 1) === 10) end--;
  return out.slice(0, end);
}

/**
 * The text of a `/** ... *\/` comment: a multi-line block written in the usual
 * style (each line starting with `*`) loses those gutters, and the blank first
 * and last lines go, so docs read the same whichever comment style wrote them.
 */
function blockCommentBody(raw: string): string {
  const lines = raw.slice(3, raw.length - 2).split(/\r?\n/);
  const rest = lines.slice(1).filter((l) => l.trim().length > 0);
  if (rest.length > 0 && rest.every((l) => /^\s*\*/.test(l))) {
    for (let i = 1; i < lines.length; i++) lines[i] = lines[i].replace(/^\s*\*(?: |$)?/, "");
  }
  while (lines.length > 1 && lines[0].trim() === "") lines.shift();
  while (lines.length > 1 && lines[lines.length - 1].trim() === "") lines.pop();
  return lines.map((l) => l.trimEnd()).join("\n");
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12;
}
