/**
 * Prints what an IrDocument's world means, independent of arena order and of
 * what a component binary cannot carry (docs, spans, gates): two producers
 * agree on a world exactly when their canonical texts are equal.
 */
import type { IrDocument, IrFunction, IrType, IrTypeDef, IrWorldItem } from "@witgen/runtime/ir";

export function canonicalWorld(doc: IrDocument): string {
  const out: string[] = [];
  const live = liveTypes(doc);
  const typeName = (id: number): string => {
    const t = doc.types[id];
    return `${ownerName(doc, t)}.${t.name}`;
  };
  const ty = (t: IrType): string => {
    switch (t.kind) {
      case "named":
        return typeName(t.id);
      case "own":
      case "borrow":
        return `${t.kind}<${typeName(t.resource)}>`;
      case "list":
        return t.length === undefined ? `list<${ty(t.element)}>` : `list<${ty(t.element)}, ${t.length}>`;
      case "option":
        return `option<${ty(t.some)}>`;
      case "result":
        return `result<${t.ok ? ty(t.ok) : "_"}, ${t.err ? ty(t.err) : "_"}>`;
      case "tuple":
        return `tuple<${t.types.map(ty).join(", ")}>`;
      case "map":
        return `map<${ty(t.key)}, ${ty(t.value)}>`;
      case "future":
      case "stream":
        return t.element ? `${t.kind}<${ty(t.element)}>` : t.kind;
      default:
        return t.kind;
    }
  };
  const def = (t: IrTypeDef): string => {
    const d = t.def;
    switch (d.kind) {
      case "alias":
        return `= ${ty(d.target)}`;
      case "record":
        return `record { ${d.fields.map((f) => `${f.name}: ${ty(f.type)}`).join(", ")} }`;
      case "variant":
        return `variant { ${d.cases.map((c) => (c.type ? `${c.name}(${ty(c.type)})` : c.name)).join(", ")} }`;
      case "enum":
        return `enum { ${d.cases.map((c) => c.name).join(", ")} }`;
      case "flags":
        return `flags { ${d.flags.map((c) => c.name).join(", ")} }`;
      case "resource":
        return "resource";
    }
  };
  const fn = (f: IrFunction): string => {
    const kind = f.kind.kind === "freestanding" ? "" : ` (${f.kind.kind} of ${typeName(f.kind.resource)})`;
    const params = f.params.map((p) => `${p.name}: ${ty(p.type)}`).join(", ");
    return `${f.name}: ${f.async ? "async " : ""}func(${params})${f.result ? ` -> ${ty(f.result)}` : ""}${kind}`;
  };
  const item = (dir: string, it: IrWorldItem) => {
    switch (it.kind) {
      case "interface": {
        const iface = doc.interfaces[it.interface];
        // An encoder may drop an interface nothing reaches (no functions, no used types).
        if (iface.functions.length === 0 && !iface.types.some((t) => live.has(t.id))) break;
        out.push(
          `${dir} ${it.key}${it.implements ? ` implements ${it.implements}` : ""} (interface ${iface.name ?? "<inline>"})`,
        );
        // Type order inside an instance is the encoder's choice, so compare as a set.
        // Binaries carry only types that functions reach, so unused ones are left out.
        const types = iface.types.filter((t) => live.has(t.id)).map((t) => `  type ${t.name} ${def(doc.types[t.id])}`);
        out.push(...types.sort());
        out.push(...iface.functions.map((f) => `  ${fn(f)}`).sort());
        break;
      }
      case "function":
        out.push(`${dir} ${it.key}: ${fn(it.function)}`);
        break;
      case "type":
        out.push(`${dir} type ${it.key} ${def(doc.types[it.type])}`);
        break;
    }
  };
  const w = doc.worlds[doc.world];
  for (const it of w.imports) item("import", it);
  for (const it of w.exports) item("export", it);
  return out.join("\n");
}

/** Types reachable from any function or world-level type of the world. */
function liveTypes(doc: IrDocument): Set<number> {
  const live = new Set<number>();
  const visitType = (t: IrType): void => {
    switch (t.kind) {
      case "named":
        visitDef(t.id);
        break;
      case "own":
      case "borrow":
        visitDef(t.resource);
        break;
      case "list":
        visitType(t.element);
        break;
      case "option":
        visitType(t.some);
        break;
      case "result":
        if (t.ok) visitType(t.ok);
        if (t.err) visitType(t.err);
        break;
      case "tuple":
        t.types.forEach(visitType);
        break;
      case "map":
        visitType(t.key);
        visitType(t.value);
        break;
      case "future":
      case "stream":
        if (t.element) visitType(t.element);
        break;
      default:
        break;
    }
  };
  const visitDef = (id: number): void => {
    if (live.has(id)) return;
    live.add(id);
    const d = doc.types[id].def;
    if (d.kind === "alias") visitType(d.target);
    else if (d.kind === "record") d.fields.forEach((f) => visitType(f.type));
    else if (d.kind === "variant") d.cases.forEach((c) => c.type && visitType(c.type));
  };
  const visitFn = (f: IrFunction): void => {
    if (f.kind.kind !== "freestanding") visitDef(f.kind.resource);
    f.params.forEach((p) => visitType(p.type));
    if (f.result) visitType(f.result);
  };
  const w = doc.worlds[doc.world];
  for (const it of [...w.imports, ...w.exports]) {
    if (it.kind === "function") visitFn(it.function);
    else if (it.kind === "type") visitDef(it.type);
    else doc.interfaces[it.interface].functions.forEach(visitFn);
  }
  return live;
}

function ownerName(doc: IrDocument, t: IrTypeDef): string {
  if (t.owner.kind === "world") return "world";
  const iface = doc.interfaces[t.owner.id];
  if (iface.name === undefined || iface.package === undefined) return `<inline#${t.owner.id}>`;
  const p = doc.packages[iface.package];
  return `${p.namespace}:${p.name}/${iface.name}${p.version ? "@" + p.version : ""}`;
}
