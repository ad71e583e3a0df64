/** Deactivations and exports as the console and the webmail's settings see them. */
import { type HANDOVER_ITEMS as WIRE_ITEMS, type DeactivationView, type MailboxExportView } from '../../../common/schemas/deactivation.js';
import { HANDOVER_ITEMS, type DeactivationView as DomainView } from '../../governance/accounts/deactivation.js';
import type { MailboxExport } from '../../storage/database.js';

// The wire list and the domain list are the same items in the same order (checked when compiled).
const sameItems: typeof WIRE_ITEMS = HANDOVER_ITEMS;
void sameItems;

export function presentDeactivation(view: DomainView): DeactivationView {
  const d = view.deactivation;
  return {
    id: d.id,
    state: d.state,
    reason: d.reason,
    requestedBy: d.requested_by,
    selfRequested: d.requested_by_account_id === d.account_id,
    createdAt: d.created_at,
    completedAt: d.completed_at,
    completedBy: d.completed_by,
    forwardDays: d.forward_days,
    forwardUntil: d.forward_until,
    purgeAfter: d.purge_after,
    purgedAt: d.purged_at,
    account: { id: view.account.id, address: view.account.address, displayName: view.account.display_name, unitName: view.account.unit_name, state: view.account.state },
    successor: view.successor,
    checklist: view.checklist,
    ready: view.ready,
  };
}

export function presentExport(row: MailboxExport): MailboxExportView {
  return { id: row.id, format: row.format, messages: row.messages, size: row.size, sha256: row.sha256, createdAt: row.created_at, downloadedAt: row.downloaded_at, available: row.file !== null };
}
