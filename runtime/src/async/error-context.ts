/** CanonicalABI.md "canon error-context.new": an immutable debug message, shared by handle. */
export class ErrorContext {
  readonly kind = "error-context";
  constructor(readonly debugMessage: string) {}
}
