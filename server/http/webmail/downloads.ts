/**
 * Headers of responses that carry mail content as a file (an attachment, the raw source): the
 * file name for every browser (RFC 6266 with an RFC 5987 `filename*` for Chinese names and an
 * ASCII fallback), and a policy that makes the file a sandboxed document of its own.
 */
import type { onSendHookHandler } from 'fastify';

/**
 * CSP of a served part (W3C CSP 3 `sandbox`): no script, no forms, a unique origin — a hostile
 * HTML or SVG file opened from the web app can do nothing there. Images and the browser's own
 * PDF viewer may still draw; only our web app may frame it (PDF preview).
 */
export const PART_RESPONSE_CSP = "sandbox; default-src 'none'; img-src 'self' data:; media-src 'self'; object-src 'self'; frame-ancestors 'self'";

/** Route `onSend` hook: runs after the app's security headers and replaces its CSP and framing rule. */
export const sandboxPartResponse: onSendHookHandler = async (_request, reply, payload) => {
  reply.header('content-security-policy', PART_RESPONSE_CSP);
  reply.header('x-frame-options', 'SAMEORIGIN');
  reply.header('x-content-type-options', 'nosniff');
  return payload;
};

/** RFC 5987 attr-char: everything else percent-encoded (UTF-8). */
function rfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `inline|attachment; filename="ascii"; filename*=UTF-8''…` (RFC 6266 §4.3). */
export function contentDisposition(type: 'inline' | 'attachment', filename: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is replaced
  const clean = filename.replace(/[\u0000-\u001f\u007f]/g, '_');
  const ascii = clean.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_') || 'download';
  return `${type}; filename="${ascii}"; filename*=UTF-8''${rfc5987(clean)}`;
}
