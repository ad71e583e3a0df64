/**
 * The MIME shapes of 工作秘密 end-to-end encrypted mail (issue 6, SPEC 3.2; NAME=smcrypto), one
 * shared module for the browser (which builds and reads them) and the server (which checks
 * what the browser sends). Isomorphic: no Buffer, no Node APIs.
 *
 * - The SECRET CONTENT (what is sealed in the envelope): multipart/mixed with the text/html
 *   body and the attachments, every part base64. Built by the sender's browser, read back by
 *   the reader's browser after decryption (`buildSecretContent` / `parseSecretContent`).
 * - The MESSAGE BODY that travels and is stored (`buildSecretBody`): multipart/mixed with a
 *   readable text/plain notice (what IMAP/POP3 clients show: open it in the webmail) and the
 *   envelope as `application/x-govmail-sm-encrypted` (secret.gmenc). Its boundary is derived
 *   from the envelope signature, so the builder is deterministic: the server parses the body
 *   back (`parseSecretBody`) and accepts it only if rebuilding gives the same bytes.
 */
import { ENVELOPE_MEDIA_TYPE, type SecretEnvelope } from './secret-envelope.js';

export const SECRET_NOTICE =
  '这是一封工作秘密加密邮件（国密 SM2/SM3/SM4 端到端加密）。\r\n' +
  '请登录政务邮箱网页版，在邮件中输入您的加密口令后查看。邮件客户端（IMAP/POP3）无法解密显示。\r\n\r\n' +
  'This message is classified 工作秘密 and encrypted end to end. Open it in the govmail webmail with your encryption passphrase.\r\n';

export const SECRET_FILENAME = 'secret.gmenc';

export interface SecretAttachment {
  filename: string;
  contentType: string;
  data: Uint8Array;
}

export interface SecretContent {
  html: string;
  attachments: SecretAttachment[];
}

export class SecretMimeError extends Error {}

const enc = new TextEncoder();
const dec = new TextDecoder();

export function base64Encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(out);
}

export function base64Decode(text: string): Uint8Array {
  const bin = atob(text.replace(/[^A-Za-z0-9+/=]/g, ''));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const wrap76 = (b64: string) => b64.replace(/.{76}/g, '$&\r\n').replace(/\r\n$/, '');
const randomHex = (n: number) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, '0')).join('');

/** RFC 2231 value: percent-encoded UTF-8. */
const rfc2231 = (value: string) => `utf-8''${encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
const safeType = (type: string) => (/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i.test(type) ? type.toLowerCase() : 'application/octet-stream');

/** The content sealed in the envelope: the html body and the attachments. */
export function buildSecretContent(content: SecretContent): Uint8Array {
  const boundary = `gm-content-${randomHex(12)}`;
  const parts = [
    `Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${wrap76(base64Encode(enc.encode(content.html)))}\r\n`,
    ...content.attachments.map(
      (a) =>
        `Content-Type: ${safeType(a.contentType)}; name*=${rfc2231(a.filename)}\r\nContent-Disposition: attachment; filename*=${rfc2231(a.filename)}\r\n` +
        `Content-Transfer-Encoding: base64\r\n\r\n${wrap76(base64Encode(a.data))}\r\n`,
    ),
  ];
  const text = `MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n${parts.map((p) => `--${boundary}\r\n${p}`).join('')}--${boundary}--\r\n`;
  return enc.encode(text);
}

interface RawPart {
  headers: Map<string, string>;
  body: string;
}

function splitHeaders(text: string): RawPart {
  const cut = text.search(/\r?\n\r?\n/);
  const head = cut < 0 ? text : text.slice(0, cut);
  const body = cut < 0 ? '' : text.slice(cut).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function param(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  const star = new RegExp(`(?:^|;)\\s*${name}\\*=([^;]*)`, 'i').exec(header);
  if (star) {
    const value = star[1]!.trim().replace(/^"|"$/g, '');
    const m = /^[^']*'[^']*'(.*)$/.exec(value);
    try {
      return decodeURIComponent(m ? m[1]! : value);
    } catch {
      return value;
    }
  }
  const plain = new RegExp(`(?:^|;)\\s*${name}=("([^"]*)"|[^;\\s]*)`, 'i').exec(header);
  return plain ? (plain[2] ?? plain[1]) : undefined;
}

function multipartParts(text: string): RawPart[] {
  const top = splitHeaders(text);
  const type = top.headers.get('content-type') ?? '';
  const boundary = param(type, 'boundary');
  if (!/^multipart\//i.test(type) || !boundary) throw new SecretMimeError('not a multipart body');
  const chunks = top.body.split(new RegExp(`\\r?\\n?--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \\t]*\\r?\\n?`));
  // First chunk is the preamble, last one the epilogue.
  return chunks.slice(1, -1).map(splitHeaders);
}

const partBytes = (p: RawPart) => ((p.headers.get('content-transfer-encoding') ?? '').toLowerCase() === 'base64' ? base64Decode(p.body) : enc.encode(p.body));

/** Reads back what `buildSecretContent` built (after decryption, in the reader's browser). */
export function parseSecretContent(bytes: Uint8Array): SecretContent {
  const parts = multipartParts(dec.decode(bytes));
  let html = '';
  const attachments: SecretAttachment[] = [];
  for (const p of parts) {
    const type = p.headers.get('content-type') ?? 'text/plain';
    const disposition = p.headers.get('content-disposition') ?? '';
    const filename = param(disposition, 'filename') ?? param(type, 'name');
    if (!filename && /^text\/html/i.test(type)) html += dec.decode(partBytes(p));
    else attachments.push({ filename: filename ?? 'attachment', contentType: type.split(';')[0]!.trim().toLowerCase(), data: partBytes(p) });
  }
  return { html, attachments };
}

/** The body that travels (a part with its own Content-Type header): the notice + the envelope. */
export function buildSecretBody(envelope: SecretEnvelope): string {
  const boundary = `gm-secret-${envelope.sig.slice(0, 24)}`;
  return (
    `Content-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n` +
    `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${wrap76(base64Encode(enc.encode(SECRET_NOTICE)))}\r\n` +
    `--${boundary}\r\nContent-Type: ${ENVELOPE_MEDIA_TYPE}; name="${SECRET_FILENAME}"\r\nContent-Disposition: attachment; filename="${SECRET_FILENAME}"\r\n` +
    `Content-Transfer-Encoding: base64\r\n\r\n${wrap76(base64Encode(enc.encode(JSON.stringify(envelope))))}\r\n` +
    `--${boundary}--\r\n`
  );
}

const HEX = /^[0-9a-f]*$/;

/** Checks the fields of an envelope read from untrusted JSON (types and hex only; not the crypto). */
export function asEnvelope(value: unknown): SecretEnvelope {
  const e = value as Partial<SecretEnvelope> | null;
  const hex = (s: unknown, max: number) => typeof s === 'string' && s.length <= max && HEX.test(s);
  if (
    !e ||
    e.v !== 1 ||
    e.alg !== 'SM4-GCM+SM2+SM3' ||
    typeof e.from !== 'string' ||
    !hex(e.iv, 32) ||
    !hex(e.ct, 100_000_000) ||
    !hex(e.tag, 64) ||
    !hex(e.sig, 200) ||
    typeof e.keys !== 'object' ||
    e.keys === null ||
    !Object.values(e.keys).every((k) => hex(k, 1000))
  ) {
    throw new SecretMimeError('malformed envelope');
  }
  return { v: 1, alg: e.alg, from: e.from, iv: e.iv!, ct: e.ct!, tag: e.tag!, keys: e.keys, sig: e.sig! };
}

/** The envelope of a body built by `buildSecretBody` (throws SecretMimeError otherwise). */
export function parseSecretBody(body: string): SecretEnvelope {
  const part = multipartParts(body).find((p) => (p.headers.get('content-type') ?? '').toLowerCase().startsWith(ENVELOPE_MEDIA_TYPE));
  if (!part) throw new SecretMimeError('no encrypted part');
  let json: unknown;
  try {
    json = JSON.parse(dec.decode(partBytes(part)));
  } catch {
    throw new SecretMimeError('encrypted part is not JSON');
  }
  return asEnvelope(json);
}

const BASE32 = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A recovery code: 24 characters of an unambiguous base32 alphabet (120 bits), in groups of four. */
export function newRecoveryCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  const chars = Array.from(bytes, (b) => BASE32[b & 31]!).join('');
  return chars.match(/.{4}/g)!.join('-');
}

/** The form a recovery code is used in (upper case, no separators; O→0 and I→1 are not in the alphabet). */
export function normaliseRecoveryCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}
