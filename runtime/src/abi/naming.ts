/**
 * WIT name -> TypeScript name. Shared by the runtime (record fields, flags)
 * and the generator, so both spell a field the same way.
 *
 * WIT identifiers are kebab-case words, each all-lowercase or all-uppercase
 * (WIT.md "Identifiers"), optionally `%`-escaped.
 */

/** `foo-bar-baz` -> `fooBarBaz`, `%type` -> `type`, `get-HTTP-url` -> `getHTTPUrl`. */
export function toCamelCase(witName: string): string {
  const words = stripEscape(witName).split("-");
  let out = words[0] ?? "";
  for (let i = 1; i < words.length; i++) out += capitalize(words[i]);
  return out;
}

/** `foo-bar` -> `FooBar` (type and class names). */
export function toPascalCase(witName: string): string {
  return stripEscape(witName).split("-").map(capitalize).join("");
}

function stripEscape(name: string): string {
  return name.startsWith("%") ? name.slice(1) : name;
}

function capitalize(word: string): string {
  return word.length === 0 ? word : word[0].toUpperCase() + word.slice(1);
}
