/**
 * The generated declarations name run-time members as the runtime's dynamic API does
 * (docs/mapping.md "Names"): both call `memberNames` (runtime/src/abi/naming.ts). Checked on the
 * runtime naming test's guest: by concrete strings, against `memberNames`, and by linking the real
 * component with an import object keyed by the emitter's `Imports` names and calling every
 * function through the emitter's `Exports` names.
 */
import { beforeAll, describe, expect, test } from "vitest";
import { compileComponent, memberNames, type IrDocument } from "@witgen/runtime";
import { emitWorld, type EmittedFile } from "../../src/emit/index.js";
import { worldApiFunctions } from "../../src/emit/model.js";
import { memberKey, pascalCase } from "../../src/emit/names.js";
import { loadWitSource, selectWorld } from "../../src/wit/index.js";
import { CORE, FNS, HF, HR, RES, WIT } from "../../runtime/test/link/naming-guest.js";
import { buildCoreComponent } from "../support/build-component.js";
import { typecheck } from "../support/typecheck.js";
import { declarations } from "./declarations.js";

let doc: IrDocument;
let files: EmittedFile[];

function file(path: string): string {
  const f = files.find((x) => x.path === path);
  if (!f) throw new Error(`no ${path} among ${files.map((x) => x.path).join(", ")}`);
  return f.contents;
}

/** The body of `export interface <name> { ... }` in `text`. */
function interfaceBody(text: string, name: string): string {
  const m = new RegExp(`export interface ${name} \\{\\n([\\s\\S]*?)\\n\\}`).exec(text);
  if (!m) throw new Error(`no interface ${name}`);
  return m[1];
}

/** Member keys declared in an interface body (methods and properties, comments skipped). */
function declaredKeys(body: string): string[] {
  return body
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("/**") && !l.startsWith("*"))
    .map((l) => /^("[^"]+"|[A-Za-z_$][\w$]*|\[Symbol\.dispose\]|new )/.exec(l)![1].trim());
}

beforeAll(async () => {
  doc = selectWorld(loadWitSource(WIT, "names.wit"), "w");
  files = declarations(await emitWorld(doc, { mode: "host", results: "throw" }));
});

describe("emit: run-time member names agree with the runtime", () => {
  test("declarations type-check", () => {
    expect(typecheck(files, { strictest: true })).toEqual([]);
  }, 180_000);

  test("concrete names: then_, constructor_, kept delete/\"new\", statics name_/length_/prototype_", () => {
    expect(declaredKeys(interfaceBody(file("interfaces/test-names-fns.ts"), "Fns"))).toEqual(["then_", "constructor_", "delete", '"new"']);
    const hostRes = file("interfaces/test-names-host-res.ts");
    expect(declaredKeys(interfaceBody(hostRes, "Thing"))).toEqual(["then_", "constructor_", "[Symbol.dispose]"]);
    expect(declaredKeys(interfaceBody(hostRes, "ThingConstructor"))).toEqual(["new", "name_", "length_"]);
    expect(declaredKeys(interfaceBody(hostRes, "HostRes"))).toEqual(["Thing"]);
    const res = file("interfaces/test-names-res.ts");
    expect(declaredKeys(interfaceBody(res, "ThingConstructor"))).toEqual(["new", "name_", "prototype_"]);
    const index = file("index.ts");
    expect(declaredKeys(interfaceBody(index, "Imports"))).toEqual([JSON.stringify(HF), JSON.stringify(HR), "delete"]);
    expect(declaredKeys(interfaceBody(index, "Exports"))).toEqual(["then_", JSON.stringify(FNS), JSON.stringify(RES)]);
  });

  test("declared names are memberNames' names", () => {
    for (const iface of doc.interfaces) {
      const text = file(`interfaces/test-names-${iface.name}.ts`);
      const resources = iface.types.map((t) => doc.types[t.id]).filter((t) => t.def.kind === "resource");
      const names = memberNames({ functions: iface.functions.map((f) => f.name), resources: resources.map((r) => r.name) });
      const functionSet = interfaceBody(text, pascalCase(iface.name!));
      expect(declaredKeys(functionSet)).toEqual([...names.classes.values(), ...names.functions.values()].map(memberKey));
      if (resources.length === 0) continue;
      expect(declaredKeys(interfaceBody(text, "Thing")).slice(0, -1)).toEqual([...names.methods.values()].map(memberKey));
      expect(declaredKeys(interfaceBody(text, "ThingConstructor")).slice(1)).toEqual([...names.statics.values()].map(memberKey));
    }
    const world = doc.worlds[doc.world];
    for (const direction of ["imports", "exports"] as const) {
      const root = memberNames({ functions: world[direction].flatMap((i) => (i.kind === "function" ? [i.key] : [])), resources: [] });
      const declared = declaredKeys(interfaceBody(file("index.ts"), direction === "imports" ? "Imports" : "Exports"));
      expect(declared.filter((k) => !k.startsWith('"'))).toEqual([...root.functions.values()].map(memberKey));
    }
  });

  test("the real component links with Imports names and answers through Exports names", async () => {
    const compiled = await compileComponent(await buildCoreComponent({ coreWat: CORE, witSource: WIT, world: "w" }));
    // The import object, keyed by the paths the generated Imports gives each function.
    const imports: Record<string, Record<string, unknown>> = {};
    for (const [i, f] of worldApiFunctions(doc, "imports").entries()) {
      const value = () => i + 1;
      if (f.keys.length === 1) (imports as Record<string, unknown>)[f.keys[0]] = value;
      else (imports[f.keys[0]] ??= {})[f.keys[1]] = value;
    }
    // The host resource class, its members named as the generated HostRes/Thing/ThingConstructor say.
    const hostRes = memberNames({ functions: doc.interfaces.find((i) => i.name === "host-res")!.functions.map((f) => f.name), resources: ["thing"] });
    class Thing {
      constructor(readonly v: number) {}
    }
    const proto = Thing.prototype as unknown as Record<string, unknown>;
    proto[hostRes.methods.get("[method]thing.then")!] = function (this: Thing) {
      return this.v;
    };
    proto[hostRes.methods.get("[method]thing.constructor")!] = function (this: Thing) {
      return this.v * 2;
    };
    Object.assign(Thing, { [hostRes.statics.get("[static]thing.name")!]: () => 7, [hostRes.statics.get("[static]thing.length")!]: () => 9 });
    imports[HR] = { [hostRes.classes.get("thing")!]: Thing };

    const exports = (await compiled.instantiate(imports)).exports as Record<string, unknown>;
    const called: Record<string, unknown> = {};
    for (const f of worldApiFunctions(doc, "exports")) {
      const holder = f.keys.length === 1 ? exports : (exports[f.keys[0]] as Record<string, unknown>);
      const fn = holder[f.keys[f.keys.length - 1]];
      expect(typeof fn, f.extern).toBe("function");
      called[f.extern] = (fn as () => unknown)();
    }
    // Import order: host-fns then, constructor, delete, new (1..4), then root delete (5).
    expect(called).toEqual({
      [`${FNS}#then`]: 1001,
      [`${FNS}#constructor`]: 2002,
      [`${FNS}#delete`]: 3003,
      [`${FNS}#new`]: 5 + 10 * 100 + 7 * 10000 + 9 * 100000 + 4,
      then: 4005,
    });
    // The generated `Res` names its class member as the runtime exposes it.
    const Res = exports[RES] as Record<string, unknown>;
    expect(declaredKeys(interfaceBody(file("interfaces/test-names-res.ts"), "Res"))).toEqual(Object.keys(Res));
    const Cls = Res.Thing as Record<string, unknown>;
    for (const key of declaredKeys(interfaceBody(file("interfaces/test-names-res.ts"), "ThingConstructor")).slice(1)) {
      expect(typeof Cls[key], key).toBe("function");
    }
  }, 120_000);
});
