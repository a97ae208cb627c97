/** Explainer.md "Import and Export Definitions": `interfacename` = ns:pkg/iface@version. */

export interface InterfaceName {
  namespace: string;
  package: string;
  interface: string;
  version?: string;
}

/**
 * Parses `ns:pkg/iface@ver` (🪺 nested namespaces keep all but the last
 * `:`-segment in `namespace`). `versionSuffix` (🔗) is appended to a
 * canonical version to give the full one. Returns undefined for plain names.
 */
export function parseInterfaceName(name: string, versionSuffix?: string): InterfaceName | undefined {
  const atSign = name.indexOf("@");
  const path = atSign < 0 ? name : name.slice(0, atSign);
  const slash = path.indexOf("/");
  if (slash < 0) return undefined;
  const pkgPart = path.slice(0, slash);
  const colon = pkgPart.lastIndexOf(":");
  if (colon <= 0 || colon === pkgPart.length - 1) return undefined;
  const iface = path.slice(slash + 1);
  if (iface === "") return undefined;
  const out: InterfaceName = {
    namespace: pkgPart.slice(0, colon),
    package: pkgPart.slice(colon + 1),
    interface: iface,
  };
  if (atSign >= 0) out.version = name.slice(atSign + 1) + (versionSuffix ?? "");
  return out;
}

export type ResourceFunctionName =
  | { kind: "freestanding" }
  | { kind: "constructor"; resource: string }
  | { kind: "method" | "static"; resource: string; name: string };

/** `[constructor]r`, `[method]r.f`, `[static]r.f` (Explainer.md `plainname`). */
export function parseFunctionName(name: string): ResourceFunctionName {
  if (name.startsWith("[constructor]")) return { kind: "constructor", resource: name.slice("[constructor]".length) };
  for (const kind of ["method", "static"] as const) {
    const prefix = `[${kind}]`;
    if (name.startsWith(prefix)) {
      const rest = name.slice(prefix.length);
      const dot = rest.indexOf(".");
      if (dot > 0) return { kind, resource: rest.slice(0, dot), name: rest.slice(dot + 1) };
    }
  }
  return { kind: "freestanding" };
}
