/**
 * The HTML allow-list of the webmail, for mail shown to a reader and for HTML a user composes.
 *
 * Mail HTML is attacker-controlled. The web app shows it in a sandboxed iframe without
 * allow-scripts and under a CSP of its own; this is the line before that: what leaves the server
 * holds no active content and fetches nothing the reader did not allow.
 *
 * - Tags: formatting, lists, tables, links and images only. Everything else is dropped —
 *   script, style, iframe, object, embed, form and its controls, meta, base, link, svg, math,
 *   media, template — and so is the text inside script, style, title, template, noscript …
 *   (`nonTextTags`), so a style sheet never shows up as words.
 * - Attributes: an allow-list per tag; no event handlers, no `srcset`, `background`, `poster`,
 *   `ping`, `action`, `xlink:href`. Inline `style` keeps only listed properties whose value has no
 *   function but a colour (`rgb()` …) and no escape: no `url()`, `expression()`, `@import`.
 *   `<style>` elements are dropped whole (the price: class-based layouts lose their look).
 * - URLs, decided on the decoded attribute (entities and mixed case cannot smuggle a scheme):
 *   links only http, https, mailto and tel, and they open in a new browsing context with
 *   `rel="noopener noreferrer"`; images only `cid:` parts of this message (rewritten to the part
 *   URL), `data:image/…` (raster types, not SVG), and http/https — the last only when the reader
 *   allowed remote images, else the `src` is removed and the image marked
 *   `data-govmail-blocked="remote-image"`. Relative URLs go everywhere: without `<base>` they
 *   would resolve against the webmail itself.
 */
import sanitizeHtml from 'sanitize-html';

const ALLOWED_TAGS = [
  'a', 'abbr', 'address', 'article', 'aside', 'b', 'bdi', 'bdo', 'big', 'blockquote', 'br', 'caption', 'center', 'cite', 'code', 'col',
  'colgroup', 'dd', 'del', 'dfn', 'div', 'dl', 'dt', 'em', 'figcaption', 'figure', 'font', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'header', 'hr', 'i', 'img', 'ins', 'kbd', 'li', 'mark', 'ol', 'p', 'pre', 'q', 's', 'samp', 'section', 'small', 'span', 'strike',
  'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'tt', 'u', 'ul', 'var', 'wbr',
];

/** Elements dropped together with the text inside them. */
const NON_TEXT_TAGS = [
  'script', 'style', 'textarea', 'option', 'select', 'noscript', 'title', 'template', 'xmp', 'noembed', 'noframes', 'iframe', 'object',
  'applet', 'plaintext', 'button',
];

const COMMON_ATTRIBUTES = ['style', 'title', 'dir', 'lang', 'align', 'valign', 'width', 'height', 'bgcolor', 'border', 'class'];

const ALLOWED_ATTRIBUTES: Record<string, string[]> = {
  '*': COMMON_ATTRIBUTES,
  a: ['href', 'target', 'rel'],
  img: ['src', 'alt', 'data-govmail-blocked', 'hspace', 'vspace'],
  font: ['color', 'face', 'size'],
  ol: ['start', 'type'],
  ul: ['type'],
  li: ['value'],
  table: ['cellpadding', 'cellspacing', 'frame', 'rules', 'summary'],
  td: ['colspan', 'rowspan', 'nowrap', 'headers', 'scope'],
  th: ['colspan', 'rowspan', 'nowrap', 'headers', 'scope'],
  col: ['span'],
  colgroup: ['span'],
};

/**
 * A CSS value without functions (other than colours), escapes, at-rules or blocks: nothing that
 * can fetch (`url()`, `image-set()`), run (`expression()`) or break out of the declaration.
 */
const SAFE_CSS_VALUE = /^(?:[^()\\;{}<>@`]|(?:rgba?|hsla?)\([\d\s.,%/]*\))*$/i;

const ALLOWED_STYLE_PROPERTIES = [
  'color', 'background-color', 'font', 'font-family', 'font-size', 'font-style', 'font-weight', 'font-variant', 'text-align',
  'text-decoration', 'text-indent', 'text-transform', 'line-height', 'letter-spacing', 'word-spacing', 'white-space', 'word-break',
  'vertical-align', 'direction', 'margin', 'margin-top', 'margin-right', 'margin-bottom', 'margin-left', 'padding', 'padding-top',
  'padding-right', 'padding-bottom', 'padding-left', 'border', 'border-top', 'border-right', 'border-bottom', 'border-left',
  'border-color', 'border-style', 'border-width', 'border-collapse', 'border-spacing', 'border-radius', 'width', 'height',
  'min-width', 'max-width', 'min-height', 'max-height', 'list-style-type', 'float', 'clear', 'display', 'table-layout',
];

const ALLOWED_STYLES = { '*': Object.fromEntries(ALLOWED_STYLE_PROPERTIES.map((p) => [p, [SAFE_CSS_VALUE]])) };

const LINK_URL = /^(?:https?:\/\/|mailto:|tel:)/i;
const REMOTE_URL = /^https?:\/\//i;
/** Raster images only: an SVG data URL is a document of its own. */
const DATA_IMAGE_URL = /^data:image\/(?:png|gif|jpe?g|webp|bmp);/i;

export interface MailHtmlOptions {
  /** Keep http/https images (the reader allowed them for this message or sender). */
  allowRemoteImages: boolean;
  /** The URL of the part a `cid:` reference names (Content-ID without `<>`), or null. */
  cidUrl: (contentId: string) => string | null;
}

export interface SanitizedMailHtml {
  html: string;
  /** The mail has http/https images (shown or not). */
  hasRemoteImages: boolean;
  /** Content-IDs that the HTML references (those parts are shown inline). */
  referencedCids: Set<string>;
}

function baseOptions(): sanitizeHtml.IOptions {
  return {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: ALLOWED_ATTRIBUTES,
    allowedStyles: ALLOWED_STYLES,
    nonTextTags: NON_TEXT_TAGS,
    disallowedTagsMode: 'discard',
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['http', 'https', 'data'] },
    allowedSchemesAppliedToAttributes: ['href', 'src'],
    allowProtocolRelative: false,
    enforceHtmlBoundary: false,
  };
}

function link(tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag {
  const href = attribs['href']?.trim();
  const { href: _href, ...rest } = attribs;
  return { tagName, attribs: { ...rest, ...(href && LINK_URL.test(href) ? { href } : {}), target: '_blank', rel: 'noopener noreferrer' } };
}

/** Sanitises the HTML of a received message for display. */
export function sanitizeMailHtml(html: string, options: MailHtmlOptions): SanitizedMailHtml {
  let hasRemoteImages = false;
  const referencedCids = new Set<string>();
  const image = (tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag => {
    const { src: rawSrc, ...rest } = attribs;
    const src = rawSrc?.trim() ?? '';
    if (/^cid:/i.test(src)) {
      const cid = decodeURIComponentSafe(src.slice(4)).replace(/^<|>$/g, '');
      const url = options.cidUrl(cid);
      if (url) {
        referencedCids.add(cid);
        return { tagName, attribs: { ...rest, src: url } };
      }
      return { tagName, attribs: rest };
    }
    if (REMOTE_URL.test(src)) {
      hasRemoteImages = true;
      return { tagName, attribs: options.allowRemoteImages ? { ...rest, src } : { ...rest, 'data-govmail-blocked': 'remote-image' } };
    }
    if (DATA_IMAGE_URL.test(src)) return { tagName, attribs: { ...rest, src } };
    return { tagName, attribs: rest };
  };
  const out = sanitizeHtml(html, { ...baseOptions(), transformTags: { a: link, img: image } });
  return { html: out, hasRemoteImages, referencedCids };
}

/**
 * Sanitises HTML a user wrote in the editor (a message, a signature) before it is sent or
 * stored: the same allow-list; images the writer put in stay as they are (http/https or
 * data:image).
 */
export function sanitizeComposedHtml(html: string): string {
  const image = (tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag => {
    const { src: rawSrc, ...rest } = attribs;
    const src = rawSrc?.trim() ?? '';
    return { tagName, attribs: REMOTE_URL.test(src) || DATA_IMAGE_URL.test(src) ? { ...rest, src } : rest };
  };
  return sanitizeHtml(html, { ...baseOptions(), transformTags: { a: link, img: image } });
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
