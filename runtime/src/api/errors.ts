/**
 * Errors of the stream/future API. Host misuse is an `AsyncUsageError` (never a `Trap`:
 * traps are for guests breaking a spec rule); the message names the operation.
 */

/** The host used a stream or future end wrongly (read after close, overlapping reads, a second future write, ...). */
export class AsyncUsageError extends Error {
  /** The operation that was refused, e.g. `"StreamReader.read"`. */
  readonly operation: string;

  constructor(operation: string, message: string) {
    super(`${operation}: ${message}`);
    this.name = "AsyncUsageError";
    this.operation = operation;
  }
}

/** `writeAll` / `pipeTo` could not deliver everything: the reading end was dropped first. */
export class StreamClosedError extends Error {
  /** How many elements the reader took before it went away. */
  readonly written: number;

  constructor(operation: string, written: number, total: number) {
    super(`${operation}: the reader dropped its end after taking ${written} of ${total} element(s)`);
    this.name = "StreamClosedError";
    this.written = written;
  }
}

/** A `FutureReader` was cancelled before its value arrived. */
export class CancelledError extends Error {
  constructor(operation: string) {
    super(`${operation}: cancelled before a value arrived`);
    this.name = "CancelledError";
  }
}

/** `blockOn` on an engine without JS Promise Integration. */
export class JspiUnavailableError extends Error {
  constructor(operation: string) {
    super(
      `${operation}: blocking on a promise from synchronous code needs JSPI (WebAssembly.Suspending / ` +
        `WebAssembly.promising), available in Node >= 24 and browsers with JSPI; this engine has none. ` +
        `Declare the function async (an \`async func\` lowered with the async option) and await instead.`,
    );
    this.name = "JspiUnavailableError";
  }
}
