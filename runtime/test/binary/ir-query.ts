/** Test helpers to look things up in an IrDocument and print types as WIT. */
import type { IrDocument, IrFunction, IrInterface, IrType, IrTypeDef, IrWorldItem } from "@witgen/runtime/ir";

export function worldItem(doc: IrDocument, dir: "imports" | "exports", key: string): IrWorldItem {
  const item = doc.worlds[doc.world][dir].find((i) => i.key === key);
  if (!item) throw new Error(`no ${dir} item ${key}; have ${doc.worlds[doc.world][dir].map((i) => i.key).join(", ")}`);
  return item;
}

export function iface(doc: IrDocument, dir: "imports" | "exports", key: string): IrInterface {
  const item = worldItem(doc, dir, key);
  if (item.kind !== "interface") throw new Error(`${key} is a ${item.kind}`);
  return doc.interfaces[item.interface];
}

export function fn(i: IrInterface, name: string): IrFunction {
  const f = i.functions.find((f) => f.name === name);
  if (!f) throw new Error(`no function ${name}; have ${i.functions.map((f) => f.name).join(", ")}`);
  return f;
}

export function typedef(doc: IrDocument, i: IrInterface, name: string): IrTypeDef {
  const t = i.types.find((t) => t.name === name);
  if (!t) throw new Error(`no type ${name}; have ${i.types.map((t) => t.name).join(", ")}`);
  return doc.types[t.id];
}

/** Follows alias typedefs to the defining one. */
export function dealias(doc: IrDocument, id: number): IrTypeDef {
  let t = doc.types[id];
  for (let i = 0; t.def.kind === "alias" && t.def.target.kind === "named" && i < 100; i++)
    t = doc.types[t.def.target.id];
  return t;
}

/** WIT spelling of a type use (`own<r>` printed as `r`, as in WIT). */
export function wit(doc: IrDocument, t: IrType | undefined): string {
  if (!t) return "_";
  switch (t.kind) {
    case "named":
      return doc.types[t.id].name;
    case "list":
      return t.length === undefined ? `list<${wit(doc, t.element)}>` : `list<${wit(doc, t.element)}, ${t.length}>`;
    case "option":
      return `option<${wit(doc, t.some)}>`;
    case "result":
      return t.ok || t.err ? `result<${wit(doc, t.ok)}${t.err ? `, ${wit(doc, t.err)}` : ""}>` : "result";
    case "tuple":
      return `tuple<${t.types.map((x) => wit(doc, x)).join(", ")}>`;
    case "map":
      return `map<${wit(doc, t.key)}, ${wit(doc, t.value)}>`;
    case "own":
      return doc.types[t.resource].name;
    case "borrow":
      return `borrow<${doc.types[t.resource].name}>`;
    case "stream":
    case "future":
      return t.element ? `${t.kind}<${wit(doc, t.element)}>` : t.kind;
    default:
      return t.kind;
  }
}

/** `async func(a: T) -> R` */
export function signature(doc: IrDocument, f: IrFunction): string {
  const params = f.params.map((p) => `${p.name}: ${wit(doc, p.type)}`).join(", ");
  return `${f.async ? "async " : ""}func(${params})${f.result ? ` -> ${wit(doc, f.result)}` : ""}`;
}

/**
 * Problems with the document's references: ids out of range, handles or
 * resource functions not reaching a resource, typedefs not listed by their
 * owner, alias cycles. Empty when well-formed.
 */
export function wellFormed(doc: IrDocument): string[] {
  const problems: string[] = [];
  const isResource = (id: number) => id >= 0 && id < doc.types.length && dealias(doc, id).def.kind === "resource";
  const checkType = (t: IrType | undefined, where: string): void => {
    if (!t) return;
    switch (t.kind) {
      case "named":
        if (!(t.id >= 0 && t.id < doc.types.length)) problems.push(`${where}: type id ${t.id} out of range`);
        return;
      case "own":
      case "borrow":
        if (!isResource(t.resource)) problems.push(`${where}: ${t.kind} of non-resource ${t.resource}`);
        return;
      case "list":
        return checkType(t.element, where);
      case "option":
        return checkType(t.some, where);
      case "result":
        checkType(t.ok, where);
        return checkType(t.err, where);
      case "tuple":
        return t.types.forEach((x) => checkType(x, where));
      case "map":
        checkType(t.key, where);
        return checkType(t.value, where);
      case "stream":
      case "future":
        return checkType(t.element, where);
    }
  };
  const checkFn = (f: IrFunction, where: string) => {
    if (f.kind.kind !== "freestanding" && !isResource(f.kind.resource))
      problems.push(`${where}.${f.name}: kind names a non-resource`);
    f.params.forEach((p) => checkType(p.type, `${where}.${f.name}(${p.name})`));
    checkType(f.result, `${where}.${f.name} result`);
  };
  doc.types.forEach((t, i) => {
    if (t.id !== i) problems.push(`type ${i} has id ${t.id}`);
    const seen = new Set<number>();
    for (let cur = t; cur.def.kind === "alias" && cur.def.target.kind === "named"; cur = doc.types[cur.def.target.id]) {
      if (seen.has(cur.id)) {
        problems.push(`alias cycle at ${t.name}`);
        break;
      }
      seen.add(cur.id);
    }
    const def = t.def;
    if (def.kind === "alias") checkType(def.target, `type ${t.name}`);
    if (def.kind === "record") def.fields.forEach((f) => checkType(f.type, `${t.name}.${f.name}`));
    if (def.kind === "variant") def.cases.forEach((c) => checkType(c.type, `${t.name}.${c.name}`));
    const owner = t.owner.kind === "interface" ? doc.interfaces[t.owner.id] : undefined;
    if (owner && !owner.types.some((x) => x.id === t.id)) problems.push(`type ${t.name} not listed by its interface`);
  });
  doc.interfaces.forEach((i) => i.functions.forEach((f) => checkFn(f, i.name ?? `interface ${i.id}`)));
  for (const dir of ["imports", "exports"] as const) {
    for (const item of doc.worlds[doc.world][dir]) {
      if (item.kind === "function") checkFn(item.function, item.key);
      if (item.kind === "interface" && !doc.interfaces[item.interface]) problems.push(`${item.key}: no interface`);
    }
  }
  return problems;
}
