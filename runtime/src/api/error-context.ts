/**
 * An `error-context` value (Explainer.md "Error Context"): an opaque, possibly host-annotated
 * error description passed between components.
 */
export interface ErrorContext extends Disposable {
  /** The debug message the creator attached; may be empty, never meant for program logic. */
  readonly debugMessage: string;
  /** Drops this handle (`error-context.drop`). */
  [Symbol.dispose](): void;
}
