/**
 * The sender blocklist (SPEC Art. 4.3: "block a sender or domain" from an incident). The MX asks
 * `blockedSender(db, address)` for the envelope sender (MAIL FROM) before accepting anything, and
 * refuses a blocked one with 550 5.7.1. A domain entry covers its subdomains too
 * (`evil.cn` blocks `a@mail.evil.cn`); an address entry only that address.
 *
 * TODO(inbound): the inbound pipeline (quarantine, phishing checks) owns sender reputation; when it
 * has its own block-sender list, this module should become (or delegate to) that one, keeping
 * `blockedSender` as the single question the MX asks.
 */
import type { Kysely } from 'kysely';
import type { Database, SenderBlock } from '../../storage/database.js';
import type { Clock } from '../../platform/clock.js';

export type BlockKind = 'address' | 'domain';

/** A domain name as we store it: lower case, no trailing dot, at least one dot, LDH labels. */
const DOMAIN_RE = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$/;
const LOCAL_RE = /^[^\s@"<>()[\],;:\\]{1,64}$/;

export class BlocklistError extends Error {
  override name = 'BlocklistError';
}

/** Normalises what an officer typed: `@Evil.CN` or `evil.cn.` → domain `evil.cn`; `A@Evil.cn` → address. */
export function parseBlockPattern(input: string): { kind: BlockKind; pattern: string } {
  const value = input.trim().toLowerCase().replace(/\.$/, '');
  if (value.startsWith('@')) return parseBlockPattern(value.slice(1));
  const at = value.lastIndexOf('@');
  if (at === -1) {
    if (!DOMAIN_RE.test(value)) throw new BlocklistError(`不是有效的域名：${input}`);
    return { kind: 'domain', pattern: value };
  }
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (!LOCAL_RE.test(local) || !DOMAIN_RE.test(domain)) throw new BlocklistError(`不是有效的邮件地址：${input}`);
  return { kind: 'address', pattern: value };
}

/** The patterns that would block `address`: itself and each of its domain's suffixes. */
function candidatePatterns(address: string): string[] {
  const value = address.trim().toLowerCase();
  const at = value.lastIndexOf('@');
  const out = at === -1 ? [] : [value];
  const labels = (at === -1 ? value : value.slice(at + 1)).split('.');
  for (let i = 0; i < labels.length - 1; i++) out.push(labels.slice(i).join('.'));
  return out;
}

/** The block entry that refuses mail from `address`, if any. The null sender (`<>`) is never blocked here. */
export async function blockedSender(db: Kysely<Database>, address: string): Promise<SenderBlock | undefined> {
  const candidates = candidatePatterns(address).filter((p) => p.length > 0);
  if (candidates.length === 0) return undefined;
  return db.selectFrom('sender_blocks').selectAll().where('pattern', 'in', candidates).orderBy('id').executeTakeFirst();
}

export async function listBlocks(db: Kysely<Database>): Promise<SenderBlock[]> {
  return db.selectFrom('sender_blocks').selectAll().orderBy('id', 'desc').execute();
}

/** Adds a block (idempotent: an existing pattern is returned as it is). Audit is the caller's. */
export async function addBlock(
  db: Kysely<Database>,
  clock: Clock,
  input: { pattern: string; reason: string; createdBy: string; incidentId?: number | null },
): Promise<{ block: SenderBlock; created: boolean }> {
  const { kind, pattern } = parseBlockPattern(input.pattern);
  const existing = await db.selectFrom('sender_blocks').selectAll().where('pattern', '=', pattern).executeTakeFirst();
  if (existing) return { block: existing, created: false };
  const block = await db
    .insertInto('sender_blocks')
    .values({ pattern, kind, reason: input.reason, incident_id: input.incidentId ?? null, created_by: input.createdBy, created_at: clock.now() })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { block, created: true };
}

export async function removeBlock(db: Kysely<Database>, id: number): Promise<SenderBlock | undefined> {
  const row = await db.selectFrom('sender_blocks').selectAll().where('id', '=', id).executeTakeFirst();
  if (row) await db.deleteFrom('sender_blocks').where('id', '=', id).execute();
  return row;
}
