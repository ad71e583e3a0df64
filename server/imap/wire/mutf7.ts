/**
 * Modified UTF-7, the encoding of non-ASCII mailbox names (RFC 3501 §5.1.3; RFC 9051 §5.1.3
 * keeps it for clients that have not enabled UTF8=ACCEPT, RFC 6855 §3).
 *
 * Printable ASCII except `&` stands for itself; `&` is `&-`; every run of other characters is
 * `&` + base64 of its UTF-16BE code units, with `,` for `/` and no padding, + `-`.
 * `收文/2026年` ↔ `&ZTZlhw-/2026&XnQ-`.
 *
 * Decoding is strict: one name, one spelling. A client that could name a mailbox two ways
 * (`&AGE-` for `a`, two adjacent shifts, stray padding bits) could make two names that compare
 * different but display the same, so anything but the canonical form is refused.
 */
import { type WireResult, fail, ok } from './parse-error.js';

const AMP = 0x26;

function isPrintableAscii(unit: number): boolean {
  return unit >= 0x20 && unit <= 0x7e;
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** `name` in modified UTF-7. Lone surrogates (malformed JavaScript strings) become U+FFFD. */
export function encodeMutf7(name: string): string {
  let out = '';
  let run: number[] = [];
  const flush = (): void => {
    if (run.length === 0) return;
    const bytes = Buffer.alloc(run.length * 2);
    run.forEach((unit, i) => bytes.writeUInt16BE(unit, i * 2));
    out += `&${bytes.toString('base64').replace(/=+$/, '').replace(/\//g, ',')}-`;
    run = [];
  };
  for (let i = 0; i < name.length; i++) {
    const unit = name.charCodeAt(i);
    if (isPrintableAscii(unit)) {
      flush();
      out += unit === AMP ? '&-' : name[i];
      continue;
    }
    if (isHighSurrogate(unit) && isLowSurrogate(name.charCodeAt(i + 1))) {
      run.push(unit, name.charCodeAt(i + 1));
      i++;
    } else {
      run.push(isHighSurrogate(unit) || isLowSurrogate(unit) ? 0xfffd : unit);
    }
  }
  flush();
  return out;
}

const MODIFIED_BASE64 = /^[A-Za-z0-9+,]+$/;

/**
 * The name a modified UTF-7 string stands for, or why it is not valid. Besides malformed input
 * this refuses control characters: RFC 3501 lets base64 carry them, but no mailbox name needs
 * one and no layer below should have to handle a NUL in a name.
 */
export function decodeMutf7(encoded: string): WireResult<string> {
  let out = '';
  let i = 0;
  while (i < encoded.length) {
    const unit = encoded.charCodeAt(i);
    if (!isPrintableAscii(unit)) return fail('Mailbox name is not 7-bit printable ASCII (modified UTF-7)');
    if (unit !== AMP) {
      out += encoded[i];
      i++;
      continue;
    }
    const end = encoded.indexOf('-', i + 1);
    if (end < 0) return fail('Unterminated "&" in mailbox name');
    const shifted = encoded.slice(i + 1, end);
    i = end + 1;
    if (shifted === '') {
      out += '&';
      continue;
    }
    if (!MODIFIED_BASE64.test(shifted)) return fail('Invalid modified BASE64 in mailbox name');
    // Whole UTF-16 units only: 2, 4 or 6 bytes per 8 characters leave 3, 6 or 8 characters.
    if (![0, 3, 6].includes(shifted.length % 8)) return fail('Truncated modified BASE64 in mailbox name');
    const bytes = Buffer.from(shifted.replace(/,/g, '/'), 'base64');
    for (let b = 0; b + 1 < bytes.length; b += 2) {
      const u = bytes.readUInt16BE(b);
      if (isPrintableAscii(u)) return fail('Printable ASCII must not be BASE64-encoded in a mailbox name');
      if (u < 0x20 || u === 0x7f) return fail('Control character in mailbox name');
      if (isHighSurrogate(u)) {
        const low = b + 3 < bytes.length ? bytes.readUInt16BE(b + 2) : 0;
        if (!isLowSurrogate(low)) return fail('Unpaired UTF-16 surrogate in mailbox name');
        out += String.fromCharCode(u, low);
        b += 2;
      } else if (isLowSurrogate(u)) {
        return fail('Unpaired UTF-16 surrogate in mailbox name');
      } else {
        out += String.fromCharCode(u);
      }
    }
  }
  // Catches what the checks above let through: non-zero padding bits, "-&" null shifts between
  // two base64 runs (RFC 3501 §5.1.3 forbids them), a surrogate pair split across runs.
  if (encodeMutf7(out) !== encoded) return fail('Mailbox name is not in canonical modified UTF-7');
  return ok(out);
}
