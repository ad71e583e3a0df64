/**
 * The quarantine (SPEC 4.2): messages the inbound pipeline held — infected, dangerous
 * attachment, DMARC p=quarantine, phishing score at the threshold, or not scanned because the
 * scanner failed. A held message keeps one blob reference; nothing reaches a mailbox until the
 * security officer releases it (delivered through `DeliveryService.deliver`, without the checks
 * that held it) or deletes it. Every step is audited; each local recipient gets a notice that
 * something addressed to them was held, and the security officer is alerted when the scanner failed.
 */
import type { Kysely } from 'kysely';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Clock } from '../../platform/clock.js';
import type { Database, QuarantineRow } from '../../storage/database.js';
import type { MailStore } from '../../mail/mail-store.js';
import type { AuditLog } from '../../governance/audit/audit-log.js';
import { parseMessageFields } from '../../mail/message-fields.js';
import type { InboundEvaluation } from './pipeline.js';

export interface HoldInput {
  raw: Buffer;
  envelopeFrom: string;
  recipients: readonly string[];
  remoteIp: string | null;
  evaluation: InboundEvaluation;
}

export interface QuarantineActor {
  accountId: number;
  address: string;
  ip?: string | null;
}

export class QuarantineError extends Error {
  override name = 'QuarantineError';
  constructor(readonly code: 'not_found' | 'not_held') {
    super(code);
  }
}

/** Sends a message govmail itself writes (notices) to one local recipient. */
export type SystemSender = (recipient: string, raw: Buffer) => Promise<void>;
/** Delivers a released message to its original recipients (the checks that held it are not run again). */
export type ReleaseDeliverer = (input: { envelopeFrom: string; recipients: string[]; raw: Buffer; quarantineId: number }) => Promise<{ deliveredTo: number[] }>;

export class Quarantine {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly mail: MailStore,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly hostname: string,
    private readonly isLocal: (address: string) => boolean,
    private readonly sendSystem: SystemSender,
    private readonly deliverReleased: ReleaseDeliverer,
  ) {}

  async hold(input: HoldInput): Promise<number> {
    const blobHash = await this.mail.blobs.put(input.raw);
    const fields = await parseMessageFields(input.raw);
    const now = this.clock.now();
    const findings = input.evaluation.findings.map((f) => ({ check: f.check, verdict: f.verdict, score: f.score, reason: f.reason, ...(f.details ? { details: f.details } : {}) }));
    const authResults = input.evaluation.authentication?.headers.find((h) => /^Authentication-Results:/i.test(h)) ?? null;
    let id = 0;
    await this.mail.appendMany({ blobHash, size: input.raw.length, fields }, [], {
      extraBlobRefs: 1,
      work: async (tx) => {
        const row = await tx
          .insertInto('quarantine')
          .values({
            status: 'held',
            envelope_from: input.envelopeFrom,
            recipients: JSON.stringify(input.recipients),
            blob_hash: blobHash,
            size: input.raw.length,
            remote_ip: input.remoteIp,
            from_address: fields.fromAddress,
            from_name: fields.fromName,
            subject: fields.subject?.slice(0, 500) ?? null,
            message_id: fields.messageId,
            verdict: input.evaluation.verdict,
            score: input.evaluation.score,
            findings: JSON.stringify(findings),
            auth_results: authResults,
            created_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        id = row.id;
        await tx
          .insertInto('security_events')
          .values({
            kind: input.evaluation.scanFailed ? 'inbound.scan_failed' : 'inbound.quarantined',
            account_id: null,
            account: input.envelopeFrom || null,
            message_id: fields.messageId,
            details: JSON.stringify({ quarantineId: id, checks: [...new Set(findings.map((f) => f.check))], score: input.evaluation.score, recipients: input.recipients.length, remoteIp: input.remoteIp }),
            at: now,
          })
          .execute();
      },
    });
    await this.audit.append({
      actor: 'system',
      action: 'security.quarantine.hold',
      target: String(id),
      ip: input.remoteIp,
      protocol: 'smtp',
      details: { checks: [...new Set(findings.map((f) => f.check))], score: input.evaluation.score, recipients: input.recipients.length, from: input.envelopeFrom, messageId: fields.messageId },
    });
    // The recipients are told something addressed to them was held (never the content itself).
    const reasons = [...new Set(findings.filter((f) => f.verdict === 'quarantine' || f.score > 0).map((f) => f.reason))];
    for (const recipient of input.recipients.filter((r) => this.isLocal(r))) {
      await this.notify(recipient, '【安全提示】一封发给您的邮件已被隔离', [
        `您好：`,
        ``,
        `一封发给您的外部邮件因存在安全风险已被系统隔离，暂未投递到您的邮箱。`,
        ``,
        `发件人：${fields.fromName ? `${fields.fromName} ` : ''}<${fields.fromAddress ?? input.envelopeFrom}>`,
        `主题：${fields.subject ?? '(无主题)'}`,
        `隔离编号：${id}`,
        `原因：${reasons.slice(0, 3).join('；') || '安全检查未通过'}`,
        ``,
        `如确属工作需要，请联系安全保密管理员核查后放行。请勿要求发件人改用其他方式发送可疑附件。`,
        ``,
        `海宁市政务邮件系统`,
      ]);
    }
    if (input.evaluation.scanFailed) await this.alertSecurityOfficers(id, findings.find((f) => f.check === 'antivirus-unavailable')?.reason ?? '');
    return id;
  }

  list(status: 'held' | 'released' | 'deleted' | 'all', limit: number, offset: number): Promise<QuarantineRow[]> {
    let q = this.db.selectFrom('quarantine').selectAll().orderBy('id', 'desc').limit(limit).offset(offset);
    if (status !== 'all') q = q.where('status', '=', status);
    return q.execute();
  }

  async count(status: 'held' | 'released' | 'deleted' | 'all'): Promise<number> {
    let q = this.db.selectFrom('quarantine').select((eb) => eb.fn.countAll<number>().as('n'));
    if (status !== 'all') q = q.where('status', '=', status);
    return Number((await q.executeTakeFirstOrThrow()).n);
  }

  async get(id: number): Promise<QuarantineRow> {
    const row = await this.db.selectFrom('quarantine').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new QuarantineError('not_found');
    return row;
  }

  async raw(id: number): Promise<Buffer> {
    const row = await this.get(id);
    if (!row.blob_hash) throw new QuarantineError('not_held');
    return this.mail.blobs.get(row.blob_hash);
  }

  /** Delivers the held message to its recipients; audited with the reason. */
  async release(id: number, actor: QuarantineActor, reason: string): Promise<{ deliveredTo: number }> {
    const row = await this.claim(id, 'released', actor, reason);
    const raw = await this.mail.blobs.get(row.blob_hash!);
    const report = await this.deliverReleased({ envelopeFrom: row.envelope_from, recipients: JSON.parse(row.recipients) as string[], raw, quarantineId: id });
    await this.mail.releaseExternalRef(row.blob_hash!);
    await this.db.updateTable('quarantine').set({ blob_hash: null }).where('id', '=', id).execute();
    await this.audit.append({ actor: actor.address, actorAccountId: actor.accountId, action: 'security.quarantine.release', target: String(id), ip: actor.ip ?? null, protocol: 'http', details: { reason, deliveredTo: report.deliveredTo.length, messageId: row.message_id } });
    return { deliveredTo: report.deliveredTo.length };
  }

  /** Deletes the held message (its blob reference goes); audited with the reason. */
  async delete(id: number, actor: QuarantineActor, reason: string): Promise<void> {
    const row = await this.claim(id, 'deleted', actor, reason);
    await this.mail.releaseExternalRef(row.blob_hash!);
    await this.db.updateTable('quarantine').set({ blob_hash: null }).where('id', '=', id).execute();
    await this.audit.append({ actor: actor.address, actorAccountId: actor.accountId, action: 'security.quarantine.delete', target: String(id), ip: actor.ip ?? null, protocol: 'http', details: { reason, messageId: row.message_id } });
  }

  /** Moves a held row to its decision exactly once (two officers clicking at once: one wins). */
  private async claim(id: number, status: 'released' | 'deleted', actor: QuarantineActor, reason: string): Promise<QuarantineRow> {
    const row = await this.get(id);
    const updated = await this.db
      .updateTable('quarantine')
      .set({ status, decided_at: this.clock.now(), decided_by: actor.accountId, decision_reason: reason.slice(0, 500) })
      .where('id', '=', id)
      .where('status', '=', 'held')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1 || !row.blob_hash) throw new QuarantineError('not_held');
    return row;
  }

  private async alertSecurityOfficers(id: number, reason: string): Promise<void> {
    const officers = await this.db.selectFrom('accounts').select(['address', 'roles']).where('roles', 'like', '%security_officer%').where('state', '=', 'active').execute();
    for (const officer of officers) {
      await this.notify(officer.address, '【告警】病毒扫描不可用，外部邮件已暂扣', [
        `病毒扫描服务（clamd）未能扫描一封外部邮件，按策略已将其隔离（隔离编号 ${id}），未投递。`,
        `原因：${reason}`,
        ``,
        `请尽快检查 clamd 的运行状态，并在管理控制台“邮件隔离”页面处理暂扣的邮件。`,
      ]);
    }
  }

  private async notify(recipient: string, subject: string, lines: string[]): Promise<void> {
    const raw = await new MailComposer({
      from: { name: '政务邮件系统安全中心', address: `postmaster@${this.hostname.replace(/^(mail|mx)\./, '')}` },
      to: recipient,
      subject,
      text: lines.join('\n'),
      date: new Date(this.clock.now()),
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Govmail-Notice': 'quarantine' },
    })
      .compile()
      .build();
    await this.sendSystem(recipient, raw);
  }
}
