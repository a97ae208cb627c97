/**
 * The index spaces of one component (Explainer.md "Index Spaces"): for each
 * sort, the definition behind every index, in binary order. This is what
 * `(core func 7)` or `(type 3)` refers to, for instantiation and for messages.
 */
import type {
  Alias,
  Canon,
  ComponentAst,
  CoreInstance,
  CoreModuleSection,
  CoreType,
  Export,
  Import,
  Instance,
  Sort,
  Start,
  TypeDef,
  Value,
} from "./ast.js";

export type Definition =
  | { kind: "import"; item: Import }
  | { kind: "export"; item: Export }
  | { kind: "alias"; item: Alias }
  | { kind: "canon"; item: Canon }
  | { kind: "core-module"; item: CoreModuleSection }
  | { kind: "core-instance"; item: CoreInstance }
  /** `member` is the position inside a rec group (each member is its own core type index). */
  | { kind: "core-type"; item: CoreType; member: number }
  | { kind: "type"; item: TypeDef }
  | { kind: "instance"; item: Instance }
  | { kind: "component"; item: ComponentAst }
  | { kind: "start"; item: Start; result: number }
  | { kind: "value"; item: Value };

export type IndexSpaces = Record<Sort, Definition[]>;

export function indexSpaces(ast: ComponentAst): IndexSpaces {
  const spaces: IndexSpaces = {
    func: [],
    value: [],
    type: [],
    component: [],
    instance: [],
    "core func": [],
    "core table": [],
    "core memory": [],
    "core global": [],
    "core tag": [],
    "core type": [],
    "core module": [],
    "core instance": [],
  };
  for (const s of ast.sections) {
    switch (s.kind) {
      case "custom":
        break;
      case "core-module":
        spaces["core module"].push({ kind: "core-module", item: s });
        break;
      case "core-instances":
        for (const item of s.items) spaces["core instance"].push({ kind: "core-instance", item });
        break;
      case "core-types":
        for (const item of s.items) {
          const members = item.kind === "rec" ? item.types.length : 1;
          for (let member = 0; member < members; member++)
            spaces["core type"].push({ kind: "core-type", item, member });
        }
        break;
      case "component":
        spaces.component.push({ kind: "component", item: s.component });
        break;
      case "instances":
        for (const item of s.items) spaces.instance.push({ kind: "instance", item });
        break;
      case "aliases":
        for (const item of s.items) spaces[item.sort].push({ kind: "alias", item });
        break;
      case "types":
        for (const item of s.items) spaces.type.push({ kind: "type", item });
        break;
      case "canons":
        // `lift` defines a component function; every other built-in a core function.
        for (const item of s.items) spaces[item.kind === "lift" ? "func" : "core func"].push({ kind: "canon", item });
        break;
      case "start":
        for (let result = 0; result < s.start.results; result++)
          spaces.value.push({ kind: "start", item: s.start, result });
        break;
      case "imports":
        for (const item of s.items) {
          const sort: Sort = item.type.kind === "module" ? "core module" : item.type.kind;
          spaces[sort].push({ kind: "import", item });
        }
        break;
      case "exports":
        // Explainer.md "Import and Export Definitions": exports add an index too.
        for (const item of s.items) spaces[item.item.sort].push({ kind: "export", item });
        break;
      case "values":
        for (const item of s.items) spaces.value.push({ kind: "value", item });
        break;
    }
  }
  return spaces;
}

/** The `component-name` debug name of an index, for messages. */
export function debugName(ast: ComponentAst, sort: Sort, index: number): string | undefined {
  return ast.names?.sorts.find((s) => s.sort === sort)?.names.get(index);
}
