/**
 * `GET /api/search`: one box, with filters (sender, date range, attachment, folder).
 *
 * Words and the sender go through the Chinese full-text index (mail/search/search-index.ts,
 * the same search as IMAP SEARCH): CJK bigrams find any two-character word in subject, sender,
 * recipients, body and attachment names; Latin words match by prefix, addresses and names also
 * by substring. The index returns every match of the account; dates and the attachment filter
 * are applied to those rows, newest first, then the page is cut. Without words the filters run
 * as one paged SQL query.
 *
 * Dates: `YYYY-MM-DD` is a whole day in Asia/Shanghai (`before` includes that day), or a full
 * ISO 8601 time. A message's date is its Date header, or its arrival when it has none.
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { ApiError } from '../../../../common/errors.js';
import { searchMessages } from '../../../mail/search/search-index.js';
import type { Services } from '../../../services.js';
import { sessionOf } from '../../plugins/sessions.js';
import { presentSummary, SUMMARY_COLUMNS } from '../../presenters/message.js';
import { parseInput } from '../../validate.js';
import { idParam, ownedMailbox } from '../../webmail/owned.js';
import { searchQuerySchema, type MessagePage } from './schema.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const SHANGHAI_OFFSET = '+08:00';

/** A filter bound in epoch ms: `after` is inclusive from its start, `before` inclusive to its end. */
function dateBound(value: string | undefined, field: 'after' | 'before'): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const time = Date.parse(dayOnly ? `${text}T00:00:00${SHANGHAI_OFFSET}` : text);
  if (Number.isNaN(time)) throw new ApiError('validation', '日期格式不正确', { issues: [{ path: field, message: '日期格式不正确，应为 YYYY-MM-DD' }] });
  if (field === 'before') return dayOnly ? time + DAY_MS - 1 : time;
  return time;
}

export async function searchRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const { db } = services;
  const domains = services.config.domains;

  app.get('/search', async (request): Promise<MessagePage> => {
    const { account } = sessionOf(request);
    const query = parseInput(searchQuerySchema, request.query);
    const mailboxId = query.mailboxId === undefined ? undefined : (await ownedMailbox(db, account.id, idParam(query.mailboxId))).id;
    const after = dateBound(query.after, 'after');
    const before = dateBound(query.before, 'before');
    const text = query.q.trim();
    const from = query.from?.trim() ?? '';

    if (text !== '' || from !== '') {
      const rows = (await searchMessages(db, { accountId: account.id, ...(mailboxId === undefined ? {} : { mailboxId }), ...(text ? { text } : {}), ...(from ? { from } : {}) }))
        .map((row) => ({ row, date: Number(row.sent_date ?? row.internal_date) }))
        .filter(({ row, date }) => (after === undefined || date >= after) && (before === undefined || date <= before) && (query.hasAttachment === undefined || (row.has_attachments === 1) === query.hasAttachment))
        .sort((a, b) => b.date - a.date || b.row.id - a.row.id);
      return { items: rows.slice(query.offset, query.offset + query.limit).map(({ row }) => presentSummary(row, domains)), total: rows.length, offset: query.offset };
    }

    const date = sql<number>`coalesce(messages.sent_date, messages.internal_date)`;
    let base = db.selectFrom('messages').innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id').where('mailboxes.account_id', '=', account.id);
    if (mailboxId !== undefined) base = base.where('messages.mailbox_id', '=', mailboxId);
    if (after !== undefined) base = base.where(date, '>=', after);
    if (before !== undefined) base = base.where(date, '<=', before);
    if (query.hasAttachment !== undefined) base = base.where('messages.has_attachments', '=', query.hasAttachment ? 1 : 0);
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await base.select(SUMMARY_COLUMNS).orderBy(date, 'desc').orderBy('messages.id', 'desc').limit(query.limit).offset(query.offset).execute();
    return { items: rows.map((r) => presentSummary(r, domains)), total: Number(total.n), offset: query.offset };
  });
}
