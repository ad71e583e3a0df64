import { describe, expect, it } from 'vitest';
import { decodeMutf7, encodeMutf7 } from './mutf7.js';

function decoded(text: string): string {
  const result = decodeMutf7(text);
  if (!result.ok) throw new Error(`expected ${text} to decode: ${result.error.text}`);
  return result.value;
}

function refused(text: string): string {
  const result = decodeMutf7(text);
  if (result.ok) throw new Error(`expected ${text} to be refused, got ${result.value}`);
  return result.error.text;
}

describe('modified UTF-7 (RFC 3501 §5.1.3)', () => {
  const pairs: Array<[string, string]> = [
    ['INBOX', 'INBOX'],
    ['收文/2026年', '&ZTZlhw-/2026&XnQ-'],
    ['发文', '&U9Flhw-'],
    ['草稿箱', '&g0l6P3ux-'],
    ['已发送', '&XfJT0ZAB-'],
    ['海宁市/政务公开', '&bXdbgV4C-/&ZT9SoVFsXwA-'],
    ['~peter/mail/台北/日本語', '~peter/mail/&U,BTFw-/&ZeVnLIqe-'], // the RFC's own example
    ['☺', '&Jjo-'],
    ['A&B', 'A&-B'],
    ['&', '&-'],
    ['&&', '&-&-'],
    ['Répertoire', 'R&AOk-pertoire'],
    ['😀 emoji', '&2D3eAA- emoji'], // a surrogate pair in one run
    ['', ''],
  ];
  for (const [name, encoded] of pairs) {
    it(`round-trips ${JSON.stringify(name)} ↔ ${encoded}`, () => {
      expect(encodeMutf7(name)).toBe(encoded);
      expect(decoded(encoded)).toBe(name);
    });
  }

  it('uses "," for "/" in base64 so the hierarchy delimiter is never produced inside a run', () => {
    expect(encodeMutf7('台')).toBe('&U,A-');
    expect(encodeMutf7('台')).not.toContain('/');
  });

  it('encodes a lone surrogate as U+FFFD rather than producing an undecodable name', () => {
    expect(encodeMutf7('a\ud800b')).toBe('a&//0-b'.replace(/\//g, ','));
    expect(decoded(encodeMutf7('a\ud800b'))).toBe('a\ufffdb');
  });

  const invalid: Array<[string, string, RegExp]> = [
    ['unterminated "&"', '&ZTZlhw', /Unterminated/],
    ['unterminated "&" at the end', 'abc&', /Unterminated/],
    ['characters outside modified base64', '&ZTZ/hw-', /Invalid/],
    ['padding "="', '&Jjo=-', /Invalid/],
    ['truncated base64 (2 characters)', '&Jj-', /Truncated/],
    ['truncated base64 (4 characters)', '&ZTZl-', /Truncated/],
    ['non-zero padding bits', '&Jjp-', /canonical/],
    ['printable ASCII in base64 (non-shortest "a")', '&AGE-', /ASCII/],
    ['"&" written in base64', '&ACY-', /ASCII/],
    ['null shift between two runs ("-&")', '&ZTY-&ZYc-', /canonical/],
    ['an encoded NUL', '&AAA-', /Control/],
    ['an unpaired high surrogate', '&2D0-', /surrogate/],
    ['an unpaired low surrogate', '&3gA-', /surrogate/],
    ['a surrogate pair split across two runs', '&2D0-&3gA-', /surrogate/],
    ['raw 8-bit characters', '收文', /printable/],
    ['raw control characters', 'a\tb', /printable/],
  ];
  for (const [what, text, reason] of invalid) {
    it(`refuses ${what}: ${JSON.stringify(text)}`, () => {
      expect(refused(text)).toMatch(reason);
    });
  }

  it('round-trips a sweep of the BMP below the surrogates', () => {
    for (let unit = 0x20; unit < 0xd800; unit += 97) {
      if (unit === 0x7f || unit + 1 === 0x7f) continue; // DEL is refused on purpose
      const name = `x${String.fromCharCode(unit)}${String.fromCharCode(unit + 1)}y`;
      expect(decodeMutf7(encodeMutf7(name))).toEqual({ ok: true, value: name });
    }
  });
});
