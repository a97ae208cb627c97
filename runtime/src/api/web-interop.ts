/**
 * Web streams over stream ends. The runtime compiles without the DOM library, so the
 * constructors are looked up on `globalThis` and typed here by the little that is used.
 * Where the payload is u8 the `ReadableStream` is a byte stream (`type: "bytes"`): BYOB
 * readers get the bytes copied straight into their buffer. High-water marks are 0, so
 * nothing is read ahead of the consumer: backpressure reaches the writer unchanged.
 */
import { isNumeric, LateCodec, scalarKindOfCodec } from "./element-type.js";
import type { ElementCodec } from "../async/element-codec.js";
import { AsyncUsageError } from "./errors.js";
import type { StreamChunk } from "./streams.js";

interface ByobRequest {
  readonly view: ArrayBufferView | null;
  respond(n: number): void;
}
interface RsController {
  enqueue(chunk: unknown): void;
  close(): void;
  readonly byobRequest?: ByobRequest | null;
}
type RsCtor = new (source: object, strategy?: { highWaterMark?: number }) => ReadableStream;
type WsCtor = new (sink: object, strategy?: { highWaterMark?: number }) => WritableStream;

function webStreamCtor<C>(name: "ReadableStream" | "WritableStream", operation: string): C {
  const c = (globalThis as Record<string, unknown>)[name];
  if (typeof c !== "function")
    throw new AsyncUsageError(operation, `this JavaScript host has no global ${name} (WHATWG streams)`);
  return c as C;
}

export interface ReadOps<Batch> {
  read(max?: number): Promise<Batch | undefined>;
  /** Bytes only: read into a caller's view. */
  readInto(view: Uint8Array): Promise<number | undefined>;
  close(): void;
}

export function readableStreamOf<T, Batch extends ArrayLike<T>>(
  reader: { readonly codec: ElementCodec },
  ops: ReadOps<Batch>,
): ReadableStream<StreamChunk<T, Batch>> {
  const RS = webStreamCtor<RsCtor>("ReadableStream", "StreamReader.toReadableStream");
  const codec = reader.codec instanceof LateCodec ? (reader.codec.current ?? reader.codec) : reader.codec;
  const cancel = (): void => ops.close();
  if (scalarKindOfCodec(codec) === "u8") {
    return new RS(
      {
        type: "bytes",
        async pull(c: RsController) {
          const req = c.byobRequest;
          if (req?.view) {
            const v = req.view;
            const n = await ops.readInto(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
            if (n === undefined) {
              ops.close();
              c.close();
              req.respond(0);
            } else req.respond(n);
            return;
          }
          const b = await ops.read();
          if (b === undefined) {
            ops.close();
            c.close();
          } else if (b.length > 0) c.enqueue(b);
        },
        cancel,
      },
      { highWaterMark: 0 },
    );
  }
  return new RS(
    {
      async pull(c: RsController) {
        // Loop until something is enqueued: pull is not called again until this settles.
        for (;;) {
          const b = await ops.read();
          if (b === undefined) {
            ops.close();
            c.close();
            return;
          }
          if (b.length === 0) continue;
          if (ArrayBuffer.isView(b)) c.enqueue(b);
          else for (let k = 0; k < b.length; k++) c.enqueue(b[k]);
          return;
        }
      },
      cancel,
    },
    { highWaterMark: 0 },
  );
}

export interface WriteOps {
  readonly codec: ElementCodec;
  writeAll(items: ArrayLike<unknown>): Promise<void>;
  close(): void;
}

/** How a chunk from an iterable / web stream / `WritableStream` becomes a batch: typed arrays are batches of number streams. */
export async function chunkToBatch(codec: ElementCodec, chunk: unknown): Promise<ArrayLike<unknown>> {
  if (codec instanceof LateCodec && !codec.current) await codec.forWriter();
  const c = codec instanceof LateCodec ? codec.current! : codec;
  return isNumeric(c) && ArrayBuffer.isView(chunk) ? (chunk as unknown as ArrayLike<unknown>) : [chunk];
}

export function writableStreamOf<T, Batch extends ArrayLike<T>>(ops: WriteOps): WritableStream<StreamChunk<T, Batch>> {
  const WS = webStreamCtor<WsCtor>("WritableStream", "StreamWriter.toWritableStream");
  return new WS(
    {
      async write(chunk: unknown) {
        await ops.writeAll(await chunkToBatch(ops.codec, chunk));
      },
      close() {
        ops.close();
      },
      abort() {
        ops.close();
      },
    },
    { highWaterMark: 1 },
  );
}
