/** Renders the source line of a position with a caret under the column. */
export function codeFrame(source: string, line: number, col: number): string {
  const lines = source.split(/\r?\n/);
  const text = lines[line - 1] ?? "";
  const gutter = String(line);
  const pad = " ".repeat(gutter.length);
  // Tabs keep their width in the caret line so the caret stays under the token.
  const lead = Array.from(text)
    .slice(0, Math.max(0, col - 1))
    .map((ch) => (ch === "\t" ? "\t" : " "))
    .join("");
  return `${pad} |\n${gutter} | ${text}\n${pad} | ${lead}^`;
}
