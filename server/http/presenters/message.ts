/** Messages as the list and the reading pane show them. */
import { CLASSIFICATIONS, IMPORTANCE, type AddressView, type Classification, type MessageSummary } from '../../../common/schemas/webmail.js';
import type { MessageRow } from '../../storage/database.js';

/** The columns a list row needs: `presentSummary` takes a row with at least these. */
export const SUMMARY_COLUMNS = [
  'messages.id',
  'messages.mailbox_id',
  'messages.uid',
  'messages.from_address',
  'messages.from_name',
  'messages.to_json',
  'messages.subject',
  'messages.preview',
  'messages.sent_date',
  'messages.internal_date',
  'messages.size',
  'messages.seen',
  'messages.flagged',
  'messages.answered',
  'messages.has_attachments',
  'messages.classification',
  'messages.importance',
] as const;

export type SummaryRow = Pick<
  MessageRow,
  | 'id'
  | 'mailbox_id'
  | 'uid'
  | 'from_address'
  | 'from_name'
  | 'to_json'
  | 'subject'
  | 'preview'
  | 'sent_date'
  | 'internal_date'
  | 'size'
  | 'seen'
  | 'flagged'
  | 'answered'
  | 'has_attachments'
  | 'classification'
  | 'importance'
>;

export function parseAddresses(json: string): AddressView[] {
  try {
    const list = JSON.parse(json) as unknown;
    if (!Array.isArray(list)) return [];
    return list
      .filter((a): a is { name?: unknown; address: string } => typeof a === 'object' && a !== null && typeof (a as { address?: unknown }).address === 'string')
      .map((a) => ({ name: typeof a.name === 'string' ? a.name : '', address: a.address }));
  } catch {
    return [];
  }
}

/**
 * From outside the city's domains (SPEC 4.2, the 外部邮件 mark): the From domain is none of the
 * local domains nor below one. `haining.gov.cn.mail-secure.com` is outside. A message without
 * a From is marked too: nothing says it is ours.
 */
export function isExternalAddress(address: string | null, localDomains: readonly string[]): boolean {
  if (!address) return true;
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  return !localDomains.some((d) => domain === d || domain.endsWith(`.${d}`));
}

export function presentSummary(row: SummaryRow, localDomains: readonly string[]): MessageSummary {
  return {
    id: row.id,
    mailboxId: row.mailbox_id,
    uid: Number(row.uid),
    from: row.from_address ? { name: row.from_name ?? '', address: row.from_address } : null,
    to: parseAddresses(row.to_json),
    subject: row.subject ?? '',
    preview: row.preview,
    date: new Date(Number(row.sent_date ?? row.internal_date)).toISOString(),
    size: Number(row.size),
    seen: row.seen === 1,
    flagged: row.flagged === 1,
    answered: row.answered === 1,
    hasAttachments: row.has_attachments === 1,
    classification: (CLASSIFICATIONS as readonly string[]).includes(row.classification) ? (row.classification as Classification) : '内部',
    importance: (IMPORTANCE as readonly string[]).includes(row.importance) ? (row.importance as MessageSummary['importance']) : 'normal',
    external: isExternalAddress(row.from_address, localDomains),
  };
}

export function parseStringList(json: string): string[] {
  try {
    const list = JSON.parse(json) as unknown;
    return Array.isArray(list) ? list.filter((s): s is string => typeof s === 'string') : [];
  } catch {
    return [];
  }
}
