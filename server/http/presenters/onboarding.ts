/** Onboarding rows as the console sees them (common/schemas/onboarding.ts). */
import type { ApplicationView, ConsoleAccount, HistoryEntry } from '../../../common/schemas/onboarding.js';
import type { Account, AccountApplication, AccountStateHistoryRow } from '../../storage/database.js';
import { rolesOf } from '../console/console-context.js';

export function presentApplication(a: AccountApplication & { unit_name: string; address: string | null }): ApplicationView {
  return {
    id: a.id,
    trackingCode: a.tracking_code,
    state: a.state,
    displayName: a.display_name,
    unitId: a.unit_id,
    unitName: a.unit_name,
    title: a.title,
    workId: a.work_id,
    mobile: a.mobile,
    reason: a.reason,
    document: a.document_file ? { name: a.document_name ?? '', type: a.document_type ?? '', size: a.document_size ?? 0 } : null,
    createdAt: a.created_at,
    reviewedAt: a.reviewed_at,
    rejectReason: a.reject_reason,
    address: a.address,
    accountId: a.account_id,
  };
}

export function presentHistory(rows: AccountStateHistoryRow[]): HistoryEntry[] {
  return rows.map((r) => ({ at: r.at, action: r.action, fromState: r.from_state, toState: r.to_state, actor: r.actor, reason: r.reason }));
}

export function presentConsoleAccount(a: Account & { unit_name: string }): ConsoleAccount {
  return {
    id: a.id,
    address: a.address,
    displayName: a.display_name,
    unitId: a.unit_id,
    unitName: a.unit_name,
    title: a.title,
    roles: rolesOf(a),
    state: a.state,
    quotaBytes: a.quota_bytes,
    usedBytes: a.used_bytes,
    createdAt: a.created_at,
  };
}
