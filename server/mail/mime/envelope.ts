/**
 * The IMAP ENVELOPE of a message (RFC 3501 §7.4.2, §9 `envelope`): date, subject, from, sender,
 * reply-to, to, cc, bcc, in-reply-to and message-id, taken from the header as written. IMAP sends
 * the field values undecoded (encoded words stay encoded, raw 8-bit text stays raw octets) and
 * leaves decoding to the client.
 *
 * Where a field occurs twice the first occurrence is used, as the webmail shows it (Dovecot uses
 * the last; RFC 5322 §3.6 allows one of each).
 */
import { parseAddressList, type ParsedAddress } from './address-list.js';
import { firstField, scanHeaderFields, unfoldedValue, type HeaderField } from './header-fields.js';
import { toImapString, type ImapNode, type ImapString } from './imap-node.js';
import type { MimePart } from './mime-tree.js';

export interface ImapAddress {
  name: ImapString | null;
  adl: ImapString | null;
  mailbox: ImapString | null;
  host: ImapString | null;
}

export interface Envelope {
  /** Date field as written (unfolded, trimmed), not normalised; null when absent. */
  date: ImapString | null;
  /** Subject as written: unfolded (RFC 5322 §2.2.3), trimmed, encoded words not decoded. */
  subject: ImapString | null;
  from: ImapAddress[] | null;
  /** Defaults to `from` when absent or empty (RFC 3501 §7.4.2). */
  sender: ImapAddress[] | null;
  /** Defaults to `from` when absent or empty (RFC 3501 §7.4.2). */
  replyTo: ImapAddress[] | null;
  to: ImapAddress[] | null;
  cc: ImapAddress[] | null;
  bcc: ImapAddress[] | null;
  inReplyTo: ImapString | null;
  messageId: ImapString | null;
}

/** Header fields the envelope is built from (lower case). */
export const ENVELOPE_FIELDS: ReadonlySet<string> = new Set([
  'date',
  'subject',
  'from',
  'sender',
  'reply-to',
  'to',
  'cc',
  'bcc',
  'in-reply-to',
  'message-id',
]);

function text(raw: Buffer, fields: readonly HeaderField[], name: string): ImapString | null {
  const field = firstField(fields, name);
  return field ? toImapString(unfoldedValue(raw, field)) : null;
}

const opt = (b: Buffer | null): ImapString | null => (b === null ? null : toImapString(b));

function toImapAddress(a: ParsedAddress): ImapAddress {
  return { name: opt(a.name), adl: opt(a.adl), mailbox: opt(a.mailbox), host: opt(a.host) };
}

function addresses(raw: Buffer, fields: readonly HeaderField[], name: string): ImapAddress[] | null {
  const field = firstField(fields, name);
  if (!field) return null;
  const list = parseAddressList(unfoldedValue(raw, field));
  return list.length > 0 ? list.map(toImapAddress) : null;
}

/** The envelope of the header whose fields are `fields` (from scanHeaderFields). */
export function envelopeFromFields(raw: Buffer, fields: readonly HeaderField[]): Envelope {
  const from = addresses(raw, fields, 'from');
  return {
    date: text(raw, fields, 'date'),
    subject: text(raw, fields, 'subject'),
    from,
    sender: addresses(raw, fields, 'sender') ?? from,
    replyTo: addresses(raw, fields, 'reply-to') ?? from,
    to: addresses(raw, fields, 'to'),
    cc: addresses(raw, fields, 'cc'),
    bcc: addresses(raw, fields, 'bcc'),
    inReplyTo: text(raw, fields, 'in-reply-to'),
    messageId: text(raw, fields, 'message-id'),
  };
}

/**
 * ENVELOPE of the message `tree` was parsed from (its top-level header). For a message inside a
 * message/rfc822 part, pass that part's `children[0]`; its envelope is also kept on the tree
 * (`MimePart.envelope`) because BODYSTRUCTURE needs it.
 */
export function buildEnvelope(raw: Buffer, tree: MimePart): Envelope {
  return envelopeFromFields(raw, scanHeaderFields(raw, tree.headerStart, tree.headerEnd, ENVELOPE_FIELDS));
}

function addressListNode(list: ImapAddress[] | null): ImapNode {
  // RFC 3501 §9 env-from etc.: "(" 1*address ")", addresses written without a space between
  return list === null ? null : [{ concat: list.map((a) => [a.name, a.adl, a.mailbox, a.host]) }];
}

/** The envelope as the IMAP data the encoder writes: `(date subject from … message-id)`. */
export function envelopeNode(env: Envelope): ImapNode[] {
  return [
    env.date,
    env.subject,
    addressListNode(env.from),
    addressListNode(env.sender),
    addressListNode(env.replyTo),
    addressListNode(env.to),
    addressListNode(env.cc),
    addressListNode(env.bcc),
    env.inReplyTo,
    env.messageId,
  ];
}
