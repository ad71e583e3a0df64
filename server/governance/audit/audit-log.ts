/**
 * The append-only audit log (SPEC Art. 5 & 11): every login, every message sent, every
 * administrative action. Rows form a hash chain: hash = SM3(prev_hash ‖ canonical row), so
 * removing, reordering or editing any row breaks every later link, and `verifyAuditChain`
 * names the first broken one. The database additionally refuses UPDATE/DELETE (trigger).
 *
 * Appends are serialised through one promise chain per process, so two concurrent appends
 * never link to the same predecessor. (Several nodes on PostgreSQL will need a row lock on
 * the chain head instead — noted in docs/ARCHITECTURE.md.)
 */
import type { Kysely, Transaction } from 'kysely';
import type { AuditRow, Database } from '../../storage/database.js';
import { sm3Hex } from '../../platform/crypto.js';
import type { Clock } from '../../platform/clock.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  actor: string;
  actorAccountId?: number | null;
  action: string;
  target?: string | null;
  outcome?: 'success' | 'failure' | 'denied';
  ip?: string | null;
  protocol?: string | null;
  details?: Record<string, unknown>;
}

type RowBody = Omit<AuditRow, 'id' | 'hash' | 'prev_hash'>;

/** The exact bytes that are hashed; field order fixed so verification is reproducible. */
export function canonicalAuditRow(id: number, row: RowBody): string {
  return JSON.stringify([id, row.at, row.actor_account_id, row.actor, row.action, row.target, row.outcome, row.ip, row.protocol, row.details]);
}

export function chainHash(prevHash: string, id: number, row: RowBody): string {
  return sm3Hex(prevHash + canonicalAuditRow(id, row));
}

export class AuditLog {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /** Appends one entry; resolves with the stored row. */
  append(entry: AuditEntry): Promise<AuditRow> {
    const run = this.tail.then(() => this.db.transaction().execute((trx) => this.appendIn(trx, entry)));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async appendIn(trx: Transaction<Database>, entry: AuditEntry): Promise<AuditRow> {
    const last = await trx.selectFrom('audit_log').select(['id', 'hash']).orderBy('id', 'desc').limit(1).executeTakeFirst();
    const id = (last?.id ?? 0) + 1;
    const body: RowBody = {
      at: this.clock.now(),
      actor_account_id: entry.actorAccountId ?? null,
      actor: entry.actor,
      action: entry.action,
      target: entry.target ?? null,
      outcome: entry.outcome ?? 'success',
      ip: entry.ip ?? null,
      protocol: entry.protocol ?? null,
      details: JSON.stringify(entry.details ?? {}),
    };
    const prevHash = last?.hash ?? GENESIS_HASH;
    const row: AuditRow = { id, ...body, prev_hash: prevHash, hash: chainHash(prevHash, id, body) };
    await trx.insertInto('audit_log').values(row).execute();
    return row;
  }
}

export interface ChainVerification {
  ok: boolean;
  checked: number;
  /** The first row whose link is broken, and why. */
  firstBroken?: { id: number; reason: string };
}

/** Walks the whole chain in id order, in pages, without loading it into memory at once. */
export async function verifyAuditChain(db: Kysely<Database>, pageSize = 1000): Promise<ChainVerification> {
  let prevHash = GENESIS_HASH;
  let expectedId = 1;
  let checked = 0;
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('id', '>=', expectedId).orderBy('id').limit(pageSize).execute();
    if (rows.length === 0) return { ok: true, checked };
    for (const row of rows) {
      if (row.id !== expectedId) return { ok: false, checked, firstBroken: { id: expectedId, reason: `row ${expectedId} is missing (next is ${row.id})` } };
      if (row.prev_hash !== prevHash) return { ok: false, checked, firstBroken: { id: row.id, reason: 'prev_hash does not match the previous row' } };
      const { id, hash, prev_hash: _prev, ...body } = row;
      if (chainHash(prevHash, id, body) !== hash) return { ok: false, checked, firstBroken: { id: row.id, reason: 'row content does not match its hash' } };
      prevHash = hash;
      expectedId++;
      checked++;
    }
  }
}
