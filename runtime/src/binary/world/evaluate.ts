/**
 * Walks a component's definitions in order and builds its component-level
 * index spaces (Explainer.md "Index Spaces"), instantiating nested components
 * and imported instance types so that every import and export has a concrete
 * type with resource identity preserved.
 */
import type { Alias, ComponentAst, ComponentDecl, ExternName, ExternType } from "../ast.js";
import {
  newScope,
  type ComponentEnt,
  type ComponentTypeEnt,
  type InstanceEnt,
  type InstanceTypeEnt,
  type Item,
  type Scope,
  type TypeEnt,
} from "./entities.js";
import { at, fail, funcTypeAt, instanceTypeAt, push, sortItem } from "./scope-ops.js";
import { evalTypeDef, valType } from "./type-eval.js";

/**
 * Bounds on work so hostile nesting of instantiations cannot hang or overflow
 * the stack. Real components take about one step per definition (wasi:cli/command:
 * ~900), so the step budget grows with the input and re-instantiation cannot
 * go exponential.
 */
const BASE_STEPS = 100_000;
const STEPS_PER_BYTE = 4;
const MAX_INSTANTIATION_DEPTH = 100;

export interface NamedItem {
  name: ExternName;
  item: Item;
}

export interface EvaluatedComponent {
  imports: NamedItem[];
  exports: NamedItem[];
}

interface Ctx {
  steps: number;
  maxSteps: number;
  depth: number;
}

function step(ctx: Ctx, offset: number): void {
  if (++ctx.steps > ctx.maxSteps) {
    fail(offset, `expected a component of bounded complexity, found more than ${ctx.maxSteps} type-level steps`);
  }
}

/** Evaluates the outermost component; its imports are fresh, nothing is supplied. */
export function evaluateRoot(ast: ComponentAst): EvaluatedComponent {
  const maxSteps = BASE_STEPS + STEPS_PER_BYTE * ast.size;
  return evaluateComponent(ast, undefined, new Map(), { steps: 0, maxSteps, depth: 0 });
}

function externItem(scope: Scope, et: ExternType, name: string, offset: number, ctx: Ctx): Item {
  switch (et.kind) {
    case "module":
      return { sort: "core module" };
    case "func":
      return { sort: "func", type: funcTypeAt(scope, et.type, offset) };
    case "value":
      if (et.bound.kind === "type") valType(scope, et.bound.type, offset);
      return { sort: "value" };
    case "type": {
      // `(eq i)` names an existing type; `(sub resource)` a fresh abstract one (Binary.md notes on `exportdecl`).
      const target: TypeEnt =
        et.bound.kind === "eq" ? at(scope.types, et.bound.index, "type", offset) : { t: "resource", offset, name };
      return { sort: "type", type: { t: "named", offset, name, target } };
    }
    case "component": {
      const ent = at(scope.types, et.type, "type", offset);
      if (ent.t !== "component-type")
        fail(offset, `expected type ${et.type} to be a component type, found a ${ent.t} type`);
      return { sort: "component", component: { kind: "type", type: ent } };
    }
    case "instance": {
      const ent = at(scope.types, et.type, "type", offset);
      if (ent.t !== "instance-type")
        fail(offset, `expected type ${et.type} to be an instance type, found a ${ent.t} type`);
      return { sort: "instance", instance: instantiateType(ent, new Map(), ctx) };
    }
  }
}

function outerScope(scope: Scope, count: number, offset: number): Scope {
  let s: Scope | undefined = scope;
  for (let i = 0; i < count && s; i++) s = s.parent;
  if (!s) fail(offset, `expected an outer alias count within the enclosing scopes, found ${count}`);
  return s;
}

function evalAlias(scope: Scope, a: Alias): void {
  switch (a.kind) {
    case "instance-export": {
      const inst = at(scope.instances, a.instance, "instance", a.offset);
      const e = inst.exports.get(a.name);
      if (!e) fail(a.offset, `expected instance ${a.instance} to export "${a.name}", found no such export`);
      if (e.item.sort !== a.sort)
        fail(a.offset, `expected export "${a.name}" to be a ${a.sort}, found a ${e.item.sort}`);
      push(scope, e.item);
      return;
    }
    case "core-instance-export":
      if (!a.sort.startsWith("core ")) fail(a.offset, `expected a core sort for a core export alias, found ${a.sort}`);
      return;
    case "outer": {
      const target = outerScope(scope, a.count, a.offset);
      if (a.sort === "type") push(scope, { sort: "type", type: at(target.types, a.index, "type", a.offset) });
      else if (a.sort === "component") {
        push(scope, { sort: "component", component: at(target.components, a.index, "component", a.offset) });
      }
      return;
    }
  }
}

/**
 * Instantiates an instance type or component type, supplying `args` for a
 * component type's imports. With `actual` (an export's type ascription), type
 * and instance exports are the actual instance's, so resource identity
 * survives the ascription; functions take the ascribed signature.
 */
function instantiateType(
  type: InstanceTypeEnt | ComponentTypeEnt,
  args: Map<string, Item>,
  ctx: Ctx,
  actual?: InstanceEnt,
): InstanceEnt {
  enter(ctx, type.offset);
  const scope = newScope(type.scope);
  const out: InstanceEnt = { exports: new Map() };
  for (const d of type.decls as ComponentDecl[]) {
    step(ctx, d.offset);
    switch (d.kind) {
      case "core-type":
        break;
      case "type":
        scope.types.push(evalTypeDef(scope, d.type));
        break;
      case "alias":
        if (d.alias.kind === "core-instance-export")
          fail(d.offset, "expected an export or outer alias in a type, found a core export alias");
        evalAlias(scope, d.alias);
        break;
      case "import": {
        const item = args.get(d.name.name) ?? externItem(scope, d.type, d.name.name, d.offset, ctx);
        push(scope, item);
        break;
      }
      case "export": {
        const have = actual?.exports.get(d.name.name)?.item;
        let item: Item;
        if (have?.sort === "type" && d.type.kind === "type") item = have;
        else if (have?.sort === "instance" && d.type.kind === "instance") {
          item = {
            sort: "instance",
            instance: instantiateType(instanceTypeAt(scope, d.type.type, d.offset), new Map(), ctx, have.instance),
          };
        } else item = externItem(scope, d.type, d.name.name, d.offset, ctx);
        out.exports.set(d.name.name, { name: d.name, item });
        push(scope, item);
        break;
      }
    }
  }
  ctx.depth--;
  return out;
}

function enter(ctx: Ctx, offset: number): void {
  if (++ctx.depth > MAX_INSTANTIATION_DEPTH) {
    fail(offset, `expected at most ${MAX_INSTANTIATION_DEPTH} nested instantiations, found more`);
  }
}

function instantiate(comp: ComponentEnt, args: Map<string, Item>, ctx: Ctx, offset: number): InstanceEnt {
  if (comp.kind === "type") return instantiateType(comp.type, args, ctx);
  enter(ctx, offset);
  const result = evaluateComponent(comp.ast, comp.scope, args, ctx);
  ctx.depth--;
  const out: InstanceEnt = { exports: new Map() };
  for (const e of result.exports) out.exports.set(e.name.name, e);
  return out;
}

/** The item an export introduces: types get a new name, the rest is the item itself. */
function exported(name: ExternName, item: Item, offset: number): Item {
  if (item.sort !== "type") return item;
  return { sort: "type", type: { t: "named", offset, name: name.name, target: item.type } };
}

function evaluateComponent(
  ast: ComponentAst,
  parent: Scope | undefined,
  args: Map<string, Item>,
  ctx: Ctx,
): EvaluatedComponent {
  const scope = newScope(parent);
  const imports: NamedItem[] = [];
  const exports: NamedItem[] = [];
  for (const section of ast.sections) {
    step(ctx, section.offset);
    switch (section.kind) {
      case "custom":
      case "core-module":
      case "core-instances":
      case "core-types":
        break;
      case "component":
        scope.components.push({ kind: "definition", ast: section.component, scope });
        break;
      case "instances":
        for (const inst of section.items) {
          step(ctx, inst.offset);
          if (inst.kind === "instantiate") {
            const comp = at(scope.components, inst.component, "component", inst.offset);
            const a = new Map<string, Item>();
            for (const arg of inst.args) a.set(arg.name, sortItem(scope, arg.item, inst.offset));
            scope.instances.push(instantiate(comp, a, ctx, inst.offset));
          } else {
            const out: InstanceEnt = { exports: new Map() };
            for (const e of inst.exports) {
              out.exports.set(e.name.name, {
                name: e.name,
                item: exported(e.name, sortItem(scope, e.item, inst.offset), inst.offset),
              });
            }
            scope.instances.push(out);
          }
        }
        break;
      case "aliases":
        for (const a of section.items) {
          step(ctx, a.offset);
          evalAlias(scope, a);
        }
        break;
      case "types":
        for (const t of section.items) {
          step(ctx, t.offset);
          scope.types.push(evalTypeDef(scope, t));
        }
        break;
      case "canons":
        for (const c of section.items) {
          step(ctx, c.offset);
          // Only `lift` defines a component function; the rest define core functions.
          if (c.kind === "lift") scope.funcs.push(funcTypeAt(scope, c.type, c.offset));
        }
        break;
      case "start":
        scope.values += section.start.results;
        break;
      case "imports":
        for (const imp of section.items) {
          step(ctx, imp.offset);
          const supplied = args.get(imp.name.name);
          const item = supplied ?? externItem(scope, imp.type, imp.name.name, imp.offset, ctx);
          if (supplied && supplied.sort !== externSort(imp.type)) {
            fail(
              imp.offset,
              `expected a ${externSort(imp.type)} for import "${imp.name.name}", found a ${supplied.sort}`,
            );
          }
          push(scope, item);
          imports.push({ name: imp.name, item });
        }
        break;
      case "exports":
        for (const e of section.items) {
          step(ctx, e.offset);
          const actual = sortItem(scope, e.item, e.offset);
          const item = exported(e.name, ascribed(scope, e.type, actual, e.name.name, e.offset, ctx), e.offset);
          push(scope, item);
          exports.push({ name: e.name, item });
        }
        break;
      case "values":
        scope.values += section.items.length;
        break;
    }
  }
  return { imports, exports };
}

function externSort(et: ExternType): Item["sort"] {
  return et.kind === "module" ? "core module" : et.kind;
}

/**
 * An export's type: the ascription when present (Explainer.md "Import and
 * Export Definitions"), else the exported item. An instance ascription keeps
 * the actual instance's types (no fresh resources); a component ascription is
 * not applied (the IR has no components).
 */
function ascribed(
  scope: Scope,
  et: ExternType | undefined,
  actual: Item,
  name: string,
  offset: number,
  ctx: Ctx,
): Item {
  if (!et) return actual;
  if (externSort(et) !== actual.sort)
    fail(offset, `expected the export type of "${name}" to be a ${actual.sort}, found a ${externSort(et)}`);
  if (et.kind === "func") return externItem(scope, et, name, offset, ctx);
  if (et.kind === "type" && et.bound.kind === "eq")
    return { sort: "type", type: at(scope.types, et.bound.index, "type", offset) };
  if (et.kind === "instance" && actual.sort === "instance") {
    return {
      sort: "instance",
      instance: instantiateType(instanceTypeAt(scope, et.type, offset), new Map(), ctx, actual.instance),
    };
  }
  return actual;
}
