/**
 * The runtime targets every JavaScript host with WHATWG streams (browsers, Node >= 18, Deno, Bun),
 * but compiles without the DOM library. These empty declarations merge with the real
 * `ReadableStream`/`WritableStream` from `lib.dom` or `@types/node` where the user's program has
 * them, so stream conversions are typed precisely there and still compile here.
 */
declare global {
  interface ReadableStream<R = any> {}
  interface WritableStream<W = any> {}
}

export {};
