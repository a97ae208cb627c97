/**
 * Adapters shared among functions of one shape: where the adapters of several functions would
 * differ only in names (their own, their resources'), the module emits one generic adapter for
 * them all (adapters.ts `generic`), named after what their names share.
 */
import type { FunctionPlan, ValuePlan } from "@witgen/runtime";
import type { Scope } from "../names.js";
import type { GlueFunction } from "./module.js";

/** Words common to every name, in order (`tcp-socket-bind`, `udp-socket-bind` -> `socket bind`). */
function commonWords(names: string[]): string[] {
  const lcs = (a: string[], b: string[]): string[] => {
    const t: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
    for (let i = a.length - 1; i >= 0; i--) {
      for (let j = b.length - 1; j >= 0; j--) t[i][j] = a[i] === b[j] ? t[i + 1][j + 1] + 1 : Math.max(t[i + 1][j], t[i][j + 1]);
    }
    const out: string[] = [];
    for (let i = 0, j = 0; i < a.length && j < b.length; ) {
      if (a[i] === b[j]) {
        out.push(a[i]);
        i++;
        j++;
      } else if (t[i + 1][j] >= t[i][j + 1]) i++;
      else j++;
    }
    return out;
  };
  const words = (n: string): string[] => n.split(/[^A-Za-z0-9]+|(?=[A-Z])/).filter(Boolean).map((w) => w.toLowerCase());
  return names.map(words).reduce(lcs);
}

/** A word for a type in a shared adapter's name: `u64` -> `U64`, `list<u8>` -> `Bytes`, `result<..>` -> `Result`. */
function typeWord(p: ValuePlan): string {
  switch (p.kind) {
    case "list":
      return p.element.kind === "u8" ? "Bytes" : "List";
    case "record":
      return p.shape === "tuple" ? "Tuple" : "Record";
    case "variant":
      return p.shape === "option-wrapped" ? "Option" : p.shape[0].toUpperCase() + p.shape.slice(1);
    case "own":
    case "borrow":
      return "Handle";
    default:
      return p.kind.replace(/(^|-)([a-z])/g, (_, _dash: string, c: string) => c.toUpperCase());
  }
}

/** A shared adapter's name when its functions' names have no word in common: `(u32) -> string` -> `U32ToString`. */
function shapeName(plan: FunctionPlan): string {
  const params = plan.params.map((p) => typeWord(p.type)).join("");
  const result = plan.result ? `To${typeWord(plan.result)}` : "";
  return params + result || "Void";
}

/**
 * Renders the adapters of one kind, one factory per shape: functions whose adapters would
 * differ only in names (their own, their resources') share one generic adapter, named after the
 * words their names have in common. Returns the code and each function's factory.
 */
export function renderShared<F extends GlueFunction>(
  fns: F[],
  prefix: string,
  render: (f: F) => string,
  names: Scope | undefined,
): { code: string[]; factories: Map<F, string> } {
  const groups = new Map<string, F[]>();
  for (const f of fns) {
    const key = render({ ...f, generic: true, factory: "", docs: "" });
    const group = groups.get(key);
    if (group) group.push(f);
    else groups.set(key, [f]);
  }
  const code: string[] = [];
  const factories = new Map<F, string>();
  for (const group of groups.values()) {
    const [first] = group;
    if (group.length === 1 || !names) {
      for (const f of group) {
        code.push(render(f));
        factories.set(f, f.factory);
      }
      continue;
    }
    const words = commonWords(group.map((f) => f.jsName)).map((w) => w[0].toUpperCase() + w.slice(1));
    const wanted = `${prefix}${words.length > 0 ? words.join("") : shapeName(first.plan)}`;
    // A member's own factory name is free again (the members' names were claimed one by one).
    const factory = group.some((f) => f.factory === wanted) ? wanted : names.claim(wanted);
    // `path`: role -> Role, on a line of its own (the paths are listed below it).
    const role = first.docs.startsWith(`\`${first.path}\`: `) ? first.docs.slice(first.path.length + 4) : first.docs;
    const docs = `\n * ${role[0].toUpperCase()}${role.slice(1)}`;
    code.push(render({ ...first, generic: true, factory, docs, members: group.map((f) => f.path) }));
    for (const f of group) factories.set(f, factory);
  }
  return { code, factories };
}
