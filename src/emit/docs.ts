// WIT docs and feature gates -> JSDoc (docs/mapping.md "Docs").
import type { ItemMeta } from "@witgen/runtime/ir";

/** Extra JSDoc lines a caller adds after the WIT docs (e.g. `@throws`). */
export type DocTags = string[];

/**
 * The JSDoc block for an item, or "" when there is nothing to say. Lines keep their relative
 * indentation; a `*\/` inside the text is broken up so the comment cannot end early.
 */
export function jsDoc(meta: ItemMeta | undefined, extra: DocTags = []): string {
  const lines: string[] = [];
  const text = meta?.docs?.replace(/\r\n?/g, "\n").replace(/^\n+|\s+$/g, "");
  if (text) lines.push(...text.split("\n"));
  const tags = [...stabilityTags(meta), ...extra];
  if (tags.length > 0 && lines.length > 0) lines.push("");
  lines.push(...tags);
  if (lines.length === 0) return "";
  const body = lines.map((line) => (line ? ` * ${line.replace(/\*\//g, "*\\/")}` : " *"));
  return ["/**", ...body, " */"].join("\n");
}

function stabilityTags(meta: ItemMeta | undefined): string[] {
  const stability = meta?.stability;
  if (!stability || stability.kind === "unknown") return [];
  const tags: string[] = [];
  if (stability.kind === "stable") tags.push(`@since ${stability.since}`);
  else tags.push(`@experimental Unstable: needs the WIT feature \`${stability.feature}\`.`);
  if (stability.deprecated !== undefined) tags.push(`@deprecated Since ${stability.deprecated}.`);
  return tags;
}
