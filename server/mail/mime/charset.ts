/**
 * Bytes to text for header parameters: RFC 2047 encoded words (§2–§6) and RFC 2231 charsets.
 * Charsets go through WHATWG TextDecoder (Node's full ICU), whose labels are what browsers and
 * Chinese mail clients use: `gb2312` decodes as GBK (the superset every Chinese client writes
 * under that label), `gbk` as GB18030, `us-ascii`/`iso-8859-1` as windows-1252.
 */
import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';

const decoders = new Map<string, TextDecoder | null>();

function decoderFor(charset: string): TextDecoder | null {
  // RFC 2231 §5: an encoded word's charset may carry a language, `UTF-8*en`.
  const label = charset.trim().toLowerCase().replace(/\*.*$/, '');
  let decoder = decoders.get(label);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(label === 'utf8' ? 'utf-8' : label);
    } catch {
      decoder = null;
    }
    if (decoders.size < 200) decoders.set(label, decoder);
  }
  return decoder;
}

/** Text of `bytes` in `charset`, or undefined when the charset is unknown. */
export function decodeCharset(bytes: Uint8Array, charset: string): string | undefined {
  return decoderFor(charset)?.decode(bytes);
}

const gb18030 = new TextDecoder('gb18030');

/**
 * Text of octets that carry no charset label (raw 8-bit header text, RFC 6532): UTF-8 when they
 * are valid UTF-8, else GB18030, the legacy charset of the mail this platform receives.
 */
export function decodeUnlabelled(bytes: Uint8Array): string {
  if (isUtf8(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return gb18030.decode(bytes);
}

const BASE64_VALUES = (() => {
  const table = new Int8Array(256).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
})();

/**
 * Base64 per RFC 2045 §6.8, leniently: octets outside the alphabet are ignored, and `=` ends the
 * current quantum (keeping its whole octets), so a body made of several padded pieces decodes
 * whole. This is the reference implementation; transfer-decoding.ts has the fast path.
 */
export function decodeBase64Strict(src: Uint8Array, start = 0, end = src.length): Buffer {
  const out = Buffer.allocUnsafe(Math.ceil(((end - start) * 3) / 4) + 3);
  let n = 0;
  let acc = 0;
  let bits = 0;
  for (let i = start; i < end; i++) {
    const c = src[i]!;
    if (c === 0x3d) {
      // padding: whatever partial octet is left is dropped
      acc = 0;
      bits = 0;
      continue;
    }
    const v = BASE64_VALUES[c]!;
    if (v < 0) continue;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, n);
}

export function hexValue(c: number | undefined): number {
  if (c === undefined) return -1;
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

/** RFC 2047 §4.2 Q encoding: `_` is a space, `=XX` an octet; a bad escape stays as written. */
function decodeQ(text: string): Buffer {
  const src = Buffer.from(text, 'latin1');
  const out = Buffer.allocUnsafe(src.length);
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === 0x5f) out[n++] = 0x20;
    else if (c === 0x3d && hexValue(src[i + 1]) >= 0 && hexValue(src[i + 2]) >= 0) {
      out[n++] = hexValue(src[i + 1]) * 16 + hexValue(src[i + 2]);
      i += 2;
    } else out[n++] = c;
  }
  return out.subarray(0, n);
}

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

/**
 * Decode the RFC 2047 encoded words in `input` (octets, or text already decoded). Whitespace
 * between two adjacent encoded words is dropped (§6.2); adjacent words in the same charset are
 * joined as octets before decoding, so a UTF-8 or GBK character split across two words (which
 * §5 forbids but mailers do) comes out whole. A word in an unknown charset is left as written.
 */
export function decodeEncodedWords(input: Uint8Array | string): string {
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('latin1');
  const plain = (s: string) => (typeof input === 'string' ? s : decodeUnlabelled(Buffer.from(s, 'latin1')));
  if (!text.includes('=?')) return plain(text);
  let result = '';
  let last = 0;
  let run: EncodedRun | null = null;
  for (const match of text.matchAll(ENCODED_WORD)) {
    const between = text.slice(last, match.index);
    const charset = match[1]!;
    const bytes = match[2]!.toUpperCase() === 'B' ? decodeBase64Strict(Buffer.from(match[3]!, 'latin1')) : decodeQ(match[3]!);
    if (run !== null && /^[ \t\r\n]*$/.test(between) && run.charset.toLowerCase() === charset.toLowerCase()) {
      run.bytes.push(bytes);
      run.raw += between + match[0];
    } else {
      // between two encoded words only whitespace: dropped (§6.2)
      result += finishRun(run) + (run !== null && /^[ \t\r\n]*$/.test(between) ? '' : plain(between));
      run = { charset, bytes: [bytes], raw: match[0] };
    }
    last = match.index + match[0].length;
  }
  return result + finishRun(run) + plain(text.slice(last));
}

interface EncodedRun {
  charset: string;
  bytes: Buffer[];
  /** The words as written, kept when the charset is unknown. */
  raw: string;
}

function finishRun(run: EncodedRun | null): string {
  if (run === null) return '';
  return decodeCharset(Buffer.concat(run.bytes), run.charset) ?? run.raw;
}
