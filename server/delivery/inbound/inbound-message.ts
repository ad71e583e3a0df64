/**
 * What the inbound checks look at, parsed once from the raw message: sender, reply-to, subject,
 * text, the links of the HTML body (shown text and target), forms, and every attachment with its
 * bytes (attached messages are opened one level down for their attachments).
 */
import { simpleParser, type AddressObject } from 'mailparser';

export interface InboundAddress {
  name: string;
  address: string;
}

export interface InboundAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface InboundLink {
  text: string;
  href: string;
}

export interface InboundMessage {
  from: InboundAddress | null;
  replyTo: InboundAddress[];
  returnPath: string | null;
  subject: string;
  text: string;
  html: string;
  links: InboundLink[];
  /** Forms in the HTML body: their action, and whether they ask for a password. */
  forms: { action: string; password: boolean }[];
  attachments: InboundAttachment[];
}

function first(value: AddressObject | AddressObject[] | undefined): InboundAddress[] {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list.flatMap((v) => v.value).filter((a) => a.address).map((a) => ({ name: a.name ?? '', address: (a.address ?? '').toLowerCase() }));
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === '#') {
        const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

function attribute(tag: string, name: string): string | null {
  const m = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  if (!m) return null;
  return htmlToText(m[2] ?? m[3] ?? m[4] ?? '');
}

export function linksOf(html: string): InboundLink[] {
  const links: InboundLink[] = [];
  const re = /<a\b([^>]*)>([\s\S]*?)<\/a\s*>/gi;
  for (let m = re.exec(html); m && links.length < 500; m = re.exec(html)) {
    const href = attribute(m[0], 'href');
    if (href) links.push({ text: htmlToText(m[2] ?? ''), href: href.trim() });
  }
  return links;
}

function formsOf(html: string): { action: string; password: boolean }[] {
  const forms: { action: string; password: boolean }[] = [];
  const re = /<form\b([^>]*)>([\s\S]*?)(<\/form\s*>|$)/gi;
  for (let m = re.exec(html); m && forms.length < 50; m = re.exec(html)) {
    const action = attribute(m[0].slice(0, m[0].indexOf('>') + 1), 'action') ?? '';
    forms.push({ action, password: /<input\b[^>]*type\s*=\s*["']?password/i.test(m[2] ?? '') });
  }
  return forms;
}

export async function parseInbound(raw: Buffer, depth = 0): Promise<InboundMessage> {
  const parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  const html = typeof parsed.html === 'string' ? parsed.html : '';
  const attachments: InboundAttachment[] = [];
  for (const a of parsed.attachments) {
    attachments.push({ filename: a.filename ?? '', contentType: (a.contentType ?? 'application/octet-stream').toLowerCase(), content: a.content });
    if (a.contentType === 'message/rfc822' && depth < 2) {
      const inner = await parseInbound(a.content, depth + 1).catch(() => null);
      if (inner) attachments.push(...inner.attachments);
    }
  }
  const returnPath = parsed.headers.get('return-path');
  const rp = returnPath && typeof returnPath === 'object' && 'value' in returnPath ? first(returnPath as AddressObject)[0]?.address ?? null : typeof returnPath === 'string' ? returnPath.replace(/[<>]/g, '').trim().toLowerCase() || null : null;
  return {
    from: first(parsed.from)[0] ?? null,
    replyTo: first(parsed.replyTo),
    returnPath: rp,
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html,
    links: linksOf(html),
    forms: formsOf(html),
    attachments,
  };
}

export function domainOf(address: string | null | undefined): string {
  if (!address) return '';
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).toLowerCase().replace(/\.$/, '');
}
