/**
 * Security headers on every response, pages and API alike.
 *
 * - CSP: scripts, styles, images and connections only from our own origin; no plugins, no
 *   framing (clickjacking), no <base> rewriting, forms post only to us. The web build emits no
 *   inline script or style, so nothing needs 'unsafe-inline'. (Showing mail HTML will need a
 *   sandboxed frame with its own policy: the webmail issue.)
 * - nosniff, so a file is never run as a type it was not served as;
 * - no Referer: URLs can carry message ids and search words;
 * - API answers are never cached (they hold mail metadata and CSRF tokens);
 * - HSTS when cookies are Secure, i.e. when govmail is reached over HTTPS. Not
 *   includeSubDomains: other city systems under the same domain may not have TLS.
 */
import type { FastifyInstance } from 'fastify';
import { globalPlugin } from './global-plugin.js';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

export const securityHeadersPlugin = globalPlugin<{ hsts: boolean }>(async (app: FastifyInstance, options) => {
  const headers: Record<string, string> = {
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
  if (options.hsts) headers['strict-transport-security'] = 'max-age=31536000';

  app.addHook('onSend', async (request, reply, payload) => {
    reply.headers(headers);
    if (isApiPath(request.url)) reply.header('cache-control', 'no-store');
    return payload;
  });
});

export function isApiPath(url: string): boolean {
  return url === '/api' || url.startsWith('/api/') || url.startsWith('/api?');
}
