/**
 * Background work of the host side: `spawn` runs work that may outlive the call that
 * started it (e.g. writing into a stream the call already returned), and reports its
 * failure instead of dropping it.
 *
 * Failures go to the current `BackgroundScope`'s `onError`. The instantiator gives each host
 * call (task) a scope by running the implementation inside `scope.run(...)`; since JS has no
 * portable async context, "current" means the synchronous part of that run: capture it with
 * `currentBackgroundScope()` before the first `await` when spawning later. Outside any scope
 * the root scope reports through `globalThis.reportError` where the host has it (browsers,
 * Deno, Bun) and otherwise as an unhandled promise rejection (Node), so nothing is swallowed.
 */

export interface BackgroundScopeOptions {
  /** For messages, e.g. the function whose task spawned the work. */
  name?: string;
  /** Receives every failure of work spawned in this scope (default: the parent scope's reporting). */
  onError?: (error: unknown) => void;
}

export class BackgroundScope {
  readonly name: string;
  private readonly onError: ((error: unknown) => void) | undefined;
  private readonly parent: BackgroundScope | undefined;
  private running = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(options: BackgroundScopeOptions = {}, parent: BackgroundScope | undefined = current) {
    this.name = options.name ?? "background";
    this.onError = options.onError;
    this.parent = parent;
  }

  /** How much spawned work has not settled yet. */
  get pending(): number {
    return this.running;
  }

  /** Run `f` with this scope as the current one (its synchronous part). */
  run<T>(f: () => T): T {
    const outer = current;
    current = this;
    try {
      return f();
    } finally {
      current = outer;
    }
  }

  /** Track `work` (a promise, or a function run now inside this scope); report its failure. */
  spawn(work: PromiseLike<unknown> | (() => unknown)): void {
    let p: PromiseLike<unknown>;
    try {
      p = Promise.resolve(typeof work === "function" ? this.run(work) : work);
    } catch (e) {
      p = Promise.reject(e);
    }
    this.running += 1;
    p.then(
      () => this.settle(),
      (e) => {
        this.settle();
        this.report(e);
      },
    );
  }

  /** Report a failure no caller can observe. */
  report(error: unknown): void {
    if (this.onError) {
      try {
        this.onError(error);
      } catch (e) {
        (this.parent ?? root).report(e);
      }
    } else if (this.parent) this.parent.report(error);
    else reportGlobally(error);
  }

  /** Resolves once no spawned work of this scope is pending. */
  idle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private settle(): void {
    this.running -= 1;
    if (this.running === 0) for (const w of this.idleWaiters.splice(0)) w();
  }
}

function reportGlobally(error: unknown): void {
  const g = globalThis as { reportError?: (e: unknown) => void };
  if (typeof g.reportError === "function") g.reportError(error);
  // An unhandled rejection: Node prints it (and by default exits), browsers log it.
  else void Promise.reject(error);
}

let current: BackgroundScope | undefined;
const root = new BackgroundScope({ name: "root" }, undefined);
current = root;

/** The scope `spawn` uses now (see the module doc). */
export function currentBackgroundScope(): BackgroundScope {
  return current ?? root;
}

/**
 * Run `work` in the background of the current task (see the module doc): it may outlive the
 * call's return; a failure goes to the scope's `onError`, never nowhere.
 */
export function spawn(work: PromiseLike<unknown> | (() => unknown)): void {
  currentBackgroundScope().spawn(work);
}
