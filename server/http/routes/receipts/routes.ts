/**
 * Important mail (SPEC Art. 3.4): the recipient's 已阅 / 已办 (`POST /api/messages/:id/confirm`,
 * each confirmation audited) and the sender's per-recipient view (`GET /api/messages/:id/receipts`:
 * delivered, first opened, confirmed, done, replied). The sender sees receipts only of mail they
 * submitted themselves, whichever copy (Sent, or one filed elsewhere) they ask from.
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../../../common/errors.js';
import { confirmReceipt, deadlineOf, ensureReceipt, receiptFor, receiptsOfSender } from '../../../governance/important-mail/receipts.js';
import type { Services } from '../../../services.js';
import { sessionOf } from '../../plugins/sessions.js';
import { presentReceipt } from '../../presenters/receipt.js';
import { parseInput } from '../../validate.js';
import { idParam, ownedMessage } from '../../webmail/owned.js';
import { isRecipientCopy } from '../../webmail/receipts.js';
import { confirmImportantSchema, type ReceiptView } from './schema.js';

export async function receiptRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const { db } = services;

  app.post<{ Params: { id: string } }>('/messages/:id/confirm', async (request): Promise<ReceiptView> => {
    const { account } = sessionOf(request);
    const row = await ownedMessage(db, account.id, idParam(request.params.id));
    const { kind } = parseInput(confirmImportantSchema, request.body);
    if (row.importance !== 'confirm' || !row.message_id || !isRecipientCopy(row)) throw new ApiError('bad_request', '这封邮件不需要确认');
    const now = services.clock.now();
    // Mail that reached the mailbox without the delivery hook (IMAP APPEND, older mail) gets its row now.
    if (!(await receiptFor(db, account.id, row.message_id))) await ensureReceipt(db, account.id, row.message_id, deadlineOf(await services.blobs.get(row.blob_hash)), now);
    if (await confirmReceipt(db, account.id, row.message_id, kind, now)) {
      await services.audit.append({
        actor: account.address,
        actorAccountId: account.id,
        action: kind === 'read' ? 'mail.important.read' : 'mail.important.done',
        target: row.message_id,
        ip: request.ip,
        protocol: 'web',
        details: { message: row.id },
      });
    }
    const receipt = (await receiptFor(db, account.id, row.message_id))!;
    return presentReceipt(receipt, { name: account.display_name, address: account.address });
  });

  app.get<{ Params: { id: string } }>('/messages/:id/receipts', async (request): Promise<ReceiptView[]> => {
    const { account } = sessionOf(request);
    const row = await ownedMessage(db, account.id, idParam(request.params.id));
    if (!row.message_id) return [];
    const rows = await receiptsOfSender(db, account.id, row.message_id);
    return rows.map((r) => presentReceipt(r, { name: r.recipient_name, address: r.recipient_address }));
  });
}
