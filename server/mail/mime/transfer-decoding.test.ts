/**
 * Content-Transfer-Encoding decoders (RFC 2045 §6.7, §6.8): the fast base64 path must equal the
 * reference decoder on any input, and quoted-printable must be lenient where RFC 2045 says so.
 */
import { describe, expect, it } from 'vitest';
import { decodeBase64Strict } from './charset.js';
import { decodeBase64, decodeQuotedPrintable, decodeTransferEncoding } from './transfer-decoding.js';

describe('base64', () => {
  it('decodes standard base64 across line breaks', () => {
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff));
    const encoded = data.toString('base64').replace(/.{76}/g, '$&\r\n');
    expect(decodeBase64(Buffer.from(encoded)).equals(data)).toBe(true);
  });

  it('ignores octets outside the alphabet, base64url characters included (RFC 2045 §6.8)', () => {
    expect(decodeBase64(Buffer.from('aG!Vs*bG#8.g-d_29\x00yb\xffGQ=', 'latin1')).toString()).toBe('hello world');
  });

  it('decodes pieces padded one after another', () => {
    expect(decodeBase64(Buffer.from('aGVsbA==\r\nbyB3b3JsZA==')).toString()).toBe('hello world');
  });

  it('equals the reference decoder on random input', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\r\n -_!*\x00\xff';
    let seed = 7;
    for (let n = 0; n < 2000; n++) {
      let s = '';
      const length = n % 97;
      for (let i = 0; i < length; i++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        s += alphabet[seed % alphabet.length];
      }
      const input = Buffer.from(s, 'latin1');
      expect(decodeBase64(input).toString('hex'), JSON.stringify(s)).toBe(decodeBase64Strict(input).toString('hex'));
    }
  });
});

describe('quoted-printable', () => {
  const qp = (s: string) => decodeQuotedPrintable(Buffer.from(s, 'latin1')).toString('latin1');

  it('decodes upper- and lower-case escapes and soft line breaks (CRLF, LF, trailing padding)', () => {
    expect(qp('a=3Db=3db=\r\nc=\nd= \t\r\ne=')).toBe('a=b=bcde');
  });

  it('keeps an invalid escape and a lone = as written', () => {
    expect(qp('=ZZ =G1 100% = x =4')).toBe('=ZZ =G1 100% = x =4');
  });

  it('keeps hard line breaks as they are', () => {
    expect(qp('a\r\nb\nc')).toBe('a\r\nb\nc');
  });
});

describe('decodeTransferEncoding', () => {
  it('returns a view of the input for identity and unknown encodings', () => {
    const raw = Buffer.from('xxhelloxx');
    for (const encoding of [null, '7bit', '8bit', 'binary', 'x-uuencode']) {
      const out = decodeTransferEncoding(raw, 2, 7, encoding);
      expect(out.toString()).toBe('hello');
      expect(out.buffer).toBe(raw.buffer);
    }
  });
});
