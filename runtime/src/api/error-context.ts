/**
 * An `error-context` value (Explainer.md "Error Context"): an immutable, possibly host-annotated
 * error description passed between components. A lifted value holds no handle of its own
 * (CanonicalABI.md `lift_error_context` leaves the guest's handle in place), so there is nothing
 * to dispose.
 */
export interface ErrorContext {
  /** The debug message the creator attached; may be empty, never meant for program logic. */
  readonly debugMessage: string;
}
