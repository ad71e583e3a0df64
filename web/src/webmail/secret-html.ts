/**
 * Sanitiser for the HTML of decrypted 工作秘密 mail (smcrypto). The server's allow-list
 * (server/http/webmail/html-policy.ts) cannot see this HTML — it is decrypted in the browser —
 * so the same idea runs here on an inert DOMParser document: formatting, lists, tables, links
 * (http, https, mailto, tel) and data: raster images only; no attributes but a few per tag, no
 * style, no event handler. The result is then shown in a sandboxed frame without scripts under a
 * CSP of its own (`secretFrameDocument`), so a mistake here still runs nothing.
 */
const KEEP = new Set(
  'p br div span b strong i em u s strike sub sup small big font center ul ol li dl dt dd blockquote pre code h1 h2 h3 h4 h5 h6 hr table thead tbody tfoot tr td th caption col colgroup a img'.split(' '),
);
/** Dropped with everything inside (the rest of the unknown tags are unwrapped: their text stays). */
const DROP = new Set('script style iframe frame frameset object embed applet template noscript title svg math form input button select textarea option link meta base audio video source track canvas head'.split(' '));
const ATTRS: Record<string, string[]> = {
  a: ['href', 'title'],
  img: ['src', 'alt', 'width', 'height'],
  td: ['colspan', 'rowspan', 'align'],
  th: ['colspan', 'rowspan', 'align'],
  ol: ['start'],
};
const SAFE_LINK = /^(?:https?:|mailto:|tel:)/i;
const SAFE_IMAGE = /^data:image\/(?:png|jpeg|gif|webp);base64,[a-z0-9+/=\s]+$/i;

export function sanitizeSecretHtml(html: string): string {
  const doc = new DOMParser().parseFromString(`<!doctype html><body>${html}`, 'text/html');
  const walk = (parent: Element) => {
    for (const node of Array.from(parent.childNodes)) {
      if (node.nodeType === Node.COMMENT_NODE) {
        node.remove();
        continue;
      }
      if (node.nodeType !== Node.ELEMENT_NODE) continue;
      const el = node as Element;
      const tag = el.localName;
      if (DROP.has(tag)) {
        el.remove();
        continue;
      }
      walk(el);
      if (!KEEP.has(tag)) {
        el.replaceWith(...Array.from(el.childNodes));
        continue;
      }
      const allowed = ATTRS[tag] ?? [];
      for (const attr of Array.from(el.attributes)) if (!allowed.includes(attr.name)) el.removeAttribute(attr.name);
      if (tag === 'a') {
        const href = (el.getAttribute('href') ?? '').trim();
        if (!SAFE_LINK.test(href)) el.removeAttribute('href');
        el.setAttribute('rel', 'noopener noreferrer');
      }
      if (tag === 'img' && !SAFE_IMAGE.test(el.getAttribute('src') ?? '')) el.removeAttribute('src');
    }
  };
  walk(doc.body);
  return doc.body.innerHTML;
}

/** The framed document: no script at all, images only from data:, nothing fetched. */
export function secretFrameDocument(safeHtml: string, lang: string): string {
  return (
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; form-action 'none'; base-uri 'none'">` +
    `<meta name="referrer" content="no-referrer"><base target="_blank"></head><body>${safeHtml}</body></html>`
  );
}
