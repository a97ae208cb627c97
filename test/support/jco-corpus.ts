/**
 * The reference parser's verdict on corpus cases: wit-parser inside jco
 * (`componentNew(await componentEmbed({ dummy: true, witPath, world }))`),
 * which throws on invalid WIT and otherwise yields a component whose type is
 * the selected world.
 *
 * jco runs in worker threads with bounded concurrency. A wit-parser panic
 * traps its wasm instance for good, so a worker that trapped is replaced.
 * Verdicts (and binaries) are cached in the git-ignored `.cache/jco-corpus/`,
 * keyed by a sha256 of the case's files and the jco version.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { caseDigest, repoRoot, type CorpusCase } from "./corpus.js";

export type JcoVerdict =
  | { verdict: "accept"; bytes: Uint8Array }
  | { verdict: "reject"; message: string }
  /** jco panicked or hung: it gave no verdict. */
  | { verdict: "crash"; message: string };

/** Bump when the way jco is called changes, so stale cache entries are not reused. */
const RECIPE_VERSION = "1";
const TASK_TIMEOUT_MS = 60_000;
const cacheDir = path.join(repoRoot, ".cache", "jco-corpus");

function jcoVersion(): string {
  const pkg = path.join(repoRoot, "node_modules", "@bytecodealliance", "jco", "package.json");
  return (JSON.parse(readFileSync(pkg, "utf8")) as { version: string }).version;
}

export function caseKey(c: CorpusCase): string {
  return `${c.kind}/${c.name}`;
}

interface Request {
  id: number;
  path: string;
  world?: string;
  features?: { tag: "all" } | { tag: "list"; val: string[] };
}

type Reply = { id: number } & ({ verdict: "accept"; bytes: Uint8Array } | { verdict: "reject" | "crash"; message: string });

function requestFor(c: CorpusCase, id: number): Request {
  const req: Request = { id, path: c.path };
  if (c.options.world !== undefined) req.world = c.options.world;
  if (c.options.allFeatures) req.features = { tag: "all" };
  else if (c.options.features) req.features = { tag: "list", val: c.options.features };
  return req;
}

/** One worker thread running jco; `run` resolves with its reply, or a crash on a trap or timeout. */
class JcoWorker {
  private worker: Worker;
  constructor() {
    this.worker = new Worker(new URL("./jco-worker.mjs", import.meta.url), { stderr: true, stdout: true });
    // Panics print a Rust backtrace; it is reported through the verdict instead.
    this.worker.stderr.resume();
    this.worker.stdout.resume();
  }

  run(req: Request): Promise<Reply> {
    return new Promise((resolve) => {
      const finish = (reply: Reply) => {
        clearTimeout(timer);
        this.worker.off("message", onMessage);
        this.worker.off("error", onError);
        resolve(reply);
      };
      const onMessage = (reply: Reply) => {
        if (reply.id === req.id) finish(reply);
      };
      const onError = (e: Error) => finish({ id: req.id, verdict: "crash", message: `worker error: ${e.message}` });
      const timer = setTimeout(
        () => finish({ id: req.id, verdict: "crash", message: `no verdict within ${TASK_TIMEOUT_MS} ms` }),
        TASK_TIMEOUT_MS,
      );
      this.worker.on("message", onMessage);
      this.worker.on("error", onError);
      this.worker.postMessage(req);
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

async function readCached(file: string): Promise<JcoVerdict | undefined> {
  let meta: { verdict: JcoVerdict["verdict"]; message?: string };
  try {
    meta = JSON.parse(await readFile(`${file}.json`, "utf8"));
  } catch {
    return undefined;
  }
  if (meta.verdict === "accept") {
    try {
      return { verdict: "accept", bytes: new Uint8Array(await readFile(`${file}.wasm`)) };
    } catch {
      return undefined;
    }
  }
  // A crash may be an environment hiccup (timeout); only definite verdicts are cached.
  if (meta.verdict === "reject") return { verdict: "reject", message: meta.message ?? "" };
  return undefined;
}

async function writeAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}

async function writeCached(file: string, v: JcoVerdict): Promise<void> {
  if (v.verdict === "crash") return;
  await mkdir(cacheDir, { recursive: true });
  if (v.verdict === "accept") await writeAtomic(`${file}.wasm`, v.bytes);
  const meta = v.verdict === "accept" ? { verdict: v.verdict } : { verdict: v.verdict, message: v.message };
  await writeAtomic(`${file}.json`, JSON.stringify(meta));
}

/**
 * jco's verdict for each case (keyed by {@link caseKey}); cases whose
 * `case.json` says `"jco": "skip: ..."` are left out.
 */
export async function jcoVerdicts(
  cases: CorpusCase[],
  concurrency = Math.max(1, Math.min(4, availableParallelism())),
): Promise<Map<string, JcoVerdict>> {
  const version = jcoVersion();
  const results = new Map<string, JcoVerdict>();
  const todo: { c: CorpusCase; file: string }[] = [];
  for (const c of cases) {
    if (c.jcoSkip !== undefined) continue;
    const key = createHash("sha256")
      .update(`${RECIPE_VERSION}\0${version}\0${caseDigest(c)}`)
      .digest("hex");
    const file = path.join(cacheDir, key);
    const cached = await readCached(file);
    if (cached) results.set(caseKey(c), cached);
    else todo.push({ c, file });
  }

  let next = 0;
  let id = 0;
  const lane = async () => {
    let worker: JcoWorker | undefined;
    try {
      while (next < todo.length) {
        const { c, file } = todo[next++];
        worker ??= new JcoWorker();
        const reply = await worker.run(requestFor(c, ++id));
        const v: JcoVerdict =
          reply.verdict === "accept"
            ? { verdict: "accept", bytes: new Uint8Array(reply.bytes) }
            : { verdict: reply.verdict, message: reply.message };
        if (v.verdict === "crash") {
          await worker.terminate();
          worker = undefined;
        }
        results.set(caseKey(c), v);
        await writeCached(file, v);
      }
    } finally {
      await worker?.terminate();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, lane));
  return results;
}
