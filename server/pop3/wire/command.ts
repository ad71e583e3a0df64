/**
 * Parses one POP3 command line. Pure.
 *
 * RFC 1939 §3: a case-insensitive keyword of 3–4 characters, then arguments separated by single
 * spaces. RFC 2449 §4 allows longer keywords in extensions. PASS takes the rest of the line as
 * one argument, spaces included (RFC 1939 §7 notes servers may do so); we keep `rest` for it.
 */
export interface ParsedCommand {
  /** Upper-cased keyword ("" for an empty line). */
  keyword: string;
  /** Arguments split on runs of spaces. */
  args: string[];
  /** Everything after the keyword and one space, unchanged (for PASS). */
  rest: string;
}

const KEYWORD = /^[A-Za-z]{1,20}$/;

export function parseCommand(line: Buffer): ParsedCommand | null {
  const text = line.toString('utf8');
  const space = text.indexOf(' ');
  const keyword = space === -1 ? text : text.slice(0, space);
  if (!KEYWORD.test(keyword)) return null;
  const rest = space === -1 ? '' : text.slice(space + 1);
  const args = rest.split(' ').filter((a) => a.length > 0);
  return { keyword: keyword.toUpperCase(), args, rest };
}

/** A message number or line count: decimal digits only (no sign, no exponent, no hex). */
export function parseNumber(arg: string | undefined): number | null {
  if (arg === undefined || !/^\d{1,10}$/.test(arg)) return null;
  const n = Number(arg);
  return Number.isSafeInteger(n) ? n : null;
}
