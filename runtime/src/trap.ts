/**
 * Traps: the Canonical ABI's `trap()` / `trap_if()` (CanonicalABI.md
 * "Introduction"). A trap names the violated rule and, when known, where it
 * happened (function and argument), so a failing component is diagnosable.
 */

export interface TrapDetails {
  /** The violated rule, e.g. `CanonicalABI.md load_string_from_range`. */
  rule: string;
  /** The component function being called, when known. */
  func?: string;
  /** The argument / result / field path inside that function, when known. */
  where?: string;
  cause?: unknown;
}

export class Trap extends Error {
  readonly rule: string;
  func?: string;
  where?: string;
  /** The bare message without rule and location. */
  readonly reason: string;
  /** Path inside the value being lifted/lowered, e.g. `.items[3]`. */
  path = "";
  /** Functions the trap unwound through after `func`, innermost first (the export the host called last). */
  readonly via: string[] = [];

  constructor(reason: string, details: TrapDetails) {
    super(
      reason,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.name = "Trap";
    this.reason = reason;
    this.rule = details.rule;
    this.func = details.func;
    this.where = details.where;
    this.message = this.format();
  }

  /** Adds the function / location once it is known (inner code often does not know it). */
  locate(func: string | undefined, where?: string): this {
    if (this.func === undefined && func !== undefined) this.func = func;
    // An outer function (e.g. the export whose call reached a trapping import) is named too.
    else if (func !== undefined && func !== this.func && this.via[this.via.length - 1] !== func) this.via.push(func);
    if (this.where === undefined && where !== undefined) this.where = where;
    this.message = this.format();
    return this;
  }

  /** Adds an outer path segment (`.field`, `[3]`) while unwinding out of a nested value. */
  prependPath(segment: string): this {
    this.path = segment + this.path;
    this.message = this.format();
    return this;
  }

  private format(): string {
    let at = "";
    if (this.func !== undefined) at += ` in ${this.func}`;
    if (this.where !== undefined || this.path !== "")
      at += ` (${this.where ?? "value"}${this.path})`;
    for (const outer of this.via) at += `, called from ${outer}`;
    return `${this.reason}${at} [${this.rule}]`;
  }
}

/**
 * A host-supplied JS value that does not fit its WIT type (e.g. `300` for a
 * `u8`). This is the host's bug, not the guest's: when the host calls an
 * export it is thrown before entering the guest; when a host import returns
 * such a value the guest is mid-call, so the caller turns it into a Trap.
 */
export class AbiValueError extends Error {
  func?: string;
  where?: string;
  readonly reason: string;
  /** Path inside the value, e.g. `.items[3]`. */
  path = "";

  constructor(reason: string, where?: string) {
    super(reason);
    this.name = "AbiValueError";
    this.reason = reason;
    this.where = where;
    this.message = this.format();
  }

  locate(func: string | undefined, where?: string): this {
    if (this.func === undefined && func !== undefined) this.func = func;
    if (this.where === undefined && where !== undefined) this.where = where;
    this.message = this.format();
    return this;
  }

  /** Adds an outer path segment (`.field`, `[3]`) while unwinding out of a nested value. */
  prependPath(segment: string): this {
    this.path = segment + this.path;
    this.message = this.format();
    return this;
  }

  private format(): string {
    let at = "";
    if (this.func !== undefined) at += ` in ${this.func}`;
    if (this.where !== undefined || this.path !== "")
      at += ` (${this.where ?? "value"}${this.path})`;
    return `${this.reason}${at}`;
  }
}

/** `trap_if(cond)`; `rule` names the spec definition whose check failed. */
export function trapIf(cond: boolean, reason: string, rule: string): void {
  if (cond) throw new Trap(reason, { rule });
}
