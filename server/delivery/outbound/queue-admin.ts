/**
 * The outbound queue as the console sees it (policy `outbound.manage`): list with status,
 * next attempt and last error; retry now (a queued row becomes due at once); cancel (a queued
 * row is given up without a bounce). Both changes are compare-and-set on the row's status, so
 * a row a sender node is working on (`sending`) is never changed under it; both are audited.
 */
import type { Kysely } from 'kysely';
import type { AuditLog } from '../../governance/audit/audit-log.js';
import type { Clock } from '../../platform/clock.js';
import type { Database, OutboundRow } from '../../storage/database.js';

export interface QueueActor {
  address: string;
  accountId: number | null;
  ip: string | null;
}

export class QueueRowNotQueued extends Error {
  override name = 'QueueRowNotQueued';
}

export class OutboundQueueAdmin {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async list(filter: { status?: OutboundRow['status']; q?: string; offset: number; limit: number }): Promise<{ total: number; items: OutboundRow[]; counts: Record<string, number> }> {
    let query = this.db.selectFrom('outbound_queue');
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.q) {
      const like = `%${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) => eb.or([eb('recipient', 'like', like), eb('envelope_from', 'like', like)]));
    }
    const total = Number((await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const items = await query.selectAll().orderBy('id', 'desc').offset(filter.offset).limit(filter.limit).execute();
    const grouped = await this.db.selectFrom('outbound_queue').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
    return { total, items, counts: Object.fromEntries(grouped.map((g) => [g.status, Number(g.n)])) };
  }

  get(id: number): Promise<OutboundRow | undefined> {
    return this.db.selectFrom('outbound_queue').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async retryNow(id: number, actor: QueueActor): Promise<void> {
    const now = this.clock.now();
    const done = await this.db.updateTable('outbound_queue').set({ next_attempt_at: now, updated_at: now }).where('id', '=', id).where('status', '=', 'queued').executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) throw new QueueRowNotQueued(`queue entry ${id} is not waiting`);
    await this.audit.append({ actor: actor.address, actorAccountId: actor.accountId, action: 'outbound.retry', target: String(id), ip: actor.ip, protocol: 'web' });
  }

  async cancel(id: number, actor: QueueActor, reason: string | null): Promise<void> {
    const now = this.clock.now();
    const done = await this.db
      .updateTable('outbound_queue')
      .set({ status: 'cancelled', finished_at: now, updated_at: now, last_error: reason ? `cancelled: ${reason}`.slice(0, 1000) : 'cancelled' })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) throw new QueueRowNotQueued(`queue entry ${id} is not waiting`);
    const row = await this.get(id);
    await this.audit.append({ actor: actor.address, actorAccountId: actor.accountId, action: 'outbound.cancel', target: String(id), ip: actor.ip, protocol: 'web', details: { recipient: row?.recipient, sender: row?.envelope_from, reason } });
  }
}
