/**
 * Errors of linking a component: a component the instantiator cannot run
 * (an index out of range, an unsupported construct) is a {@link LinkError}
 * naming the byte offset; imports the host did not supply (or supplied with
 * the wrong kind of value) are one {@link ComponentLinkError} listing them all.
 */

export class LinkError extends Error {
  override readonly name: string = "LinkError";
  constructor(
    message: string,
    /** Absolute byte offset in the component binary of the definition at fault. */
    readonly offset: number,
  ) {
    super(`at byte 0x${offset.toString(16)}: ${message}`);
  }
}

export interface MissingImport {
  /** Extern path: `"name"` or `"interface#member"`. */
  name: string;
  /** What was expected, e.g. `func(x: u32) -> string` or `resource class`. */
  type: string;
  /** Why it is not usable: absent, or the wrong kind of JS value. */
  problem: string;
}

export class ComponentLinkError extends Error {
  override readonly name = "ComponentLinkError";
  constructor(readonly missing: MissingImport[]) {
    super(
      `${missing.length} import(s) not satisfied:\n` + missing.map((m) => `  ${m.name}: ${m.type} (${m.problem})`).join("\n"),
    );
  }
}
