/**
 * Security incidents (SPEC Art. 4.3; regulation 四.3 信息安全事件报告, 十.3 应急响应): staff report
 * (a suspicious mail from the reading pane, a compromised account, a lost device, mail sent to
 * the wrong person …); the security officer triages, contains, resolves and reviews it
 * (state-machine.ts), with an owner and a timer per state, and runs response actions from it
 * (response-actions.ts). Every step is a line of the incident's timeline (`incident_events`)
 * and a row of the audit log (who, what, why). When an incident is resolved its reporter gets
 * the verdict in their INBOX (verdict-notice.ts) and on their 我的报告 page.
 *
 * Authorisation is the caller's (policy.ts `security.incidents` for the officer's operations;
 * the reporter's operations take the reporter's own account id and find only their incidents).
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { MailStore } from '../../mail/mail-store.js';
import type { Account, Database, Incident, IncidentEvent } from '../../storage/database.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { LifecycleActor } from '../accounts/lifecycle.js';
import {
  ACTIONABLE_STATES,
  IllegalIncidentTransition,
  INCIDENT_STATES,
  nextIncidentState,
  slaDeadline,
  timeInStates,
  type IncidentAction,
  type IncidentKind,
  type IncidentState,
  type SlaMinutes,
} from './state-machine.js';
import { sendVerdictNotice } from './verdict-notice.js';

/** Who acts: the same record history and audit use elsewhere. */
export type IncidentActor = LifecycleActor;

export class IncidentError extends Error {
  override name = 'IncidentError';
  constructor(
    readonly code: 'NOT_FOUND' | 'INVALID' | 'CLOSED',
    message: string,
  ) {
    super(message);
  }
}

/** Longest description kept (a report is a few paragraphs, not a document). */
export const DESCRIPTION_MAX_CHARS = 4000;
/** Longest reason or verdict kept. */
export const REASON_MAX_CHARS = 2000;

export interface ReportInput {
  kind: IncidentKind;
  description: string;
  /** The reporter's own message (messages.id) the report is about. */
  messageRowId?: number | null;
  /** Move the reported message to the reporter's 垃圾邮件 (Junk) folder; it stays there as evidence. */
  moveToJunk?: boolean;
}

export interface IncidentFilter {
  state?: IncidentState;
  overdue?: boolean;
  limit?: number;
  offset?: number;
}

export interface IncidentTimers {
  /** When the current state's time runs out; null when final. */
  deadline: number | null;
  overdue: boolean;
  /** Milliseconds spent in each state so far. */
  timeInStates: Partial<Record<IncidentState, number>>;
}

export interface IncidentServiceOptions {
  sla: SlaMinutes;
  /** The From of verdict notices. */
  noticeFrom: string;
}

export class IncidentService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly mail: MailStore,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly logger: Logger,
    readonly options: IncidentServiceOptions,
  ) {}

  // ── reporting (any signed-in person) ────────────────────────────────────────────────

  async report(reporter: Pick<Account, 'id' | 'address'>, input: ReportInput, who: IncidentActor): Promise<Incident> {
    const description = input.description.trim().slice(0, DESCRIPTION_MAX_CHARS);
    if (input.kind !== 'suspicious_mail' && description.length === 0) throw new IncidentError('INVALID', '请描述发生了什么');
    let message: { id: number; mailbox_id: number; uid: number; message_id: string | null; blob_hash: string; subject: string | null; from_address: string | null } | undefined;
    if (input.messageRowId != null) {
      // Only the reporter's own copy: someone else's id is "not found", never "forbidden".
      message = await this.db
        .selectFrom('messages')
        .innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id')
        .select(['messages.id', 'messages.mailbox_id', 'messages.uid', 'messages.message_id', 'messages.blob_hash', 'messages.subject', 'messages.from_address'])
        .where('messages.id', '=', input.messageRowId)
        .where('mailboxes.account_id', '=', reporter.id)
        .executeTakeFirst();
      if (!message) throw new IncidentError('NOT_FOUND', '邮件不存在');
    } else if (input.kind === 'suspicious_mail' && description.length === 0) {
      throw new IncidentError('INVALID', '请选择可疑邮件或描述情况');
    }

    const now = this.clock.now();
    // A compromised account or a lost device is about the reporter's own account.
    const subjectAccountId = input.kind === 'account_compromised' || input.kind === 'device_lost' ? reporter.id : null;
    const incident = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('incidents')
        .values({
          kind: input.kind,
          state: 'reported',
          reporter_account_id: reporter.id,
          reporter_address: reporter.address,
          owner_account_id: null,
          subject_account_id: subjectAccountId,
          description,
          message_row_id: message?.id ?? null,
          message_id: message?.message_id ?? null,
          blob_hash: message?.blob_hash ?? null,
          message_subject: message?.subject ?? null,
          message_from: message?.from_address ?? null,
          verdict: null,
          state_entered_at: now,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('incident_events')
        .values({ incident_id: row.id, at: now, actor: who.address, actor_account_id: who.accountId ?? null, kind: 'reported', from_state: null, to_state: 'reported', reason: null, details: JSON.stringify({ kind: input.kind, message: message ? { messageId: message.message_id } : null }) })
        .execute();
      return row;
    });
    await this.auditAction(who, 'incident.report', incident.id, { kind: input.kind, messageId: message?.message_id ?? null });

    if (message && input.moveToJunk) {
      const junk = await this.mail.findSpecialUse(reporter.id, '\\Junk');
      if (junk && junk.id !== message.mailbox_id) {
        const moved = await this.mail.moveMessages(reporter.id, message.mailbox_id, [{ start: message.uid, end: message.uid }], junk.id);
        const targetUid = moved.value.mapping[0]?.targetUid;
        if (targetUid !== undefined) {
          const copy = await this.db.selectFrom('messages').select('id').where('mailbox_id', '=', junk.id).where('uid', '=', targetUid).executeTakeFirst();
          if (copy) await this.db.updateTable('incidents').set({ message_row_id: copy.id }).where('id', '=', incident.id).execute();
          await this.event(incident.id, who, 'moved_to_junk', null, { mailbox: junk.name });
        }
      }
    }
    return this.get(incident.id);
  }

  /** The reporter's own incidents, newest first. */
  async listForReporter(accountId: number): Promise<Incident[]> {
    return this.db.selectFrom('incidents').selectAll().where('reporter_account_id', '=', accountId).orderBy('id', 'desc').limit(200).execute();
  }

  /** One of the reporter's incidents; anyone else's is NOT_FOUND. */
  async getForReporter(accountId: number, id: number): Promise<Incident> {
    const row = await this.db.selectFrom('incidents').selectAll().where('id', '=', id).where('reporter_account_id', '=', accountId).executeTakeFirst();
    if (!row) throw new IncidentError('NOT_FOUND', '事件不存在');
    return row;
  }

  // ── the security officer's view ──────────────────────────────────────────────────────

  async list(filter: IncidentFilter = {}): Promise<{ items: Incident[]; total: number }> {
    const now = this.clock.now();
    let query = this.db.selectFrom('incidents');
    if (filter.state) query = query.where('state', '=', filter.state);
    if (filter.overdue) {
      const sla = this.options.sla;
      query = query.where((eb) =>
        eb.or(
          (['reported', 'triaged', 'contained', 'resolved'] as const).map((state) =>
            eb.and([eb('state', '=', state), eb('state_entered_at', '<', now - sla[state] * 60_000)]),
          ),
        ),
      );
    }
    const total = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const items = await query
      .selectAll()
      .orderBy('id', 'desc')
      .limit(Math.min(filter.limit ?? 50, 200))
      .offset(filter.offset ?? 0)
      .execute();
    return { items, total: Number(total?.n ?? 0) };
  }

  async get(id: number): Promise<Incident> {
    const row = await this.db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new IncidentError('NOT_FOUND', '事件不存在');
    return row;
  }

  async timeline(id: number): Promise<IncidentEvent[]> {
    return this.db.selectFrom('incident_events').selectAll().where('incident_id', '=', id).orderBy('id').execute();
  }

  timers(incident: Incident, events: readonly IncidentEvent[]): IncidentTimers {
    const now = this.clock.now();
    const deadline = slaDeadline(incident.state, incident.state_entered_at, this.options.sla);
    const changes = events.filter((e) => e.kind === 'transition' && e.to_state).map((e) => ({ at: e.at, to: e.to_state! }));
    return { deadline, overdue: deadline !== null && now > deadline, timeInStates: timeInStates(incident.created_at, changes, now) };
  }

  /** Counts per state and overdue (the console's list header). */
  async summary(): Promise<{ byState: Record<IncidentState, number>; overdue: number }> {
    const rows = await this.db.selectFrom('incidents').select(['state', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('state').execute();
    const byState = Object.fromEntries(INCIDENT_STATES.map((s) => [s, 0])) as Record<IncidentState, number>;
    for (const row of rows) if ((INCIDENT_STATES as readonly string[]).includes(row.state)) byState[row.state as IncidentState] = Number(row.n);
    const overdue = (await this.list({ overdue: true, limit: 1 })).total;
    return { byState, overdue };
  }

  /**
   * Moves an incident by `action` (IllegalIncidentTransition otherwise, also when someone else
   * moved it meanwhile). `resolve` needs the verdict the reporter will be told.
   */
  async transition(id: number, action: IncidentAction, who: IncidentActor, input: { reason?: string | null; verdict?: string | null }): Promise<Incident> {
    const incident = await this.get(id);
    const to = nextIncidentState(incident.state, action);
    const verdict = input.verdict?.trim().slice(0, REASON_MAX_CHARS) ?? '';
    if (action === 'resolve' && verdict.length === 0) throw new IncidentError('INVALID', '结案时须填写处理结论（将告知报告人）');
    const reason = input.reason?.trim().slice(0, REASON_MAX_CHARS) || null;
    const now = this.clock.now();
    await this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('incidents')
        .set({ state: to, state_entered_at: now, updated_at: now, ...(action === 'resolve' ? { verdict } : {}), ...(incident.owner_account_id === null && who.accountId ? { owner_account_id: who.accountId } : {}) })
        .where('id', '=', id)
        .where('state', '=', incident.state)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) {
        const current = await trx.selectFrom('incidents').select('state').where('id', '=', id).executeTakeFirst();
        throw new IllegalIncidentTransition(current?.state ?? 'missing', action);
      }
      await trx
        .insertInto('incident_events')
        .values({ incident_id: id, at: now, actor: who.address, actor_account_id: who.accountId ?? null, kind: 'transition', from_state: incident.state, to_state: to, reason, details: JSON.stringify({ action, ...(action === 'resolve' ? { verdict } : {}) }) })
        .execute();
    });
    await this.auditAction(who, `incident.${action}`, id, { from: incident.state, to, reason, ...(action === 'resolve' ? { verdict } : {}) });
    const updated = await this.get(id);
    if (action === 'resolve') await this.notifyReporter(updated, who);
    return updated;
  }

  /** Sets (or clears) the officer in charge. */
  async assign(id: number, owner: Pick<Account, 'id' | 'address'> | null, who: IncidentActor, reason: string | null): Promise<Incident> {
    const incident = await this.get(id);
    await this.db.updateTable('incidents').set({ owner_account_id: owner?.id ?? null, updated_at: this.clock.now() }).where('id', '=', id).execute();
    await this.event(id, who, 'assigned', reason, { owner: owner?.address ?? null, previous: incident.owner_account_id });
    await this.auditAction(who, 'incident.assign', id, { owner: owner?.address ?? null, reason });
    return this.get(id);
  }

  /** A free-text note on the timeline. */
  async addNote(id: number, who: IncidentActor, text: string): Promise<void> {
    await this.get(id);
    const note = text.trim().slice(0, REASON_MAX_CHARS);
    if (!note) throw new IncidentError('INVALID', '备注不能为空');
    await this.event(id, who, 'note', note, {});
    await this.db.updateTable('incidents').set({ updated_at: this.clock.now() }).where('id', '=', id).execute();
  }

  /** Refuses response actions on a closed (resolved/reviewed) incident. */
  async requireActionable(id: number): Promise<Incident> {
    const incident = await this.get(id);
    if (!(ACTIONABLE_STATES as readonly string[]).includes(incident.state)) throw new IncidentError('CLOSED', '事件已结案，不能再执行处置操作（如需处置请先重新打开）');
    return incident;
  }

  /** Records a line of the timeline. */
  async event(id: number, who: IncidentActor, kind: string, reason: string | null, details: Record<string, unknown>): Promise<void> {
    await this.db
      .insertInto('incident_events')
      .values({ incident_id: id, at: this.clock.now(), actor: who.address, actor_account_id: who.accountId ?? null, kind, from_state: null, to_state: null, reason, details: JSON.stringify(details) })
      .execute();
  }

  async auditAction(who: IncidentActor, action: string, incidentId: number, details: Record<string, unknown>, outcome: 'success' | 'failure' = 'success'): Promise<void> {
    await this.audit.append({ actor: who.address, actorAccountId: who.accountId ?? null, action, target: `incident:${incidentId}`, ip: who.ip ?? null, protocol: who.via, outcome, details });
  }

  private async notifyReporter(incident: Incident, who: IncidentActor): Promise<void> {
    if (incident.reporter_account_id === null) return;
    try {
      await sendVerdictNotice(this.mail, this.clock, { from: this.options.noticeFrom, incident });
      await this.event(incident.id, who, 'reporter_notified', null, { to: incident.reporter_address });
    } catch (err) {
      // Over quota or a deleted INBOX must not undo the resolution: the page still shows the verdict.
      this.logger.warn({ err, incident: incident.id }, 'verdict notice not delivered');
      await this.event(incident.id, who, 'reporter_notice_failed', null, { to: incident.reporter_address });
    }
  }
}
