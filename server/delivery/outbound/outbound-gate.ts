/**
 * What the delivery service does with the outbound pipeline's verdict for a submitted message
 * (SMTP submission or the webmail's send), before anything is delivered or queued:
 *   block  a security event (incidents read `security_events`), an audit row, OutboundRefused;
 *   hold   the message goes to the review queue (`outbound_holds`, holding a blob reference),
 *          audited; nothing is delivered until a reviewer releases it (review-queue.ts);
 *   warn   the web asks the user to confirm (OutboundRefused 'confirm') unless they already
 *          did; SMTP (and a confirmed web send) passes with an X-Govmail-Content-Warning header;
 *   pass   the message goes on unchanged.
 */
import type { Kysely } from 'kysely';
import type { AuditLog } from '../../governance/audit/audit-log.js';
import type { MailStore } from '../../mail/mail-store.js';
import { parseMessageFields } from '../../mail/message-fields.js';
import type { Clock } from '../../platform/clock.js';
import type { Database } from '../../storage/database.js';
import { OutboundRefused } from './outbound-refused.js';
import type { OutboundEvaluation, OutboundFinding, OutboundPipeline } from './pipeline.js';

export interface GateInput {
  envelopeFrom: string;
  recipients: readonly string[];
  raw: Buffer;
  sender: { accountId: number; address: string };
  protocol: string;
  remoteIp: string | null;
  /** The web user saw the warnings and chose to send anyway. */
  confirmedWarnings: boolean;
}

export type GateOutcome = { kind: 'deliver'; raw: Buffer; warnings: OutboundFinding[] } | { kind: 'held'; holdId: number; findings: OutboundFinding[] };

/** Security event kinds written here (the incidents engineer reads them). */
export const SECURITY_EVENT_KINDS = {
  classified: 'outbound.classified_blocked',
  autoForward: 'outbound.auto_forward_blocked',
  content: 'outbound.content_blocked',
} as const;

export class OutboundGate {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly mail: MailStore,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    readonly pipeline: OutboundPipeline,
  ) {}

  async check(input: GateInput): Promise<GateOutcome> {
    const sender = await this.db.selectFrom('accounts').select(['unit_id']).where('id', '=', input.sender.accountId).executeTakeFirst();
    const evaluation = await this.pipeline.evaluate({ raw: input.raw, envelopeFrom: input.envelopeFrom, recipients: input.recipients, senderUnitId: sender?.unit_id ?? null });
    const at = (verdict: string) => evaluation.findings.filter((f) => f.verdict === verdict);

    if (evaluation.verdict === 'block') {
      await this.recordBlocked(input, evaluation);
      throw new OutboundRefused('blocked', at('block'));
    }
    if (evaluation.verdict === 'hold') {
      const holdId = await this.hold(input, evaluation, sender?.unit_id ?? null);
      return { kind: 'held', holdId, findings: evaluation.findings };
    }
    if (evaluation.verdict === 'warn') {
      const warnings = at('warn');
      if (input.protocol === 'web' && !input.confirmedWarnings) throw new OutboundRefused('confirm', warnings);
      // Names of the checks only: the header travels with the message and must not repeat personal data.
      const header = `X-Govmail-Content-Warning: ${[...new Set(warnings.map((w) => (w.details?.ruleId ? `${w.check}=${String(w.details.ruleId)}` : w.check)))].join(', ')}`;
      return { kind: 'deliver', raw: Buffer.concat([Buffer.from(`${header}\r\n`), input.raw]), warnings };
    }
    return { kind: 'deliver', raw: input.raw, warnings: [] };
  }

  private async recordBlocked(input: GateInput, evaluation: OutboundEvaluation): Promise<void> {
    const blocking = evaluation.findings.filter((f) => f.verdict === 'block');
    const now = this.clock.now();
    for (const finding of blocking) {
      const kind =
        finding.check === 'classified-marker' || finding.check === 'classification-label' ? SECURITY_EVENT_KINDS.classified : finding.check === 'auto-forward' ? SECURITY_EVENT_KINDS.autoForward : SECURITY_EVENT_KINDS.content;
      await this.db
        .insertInto('security_events')
        .values({
          kind,
          account_id: input.sender.accountId,
          account: input.sender.address,
          message_id: evaluation.message.messageId,
          // Metadata only: the subject of a refused message may itself be the classified text.
          details: JSON.stringify({ check: finding.check, ...finding.details, protocol: input.protocol, ip: input.remoteIp, recipients: input.recipients.length }),
          at: now,
        })
        .execute();
    }
    await this.audit.append({
      actor: input.sender.address,
      actorAccountId: input.sender.accountId,
      action: 'mail.send',
      target: evaluation.message.messageId,
      outcome: 'denied',
      ip: input.remoteIp,
      protocol: input.protocol,
      details: { blockedBy: blocking.map((f) => f.check), recipients: input.recipients.length },
    });
  }

  private async hold(input: GateInput, evaluation: OutboundEvaluation, unitId: number | null): Promise<number> {
    const blobHash = await this.mail.blobs.put(input.raw);
    const fields = await parseMessageFields(input.raw);
    let holdId = 0;
    await this.mail.appendMany({ blobHash, size: input.raw.length, fields }, [], {
      extraBlobRefs: 1,
      work: async (tx) => {
        const row = await tx
          .insertInto('outbound_holds')
          .values({
            status: 'pending',
            envelope_from: input.envelopeFrom,
            recipients: JSON.stringify(input.recipients),
            blob_hash: blobHash,
            size: input.raw.length,
            submitted_by: input.sender.accountId,
            sender_unit_id: unitId,
            protocol: input.protocol,
            remote_ip: input.remoteIp,
            message_id: evaluation.message.messageId,
            subject: evaluation.message.subject.slice(0, 500),
            findings: JSON.stringify(evaluation.findings),
            created_at: this.clock.now(),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        holdId = row.id;
      },
    });
    await this.audit.append({
      actor: input.sender.address,
      actorAccountId: input.sender.accountId,
      action: 'outbound.hold',
      target: String(holdId),
      ip: input.remoteIp,
      protocol: input.protocol,
      details: { checks: evaluation.findings.filter((f) => f.verdict === 'hold').map((f) => f.check), recipients: input.recipients.length, messageId: evaluation.message.messageId },
    });
    return holdId;
  }
}
