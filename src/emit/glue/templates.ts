// The glue's handlebars templates (templates/glue/*.hbs): module and adapter skeletons.
import { readFileSync } from "node:fs";
import Handlebars from "handlebars";

const TEMPLATES = new URL("../../../templates/glue/", import.meta.url);

export type GlueTemplate = "module" | "export" | "import" | "instantiate" | "instantiate-jspi" | "task-export" | "task-return" | "task-import";

const compiled = new Map<GlueTemplate, Handlebars.TemplateDelegate>();

/** Renders one template; the views carry finished TypeScript, so nothing is escaped and every field must exist. */
export function renderTemplate(name: GlueTemplate, view: object): string {
  let template = compiled.get(name);
  if (!template) {
    template = Handlebars.create().compile(readFileSync(new URL(`${name}.hbs`, TEMPLATES), "utf8"), { noEscape: true, strict: true });
    compiled.set(name, template);
  }
  return template(view);
}
