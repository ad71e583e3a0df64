/**
 * `/api/mailboxes`: the folder tree with total and unread counts; create, rename and delete the
 * account's own folders (RFC 3501 §6.3.3–6.3.5 semantics, through the mail domain that IMAP uses
 * too, so an IMAP client sees the change at once). INBOX and the special-use folders (RFC 6154)
 * cannot be renamed or deleted from the web: clients and the delivery path depend on them.
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../../../common/errors.js';
import { MailError } from '../../../mail/errors.js';
import type { Services } from '../../../services.js';
import type { Db } from '../../../storage/connect.js';
import { sessionOf } from '../../plugins/sessions.js';
import { presentMailbox, sortMailboxViews, specialUseOf } from '../../presenters/mailbox.js';
import { parseInput } from '../../validate.js';
import { idParam, ownedMailbox } from '../../webmail/owned.js';
import { createMailboxSchema, renameMailboxSchema, type MailboxView } from './schema.js';

export type Counts = Map<number, { total: number; unread: number }>;

/** Total and unread per mailbox; each count reads only the (mailbox_id, seen) index. */
export async function mailboxCounts(db: Db, mailboxIds: readonly number[]): Promise<Counts> {
  const counts: Counts = new Map(mailboxIds.map((id) => [id, { total: 0, unread: 0 }]));
  if (mailboxIds.length === 0) return counts;
  const totals = await db
    .selectFrom('messages')
    .select((eb) => ['mailbox_id', eb.fn.countAll<number>().as('n')])
    .where('mailbox_id', 'in', mailboxIds)
    .groupBy('mailbox_id')
    .execute();
  const unread = await db
    .selectFrom('messages')
    .select((eb) => ['mailbox_id', eb.fn.countAll<number>().as('n')])
    .where('mailbox_id', 'in', mailboxIds)
    .where('seen', '=', 0)
    .groupBy('mailbox_id')
    .execute();
  for (const row of totals) counts.get(row.mailbox_id)!.total = Number(row.n);
  for (const row of unread) counts.get(row.mailbox_id)!.unread = Number(row.n);
  return counts;
}

/** Mail domain refusals of a name, as a form error on the `name` field. */
function nameRefused(err: unknown): never {
  if (err instanceof MailError && err.code === 'ALREADYEXISTS') {
    throw new ApiError('validation', '同名文件夹已存在', { issues: [{ path: 'name', message: '同名文件夹已存在' }] });
  }
  if (err instanceof MailError && err.code === 'INVALID_NAME') {
    const message = '文件夹名称不能含有 * % 或控制字符、不能有空的层级，层级不超过 16 级';
    throw new ApiError('validation', message, { issues: [{ path: 'name', message }] });
  }
  throw err;
}

export async function mailboxRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const { db, mail } = services;

  const view = async (mailboxId: number, accountId: number): Promise<MailboxView> => {
    const mailbox = await ownedMailbox(db, accountId, mailboxId);
    return presentMailbox(mailbox, (await mailboxCounts(db, [mailbox.id])).get(mailbox.id));
  };

  app.get('/mailboxes', async (request): Promise<MailboxView[]> => {
    const { account } = sessionOf(request);
    const mailboxes = await mail.listMailboxes(account.id);
    const counts = await mailboxCounts(db, mailboxes.map((m) => m.id));
    return sortMailboxViews(mailboxes.map((m) => presentMailbox(m, counts.get(m.id))));
  });

  app.post('/mailboxes', async (request, reply): Promise<MailboxView> => {
    const { account } = sessionOf(request);
    const { name } = parseInput(createMailboxSchema, request.body);
    const { value } = await mail.createMailbox(account.id, name).catch(nameRefused);
    reply.code(201);
    return presentMailbox(value);
  });

  app.patch<{ Params: { id: string } }>('/mailboxes/:id', async (request): Promise<MailboxView> => {
    const { account } = sessionOf(request);
    const mailbox = await ownedMailbox(db, account.id, idParam(request.params.id));
    const { name } = parseInput(renameMailboxSchema, request.body);
    if (specialUseOf(mailbox)) throw new ApiError('bad_request', '系统文件夹不能重命名');
    await mail.renameMailbox(account.id, mailbox.name, name).catch(nameRefused);
    return view(mailbox.id, account.id);
  });

  app.delete<{ Params: { id: string } }>('/mailboxes/:id', async (request, reply) => {
    const { account } = sessionOf(request);
    const mailbox = await ownedMailbox(db, account.id, idParam(request.params.id));
    if (specialUseOf(mailbox)) throw new ApiError('bad_request', '系统文件夹不能删除');
    try {
      await mail.deleteMailbox(account.id, mailbox.name);
    } catch (err) {
      if (err instanceof MailError && err.code === 'CANNOT') throw new ApiError('bad_request', '请先删除或移走其下的子文件夹');
      throw err;
    }
    return reply.code(204).send();
  });
}
