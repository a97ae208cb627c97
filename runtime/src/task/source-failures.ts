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

/**
 * The sink of one host call (`callFromHost`), reached by the lowering of its arguments through
 * the call's `OnStart` (`Task.sourceFailures`). One small object per call, no closures.
 */
export class CallSourceFailures implements SourceFailureSink {
  private settled = false;
  private failure: { error: unknown; report: (error: unknown) => void } | undefined;
  /** The call's promise: if it fails on its own, a failure taken before is reported instead. */
  call: Promise<unknown> | undefined;

  take(error: unknown, report: (error: unknown) => void): boolean {
    if (this.settled) return false;
    if (this.failure === undefined) {
      this.failure = { error, report };
      // Off the hot path: only a call that took a failure watches for its own rejection.
      this.call?.then(undefined, () => this.settleError());
    }
    return true;
  }

  /** The call returned `value`: a failure taken before turns it into that failure. */
  settleValue<T>(value: T, resolve: (v: T) => void, reject: (e: unknown) => void): void {
    this.settled = true;
    if (this.failure) reject(this.failure.error);
    else resolve(value);
  }

  /** The call failed on its own: its error wins, and a source failure taken before is reported. */
  private settleError(): void {
    if (this.settled) return;
    this.settled = true;
    this.failure?.report(this.failure.error);
  }
}
