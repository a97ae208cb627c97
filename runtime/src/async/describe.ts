/** Names a handle-table entry in trap messages ("stream readable end", "waitable set", "nothing"). */
export function describe(e: unknown): string {
  if (
    e &&
    typeof e === "object" &&
    "kind" in e &&
    typeof (e as { kind: unknown }).kind === "string"
  )
    return (e as { kind: string }).kind;
  return e === undefined || e === null
    ? "nothing"
    : (e.constructor?.name ?? typeof e);
}

/** "a waitable set", "an error-context". */
export function aOrAn(what: string): string {
  return /^[aeiou]/i.test(what) ? `an ${what}` : `a ${what}`;
}
