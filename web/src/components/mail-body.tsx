/**
 * A message's body. Mail HTML is written by whoever sent it, so even after the server's
 * sanitiser (server/http/webmail/html-policy.ts) it is shown in a frame that can do nothing:
 *
 * - `sandbox=""`: no scripts, no forms, no pop-ups, no top navigation, and a unique opaque
 *   origin — no allow-scripts and no allow-same-origin, ever (together they undo the sandbox);
 * - a CSP of its own as the first element of the document: nothing loads but our own images
 *   (cid: parts are served from /api) and data: images, no form target;
 * - `<base target="_blank">`: a link never navigates the frame itself (an off-site request);
 *   without allow-popups the new window is refused, so links are inert;
 * - the frame document also inherits the page's own CSP (srcdoc does), which is stricter still.
 *
 * Plain text goes in a <pre>, as text: React escapes it.
 */
import { useMemo } from 'react';
import { useI18n } from '../i18n/index.js';

export const MAIL_FRAME_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; form-action 'none'";

const FRAME_STYLE = [
  'html{color-scheme:light}',
  "body{margin:12px 16px;font:14px/1.6 -apple-system,'Segoe UI','PingFang SC','Microsoft YaHei','WenQuanYi Micro Hei','Noto Sans CJK SC',sans-serif;color:#1f1f1f;overflow-wrap:anywhere}",
  'img{max-width:100%;height:auto}',
  'img[data-govmail-blocked]{display:inline-block;min-width:24px;min-height:24px;background:#f0f0f0;outline:1px dashed #bbb}',
  'table{max-width:100%}',
  'pre{white-space:pre-wrap}',
  'blockquote{margin:0 0 0 8px;padding-left:8px;border-left:3px solid #d9d9d9;color:#555}',
].join('');

/** The srcdoc: the CSP meta comes first in <head>, before anything the message could contain. */
export function frameDocument(html: string, lang: string): string {
  return (
    `<!doctype html><html lang="${lang === 'en' ? 'en' : 'zh-CN'}"><head>` +
    `<meta http-equiv="Content-Security-Policy" content="${MAIL_FRAME_CSP}">` +
    '<meta charset="utf-8"><meta name="referrer" content="no-referrer"><base target="_blank">' +
    `<style>${FRAME_STYLE}</style>` +
    `</head><body>${html}</body></html>`
  );
}

export function MailBody({ html, text, title }: { html: string | null; text: string | null; title: string }) {
  const { t, locale } = useI18n();
  const srcDoc = useMemo(() => (html === null ? null : frameDocument(html, locale)), [html, locale]);
  if (srcDoc !== null) {
    return <iframe className="mail-frame" title={title} sandbox="" srcDoc={srcDoc} referrerPolicy="no-referrer" />;
  }
  if (text !== null && text.trim() !== '') {
    return (
      <pre className="mail-text" aria-label={t('reader.bodyFrame')}>
        {text}
      </pre>
    );
  }
  return <p className="mail-empty">{t('reader.noBody')}</p>;
}
