/** Important-mail receipts (SPEC 3.4) as the sender's table and the recipient's banner show them. */
import type { AddressView, ReceiptView } from '../../../common/schemas/webmail.js';
import type { ImportantReceipt } from '../../storage/database.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

export function presentReceipt(row: ImportantReceipt, recipient: AddressView): ReceiptView {
  return {
    recipient,
    deliveredAt: iso(row.delivered_at),
    firstOpenedAt: iso(row.first_opened_at),
    readConfirmedAt: iso(row.read_confirmed_at),
    doneAt: iso(row.done_at),
    repliedAt: iso(row.replied_at),
  };
}
