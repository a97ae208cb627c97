/**
 * WIT name -> TypeScript name, as docs/mapping.md "Names" specifies. The
 * runtime needs these for record fields and flags (the object keys values
 * carry); they are exported so other runtime parts spell names the same way.
 *
 * WIT identifiers are kebab-case words, each all-lowercase or all-uppercase
 * (WIT.md "Identifiers"), optionally `%`-escaped.
 */

function segments(witName: string): string[] {
  return witName
    .replace(/^%/, "")
    .split("-")
    .filter((s) => s.length > 0);
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** `foo-bar-baz` -> `fooBarBaz`; an all-caps first word is lowered (`URL-parse` -> `urlParse`); `%type` -> `type`. */
export function toCamelCase(witName: string): string {
  const [first = "", ...rest] = segments(witName);
  const head = first === first.toUpperCase() ? first.toLowerCase() : first;
  return head + rest.map(capitalize).join("");
}

/** `ip-address` -> `IpAddress`; acronyms stay (`HTTP-error` -> `HTTPError`). */
export function toPascalCase(witName: string): string {
  return segments(witName).map(capitalize).join("");
}

/**
 * camelCase names for one scope (a record's fields, a flags body): when two
 * WIT names map to the same name, the first in definition order keeps it and
 * later ones get `2`, `3`, ... appended (docs/mapping.md "Names", collisions).
 */
export function camelCaseScope(witNames: readonly string[]): string[] {
  const taken = new Set<string>();
  return witNames.map((w) => {
    const base = toCamelCase(w);
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
    taken.add(name);
    return name;
  });
}
