/** Header lines (already folded with CRLF + whitespace) put in front of a raw message. */
export function prependHeaderLines(raw: Buffer, lines: readonly string[]): Buffer {
  if (lines.length === 0) return raw;
  const clean = lines.map((l) => l.replace(/\r?\n(?![ \t])/g, ' ').replace(/\r?\n/g, '\r\n'));
  return Buffer.concat([Buffer.from(clean.map((l) => `${l}\r\n`).join(''), 'utf8'), raw]);
}
