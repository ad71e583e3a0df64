/**
 * A message's body. Mail HTML is written by whoever sent it, so even after the server's
 * sanitiser (server/http/webmail/html-policy.ts) it is shown in a frame that can do nothing:
 * the document comes from `GET /api/messages/:id/frame` with a CSP of its own (no script, no
 * form, only our images, inline styles allowed — see server/http/webmail/mail-frame.ts), in
 * `<iframe sandbox="allow-same-origin">`: no scripts, no forms, no pop-ups, no navigation of
 * the page. allow-same-origin (never with allow-scripts) lets its cid: images carry the session
 * cookie and lets this component catch link clicks: the reader is shown where a link really
 * goes and asked before it opens in a new tab.
 *
 * Plain text goes in a <pre>, as text: React escapes it.
 */
import { useCallback, useRef } from 'react';
import { useI18n } from '../i18n/index.js';

export const MAIL_FRAME_SANDBOX = 'allow-same-origin';

interface MailBodyProps {
  /** URL of the framed HTML document, or null for a message without HTML. */
  frameUrl: string | null;
  text: string | null;
  title: string;
  /** A link in the mail was clicked: its real target. */
  onOpenLink(href: string): void;
}

export function MailBody({ frameUrl, text, title, onOpenLink }: MailBodyProps) {
  const { t } = useI18n();
  const frame = useRef<HTMLIFrameElement>(null);
  const attachLinkHandler = useCallback(() => {
    const doc = frame.current?.contentDocument;
    if (!doc) return;
    doc.addEventListener('click', (event) => {
      const link = (event.target as Element | null)?.closest?.('a[href]');
      if (!link) return;
      event.preventDefault();
      const href = link.getAttribute('href') ?? '';
      if (/^(?:https?|mailto):/i.test(href)) onOpenLink(href);
    });
  }, [onOpenLink]);

  if (frameUrl !== null) {
    return <iframe ref={frame} className="mail-frame" title={title} sandbox={MAIL_FRAME_SANDBOX} src={frameUrl} referrerPolicy="no-referrer" onLoad={attachLinkHandler} />;
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
