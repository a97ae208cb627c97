/**
 * A `result<T, E>` as a value: what functions return with `results: "union"`, and how a
 * `result` nested inside another type always appears. An absent payload is `void`.
 */
export type Result<T, E> = { tag: "ok"; val: T } | { tag: "err"; val: E };

/**
 * An `option<T>` whose payload may itself be `undefined` (`option<option<T>>`): the outer
 * level is tagged so `none` and `some(none)` stay distinct. A plain `option<T>` is `T | undefined`.
 */
export type Option<T> = { tag: "some"; val: T } | { tag: "none" };

/**
 * Thrown (or, for async functions, rejected with) when a function whose WIT result is
 * `result<T, E>` returns `err`, with `results: "throw"` (the default). `payload` is the `E` value.
 * An implementation (host import or guest export) throws one to return `err`.
 */
export class ComponentError<E = unknown> extends Error {
  readonly payload: E;

  constructor(payload: E, message?: string) {
    super(message ?? describePayload(payload));
    this.name = "ComponentError";
    this.payload = payload;
  }
}

function describePayload(payload: unknown): string {
  if (payload === undefined) return "component returned err";
  if (typeof payload === "string") return `component returned err: ${payload}`;
  if (typeof payload === "object" && payload !== null && "tag" in payload) {
    return `component returned err: ${String((payload as { tag: unknown }).tag)}`;
  }
  return "component returned err";
}
