import path from "node:path";
import { describe, expect, test } from "vitest";
import { emitWorld, type EmitMode, type EmittedFile } from "../../src/emit/index.js";
import { loadWitPath, selectWorld } from "../../src/wit/index.js";
import { typecheck } from "../support/typecheck.js";
import { wasiAvailable, wasiPackages, wasiRoot } from "../support/wasi.js";
import { declarations } from "./declarations.js";

const STRICTEST = { strictest: true };

const MODES: EmitMode[] = ["types", "host", "guest"];

describe.skipIf(!wasiAvailable)("WASI 0.3.0", () => {
  test("every world of the six packages, in all three modes, type-checks with strict", async () => {
    const all: EmittedFile[] = [];
    const worlds: string[] = [];
    for (const pkg of wasiPackages) {
      const resolve = loadWitPath(path.join(wasiRoot, pkg));
      for (const { name } of resolve.packages[resolve.mainPackage].worlds) {
        worlds.push(`${pkg}/${name}`);
        const doc = selectWorld(resolve, name);
        for (const mode of MODES) {
          for (const f of declarations(await emitWorld(doc, { mode }))) all.push({ path: `${pkg}-${name}-${mode}/${f.path}`, contents: f.contents });
        }
      }
    }
    expect(worlds.length).toBeGreaterThanOrEqual(8);
    expect(typecheck(all, STRICTEST)).toEqual([]);
  }, 300_000);

  test("wasi:http/middleware: handler both imported and exported; body streams are byte streams", async () => {
    const doc = selectWorld(loadWitPath(path.join(wasiRoot, "http")), "middleware");
    const files = declarations(await emitWorld(doc, { mode: "host" }));
    const index = files.find((f) => f.path === "index.ts")!.contents;
    expect(index).toMatch(/export interface Imports \{[\s\S]*"wasi:http\/handler@0\.3\.0": WasiHttpHandler\.Handler;[\s\S]*\n\}/);
    expect(index).toMatch(/export interface Exports \{[\s\S]*"wasi:http\/handler@0\.3\.0": WasiHttpHandler\.Handler;\n\}/);
    const handler = files.find((f) => f.path === "interfaces/wasi-http-handler.ts")!.contents;
    expect(handler).toContain("handle(request: Request, options?: CallOptions): Promise<Response>;");
    expect(handler).toContain("@throws {ComponentError<ErrorCode>}");
    const types = files.find((f) => f.path === "interfaces/wasi-http-types.ts")!.contents;
    expect(types).toContain("contents: StreamSource<number, Uint8Array> | undefined,");
    expect(types).toContain("): [StreamReader<number, Uint8Array>, FutureReader<Result<Trailers | undefined, ErrorCode>>];");
    expect(types).toContain("export type FieldValue = Uint8Array;");
    // `new` is quoted (a bare `new(` would be a construct signature), `this` escaped; `delete` stays.
    expect(types).toMatch(/"new"\(\s*headers: Headers,/);
    expect(types).toContain("this_: Request,");
    expect(types).toContain("delete(name: FieldName): void;");
  });

  test("wasi:filesystem: flags, u64 sizes as bigint, directory entries as an item stream", async () => {
    const doc = selectWorld(loadWitPath(path.join(wasiRoot, "filesystem")), "imports");
    const files = declarations(await emitWorld(doc, { mode: "guest", results: "union" }));
    const types = files.find((f) => f.path === "interfaces/wasi-filesystem-types.ts")!.contents;
    expect(types).toMatch(/export interface DescriptorFlags \{[\s\S]*read\?: boolean;[\s\S]*mutateDirectory\?: boolean;/);
    expect(types).toContain("export type Filesize = bigint;");
    expect(types).toContain("readDirectory(): [StreamReader<DirectoryEntry>, FutureReader<Result<void, ErrorCode>>];");
    expect(files.find((f) => f.path === "interfaces/wasi-filesystem-preopens.ts")!.contents).toContain(
      "export declare function getDirectories(): [Descriptor, string][];",
    );
  });
});
