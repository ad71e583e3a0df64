/**
 * The document a message's HTML is shown in: `GET /api/messages/:id/frame`, loaded by the
 * reading pane into `<iframe sandbox="allow-same-origin">`. Served from its own URL (not
 * srcdoc) so it carries a policy of its own: a srcdoc document inherits the page's CSP, which
 * allows no inline style, and mail without its inline styles is unreadable.
 *
 * What keeps it harmless, layer by layer:
 * - the HTML was sanitised on the server (html-policy.ts): no script, form, frame, event handler;
 * - this response's CSP: no script at all (`default-src 'none'`), inline style only, images from
 *   us (cid: parts) and data: — remote images only once the reader allowed them, no forms, no
 *   plugins, framed only by our own pages, and `sandbox allow-same-origin`: scripts stay off
 *   even if the frame were opened on its own;
 * - the iframe's sandbox gives no allow-scripts, no allow-forms, no allow-popups, no
 *   allow-top-navigation. allow-same-origin (never together with allow-scripts) lets the frame's
 *   image requests carry the session cookie and lets the reading pane catch link clicks and ask
 *   before opening them (the link's real target is shown: the anti-phishing habit of SPEC 4.2).
 */
import type { FastifyRequest, onSendHookHandler } from 'fastify';

const FRAME_STYLE = [
  'html{color-scheme:light}',
  "body{margin:12px 16px;font:14px/1.6 -apple-system,'Segoe UI','PingFang SC','Microsoft YaHei','WenQuanYi Micro Hei','Noto Sans CJK SC',sans-serif;color:#1f1f1f;overflow-wrap:anywhere}",
  'img{max-width:100%;height:auto}',
  'img[data-govmail-blocked]{display:inline-block;min-width:24px;min-height:24px;background:#f0f0f0;outline:1px dashed #bbb}',
  'table{max-width:100%}',
  'pre{white-space:pre-wrap}',
  'blockquote{margin:0 0 0 8px;padding-left:8px;border-left:3px solid #d9d9d9;color:#555}',
].join('');

export function mailFrameCsp(remoteImages: boolean): string {
  return [
    'sandbox allow-same-origin',
    "default-src 'none'",
    `img-src 'self' data:${remoteImages ? ' https: http:' : ''}`,
    "style-src 'unsafe-inline'",
    "form-action 'none'",
    "base-uri 'none'",
    "frame-ancestors 'self'",
  ].join('; ');
}

/** The frame's HTML document around an already sanitised body. */
export function mailFrameDocument(html: string, lang: 'zh-CN' | 'en'): string {
  return (
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">` +
    '<meta name="referrer" content="no-referrer"><base target="_blank">' +
    `<style>${FRAME_STYLE}</style></head><body>${html}</body></html>`
  );
}

/** Which frame responses may load remote images: decided by the handler, applied by the hook. */
const remoteImagesAllowed = new WeakMap<FastifyRequest, boolean>();

export function allowRemoteImagesInFrame(request: FastifyRequest, allowed: boolean): void {
  remoteImagesAllowed.set(request, allowed);
}

/** Route `onSend` hook: runs after the app's security headers and replaces CSP and framing rule. */
export const mailFrameResponse: onSendHookHandler = async (request, reply, payload) => {
  reply.header('content-security-policy', mailFrameCsp(remoteImagesAllowed.get(request) ?? false));
  reply.header('x-frame-options', 'SAMEORIGIN');
  return payload;
};
