/**
 * Making stream and future ends on the host: `stream()` / `future()` pairs, conversion of
 * `StreamSource` / `FutureSource` values into reader ends (with a background pump), and
 * wrapping ends lifted out of a component.
 *
 * Element types: `stream("u8")` fixes the element type now; `stream()` binds it late (see
 * `element-type.ts`): lowering the reader into a component gives it the component's type.
 * Give the type when both ends stay on the host and you want typed-array batches.
 *
 * Pumps (`streamFrom`, `futureFrom`) run as background work (`spawn`) in the scope current
 * when they were created. They pull the next chunk only after the previous one was taken
 * (backpressure), stop pulling and release the source (`return()` / `cancel()`) when the
 * reader is dropped, and never swallow a failure of the source (see `HostStreamReaderApi.fail`:
 * the reader's last read, the host call the reader was passed to, or the scope). A failed
 * `futureFrom` drops its writer without a value, so a component reading it sees DROPPED.
 * A typed array as the source itself is one chunk for a number stream (`upload(bytes)`).
 * Iterables yield elements, or, for number streams, typed-array chunks too; consecutive
 * elements of a sync iterable are written in batches of up to 1024.
 */
import type { ElementCodec } from "../async/element-codec.js";
import { SharedFuture } from "../async/future.js";
import { SharedStream } from "../async/stream.js";
import { currentBackgroundScope } from "./background.js";
import { codecOfElementType, isNumeric, LateCodec, type StreamElementType } from "./element-type.js";
import { AsyncUsageError, StreamClosedError } from "./errors.js";
import { HostFutureReaderApi, HostFutureWriterApi } from "./future-ends.js";
import type { FutureReader, FutureSource, FutureWriter } from "./futures.js";
import { HostStreamReaderApi } from "./stream-reader.js";
import { HostStreamWriterApi } from "./stream-writer.js";
import type { StreamReader, StreamSource, StreamWriter } from "./streams.js";

const SYNC_BATCH = 1024;

function codecFor(elementType: StreamElementType | undefined, operation: string): ElementCodec {
  return elementType === undefined ? new LateCodec() : codecOfElementType(elementType, operation);
}

/** A new stream whose both ends the host holds; pass `reader` into a call, keep `writer`. */
export function stream<T, Batch extends ArrayLike<T> = T[]>(
  elementType?: StreamElementType,
): { reader: StreamReader<T, Batch>; writer: StreamWriter<T, Batch> } {
  const shared = new SharedStream(codecFor(elementType, "stream"));
  return { reader: new HostStreamReaderApi<T, Batch>(shared), writer: new HostStreamWriterApi<T, Batch>(shared) };
}

/** A new future whose both ends the host holds; pass `reader` into a call, `write` the value later. */
export function future<T>(elementType?: StreamElementType): { reader: FutureReader<T>; writer: FutureWriter<T> } {
  const shared = new SharedFuture(codecFor(elementType, "future"));
  return { reader: new HostFutureReaderApi<T>(shared), writer: new HostFutureWriterApi<T>(shared) };
}

/** A reader end over a stream lifted out of a component (what the lowering hooks hand JS). */
export function wrapLiftedStream<T, Batch extends ArrayLike<T> = T[]>(shared: SharedStream): StreamReader<T, Batch> {
  return new HostStreamReaderApi<T, Batch>(shared);
}

export function wrapLiftedFuture<T>(shared: SharedFuture): FutureReader<T> {
  return new HostFutureReaderApi<T>(shared);
}

export function isStreamReader(v: unknown): v is StreamReader<unknown, ArrayLike<unknown>> {
  return v instanceof HostStreamReaderApi;
}

export function isFutureReader(v: unknown): v is FutureReader<unknown> {
  return v instanceof HostFutureReaderApi;
}

interface WebReader {
  read(): Promise<{ done: boolean; value?: unknown }>;
  cancel(reason?: unknown): Promise<void>;
  releaseLock(): void;
}

function isReadableStream(v: unknown): v is { getReader(): WebReader } {
  return (
    typeof (v as { getReader?: unknown })?.getReader === "function" &&
    typeof (v as { pipeTo?: unknown }).pipeTo === "function"
  );
}

/**
 * A reader end for any `StreamSource`: an existing reader is returned as it is; iterables and
 * web streams are pumped into a new stream in the background (see the module doc).
 */
export function streamFrom<T, Batch extends ArrayLike<T> = T[]>(
  source: StreamSource<T, Batch>,
  elementType?: StreamElementType,
): StreamReader<T, Batch> {
  const operation = "streamFrom";
  if (source instanceof HostStreamReaderApi) {
    if (elementType !== undefined && source.codec instanceof LateCodec)
      source.codec.bind(codecOfElementType(elementType, operation), `${operation}'s element type`, operation);
    return source as StreamReader<T, Batch>;
  }
  const s = source as unknown;
  const isAsync = typeof (s as AsyncIterable<unknown>)?.[Symbol.asyncIterator] === "function";
  const isSync = typeof (s as Iterable<unknown>)?.[Symbol.iterator] === "function";
  if (!isReadableStream(s) && !isAsync && !isSync)
    throw new AsyncUsageError(
      operation,
      `expected a StreamReader, an (async) iterable or a ReadableStream, got ${s === null ? "null" : typeof s}`,
    );
  const shared = new SharedStream(codecFor(elementType, operation));
  const reader = new HostStreamReaderApi<T, Batch>(shared);
  const writer = new HostStreamWriterApi<T, Batch>(shared);
  const scope = currentBackgroundScope();
  scope.spawn(async () => {
    try {
      if (ArrayBuffer.isView(s)) await pumpTyped(s as unknown as ArrayLike<unknown> & Iterable<unknown>, writer);
      else if (isReadableStream(s)) await pumpWeb(s.getReader(), writer);
      else if (isAsync) await pumpAsync((s as AsyncIterable<unknown>)[Symbol.asyncIterator](), writer);
      else await pumpSync((s as Iterable<unknown>)[Symbol.iterator](), writer);
    } catch (e) {
      // The source failed: the reader learns it at the end of the stream (or the scope does).
      reader.fail(e, scope);
    } finally {
      writer.close();
    }
  });
  return reader;
}

/** Write one chunk; false once the reader is gone (stop pulling). */
async function put(
  writer: HostStreamWriterApi<unknown, ArrayLike<unknown>>,
  batch: ArrayLike<unknown>,
): Promise<boolean> {
  try {
    await writer.writeAllInternal(batch);
    return true;
  } catch (e) {
    if (e instanceof StreamClosedError) return false;
    // The guest reading the stream trapped: its caller gets that trap; the pump just stops.
    if (e === writer.sharedStream.peerTrap) return false;
    throw e;
  }
}

/** Decide (after a late element type is known) whether a pulled value is a typed-array chunk or one element. */
async function classifier(codec: ElementCodec): Promise<(v: unknown) => boolean> {
  if (codec instanceof LateCodec && !codec.current) await codec.forWriter();
  const numeric = isNumeric(codec instanceof LateCodec ? codec.current! : codec);
  return (v) => numeric && ArrayBuffer.isView(v);
}

/** A typed array as the whole source: one chunk for a number stream (no per-element work), else its elements. */
async function pumpTyped(
  v: ArrayLike<unknown> & Iterable<unknown>,
  writer: HostStreamWriterApi<any, any>,
): Promise<void> {
  const isChunk = await classifier(writer.codec);
  if (isChunk(v)) await put(writer, v);
  else await pumpSync(v[Symbol.iterator](), writer);
}

async function pumpSync(it: Iterator<unknown>, writer: HostStreamWriterApi<any, any>): Promise<void> {
  let finished = false;
  try {
    const isChunk = await classifier(writer.codec);
    let elements: unknown[] = [];
    for (;;) {
      const r = it.next();
      if (r.done) break;
      if (isChunk(r.value)) {
        if (elements.length > 0 && !(await put(writer, elements))) return;
        elements = [];
        if (!(await put(writer, r.value as ArrayLike<unknown>))) return;
      } else {
        elements.push(r.value);
        if (elements.length >= SYNC_BATCH) {
          if (!(await put(writer, elements))) return;
          elements = [];
        }
      }
    }
    finished = true;
    if (elements.length > 0) await put(writer, elements);
  } finally {
    if (!finished) it.return?.();
  }
}

async function pumpAsync(it: AsyncIterator<unknown>, writer: HostStreamWriterApi<any, any>): Promise<void> {
  let finished = false;
  try {
    const isChunk = await classifier(writer.codec);
    for (;;) {
      const r = await it.next();
      if (r.done) break;
      if (!(await put(writer, isChunk(r.value) ? (r.value as ArrayLike<unknown>) : [r.value]))) return;
    }
    finished = true;
  } finally {
    if (!finished) await it.return?.();
  }
}

async function pumpWeb(rs: WebReader, writer: HostStreamWriterApi<any, any>): Promise<void> {
  let finished = false;
  try {
    const isChunk = await classifier(writer.codec);
    for (;;) {
      const r = await rs.read();
      if (r.done) break;
      if (!(await put(writer, isChunk(r.value) ? (r.value as ArrayLike<unknown>) : [r.value]))) return;
    }
    finished = true;
  } finally {
    if (!finished) await rs.cancel().catch(() => {});
    rs.releaseLock();
  }
}

/**
 * A reader end for any `FutureSource`: an existing reader as it is; a promise's value is
 * written when it settles (a rejection fails the reader, see `future-ends.ts`).
 */
export function futureFrom<T>(source: FutureSource<T>, elementType?: StreamElementType): FutureReader<T> {
  const operation = "futureFrom";
  if (source instanceof HostFutureReaderApi) {
    if (elementType !== undefined && source.sharedFuture.codec instanceof LateCodec)
      source.sharedFuture.codec.bind(
        codecOfElementType(elementType, operation),
        `${operation}'s element type`,
        operation,
      );
    return source as FutureReader<T>;
  }
  if (typeof (source as PromiseLike<T>)?.then !== "function")
    throw new AsyncUsageError(
      operation,
      `expected a FutureReader or a promise, got ${source === null ? "null" : typeof source}`,
    );
  const shared = new SharedFuture(codecFor(elementType, operation));
  const reader = new HostFutureReaderApi<T>(shared);
  const writer = new HostFutureWriterApi<T>(shared);
  const scope = currentBackgroundScope();
  scope.spawn(
    Promise.resolve(source).then(
      (v) => writer.write(v),
      (e) => {
        reader.fail(e, scope);
        writer.abandon();
      },
    ),
  );
  return reader;
}
