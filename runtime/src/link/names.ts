/**
 * Host import lookup by extern name, including versioned interface names:
 * `ns:pkg/iface@1.2.3` is satisfied by that exact key, else by the
 * unversioned key `ns:pkg/iface`, else by a key with a semver-compatible
 * version (same major for >= 1; same major.minor for 0.x; same version for
 * 0.0.x and prereleases), the rule wit-component uses to unify imports.
 */

export function lookupImport(imports: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(imports, name)) return imports[name];
  const at = name.indexOf("@");
  if (at < 0) return undefined;
  const base = name.slice(0, at);
  if (Object.hasOwn(imports, base)) return imports[base];
  const want = name.slice(at + 1);
  for (const key of Object.keys(imports)) {
    if (key.startsWith(base + "@") && semverCompatible(key.slice(base.length + 1), want)) return imports[key];
  }
  return undefined;
}

interface Version {
  major: number;
  minor: number;
  patch: number;
  pre: string;
}

function parse(v: string): Version | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(v);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre: m[4] ?? "" };
}

export function semverCompatible(a: string, b: string): boolean {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return a === b;
  if (x.pre || y.pre) return a === b;
  if (x.major !== y.major) return false;
  if (x.major > 0) return true;
  if (x.minor !== y.minor) return false;
  if (x.minor > 0) return true;
  return x.patch === y.patch;
}
