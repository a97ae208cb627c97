// Templates (templates/*.hbs) -> formatted TypeScript.
import { readdirSync, readFileSync } from "node:fs";
import Handlebars from "handlebars";
import { format } from "prettier/standalone";
import type { Options } from "prettier";
import * as estree from "prettier/plugins/estree";
import * as typescript from "prettier/plugins/typescript";
import type { ModuleView, WorldView } from "./model.js";

const TEMPLATES = new URL("../../templates/", import.meta.url);

/** One options object for every file: prettier caches per options identity. */
const PRETTIER: Options = {
  parser: "typescript",
  plugins: [estree, typescript],
  printWidth: 100,
};

interface Templates {
  interface: Handlebars.TemplateDelegate<ModuleView>;
  world: Handlebars.TemplateDelegate<WorldView>;
}

let compiled: Templates | undefined;

function templates(): Templates {
  if (compiled) return compiled;
  const hbs = Handlebars.create();
  hbs.registerHelper("join", (items: string[]) => items.join(", "));
  const partials = new URL("partials/", TEMPLATES);
  for (const file of readdirSync(partials).sort()) {
    if (file.endsWith(".hbs")) hbs.registerPartial(file.slice(0, -4), readFileSync(new URL(file, partials), "utf8"));
  }
  // The views carry finished TypeScript text: nothing to HTML-escape.
  const compile = (name: string) => hbs.compile(readFileSync(new URL(name, TEMPLATES), "utf8"), { noEscape: true, strict: true });
  compiled = { interface: compile("interface.hbs"), world: compile("world.hbs") };
  return compiled;
}

export function renderInterface(view: ModuleView): string {
  return templates().interface(view);
}

export function renderWorld(view: WorldView): string {
  return templates().world(view);
}

/**
 * Formatted text by unformatted text. Worlds share most interface modules (and modes share the
 * type-only ones), so emitting many worlds formats each distinct module once. Bounded by clearing.
 */
const formatted = new Map<string, Promise<string>>();
const MAX_CACHED = 4096;

/**
 * Formats one generated file: the body through prettier (cached), then the header line in front,
 * which keeps the body identical across worlds. A failure is a generator bug, reported with the path.
 */
export async function formatTypeScript(path: string, header: string, body: string): Promise<string> {
  let result = formatted.get(body);
  if (!result) {
    if (formatted.size >= MAX_CACHED) formatted.clear();
    result = format(body, PRETTIER);
    formatted.set(body, result);
    result.catch(() => formatted.delete(body));
  }
  try {
    return `${header}\n${await result}`;
  } catch (error) {
    throw new Error(`emit: generated ${path} is not valid TypeScript: ${(error as Error).message}`);
  }
}
