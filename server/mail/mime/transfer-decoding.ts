/**
 * Content-Transfer-Encoding decoders (RFC 2045 §6.7 quoted-printable, §6.8 base64), lenient the
 * way RFC 2045 asks of a reader and real mail needs: base64 ignores octets outside its alphabet
 * and survives pieces padded one after another; quoted-printable accepts lower-case hex, keeps a
 * bad `=XY` escape as written, and takes `=` + trailing whitespace + line break as a soft break.
 */
import { decodeBase64Strict, hexValue } from './charset.js';

const EQUALS = 0x3d;
const CR = 0x0d;
const LF = 0x0a;

/**
 * Base64 of `src[start, end)`. Node's decoder runs in native code and already skips octets outside
 * the alphabet, but it stops at the first `=` and reads `-`/`_` as base64url; so the input is cut
 * at each `=` (a padded piece ends its quantum there) and a piece holding `-` or `_` goes through
 * the reference decoder instead.
 */
export function decodeBase64(src: Buffer, start = 0, end = src.length): Buffer {
  const pieces: Buffer[] = [];
  let pos = start;
  while (pos < end) {
    let eq = src.indexOf(EQUALS, pos);
    if (eq < 0 || eq > end) eq = end;
    if (eq > pos) {
      const piece = src.subarray(pos, eq);
      pieces.push(piece.indexOf(0x2d) >= 0 || piece.indexOf(0x5f) >= 0 ? decodeBase64Strict(piece) : Buffer.from(piece.toString('latin1'), 'base64'));
    }
    pos = eq + 1;
  }
  if (pieces.length === 1) return pieces[0]!;
  return Buffer.concat(pieces);
}

/** Quoted-printable of `src[start, end)`. Hard line breaks are kept as written (CRLF or LF). */
export function decodeQuotedPrintable(src: Buffer, start = 0, end = src.length): Buffer {
  const out = Buffer.allocUnsafe(end - start);
  let n = 0;
  let pos = start;
  while (pos < end) {
    let eq = src.indexOf(EQUALS, pos);
    if (eq < 0 || eq >= end) eq = end;
    n += src.copy(out, n, pos, eq);
    if (eq >= end) break;
    const h1 = eq + 1 < end ? hexValue(src[eq + 1]) : -1;
    const h2 = eq + 2 < end ? hexValue(src[eq + 2]) : -1;
    if (h1 >= 0 && h2 >= 0) {
      out[n++] = h1 * 16 + h2;
      pos = eq + 3;
      continue;
    }
    // soft line break: "=" [transport padding] CRLF / LF / end of body
    let j = eq + 1;
    while (j < end && (src[j] === 0x20 || src[j] === 0x09)) j++;
    if (j >= end) {
      pos = end;
    } else if (src[j] === LF) {
      pos = j + 1;
    } else if (src[j] === CR && (j + 1 >= end || src[j + 1] === LF)) {
      pos = Math.min(j + 2, end);
    } else {
      out[n++] = EQUALS; // not an escape: kept literally
      pos = eq + 1;
    }
  }
  return out.subarray(0, n);
}

/**
 * The octets of `src[start, end)` with the transfer encoding `encoding` (lower case, null for
 * none) removed. Identity encodings (7bit, 8bit, binary) and unknown ones return a view of `src`,
 * not a copy.
 */
export function decodeTransferEncoding(src: Buffer, start: number, end: number, encoding: string | null): Buffer {
  if (encoding === 'base64') return decodeBase64(src, start, end);
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(src, start, end);
  return src.subarray(start, end);
}
