/**
 * Out-of-office replies (webmail settings, SPEC Art. 3.6 handover too), by the rules of RFC 3834:
 * - only to mail addressed to the person directly (not through a list, SPEC: never to lists);
 * - never to automatic mail: a null or MAILER-DAEMON-like return path, `Auto-Submitted` other
 *   than `no`, `Precedence: bulk|list|junk`, `List-*` headers, or an Exchange
 *   `X-Auto-Response-Suppress` asking for none — so two responders never answer each other;
 * - once per sender per absence (the `auto_reply_log` table), to the return path (§4), from the
 *   null sender `<>` (§3.3) with `Auto-Submitted: auto-replied` and the thread headers.
 * The reply is delivered through DeliveryService like any mail: locally, or via the outbound queue.
 */
import type { Kysely } from 'kysely';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../storage/database.js';
import type { MessageFields } from '../mail/message-fields.js';

/** Return paths of robots and lists (RFC 3834 §2, and the usual list-manager names). */
const ROBOT_SENDER = /^(?:mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?|listserv|majordomo|owner-.+|.+-request|.+-bounces?)@/i;

/** Headers of the message's header block, unfolded and lower-cased by name. */
export function headerBlock(raw: Buffer): Map<string, string[]> {
  const end = raw.indexOf('\r\n\r\n');
  const text = raw.subarray(0, end < 0 ? Math.min(raw.length, 64 * 1024) : end).toString('latin1');
  const headers = new Map<string, string[]>();
  for (const line of text.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return headers;
}

/** Why a message must not be answered automatically, or null when it may be. */
export function automaticMailReason(envelopeFrom: string, headers: Map<string, string[]>): string | null {
  const from = envelopeFrom.trim().replace(/^<|>$/g, '');
  if (!from) return 'null return path';
  if (ROBOT_SENDER.test(from)) return 'robot return path';
  const first = (name: string) => headers.get(name)?.[0]?.toLowerCase() ?? null;
  const autoSubmitted = first('auto-submitted');
  if (autoSubmitted !== null && !/^no\b/.test(autoSubmitted)) return 'Auto-Submitted';
  if (/^(?:bulk|list|junk)\b/.test(first('precedence') ?? '')) return 'Precedence';
  if (['list-id', 'list-unsubscribe', 'list-post', 'list-help'].some((h) => headers.has(h))) return 'list headers';
  if (/\b(?:all|oof|autoreply)\b/.test(first('x-auto-response-suppress') ?? '')) return 'X-Auto-Response-Suppress';
  return null;
}

/** Start (inclusive) and end (inclusive) of the absence, in epoch ms; dates are Asia/Shanghai days. */
export function absenceWindow(from: string | null, until: string | null): { start: number | null; end: number | null } {
  const day = /^\d{4}-\d{2}-\d{2}$/;
  const start = from === null ? null : day.test(from) ? Date.parse(`${from}T00:00:00+08:00`) : Date.parse(from);
  const end = until === null ? null : day.test(until) ? Date.parse(`${until}T23:59:59.999+08:00`) : Date.parse(until);
  return { start, end };
}

export interface DeliveredMessage {
  envelopeFrom: string;
  raw: Buffer;
  fields: MessageFields;
  /** Accounts the message reached as themselves or an alias (not through a list). */
  directAccountIds: readonly number[];
}

export type SendReply = (reply: { recipient: string; raw: Buffer }) => Promise<unknown>;

export class AutoResponder {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly send: SendReply,
  ) {}

  /** Answers for every directly addressed account that is away; returns the accounts that answered. */
  async respond(message: DeliveredMessage): Promise<number[]> {
    if (message.directAccountIds.length === 0) return [];
    const headers = headerBlock(message.raw);
    if (automaticMailReason(message.envelopeFrom, headers) !== null) return [];
    const sender = message.envelopeFrom.trim().replace(/^<|>$/g, '').toLowerCase();
    const now = this.clock.now();
    const away = await this.db
      .selectFrom('webmail_settings')
      .innerJoin('accounts', 'accounts.id', 'webmail_settings.account_id')
      .select(['accounts.id', 'accounts.address', 'accounts.display_name', 'webmail_settings.auto_reply_subject', 'webmail_settings.auto_reply_body', 'webmail_settings.auto_reply_from', 'webmail_settings.auto_reply_until', 'webmail_settings.updated_at'])
      .where('webmail_settings.account_id', 'in', [...message.directAccountIds])
      .where('webmail_settings.auto_reply_enabled', '=', 1)
      .execute();
    const answered: number[] = [];
    for (const person of away) {
      if (person.address.toLowerCase() === sender) continue;
      const window = absenceWindow(person.auto_reply_from, person.auto_reply_until);
      if ((window.start !== null && now < window.start) || (window.end !== null && now > window.end)) continue;
      // One reply per sender in this absence: it began at its first day, or when it was switched on.
      const periodStart = window.start ?? Number(person.updated_at);
      const last = await this.db.selectFrom('auto_reply_log').select('sent_at').where('account_id', '=', person.id).where('sender', '=', sender).executeTakeFirst();
      if (last && Number(last.sent_at) >= periodStart) continue;
      await this.db
        .insertInto('auto_reply_log')
        .values({ account_id: person.id, sender, sent_at: now })
        .onConflict((oc) => oc.columns(['account_id', 'sender']).doUpdateSet({ sent_at: now }))
        .execute();
      const raw = await composeReply({
        from: { name: person.display_name, address: person.address },
        to: sender,
        subject: person.auto_reply_subject.trim() || `自动回复：${message.fields.subject ?? ''}`,
        body: person.auto_reply_body,
        inReplyTo: message.fields.messageId,
        references: [...message.fields.references, ...(message.fields.messageId ? [message.fields.messageId] : [])],
        date: new Date(now),
      });
      await this.send({ recipient: sender, raw });
      answered.push(person.id);
    }
    return answered;
  }
}

async function composeReply(input: { from: { name: string; address: string }; to: string; subject: string; body: string; inReplyTo: string | null; references: string[]; date: Date }): Promise<Buffer> {
  const composer = new MailComposer({
    from: input.from,
    to: input.to,
    subject: input.subject,
    text: input.body,
    date: input.date,
    ...(input.inReplyTo ? { inReplyTo: `<${input.inReplyTo.replace(/^<|>$/g, '')}>` } : {}),
    ...(input.references.length ? { references: input.references.map((r) => `<${r.replace(/^<|>$/g, '')}>`) } : {}),
    headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
  });
  return composer.compile().build();
}
