/**
 * Kebab names that differ only in case, or in hyphens, denote the same
 * component-level name (Explainer.md "Name Uniqueness"; the reference
 * validator also ignores hyphens), so each scope checks uniqueness on a
 * normalised form and says which earlier name clashed.
 */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/-/g, "");
}

export class NameSet {
  private readonly seen = new Map<string, string>();

  /** Returns the earlier clashing name, or undefined after recording `name`. */
  add(name: string): string | undefined {
    const key = normalizeName(name);
    const prev = this.seen.get(key);
    if (prev !== undefined) return prev;
    this.seen.set(key, name);
    return undefined;
  }

  has(name: string): boolean {
    return this.seen.has(normalizeName(name));
  }
}

/** `duplicate field \`x\` in record \`r\``, plus the clashing spelling when it differs. */
export function duplicateMessage(what: string, name: string, where: string, prev: string): string {
  return `duplicate ${what} \`${name}\` in ${where}${prev !== name ? ` (conflicts with \`${prev}\`)` : ""}`;
}
