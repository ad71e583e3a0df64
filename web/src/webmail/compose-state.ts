/**
 * What a new message starts with: empty, a reply (to the sender, or to everyone), a forward
 * (quoted inline, or the original attached as message/rfc822), or a saved draft reopened.
 *
 * Quoted text is built from the original's plain text and escaped here: the original's HTML is
 * never put into our own page (the editor lives in the app's document, not in a sandbox).
 */
import type { Classification, MessageDetail, SettingsView } from '../../../common/schemas/webmail.js';
import { formatDateTime } from '../i18n/format.js';
import type { I18n, Locale } from '../i18n/index.js';

export type ComposeMode = 'new' | 'reply' | 'replyAll' | 'forward' | 'forwardAttachment' | 'draft';

export interface InitialAttachment {
  kind: 'draftPart' | 'message';
  /** Part number of the draft, or the id of the message forwarded as an attachment. */
  ref: string;
  name: string;
  size: number;
}

export interface ComposeInitial {
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  html: string;
  classification: Classification;
  importance: 'normal' | 'high' | 'confirm';
  deadline: string | null;
  draftId?: number;
  inReplyTo?: number;
  attachments: InitialAttachment[];
  /** Display names of addresses we know, for the recipient tags. */
  names: Record<string, string>;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function textToHtml(text: string): string {
  return escapeHtml(text).replace(/\r?\n/g, '<br>');
}

const BLOCKS = new Set(['P', 'DIV', 'LI', 'TR', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'BLOCKQUOTE', 'PRE', 'TABLE', 'UL', 'OL']);

/** Text of (sanitised) HTML, with line breaks where blocks and <br> were. DOMParser runs nothing and loads nothing. */
export function htmlToText(html: string): string {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  let out = '';
  const walk = (node: Node) => {
    if (node.nodeType === Node.TEXT_NODE) out += node.textContent ?? '';
    else if (node instanceof Element) {
      if (node.tagName === 'BR') out += '\n';
      node.childNodes.forEach(walk);
      if (BLOCKS.has(node.tagName) && !out.endsWith('\n')) out += '\n';
    }
  };
  walk(doc.body);
  return out.replace(/\n{3,}/g, '\n\n').trim();
}

function bodyText(detail: MessageDetail): string {
  if (detail.text !== null && detail.text.trim() !== '') return detail.text;
  return detail.html ? htmlToText(detail.html) : '';
}

const PREFIX = /^(?:\s*(?:re|fw|fwd|回复|答复|转发)\s*[:：]\s*)+/i;

function signatureBlock(settings: SettingsView | undefined): string {
  const signature = settings?.signatureHtml.trim();
  return signature ? `<p><br></p><div class="signature">${signature}</div>` : '';
}

function nameMap(detail: MessageDetail): Record<string, string> {
  const names: Record<string, string> = {};
  for (const a of [...(detail.from ? [detail.from] : []), ...detail.to, ...detail.cc, ...detail.replyTo]) if (a.name) names[a.address] = a.name;
  return names;
}

const EMPTY: ComposeInitial = { to: [], cc: [], bcc: [], subject: '', html: '', classification: '内部', importance: 'normal', deadline: null, attachments: [], names: {} };

export function initialCompose(mode: ComposeMode, source: MessageDetail | undefined, settings: SettingsView | undefined, me: string, i18n: { t: I18n['t']; locale: Locale }, to: string[] = []): ComposeInitial {
  const { t, locale } = i18n;
  const signature = signatureBlock(settings);
  if (!source || mode === 'new') return { ...EMPTY, to, html: `<p><br></p>${signature}` };

  const baseSubject = source.subject.replace(PREFIX, '');
  const sender = source.from ? (source.from.name ? `${source.from.name} <${source.from.address}>` : source.from.address) : t('list.unknownSender');
  const names = nameMap(source);

  if (mode === 'draft') {
    return {
      ...EMPTY,
      to: source.to.map((a) => a.address),
      cc: source.cc.map((a) => a.address),
      subject: source.subject,
      html: source.html ?? textToHtml(source.text ?? ''),
      classification: source.classification,
      importance: source.importance,
      deadline: source.deadline,
      draftId: source.id,
      attachments: source.attachments.filter((a) => !a.inline).map((a) => ({ kind: 'draftPart', ref: a.part, name: a.filename || a.contentType, size: a.size })),
      names,
    };
  }

  const quoted = textToHtml(bodyText(source));
  if (mode === 'reply' || mode === 'replyAll') {
    const replyTo = (source.replyTo.length > 0 ? source.replyTo : source.from ? [source.from] : []).map((a) => a.address);
    const mine = me.toLowerCase();
    const toList = [...new Set(replyTo)];
    const ccList =
      mode === 'replyAll'
        ? [...new Set([...source.to, ...source.cc].map((a) => a.address))].filter((a) => a.toLowerCase() !== mine && !toList.some((x) => x.toLowerCase() === a.toLowerCase()))
        : [];
    // Replying to one's own sent message: answer its recipients instead.
    const ownMessage = toList.every((a) => a.toLowerCase() === mine);
    return {
      ...EMPTY,
      to: ownMessage ? source.to.map((a) => a.address) : toList,
      cc: ccList,
      subject: `${t('compose.replyPrefix')}${baseSubject}`,
      html: `<p><br></p>${signature}<p><br></p><p>${escapeHtml(t('compose.quoteHeader', { time: formatDateTime(locale, source.date), sender }))}</p><blockquote>${quoted}</blockquote>`,
      classification: source.classification,
      inReplyTo: source.id,
      names,
    };
  }

  const forwardedHeader = [
    t('compose.forwardHeader'),
    `${t('reader.from')}: ${sender}`,
    `${t('reader.date')}: ${formatDateTime(locale, source.date)}`,
    `${t('compose.subject')}: ${source.subject}`,
    `${t('reader.to')}: ${source.to.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(', ')}`,
  ]
    .map(escapeHtml)
    .join('<br>');

  if (mode === 'forwardAttachment') {
    return {
      ...EMPTY,
      subject: `${t('compose.forwardPrefix')}${baseSubject}`,
      html: `<p><br></p>${signature}`,
      classification: source.classification,
      attachments: [{ kind: 'message', ref: String(source.id), name: `${baseSubject || t('list.noSubject')}.eml`, size: source.size }],
      names,
    };
  }
  return {
    ...EMPTY,
    subject: `${t('compose.forwardPrefix')}${baseSubject}`,
    html: `<p><br></p>${signature}<p><br></p><p>${forwardedHeader}</p><blockquote>${quoted}</blockquote>`,
    classification: source.classification,
    names,
  };
}
