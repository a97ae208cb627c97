/**
 * One adapter per function: the export side (`canon lift`: lower JS arguments,
 * call the core export, lift its result, post-return) and the import side
 * (`canon lower`: lift core arguments, call the host, lower its result), each
 * rendered from a template (`templates/glue/*.hbs`) around value code from
 * lower.ts / lift.ts. The sections follow the plan's steps (`FunctionPlan.steps`).
 * Rendered `generic`, an adapter serves every function of its shape (same-shape.ts).
 */
import { containsBorrow, needsLoweringJournal, MAX_FLAT_ASYNC_PARAMS, MAX_FLAT_PARAMS, type FunctionPlan, type PlanStep, type ValuePlan } from "@witgen/runtime";
import { lit } from "./code.js";
import { AsyncTypes, coreTsType, Env, type RuntimeHelper, type SharedValueCode } from "./env.js";
import { liftFlat, load, Slots } from "./lift.js";
import { lowerFlat, store } from "./lower.js";
import { renderTemplate } from "./templates.js";

export interface AdapterSpec {
  plan: FunctionPlan;
  /** The factory's name in the module, e.g. `liftGreet`. */
  factory: string;
  /** Name of the JS function (a binding name). */
  jsName: string;
  /** JS names of the parameters, in order (binding names). */
  paramNames: string[];
  /** The host-facing function's TypeScript type; `undefined` types it loosely (tests). */
  fnType?: string;
  /**
   * `results: "throw"` for a top-level `result<T, E>`: the JS function returns `T`
   * and `ComponentError<E>` carries `err` (docs/mapping.md "Results").
   */
  throwsErr: boolean;
  docs: string;
  /**
   * Render the adapter for every function of its shape (same-shape.ts shares one among functions
   * whose adapters would differ only in names): the function's name comes from `ac.path`, the
   * resources' handle locals are numbered and the host-facing type is loose.
   */
  generic?: boolean;
  /** The extern paths of the functions a generic adapter serves (listed in its doc comment). */
  members?: string[];
}

/** The doc comment's list of the functions a shared adapter serves ("" for one function's). */
function membersDoc(spec: AdapterSpec): string {
  if (!spec.members) return "";
  return `\n * One adapter for the functions of this shape:${spec.members.map((m) => `\n * - \`${m}\``).join("")}\n`;
}

/** How an adapter names its function in errors: a literal, or (generic) a local read from `ac.path`. */
function functionName(env: Env, spec: AdapterSpec): { expr: string; decl: string } {
  if (!spec.generic) return { expr: lit(spec.plan.name), decl: "" };
  const local = env.locals.claim("funcName");
  // An extern path is `name` or `interface#name` (runtime/src/link/adapters.ts).
  return { expr: local, decl: `const ${local} = ac.path.slice(ac.path.indexOf("#") + 1);` };
}

/** The host-facing function's type, unless the adapter is generic (shared by several). */
const fnTypeOf = (spec: AdapterSpec): string | undefined => (spec.generic ? undefined : spec.fnType);

const paramWhere = (p: { witName: string }): string => lit(`param "${p.witName}"`);

function step<O extends PlanStep["op"]>(plan: FunctionPlan, op: O): Extract<PlanStep, { op: O }> | undefined {
  return plan.steps.find((s) => s.op === op) as Extract<PlanStep, { op: O }> | undefined;
}

function reindent(code: string, depth: number): string {
  const pad = "  ".repeat(depth);
  return code
    .split("\n")
    .map((l) => (l === "" ? l : pad + l))
    .join("\n");
}

/** Renders the `canon lift` adapter of an export. */
export function renderExportAdapter(spec: AdapterSpec, helpers: Set<RuntimeHelper>, shared?: SharedValueCode): string {
  const { plan } = spec;
  if (plan.direction !== "lift") throw new Error(`glue: ${plan.name}: an export adapter needs a "lift" plan`);
  const env = new Env(helpers);
  env.shared = shared;
  env.asyncTypes = new AsyncTypes(planRoots(plan), env);
  const jsName = env.locals.claim(spec.generic ? "lifted" : spec.jsName);
  const name = functionName(env, spec);
  const params = spec.paramNames.map((n) => env.locals.claim(n));
  const { resources, borrows } = prepare(env, plan, spec.generic);

  const { coreArgs, code: lowerParams } = lowerParamsSection(env, plan, params);
  // lift-result-flat / lift-result-spilled
  let returnResult = "";
  let liftResult = "";
  if (plan.result) {
    const lifted = liftResultSection(env, plan, plan.result);
    liftResult = lifted.code;
    const local = lifted.local;
    returnResult = spec.throwsErr
      ? [`if (${local}.tag === "err") throw new ${env.rt("ComponentError")}(${local}.val);`, `return ${local}.val;`].join("\n")
      : `return ${local};`;
  }

  for (const h of ["coreCallTrap", "callPostReturn", "exportCallFailed"] as const) env.rt(h);
  if (env.lowersStrings) env.rt("stringLowerer");
  // Arguments that add handles to the component's table are lowered in the runtime's journal.
  const journal = needsLoweringJournal(plan.params.map((p) => p.type));
  if (journal) for (const h of ["beginLowering", "endLowering", "undoLowering"] as const) env.rt(h);
  const fnType = fnTypeOf(spec);
  const resultCore = plan.core.results[0];
  return renderTemplate("export", {
    asyncTypes: env.asyncTypes.declarations,
    docs: spec.docs,
    members: membersDoc(spec),
    factory: spec.factory,
    fnType: fnType ?? "JsFunction",
    jsName,
    params: params.map((p) => (fnType ? p : `${p}: any`)).join(", "),
    name: name.expr,
    nameDecl: name.decl,
    firstWhere: plan.params.length > 0 ? paramWhere(plan.params[0]) : lit("result"),
    refresh: plan.needsMemory,
    lowersStrings: env.lowersStrings,
    lowerParams: reindent(lowerParams, 3),
    resultType: resultCore ? coreTsType(resultCore) : "",
    coreArgs: coreArgs.join(", "),
    liftResult: plan.result ? reindent(liftResult, 3) : "",
    returnResult: reindent(returnResult, 3),
    resources,
    borrows,
    journal,
  });
}

/**
 * Renders the value code of an export the runtime's task machinery calls (`taskExport`: every
 * export of a component that uses async features): lowering the arguments, and for a sync
 * function lifting the result. The call, borrow scope and post-return are the runtime's.
 */
export function renderTaskExportAdapter(spec: AdapterSpec & { async: boolean }, helpers: Set<RuntimeHelper>, shared?: SharedValueCode): string {
  const { plan } = spec;
  if (plan.direction !== "lift") throw new Error(`glue: ${plan.name}: a task export adapter needs a "lift" plan`);
  const env = new Env(helpers, ["args", "flat"]);
  env.shared = shared;
  env.asyncTypes = new AsyncTypes(planRoots(plan), env);
  const name = functionName(env, spec);
  const params = spec.paramNames.map((n) => env.locals.claim(n));
  const { resources } = prepare(env, plan, spec.generic, false);
  const { coreArgs, code: lowerParams } = lowerParamsSection(env, plan, params);
  // An async function's result comes through `task.return`, not here.
  const lifted = !spec.async && plan.result ? liftResultSection(env, plan, plan.result) : undefined;
  env.rt("exportCallFailed");
  if (env.lowersStrings) env.rt("stringLowerer");
  const resultCore = plan.core.results[0];
  const fnType = fnTypeOf(spec);
  return renderTemplate("task-export", {
    docs: spec.docs,
    members: membersDoc(spec),
    factory: spec.factory,
    asyncTypes: env.asyncTypes.declarations,
    name: name.expr,
    nameDecl: name.decl,
    params: params.join(", "),
    paramsType: fnType && params.length > 0 ? `Parameters<${fnType}>` : "any[]",
    firstWhere: plan.params.length > 0 ? paramWhere(plan.params[0]) : lit("result"),
    lowersStrings: env.lowersStrings,
    lowerParams: reindent(lowerParams, 4),
    coreArgs: coreArgs.join(", "),
    resultType: resultCore ? coreTsType(resultCore) : "",
    liftResult: lifted ? reindent(lifted.code, 4) : "",
    result: lifted?.local ?? "",
    resources,
  });
}

/** An async export's result type, lifted in `canon task.return` (`taskReturn` adapters). */
export interface TaskReturnSpec {
  /** The runtime's key of the type (`adapterTypeKey`). */
  key: string;
  result: ValuePlan;
  factory: string;
}

/**
 * Renders the lifting of an async export's result in `canon task.return`: CanonicalABI.md
 * `lift_flat_values` of the built-in's arguments, one pointer past MAX_FLAT_PARAMS.
 */
export function renderTaskReturnAdapter(spec: TaskReturnSpec, helpers: Set<RuntimeHelper>, shared?: SharedValueCode): string {
  const env = new Env(helpers, ["flat", "plan"]);
  env.shared = shared;
  const { result } = spec;
  env.asyncTypes = new AsyncTypes([{ plan: result, base: "plan", path: [] }], env);
  // Its resources' handles come from the result's plan in the instance, with its codecs.
  env.planResources([result]);
  const resources = [...env.resources.values()].join(", ");
  if (resources) env.rt("valueResourceHandles");
  let value: string;
  if (result.flat.length > MAX_FLAT_PARAMS) {
    const ptr = env.locals.claim("ptr");
    env.code.line(`const ${ptr} = (flat[0] as number) >>> 0;`);
    env.code.line(`cx.checkRange(${ptr}, ${result.size}, ${result.align}, "result", "CanonicalABI.md lift_flat_values");`);
    value = load(env, result, { base: ptr, offset: 0 }, "result");
  } else {
    value = liftFlat(env, result, new Slots(result.flat.map((t, i) => `(flat[${i}] as ${coreTsType(t)})`)), "result");
  }
  const asyncTypes = env.asyncTypes.declarations;
  return renderTemplate("task-return", {
    factory: spec.factory,
    key: spec.key,
    asyncTypes,
    resources,
    planName: asyncTypes.length > 0 || resources ? "plan" : "_plan",
    lift: reindent(env.section(), 2),
    value,
  });
}

/**
 * Renders the value code of an async-lowered host import (`taskImport`: `canon lower ... async`,
 * the task machinery makes the call): lifting the guest's arguments, past MAX_FLAT_ASYNC_PARAMS
 * flat values from one pointer, and storing the host's result through the out-pointer.
 */
export function renderTaskImportAdapter(
  spec: AdapterSpec & { params?: Extract<ValuePlan, { kind: "record" }> },
  helpers: Set<RuntimeHelper>,
  shared?: SharedValueCode,
): string {
  const { plan } = spec;
  const env = new Env(helpers, ["flat", "values"]);
  env.shared = shared;
  env.asyncTypes = new AsyncTypes(planRoots(plan), env);
  const { resources } = prepare(env, plan, spec.generic, false);
  // CanonicalABI.md "Flattening": an async lowering passes at most MAX_FLAT_ASYNC_PARAMS flat values.
  const flatTypes = plan.params.flatMap((p) => p.type.flat);
  const tuple = spec.params;
  if (!tuple) throw new Error(`glue: ${plan.name}: a task import adapter needs its parameters' tuple layout`);
  const spill = flatTypes.length > MAX_FLAT_ASYNC_PARAMS ? { size: tuple.size, align: tuple.align, offsets: tuple.fields.map((f) => f.offset) } : undefined;
  const flat = spill ? ["(flat[0] as number)"] : flatTypes.map((t, k) => `(flat[${k}] as ${coreTsType(t)})`);
  const lifted = liftParamsSection(env, plan, spec.paramNames, flat, spill, "MAX_FLAT_ASYNC_PARAMS", false);
  const liftParams = env.section();
  const result = plan.result;
  if (result) {
    const local = env.locals.claim("result");
    const outPtr = env.locals.claim("outPtr");
    env.code.line(`const ${local} = values[0] as ${env.typeOf(result)};`);
    env.code.line(`const ${outPtr} = (flat[flat.length - 1] as number) >>> 0;`);
    env.code.line(`cx.checkRange(${outPtr}, ${result.size}, ${result.align}, "result out-pointer", "CanonicalABI.md lower_flat_values");`);
    store(env, result, local, { base: outPtr, offset: 0 }, local, "");
  }
  const lowerResult = env.section();
  if (env.lowersStrings) env.rt("stringLowerer");
  const usesCx = /\bcx\b/.test(liftParams + lowerResult) || env.lowersStrings;
  const asyncTypes = env.asyncTypes.declarations;
  return renderTemplate("task-import", {
    docs: spec.docs,
    members: membersDoc(spec),
    factory: spec.factory,
    asyncTypes,
    acName: usesCx || resources || asyncTypes.length > 0 ? "ac" : "_ac",
    usesCx,
    resources,
    lowersStrings: env.lowersStrings,
    liftParams: reindent(liftParams, 3),
    hasParams: plan.params.length > 0,
    values: lifted.join(", "),
    lowerResult: reindent(lowerResult, 3),
    hasResult: !!result,
  });
}

/** Where an adapter's stream/future types sit in the runtime's plan of the function (`ac.plan`). */
function planRoots(plan: FunctionPlan): { plan: ValuePlan; base: string; path: (string | number)[] }[] {
  return [
    ...plan.params.map((p, i) => ({ plan: p.type, base: "ac.plan", path: ["params", i, "type"] })),
    ...(plan.result ? [{ plan: plan.result, base: "ac.plan", path: ["result"] }] : []),
  ];
}

/** lower-params-flat / lower-params-spilled: the code lowering `params`, and the core arguments. */
function lowerParamsSection(env: Env, plan: FunctionPlan, params: string[]): { coreArgs: string[]; code: string } {
  const code = env.code;
  const coreArgs: string[] = [];
  const spill = step(plan, "lower-params-spilled");
  if (spill) {
    const { size, align, offsets } = spill.spill;
    const args = env.locals.claim("args");
    code.line(`// More than MAX_FLAT_PARAMS flat values: the arguments go through memory (CanonicalABI.md "Flattening").`);
    code.line(`const ${args} = cx.allocate(${align}, ${size});`);
    code.line(`cx.checkRange(${args}, ${size}, ${align}, "parameter tuple", "CanonicalABI.md lower_flat_values");`);
    plan.params.forEach((p, i) => {
      if (i > 0) code.line(`where = ${paramWhere(p)};`);
      store(env, p.type, params[i], { base: args, offset: offsets[i] }, params[i], "");
    });
    coreArgs.push(args);
  } else {
    plan.params.forEach((p, i) => {
      if (i > 0) code.line(`where = ${paramWhere(p)};`);
      coreArgs.push(...lowerFlat(env, p.type, params[i], params[i], ""));
    });
  }
  return { coreArgs, code: env.section() };
}

/**
 * lift-params-flat / lift-params-spilled: lifts the parameters from `flat` (an expression per core
 * value) or, with `spill`, from the tuple its first value points at (past `limit` flat values);
 * returns the locals holding them. `where` tracks the parameter for error messages when asked.
 */
function liftParamsSection(
  env: Env,
  plan: FunctionPlan,
  names: string[],
  flat: string[],
  spill: { size: number; align: number; offsets: number[] } | undefined,
  limit: string,
  trackWhere: boolean,
): string[] {
  const code = env.code;
  const where = (i: number): void => void (trackWhere && i > 0 && code.line(`where = ${paramWhere(plan.params[i])};`));
  if (spill) {
    const args = env.locals.claim("args");
    code.line(`// More than ${limit} flat values: the arguments come through memory (CanonicalABI.md "Flattening").`);
    code.line(`const ${args} = ${flat[0]} >>> 0;`);
    code.line(`cx.checkRange(${args}, ${spill.size}, ${spill.align}, "parameter tuple", "CanonicalABI.md lift_flat_values");`);
    return plan.params.map((p, i) => {
      where(i);
      return bindValue(env, p.type, load(env, p.type, { base: args, offset: spill.offsets[i] }, names[i]), names[i]);
    });
  }
  const slots = new Slots(flat);
  return plan.params.map((p, i) => {
    where(i);
    return bindValue(env, p.type, liftFlat(env, p.type, slots, names[i]), names[i]);
  });
}

/** lift-result-flat / lift-result-spilled: the code lifting the result from `ret`, and the local holding it. */
function liftResultSection(env: Env, plan: FunctionPlan, result: ValuePlan): { local: string; code: string } {
  const code = env.code;
  let value: string;
  const spilled = step(plan, "lift-result-spilled");
  if (spilled) {
    const { size, align } = spilled.spill;
    const retPtr = env.locals.claim("retPtr");
    code.line(`const ${retPtr} = ret >>> 0;`);
    code.line(`cx.checkRange(${retPtr}, ${size}, ${align}, "result", "CanonicalABI.md lift_flat_values");`);
    value = load(env, result, { base: retPtr, offset: 0 }, "result");
  } else {
    value = liftFlat(env, result, new Slots(["ret"]), "result");
  }
  let local = value;
  if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(value)) {
    local = env.locals.claim("result");
    code.line(`const ${local}: ${env.typeOf(result)} = ${value};`);
  }
  return { local, code: env.section() };
}

/** Renders the `canon lower` adapter of an import. */
export function renderImportAdapter(spec: AdapterSpec, helpers: Set<RuntimeHelper>, shared?: SharedValueCode): string {
  const { plan } = spec;
  if (plan.direction !== "lower") throw new Error(`glue: ${plan.name}: an import adapter needs a "lower" plan`);
  const env = new Env(helpers);
  env.shared = shared;
  env.asyncTypes = new AsyncTypes(planRoots(plan), env);
  const jsName = env.locals.claim(spec.generic ? "lowered" : spec.jsName);
  const name = functionName(env, spec);
  const fnType = fnTypeOf(spec);
  const resultLocal = env.locals.claim("result");
  const coreParams = plan.core.params.map((t, i) => ({ name: env.locals.claim(`arg${i}`), type: coreTsType(t) }));
  const { resources, borrows } = prepare(env, plan, spec.generic);
  // CanonicalABI.md Subtask.deliver_resolve: handles lent for the call may be dropped again.
  const release = (): void => void (borrows && code().line("scope.releaseLenders();"));
  const code = (): Env["code"] => env.code;

  const values = liftParamsSection(env, plan, spec.paramNames, coreParams.map((c) => c.name), step(plan, "lift-params-spilled")?.spill, "MAX_FLAT_PARAMS", true);
  const liftParams = env.section();

  // call-host
  const result = plan.result;
  const call = `impl(${values.join(", ")})`;
  const hostTrap = `throw ${env.rt("hostCallTrap")}(e, ${name.expr});`;
  if (!result) {
    code().block("try", () => code().line(`${call};`));
    code().block("catch (e)", () => code().line(hostTrap));
  } else if (spec.throwsErr && result.kind === "variant") {
    // `results: "throw"`: the host returns the `ok` payload, or throws a ComponentError holding the `err` payload.
    const [ok, err] = result.cases;
    const okType = ok.type ? (fnType ? "ReturnType<typeof impl>" : env.typeOf(ok.type)) : "undefined";
    code().line(`let ${resultLocal}: { tag: "ok"; val: ${okType} } | { tag: "err"; val: ${err.type ? env.typeOf(err.type) : "undefined"} };`);
    code().block("try", () => code().line(`${resultLocal} = { tag: "ok", val: ${ok.type ? call : `(${call}, undefined)`} };`));
    code().block("catch (e)", () => {
      code().line(`if (!(e instanceof ${env.rt("ComponentError")})) ${hostTrap}`);
      code().line(`${resultLocal} = { tag: "err", val: ${err.type ? `e.payload as ${env.typeOf(err.type)}` : "undefined"} };`);
    });
  } else {
    code().line(`let ${resultLocal}: ${fnType ? "ReturnType<typeof impl>" : "any"};`);
    code().block("try", () => code().line(`${resultLocal} = ${call};`));
    code().block("catch (e)", () => code().line(hostTrap));
  }
  const callHost = env.section();

  // lower-result-flat / lower-result-spilled
  if (result) {
    const spilled = step(plan, "lower-result-spilled");
    if (spilled) {
      const { size, align } = spilled.spill;
      const outPtr = env.locals.claim("outPtr");
      code().line(`const ${outPtr} = ${coreParams[spilled.outParam].name} >>> 0;`);
      code().line(`cx.checkRange(${outPtr}, ${size}, ${align}, "result out-pointer", "CanonicalABI.md lower_flat_values");`);
      store(env, result, resultLocal, { base: outPtr, offset: 0 }, resultLocal, "");
      release();
    } else {
      const flat = lowerFlat(env, result, resultLocal, resultLocal, "");
      release();
      code().line(`return ${flat[0]};`);
    }
  } else {
    release();
  }
  const lowerResult = env.section();

  env.rt("importCallFailed");
  if (env.lowersStrings) env.rt("stringLowerer");
  const coreResult = plan.core.results[0];
  return renderTemplate("import", {
    docs: spec.docs,
    members: membersDoc(spec),
    factory: spec.factory,
    asyncTypes: env.asyncTypes.declarations,
    fnType: fnType ?? "(...args: any[]) => any",
    jsName,
    name: name.expr,
    nameDecl: name.decl,
    coreParams: coreParams.map((c) => `${c.name}: ${c.type}`).join(", "),
    coreResult: coreResult ? coreTsType(coreResult) : "",
    firstWhere: plan.params.length > 0 ? paramWhere(plan.params[0]) : lit("result"),
    refresh: plan.needsMemory,
    lowersStrings: env.lowersStrings,
    liftParams: reindent(liftParams, 3),
    callHost: reindent(callHost, 3),
    hasResult: !!result,
    lowerResult: reindent(lowerResult, 3),
    resources,
    borrows,
  });
}

/** Plans the signature's resource types and borrow scope; marks the helpers they need. */
function prepare(env: Env, plan: FunctionPlan, generic = false, ownScope = true): { resources: string; borrows: boolean } {
  env.planResources([...plan.params.map((p) => p.type), ...(plan.result ? [plan.result] : [])], generic);
  if (env.resources.size > 0) env.rt("resourceHandles");
  const borrows = plan.params.some((p) => containsBorrow(p.type));
  // The task machinery's calls are their own borrow scope (the Task).
  if (borrows && ownScope) {
    env.rt("BorrowScope");
    if (plan.direction === "lift") env.rt("checkBorrowsDropped");
  }
  return { resources: [...env.resources.values()].join(", "), borrows };
}

/** Binds a lifted parameter to a local named after it (unless it is one already). */
function bindValue(env: Env, p: ValuePlan, expr: string, name: string): string {
  if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(expr) && expr !== "undefined") return expr;
  const local = env.locals.claim(name);
  env.code.line(`const ${local}: ${env.typeOf(p)} = ${expr};`);
  return local;
}
