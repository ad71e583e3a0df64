/**
 * Header edits made on the way in (RFC 5321 §4.4 trace fields, RFC 6409 §8 submission fixes),
 * and line-ending normalisation: mail arriving with bare LF (Unix tools, mbox exports) is stored
 * with CRLF, as RFC 5322 requires and IMAP clients expect of RFC822.SIZE.
 */
import { randomBytes } from 'node:crypto';

const HEADER_END = /\r?\n\r?\n/;

export function normalizeLineEndings(raw: Buffer): Buffer {
  if (!raw.includes(0x0a)) return raw;
  // Convert bare LF to CRLF; leave existing CRLF as they are.
  const out: number[] = [];
  let changed = false;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i]!;
    if (byte === 0x0a && (i === 0 || raw[i - 1] !== 0x0d)) {
      out.push(0x0d);
      changed = true;
    }
    out.push(byte);
  }
  return changed ? Buffer.from(out) : raw;
}

/** The header block as text (latin1, so 8-bit bytes survive untouched). */
export function headerBlock(raw: Buffer): string {
  const text = raw.subarray(0, Math.min(raw.length, 256 * 1024)).toString('latin1');
  const match = HEADER_END.exec(text);
  return match ? text.slice(0, match.index) : text;
}

export function hasHeader(raw: Buffer, name: string): boolean {
  return new RegExp(`^${name}:`, 'im').test(headerBlock(raw));
}

/** Addresses in the From header (unfolded; encoded display names are irrelevant here). */
export function fromHeaderAddresses(raw: Buffer): string[] {
  const block = headerBlock(raw).replace(/\r?\n[ \t]+/g, ' ');
  const line = /^From:(.*)$/im.exec(block)?.[1] ?? '';
  const withoutQuoted = line.replace(/"(?:[^"\\]|\\.)*"/g, '');
  const angle = [...withoutQuoted.matchAll(/<([^<>\s]+@[^<>\s]+)>/g)].map((m) => m[1]!.toLowerCase());
  if (angle.length > 0) return angle;
  return [...withoutQuoted.matchAll(/([^\s,;:<>()"]+@[^\s,;:<>()"]+)/g)].map((m) => m[1]!.toLowerCase());
}

export function prependHeaders(raw: Buffer, lines: string[]): Buffer {
  return Buffer.concat([Buffer.from(lines.map((l) => l + '\r\n').join(''), 'utf8'), raw]);
}

export function rfc5322Date(date: Date): string {
  // Asia/Shanghai has no DST: a fixed +0800 offset is exact.
  const shanghai = new Date(date.getTime() + 8 * 3600_000);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${days[shanghai.getUTCDay()]}, ${shanghai.getUTCDate()} ${months[shanghai.getUTCMonth()]} ${shanghai.getUTCFullYear()} ${pad(shanghai.getUTCHours())}:${pad(shanghai.getUTCMinutes())}:${pad(shanghai.getUTCSeconds())} +0800`;
}

export function newMessageId(hostname: string): string {
  return `<${Date.now().toString(36)}.${randomBytes(8).toString('hex')}@${hostname}>`;
}

export function sanitizeHeaderValue(value: string): string {
  // eslint-disable-next-line no-control-regex -- strip controls a client might inject into a trace header
  return value.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 200);
}
