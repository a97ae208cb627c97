/**
 * Failures of host sources (`streamFrom` / `futureFrom`) passed as arguments of a host call into
 * a component. The guest only sees the stream end early (or the future never written), so the
 * host call that took the source is the place to report it: the call rejects with the source's
 * error once the guest's task has finished. A failure after the call settled goes to the
 * background scope as before (api/background.ts).
 */

/**
 * Where a transferred source reports its failure; `false`: too late, report it elsewhere.
 * `report` is where the failure goes if the call fails on its own (its error wins).
 */
export interface SourceFailureSink {
  take(error: unknown, report: (error: unknown) => void): boolean;
}

/** The sink of a host call, keyed by the call's argument array (what its lowering receives). */
const sinks = new WeakMap<readonly unknown[], SourceFailureSink>();

export function sinkOfArguments(args: readonly unknown[]): SourceFailureSink | undefined {
  return sinks.get(args);
}

/**
 * A sink for one host call with arguments `args`: `settle` wraps the call's resolution so that a
 * failure taken before it turns the value into that failure.
 */
export function callSourceFailures(args: readonly unknown[]): {
  settleValue<T>(value: T, resolve: (v: T) => void, reject: (e: unknown) => void): void;
  settleError(): void;
} {
  let settled = false;
  let failure: { error: unknown; report: (error: unknown) => void } | undefined;
  sinks.set(args, {
    take(error, report) {
      if (settled) return false;
      failure ??= { error, report };
      return true;
    },
  });
  return {
    settleValue(value, resolve, reject) {
      settled = true;
      if (failure) reject(failure.error);
      else resolve(value);
    },
    /** The call failed on its own: its error wins, and a source failure taken before is reported. */
    settleError() {
      settled = true;
      failure?.report(failure.error);
    },
  };
}
