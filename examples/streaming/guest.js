// The streaming example's component, built by componentize-qjs with its async runtime.
// QuickJS has no TextDecoder: `escape` turns the line's bytes into %XX escapes that
// decodeURIComponent reads as UTF-8.
function decodeUtf8(bytes) {
  return decodeURIComponent(escape(String.fromCharCode(...bytes)));
}

export const text = {
  async shoutLines(input) {
    return (async function* () {
      let line = [];
      for await (const chunk of input) {
        for (const byte of chunk) {
          if (byte !== 10) line.push(byte);
          else {
            yield decodeUtf8(line).toUpperCase();
            line = [];
          }
        }
      }
      if (line.length > 0) yield decodeUtf8(line).toUpperCase();
    })();
  },

  async countBytes(bytes) {
    let total = 0;
    for await (const chunk of bytes) total += chunk.length;
    return total;
  },

  // Returns the readable end at once; the writing goes on after the call has returned.
  async pattern(n) {
    const { readable, writable } = wit.Stream(wit.Stream.U8);
    (async () => {
      for (let i = 0; i < n; i += 65536) {
        const chunk = new Uint8Array(Math.min(65536, n - i));
        for (let j = 0; j < chunk.length; j++) chunk[j] = (i + j) & 0xff;
        await writable.writeAll(chunk);
      }
      writable.drop();
    })();
    return readable;
  },

  async sumLater(numbers) {
    const { readable, writable } = wit.Future(wit.Future.U64);
    (async () => {
      await Promise.resolve();
      writable.write(numbers.reduce((sum, n) => sum + n, 0));
    })();
    return readable;
  },
};
