/**
 * The review queue of held outbound messages (SPEC 3.1: content rules can hold for review).
 * A reviewer — the sender's unit admin or the security officer (policy `outbound.review`,
 * checked by the caller) — releases a held message (it is delivered exactly as submitted,
 * through the delivery service, without being checked again) or rejects it with a reason (the
 * sender is told in their INBOX). Each decision is claimed with a compare-and-set on
 * `status = 'pending'`, so two reviewers cannot both release one message, and is audited.
 * A decided hold keeps its blob reference until the queue sender purges it after
 * `outbound.finishedRetentionHours` (queue-sender.ts `purgeFinished`).
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuditLog } from '../../governance/audit/audit-log.js';
import type { MailStore } from '../../mail/mail-store.js';
import type { Clock } from '../../platform/clock.js';
import type { Database, OutboundHold } from '../../storage/database.js';
import type { DeliveryService } from '../delivery-service.js';
import { rfc5322Date } from './dsn.js';

export interface Reviewer {
  address: string;
  accountId: number | null;
  ip: string | null;
}

export class HoldNotPending extends Error {
  override name = 'HoldNotPending';
}

export class ReviewQueue {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly mail: MailStore,
    private readonly delivery: DeliveryService,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly hostname: string,
    private readonly primaryDomain: string,
  ) {}

  /** Holds of senders in `unitIds` (null: every unit), newest first. */
  async list(filter: { unitIds: number[] | null; status?: OutboundHold['status']; offset?: number; limit?: number }): Promise<{ total: number; items: OutboundHold[] }> {
    let query = this.db.selectFrom('outbound_holds');
    if (filter.unitIds !== null) query = filter.unitIds.length > 0 ? query.where('sender_unit_id', 'in', filter.unitIds) : query.where('id', '<', 0);
    if (filter.status) query = query.where('status', '=', filter.status);
    const total = Number((await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const items = await query.selectAll().orderBy('id', 'desc').offset(filter.offset ?? 0).limit(filter.limit ?? 50).execute();
    return { total, items };
  }

  get(id: number): Promise<OutboundHold | undefined> {
    return this.db.selectFrom('outbound_holds').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async release(hold: OutboundHold, reviewer: Reviewer, reason: string | null): Promise<{ delivered: number; queued: number }> {
    await this.claim(hold.id, 'released', reviewer, reason);
    let report;
    try {
      const raw = await this.mail.blobs.get(hold.blob_hash);
      const sender = hold.submitted_by === null ? null : await this.db.selectFrom('accounts').select(['id', 'address']).where('id', '=', hold.submitted_by).executeTakeFirst();
      report = await this.delivery.deliver({
        envelopeFrom: hold.envelope_from,
        recipients: JSON.parse(hold.recipients) as string[],
        raw,
        submittedBy: sender ? { accountId: sender.id, address: sender.address } : null,
        remoteIp: hold.remote_ip,
        protocol: hold.protocol === 'web' ? 'web' : 'smtp-submission',
        outbound: { releasedHold: hold.id },
      });
    } catch (err) {
      // Not delivered: back to pending, so it can be released again.
      await this.db.updateTable('outbound_holds').set({ status: 'pending', decided_by: null, decided_at: null, decision_reason: null }).where('id', '=', hold.id).execute();
      throw err;
    }
    await this.audit.append({ actor: reviewer.address, actorAccountId: reviewer.accountId, action: 'outbound.hold_release', target: String(hold.id), ip: reviewer.ip, protocol: 'web', details: { sender: hold.envelope_from, messageId: hold.message_id, reason, delivered: report.deliveredTo.length, queued: report.queuedFor.length } });
    return { delivered: report.deliveredTo.length, queued: report.queuedFor.length };
  }

  async reject(hold: OutboundHold, reviewer: Reviewer, reason: string): Promise<void> {
    await this.claim(hold.id, 'rejected', reviewer, reason);
    await this.audit.append({ actor: reviewer.address, actorAccountId: reviewer.accountId, action: 'outbound.hold_reject', target: String(hold.id), ip: reviewer.ip, protocol: 'web', details: { sender: hold.envelope_from, messageId: hold.message_id, reason } });
    if (hold.envelope_from) await this.tellSender(hold, reason);
  }

  private async claim(id: number, status: 'released' | 'rejected', reviewer: Reviewer, reason: string | null): Promise<void> {
    const updated = await this.db
      .updateTable('outbound_holds')
      .set({ status, decided_by: reviewer.accountId, decided_at: this.clock.now(), decision_reason: reason })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw new HoldNotPending(`hold ${id} was decided already`);
  }

  private async tellSender(hold: OutboundHold, reason: string): Promise<void> {
    const text = [`您于 ${rfc5322Date(new Date(Number(hold.created_at)))} 发送的邮件《${hold.subject ?? ''}》经审核未予发出。`, '', `原因：${reason}`, '', '如有疑问，请联系本单位信息管理员或保密员。'].join('\r\n');
    const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
    const raw = Buffer.from(
      [
        `From: =?UTF-8?B?${b64('邮件系统')}?= <postmaster@${this.primaryDomain}>`,
        `To: <${hold.envelope_from}>`,
        `Subject: =?UTF-8?B?${b64('邮件未通过审核')}?=`,
        `Date: ${rfc5322Date(new Date(this.clock.now()))}`,
        `Message-ID: <hold-${hold.id}.${randomBytes(6).toString('hex')}@${this.hostname}>`,
        'Auto-Submitted: auto-generated',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: base64',
        '',
        (b64(text).match(/.{1,76}/g) ?? []).join('\r\n'),
        '',
      ].join('\r\n'),
    );
    await this.delivery.deliver({ envelopeFrom: '', recipients: [hold.envelope_from], raw, submittedBy: null, remoteIp: null, protocol: 'system' });
  }
}
