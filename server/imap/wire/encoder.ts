/**
 * Server responses as bytes (RFC 3501 §7 responses, §4.3 strings, §9 grammar; RFC 3516 §4.3
 * literal8; RFC 6855 §3 UTF-8 quoted strings after ENABLE UTF8=ACCEPT).
 *
 * A response is a list of parts joined by single spaces:
 * - a plain string is wire text written as is — keywords, numbers, flags (`EXISTS`, `\Seen`);
 *   it must be printable ASCII, so client or message data can never be passed that way by
 *   mistake: the encoder throws a RangeError (a server bug, not a client error);
 * - a number or bigint is written in decimal;
 * - a `Wire` is bytes already encoded by a function here (`string()`, `literal()`,
 *   `mailbox()`…): data goes through these, which choose quoting or a literal;
 * - an array is a parenthesised list of parts.
 *
 *   untagged(1, 'FETCH', ['UID', 5, 'FLAGS', ['\\Seen'], 'BODY[]', literal(raw)])
 *   → `* 1 FETCH (UID 5 FLAGS (\Seen) BODY[] {n}\r\n…)\r\n`
 */
import { encodeMutf7 } from './mutf7.js';
import type { ImapValue } from './values.js';

/** Bytes already in wire form. */
export class Wire {
  constructor(readonly bytes: Buffer) {}
  toString(): string {
    return this.bytes.toString('utf8');
  }
}

export type ResponsePart = string | number | bigint | Wire | readonly ResponsePart[];

/** A bracketed response code (RFC 3501 §7.1), made by `responseCode()`. */
export class ResponseCode {
  constructor(readonly text: string) {}
}

export type ResponseStatus = 'OK' | 'NO' | 'BAD' | 'PREAUTH' | 'BYE';

export interface StringOptions {
  /**
   * The client enabled UTF8=ACCEPT (RFC 6855 §3) or speaks IMAP4rev2: UTF-8 may go in quoted
   * strings. Otherwise 8-bit data is sent as a literal, which every client can read.
   */
  utf8?: boolean;
}

const CRLF = Buffer.from('\r\n');
const SPACE = Buffer.from(' ');
const RAW_TEXT = /^[\x20-\x7e]*$/;
const PRINTABLE = /^[\x21-\x7e]+$/;
/** Printable ASCII that is not ASTRING-CHAR (RFC 3501 §9: atom-specials other than "]"). */
const ATOM_SPECIALS = /[(){%*"\\]/;
/** Control characters, as the complement of what text may hold. */
const CONTROLS = /[^\x20-\x7e\u0080-\uffff]+/g;

function rawText(text: string): Buffer {
  if (!RAW_TEXT.test(text)) {
    throw new RangeError('IMAP encoder: plain strings are for keywords; encode data with string(), nstring() or literal()');
  }
  return Buffer.from(text, 'latin1');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isValidUtf8(bytes: Buffer): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Whether `bytes` may be sent as a quoted string: no CR, LF, NUL; 8-bit only as UTF-8 when allowed. */
function quotable(bytes: Buffer, utf8: boolean): boolean {
  let eightBit = false;
  for (const c of bytes) {
    if (c === 0x0d || c === 0x0a || c === 0) return false;
    if (c >= 0x80) eightBit = true;
  }
  return !eightBit || (utf8 && isValidUtf8(bytes));
}

function toBytes(data: string | Buffer): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

function quotedBytes(bytes: Buffer): Buffer {
  // Only `"` and `\` are escaped inside a quoted string (RFC 3501 §4.3, quoted-specials).
  const escaped = bytes.includes(0x22) || bytes.includes(0x5c) ? Buffer.from(bytes.toString('latin1').replace(/["\\]/g, '\\$&'), 'latin1') : bytes;
  return Buffer.concat([Buffer.from('"'), escaped, Buffer.from('"')]);
}

/** A quoted string. Throws RangeError for data that cannot be quoted — use `string()` to choose. */
export function quoted(data: string | Buffer, options: StringOptions = {}): Wire {
  const bytes = toBytes(data);
  if (!quotable(bytes, options.utf8 ?? false)) throw new RangeError('IMAP encoder: data cannot be sent as a quoted string');
  return new Wire(quotedBytes(bytes));
}

/** A literal `{n}\r\n…`, or literal8 `~{n}\r\n…` for data with NULs to a BINARY client (RFC 3516 §4.3). */
export function literal(data: string | Buffer, options: { binary?: boolean } = {}): Wire {
  const bytes = toBytes(data);
  const head = `${options.binary ? '~' : ''}{${bytes.length}}\r\n`;
  return new Wire(Buffer.concat([Buffer.from(head, 'latin1'), bytes]));
}

/** A string: quoted when it can be, a literal when it has CR, LF, NUL or 8-bit data it may not quote. */
export function string(data: string | Buffer, options: StringOptions = {}): Wire {
  const bytes = toBytes(data);
  return quotable(bytes, options.utf8 ?? false) ? new Wire(quotedBytes(bytes)) : literal(bytes);
}

/** nstring: NIL for null or undefined (RFC 3501 §9). */
export function nstring(data: string | Buffer | null | undefined, options: StringOptions = {}): Wire {
  return data === null || data === undefined ? new Wire(Buffer.from('NIL')) : string(data, options);
}

/** astring: a bare atom when it is one (and is not NIL), else a string. */
export function astring(data: string, options: StringOptions = {}): Wire {
  return PRINTABLE.test(data) && !ATOM_SPECIALS.test(data) && data.toUpperCase() !== 'NIL' ? new Wire(Buffer.from(data, 'latin1')) : string(data, options);
}

/**
 * A mailbox name: modified UTF-7 (RFC 3501 §5.1.3), or UTF-8 when the client enabled
 * UTF8=ACCEPT (RFC 6855 §3).
 */
export function mailbox(name: string, options: StringOptions = {}): Wire {
  return options.utf8 ? astring(name, { utf8: true }) : astring(encodeMutf7(name));
}

function appendPart(out: Buffer[], part: ResponsePart): void {
  if (typeof part === 'string') out.push(rawText(part));
  else if (typeof part === 'number' || typeof part === 'bigint') {
    if (typeof part === 'number' && !Number.isSafeInteger(part)) throw new RangeError('IMAP encoder: numbers must be integers');
    out.push(Buffer.from(part.toString(), 'latin1'));
  } else if (part instanceof Wire) out.push(part.bytes);
  else {
    out.push(Buffer.from('('));
    appendParts(out, part);
    out.push(Buffer.from(')'));
  }
}

function appendParts(out: Buffer[], parts: readonly ResponsePart[]): void {
  parts.forEach((part, i) => {
    if (i > 0) out.push(SPACE);
    appendPart(out, part);
  });
}

/** Parts joined by spaces, as wire bytes (no CRLF): for building a larger part by hand. */
export function encodeParts(...parts: ResponsePart[]): Wire {
  const out: Buffer[] = [];
  appendParts(out, parts);
  return new Wire(Buffer.concat(out));
}

/** `[NAME args…]` — `responseCode('UIDNEXT', 5)`, `responseCode('APPENDUID', 1, 2)`, `responseCode('ALERT')`. */
export function responseCode(name: string, ...args: ResponsePart[]): ResponseCode {
  const inner = encodeParts(name, ...args).bytes;
  if (inner.includes(0x0a) || inner.includes(0x0d) || inner.includes(0x5d)) {
    throw new RangeError('IMAP encoder: a response code cannot hold a literal or "]"');
  }
  return new ResponseCode(`[${inner.toString('utf8')}]`);
}

/**
 * Human-readable text (RFC 3501 §9 text): no CR, LF or other controls, and not empty. A text
 * starting with `[` would read as a response code, so it gets a leading space. UTF-8 passes
 * (RFC 9051 §9 text allows it; RFC 3501 clients show it as they can).
 */
export function responseText(text: string): string {
  const clean = text.replace(CONTROLS, ' ');
  if (clean.length === 0) return 'completed';
  return clean.startsWith('[') ? ` ${clean}` : clean;
}

function line(prefix: string, parts: readonly ResponsePart[]): Buffer {
  const out: Buffer[] = [rawText(prefix)];
  if (parts.length > 0) {
    out.push(SPACE);
    appendParts(out, parts);
  }
  out.push(CRLF);
  return Buffer.concat(out);
}

/** `* parts…\r\n` — `untagged(5, 'EXISTS')`, `untagged('LIST', ['\\HasNoChildren'], quoted('/'), mailbox(name))`. */
export function untagged(...parts: ResponsePart[]): Buffer {
  return line('*', parts);
}

function statusLine(prefix: string, status: ResponseStatus, text: string, code: ResponseCode | undefined): Buffer {
  const head = code ? `${prefix} ${status} ${code.text} ` : `${prefix} ${status} `;
  return Buffer.concat([Buffer.from(head, 'utf8'), Buffer.from(responseText(text), 'utf8'), CRLF]);
}

/** `tag OK [code] text\r\n` (RFC 3501 §7.1). The tag is echoed as the reader read it. */
export function tagged(tag: string, status: 'OK' | 'NO' | 'BAD', text: string, code?: ResponseCode): Buffer {
  rawText(tag);
  return statusLine(tag, status, text, code);
}

/** `* OK [code] text\r\n`, `* BYE …`, `* PREAUTH …`, or `* BAD …` for a command without a tag. */
export function untaggedStatus(status: ResponseStatus, text: string, code?: ResponseCode): Buffer {
  return statusLine('*', status, text, code);
}

/**
 * A continuation request `+ text\r\n` (RFC 3501 §7.5): `+ Ready` before a literal, or a base64
 * SASL challenge during AUTHENTICATE (an empty challenge is `+ `).
 */
export function continuation(text = 'Ready'): Buffer {
  return Buffer.concat([Buffer.from('+ '), Buffer.from(text.replace(CONTROLS, ' '), 'utf8'), CRLF]);
}

/** Serialises a value tree as a client would have sent it (used by tests, proxies, logs). */
export function encodeValue(value: ImapValue): Buffer {
  const out: Buffer[] = [];
  appendValue(out, value);
  return Buffer.concat(out);
}

function appendValue(out: Buffer[], value: ImapValue): void {
  switch (value.type) {
    case 'atom':
      out.push(Buffer.from(value.value, 'latin1'));
      return;
    case 'number':
    case 'nil':
      out.push(Buffer.from(value.raw, 'latin1'));
      return;
    case 'quoted':
      out.push(string(value.value, { utf8: true }).bytes);
      return;
    case 'literal':
      out.push(literal(value.value, { binary: value.binary }).bytes);
      return;
    case 'list':
      out.push(Buffer.from('('));
      appendValues(out, value.items);
      out.push(Buffer.from(')'));
      return;
    case 'section': {
      out.push(Buffer.from(`${value.name}[`, 'latin1'));
      appendValues(out, value.section);
      const partial = value.partial;
      const range = partial === undefined ? '' : partial.length === undefined ? `<${partial.offset}>` : `<${partial.offset}.${partial.length}>`;
      out.push(Buffer.from(`]${range}`, 'latin1'));
      return;
    }
  }
}

function appendValues(out: Buffer[], values: readonly ImapValue[]): void {
  values.forEach((v, i) => {
    if (i > 0) out.push(SPACE);
    appendValue(out, v);
  });
}

/** The arguments of a command, serialised: `encodeArguments(cmd.args)` after parsing round-trips. */
export function encodeArguments(values: readonly ImapValue[]): Buffer {
  const out: Buffer[] = [];
  appendValues(out, values);
  return Buffer.concat(out);
}
