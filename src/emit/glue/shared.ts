/**
 * Code the adapters of one glue module share, per named WIT type (record, variant, enum, flags):
 * a type alias for its JS shape, and one function that stores it into memory and one that loads
 * it, written where first needed and called by every adapter (and element) moving such a value
 * through memory. A type like WASI's `error-code` variant, in the result of dozens of functions,
 * is then written once instead of inline in each.
 *
 * Types holding resource handles stay inline: their handle functions belong to each adapter
 * (`resourceHandles`). Flat positions (parameters, small results) stay inline too: their code
 * yields several core values, not one stored value.
 */
import type { IrDocument, IrOwner, IrTypeDef } from "@witgen/runtime/ir";
import { planValue, TypeResolver, type ValuePlan } from "@witgen/runtime";
import { Scope, typeName } from "../names.js";
import { childPlans, Env, supported, tsType, type RuntimeHelper, type SharedValueCode } from "./env.js";
import { load } from "./lift.js";
import { store } from "./lower.js";

/** A named WIT type: the name its code goes by, and where it is defined (for docs). */
export interface NamedType {
  /** PascalCase: the WIT name, with its package (and interface) before it when others share it. */
  ident: string;
  /** `wasi:sockets/types@0.3.0.error-code` style: the owner and the name. */
  qualified: string;
}

/** The value plans of the document's named records, variants, enums and flags. */
export function namedPlans(doc: IrDocument): Map<ValuePlan, NamedType> {
  const resolver = new TypeResolver(doc);
  const defs = new Map<ValuePlan, IrTypeDef>();
  for (const def of doc.types) {
    if (!["record", "variant", "enum", "flags"].includes(def.def.kind)) continue;
    const plan = planValue(resolver.resolve({ kind: "named", id: def.id }));
    if (!defs.has(plan)) defs.set(plan, def);
  }
  // A name several types share (WASI's `error-code`s) is told apart by package, then interface.
  const spellings = (def: IrTypeDef): string[] => {
    const iface = def.owner.kind === "interface" ? doc.interfaces[def.owner.id] : undefined;
    const pkg = iface?.package === undefined ? undefined : doc.packages[iface.package];
    return [def.name, `${pkg?.name ?? ""}-${def.name}`, `${pkg?.name ?? ""}-${iface?.name ?? ""}-${def.name}`];
  };
  const counts = new Map<string, number>();
  for (const def of defs.values()) for (const s of spellings(def)) counts.set(s, (counts.get(s) ?? 0) + 1);
  const out = new Map<ValuePlan, NamedType>();
  for (const [plan, def] of defs) {
    const spelled = spellings(def).find((s) => counts.get(s) === 1) ?? spellings(def)[2];
    out.set(plan, { ident: typeName(spelled), qualified: `${ownerName(doc, def.owner)}${def.name}` });
  }
  return out;
}

/** `ns:pkg/iface@1.0.0.` (or the world's name) before a type's name, for docs. */
function ownerName(doc: IrDocument, owner: IrOwner): string {
  if (owner.kind === "world") return `${doc.worlds[owner.id].name}.`;
  const iface = doc.interfaces[owner.id];
  const pkg = iface.package === undefined ? undefined : doc.packages[iface.package];
  if (!pkg || iface.name === undefined) return iface.name ? `${iface.name}.` : "";
  return `${pkg.namespace}:${pkg.name}/${iface.name}${pkg.version ? `@${pkg.version}` : ""}.`;
}

/** Whether values of `p` hold resource handles (own or borrow). */
export function holdsHandles(p: ValuePlan): boolean {
  return p.kind === "own" || p.kind === "borrow" || childPlans(p).some((c) => holdsHandles(c.plan));
}

export class SharedValues implements SharedValueCode {
  private readonly aliases = new Map<ValuePlan, string>();
  private readonly stores = new Map<ValuePlan, string>();
  private readonly loads = new Map<ValuePlan, string>();
  /** Module-level declarations, in order of first use. */
  readonly declarations: string[] = [];

  constructor(
    private readonly named: Map<ValuePlan, NamedType>,
    /** The module's top-level names (adapter factories and the like are claimed there too). */
    private readonly names: Scope,
    private readonly helpers: Set<RuntimeHelper>,
  ) {}

  typeName(p: ValuePlan): string | undefined {
    const n = this.named.get(p);
    if (n === undefined) return undefined;
    let alias = this.aliases.get(p);
    if (alias === undefined) {
      alias = this.names.claim(n.ident);
      this.aliases.set(p, alias);
      const shape = tsType(p, (q) => (q === p ? undefined : this.typeName(q)));
      this.declarations.push(`/** Values of \`${n.qualified}\`, as the declarations type them. */\ntype ${alias} = ${shape};`);
    }
    return alias;
  }

  storeFunction(p: ValuePlan): string | undefined {
    const n = this.shareable(p);
    if (n === undefined) return undefined;
    let fn = this.stores.get(p);
    if (fn !== undefined) return fn;
    fn = this.names.claim(`store${n.ident}`);
    this.stores.set(p, fn);
    const env = this.env(p, ["ptr", "value", "path"]);
    env.pathPrefix = "path";
    store(env, p, "value", { base: "ptr", offset: 0 }, "value", "");
    const body = env.section();
    const strings = env.lowersStrings ? `const lowerString = ${env.rt("stringLowerer")}(cx.stringEncoding);\n` : "";
    this.declarations.push(
      `/** Stores a \`${n.qualified}\` at \`ptr\` (CanonicalABI.md \`store\`); \`path\` places it in error messages. */\n` +
        `function ${fn}(cx: LiftLowerContext, ptr: number, value: ${this.typeName(p)}, path = ""): void {\n${strings}${body}\n}`,
    );
    return fn;
  }

  loadFunction(p: ValuePlan): string | undefined {
    const n = this.shareable(p);
    if (n === undefined) return undefined;
    let fn = this.loads.get(p);
    if (fn !== undefined) return fn;
    fn = this.names.claim(`load${n.ident}`);
    this.loads.set(p, fn);
    const env = this.env(p, ["ptr"]);
    const value = load(env, p, { base: "ptr", offset: 0 }, "value");
    const body = env.section();
    this.declarations.push(
      `/** Loads a \`${n.qualified}\` from \`ptr\` (CanonicalABI.md \`load\`). */\n` +
        `function ${fn}(cx: LiftLowerContext, ptr: number): ${this.typeName(p)} {\n${body}\nreturn ${value};\n}`,
    );
    return fn;
  }

  /** Whether the module has any shared code (then it imports `LiftLowerContext`). */
  get any(): boolean {
    return this.declarations.length > 0;
  }

  private shareable(p: ValuePlan): NamedType | undefined {
    const n = this.named.get(p);
    return n !== undefined && supported(p) && !holdsHandles(p) ? n : undefined;
  }

  /** An Env for the body of `p`'s own function: it writes `p` out, calling others' functions. */
  private env(p: ValuePlan, params: string[]): Env {
    const env = new Env(this.helpers, params);
    env.shared = this;
    env.sharedOwner = p;
    return env;
  }
}
