/**
 * Accepts one message for a set of envelope recipients, the single path for mail from SMTP
 * (MX and submission) and, later, from the webmail's send:
 *
 *  1. the raw bytes are written durably to the blob store (fsync),
 *  2. the message is parsed once for the stored fields,
 *  3. one transaction stores a row in every local recipient's INBOX and queues one row per
 *     remote recipient in the outbound queue, and records the submission in the audit log;
 *  4. only then does the caller answer `250`.
 *
 * A crash before step 3 commits leaves, at worst, an unreferenced blob file (swept later) and a
 * sender who got no `250` and will retry: nothing acknowledged is ever lost.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../storage/database.js';
import type { MailStore } from '../mail/mail-store.js';
import { parseMessageFields, type MessageFields } from '../mail/message-fields.js';
import type { AuditLog } from '../governance/audit/audit-log.js';
import { recordImportantDelivery } from '../governance/important-mail/receipts.js';
import { AutoResponder } from './auto-reply.js';
import { RecipientResolver } from './recipients.js';
import { OutboundGate } from './outbound/outbound-gate.js';
import { assertSecretMailInternal } from './secret-mail.js';
import { OutboundPipeline, type OutboundPolicy } from './outbound/pipeline.js';
import { configSchema } from '../config/schema.js';
import type { InboundPipeline } from './inbound/pipeline.js';
import { Quarantine } from './inbound/quarantine.js';
import { InboundRefused } from './inbound/inbound-refused.js';
import { neutraliseForgedResults } from './inbound/authentication.js';
import { prependHeaderLines } from './inbound/headers.js';

export interface IncomingMessage {
  envelopeFrom: string;
  recipients: readonly string[];
  raw: Buffer;
  /** Set for authenticated submission; null for mail from other servers. */
  submittedBy: { accountId: number; address: string } | null;
  remoteIp: string | null;
  /** `system`: mail govmail itself sends (out-of-office replies, notices). */
  protocol: 'smtp-mx' | 'smtp-submission' | 'web' | 'demo' | 'system';
  /** INTERNALDATE of the stored copies; default now (imports and the demo set their own). */
  internalDate?: number;
  /**
   * Outbound content checks (SPEC 3.1–3.2) run on every SMTP submission and web send:
   * `confirmedWarnings` — the web user confirmed the warnings; `releasedHold` — a reviewer
   * released this held message (it was checked when submitted, so it is not checked again).
   */
  outbound?: { confirmedWarnings?: boolean; releasedHold?: number };
  /** The SMTP client's HELO/EHLO name (SPF checks it when the envelope sender is empty). */
  helo?: string | null;
  /** A quarantined message the security officer released: the inbound checks are not run again. */
  releasedQuarantine?: number;
}

export interface DeliveryReport {
  blobHash: string;
  size: number;
  fields: MessageFields;
  deliveredTo: number[];
  queuedFor: string[];
  /** Recipients that turned out to have no receiving account (a list with no members, say). */
  dropped: string[];
  /** Accounts skipped because the message would take them over quota (a bounce is a later issue). */
  overQuota: number[];
  /** Set when the outbound checks held the message for review: nothing was delivered or queued. */
  heldForReview?: number;
  /** Reasons of the outbound checks' warnings the message passed with. */
  warnings?: string[];
  /** Set when the inbound checks quarantined the message: nothing was delivered. */
  quarantined?: number;
}

export class DeliveryService {
  readonly resolver: RecipientResolver;
  readonly outboundGate: OutboundGate;
  private readonly autoResponder: AutoResponder;
  /** The inbound pipeline (SPEC 4.2) for mail at the MX; set by `enableInbound` (services.ts). */
  private inbound: InboundPipeline | null = null;
  quarantine: Quarantine | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly mail: MailStore,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    localDomains: readonly string[],
    outboundPolicy: OutboundPolicy = configSchema.parse({}).outbound,
  ) {
    this.resolver = new RecipientResolver(db, localDomains, clock);
    this.autoResponder = new AutoResponder(db, clock, ({ recipient, raw }) => this.deliver({ envelopeFrom: '', recipients: [recipient], raw, submittedBy: null, remoteIp: null, protocol: 'system' }));
    this.outboundGate = new OutboundGate(db, mail, audit, clock, new OutboundPipeline(db, outboundPolicy, (a) => this.resolver.isLocal(a)));
  }

  /** Turns on the inbound checks and the quarantine for mail from other servers (`smtp-mx`). */
  enableInbound(pipeline: InboundPipeline | null, hostname: string): Quarantine {
    this.inbound = pipeline;
    this.hostname = hostname;
    this.quarantine = new Quarantine(
      this.db,
      this.mail,
      this.audit,
      this.clock,
      hostname,
      (a) => this.resolver.isLocal(a),
      async (recipient, raw) => {
        await this.deliver({ envelopeFrom: '', recipients: [recipient], raw, submittedBy: null, remoteIp: null, protocol: 'system' });
      },
      (input) => this.deliver({ envelopeFrom: input.envelopeFrom, recipients: input.recipients, raw: input.raw, submittedBy: null, remoteIp: null, protocol: 'smtp-mx', releasedQuarantine: input.quarantineId }),
    );
    return this.quarantine;
  }

  private hostname = 'localhost';

  async deliver(incoming: IncomingMessage): Promise<DeliveryReport> {
    let message = incoming;
    let warnings: string[] | undefined;
    let inboundResult: { senderDomain: string | null; verdict: string; score: number; warnings: string[]; findings: string; spf: string | null; dkim: string | null; dmarc: string | null; authResults: string | null } | null = null;
    // A released quarantined message keeps the reasons it was held for as its 风险提示.
    if (message.protocol === 'smtp-mx' && message.releasedQuarantine !== undefined) {
      const held = await this.db.selectFrom('quarantine').select(['findings', 'score', 'from_address']).where('id', '=', message.releasedQuarantine).executeTakeFirst();
      if (held) {
        const found = JSON.parse(held.findings) as { reason: string; verdict: string; score: number }[];
        inboundResult = { senderDomain: held.from_address?.split('@')[1]?.toLowerCase() ?? null, verdict: 'warn', score: Number(held.score), warnings: found.filter((f) => f.verdict !== 'accept' || f.score > 0).map((f) => f.reason), findings: held.findings, spf: null, dkim: null, dmarc: null, authResults: null };
      }
    }
    // Inbound checks for mail from other servers (server/delivery/inbound/pipeline.ts, SPEC 4.2).
    if (message.protocol === 'smtp-mx' && this.inbound && message.releasedQuarantine === undefined) {
      const raw = neutraliseForgedResults(message.raw, [this.hostname]);
      const evaluation = await this.inbound.evaluate({ raw, envelopeFrom: message.envelopeFrom, remoteIp: message.remoteIp, helo: message.helo ?? null });
      const fields = await parseMessageFields(raw);
      if (evaluation.tempfail) throw new InboundRefused('tempfail', evaluation.findings.find((f) => f.check === 'antivirus-unavailable')?.reason ?? 'scanner unavailable');
      if (evaluation.verdict === 'reject') {
        const reasons = evaluation.findings.filter((f) => f.verdict === 'reject').map((f) => f.reason);
        await this.audit.append({ actor: message.envelopeFrom || 'system', action: 'mail.inbound_rejected', target: fields.messageId, outcome: 'denied', ip: message.remoteIp, protocol: 'smtp', details: { checks: evaluation.findings.filter((f) => f.verdict === 'reject').map((f) => f.check), recipients: message.recipients.length } });
        throw new InboundRefused('reject', reasons.join('；'));
      }
      const stamped = prependHeaderLines(raw, evaluation.authentication?.headers ?? []);
      if (evaluation.verdict === 'quarantine' && this.quarantine) {
        const id = await this.quarantine.hold({ raw: stamped, envelopeFrom: message.envelopeFrom, recipients: message.recipients, remoteIp: message.remoteIp, evaluation });
        return { blobHash: '', size: stamped.length, fields, deliveredTo: [], queuedFor: [], dropped: [], overQuota: [], quarantined: id };
      }
      message = { ...message, raw: stamped };
      const shown = evaluation.findings.filter((f) => f.score > 0 || f.verdict === 'warn').map((f) => f.reason);
      inboundResult = {
        senderDomain: fields.fromAddress?.split('@')[1]?.toLowerCase() ?? null,
        verdict: evaluation.verdict,
        score: evaluation.score,
        warnings: shown,
        findings: JSON.stringify(evaluation.findings.map((f) => ({ check: f.check, verdict: f.verdict, score: f.score, reason: f.reason }))),
        spf: evaluation.authentication?.spf ?? null,
        dkim: evaluation.authentication?.dkim ?? null,
        dmarc: evaluation.authentication?.dmarc ?? null,
        authResults: evaluation.authentication?.headers.find((h) => /^Authentication-Results:/i.test(h)) ?? null,
      };
    }
    // 工作秘密 encrypted mail stays inside (issue 6, server/delivery/secret-mail.ts).
    if (message.submittedBy) assertSecretMailInternal(message.raw, message.recipients, (r) => this.resolver.isLocal(r));
    // Outbound checks, before anything is stored (server/delivery/outbound/pipeline.ts).
    if (message.submittedBy && (message.protocol === 'smtp-submission' || message.protocol === 'web') && message.outbound?.releasedHold === undefined) {
      const outcome = await this.outboundGate.check({
        envelopeFrom: message.envelopeFrom,
        recipients: message.recipients,
        raw: message.raw,
        sender: message.submittedBy,
        protocol: message.protocol,
        remoteIp: message.remoteIp,
        confirmedWarnings: message.outbound?.confirmedWarnings ?? false,
      });
      if (outcome.kind === 'held') {
        const fields = await parseMessageFields(message.raw);
        return { blobHash: '', size: message.raw.length, fields, deliveredTo: [], queuedFor: [], dropped: [], overQuota: [], heldForReview: outcome.holdId };
      }
      message = { ...message, raw: outcome.raw };
      if (outcome.warnings.length > 0) warnings = outcome.warnings.map((w) => w.reason);
    }
    const blobHash = await this.mail.blobs.put(message.raw);
    const fields = await parseMessageFields(message.raw);

    const accountIds = new Set<number>();
    /** Reached as themselves or an alias, not through a list: the ones an out-of-office may answer. */
    const directIds = new Set<number>();
    /** Deactivated accounts whose mail went to a successor: their own out-of-office answers. */
    const handoverFrom = new Set<number>();
    const remote: string[] = [];
    const dropped: string[] = [];
    for (const recipient of message.recipients) {
      const resolution = await this.resolver.resolve(recipient);
      if (resolution.kind === 'local') {
        if (resolution.accountIds.length === 0) dropped.push(recipient);
        for (const id of resolution.accountIds) accountIds.add(id);
        // A deactivated address in its handover window: the person's own auto-reply answers (SPEC 3.6).
        if (resolution.via === 'handover' && resolution.handoverFrom !== undefined) handoverFrom.add(resolution.handoverFrom);
        else if (resolution.via !== 'list') for (const id of resolution.accountIds) directIds.add(id);
      } else if (resolution.kind === 'remote') {
        remote.push(recipient.toLowerCase());
      } else {
        dropped.push(recipient);
      }
    }

    // A full mailbox must not hold up everyone else's copy of a notice: over-quota recipients
    // are skipped (and reported); the caller refuses only when nobody could take the message.
    const overQuota: number[] = [];
    if (accountIds.size > 0) {
      const quotas = await this.db.selectFrom('accounts').select(['id', 'used_bytes', 'quota_bytes']).where('id', 'in', [...accountIds]).execute();
      for (const q of quotas) {
        if (Number(q.used_bytes) + message.raw.length > Number(q.quota_bytes)) {
          overQuota.push(q.id);
          accountIds.delete(q.id);
        }
      }
    }
    const inboxes = accountIds.size
      ? await this.db.selectFrom('mailboxes').select(['id', 'account_id']).where('account_id', 'in', [...accountIds]).where('name', '=', 'INBOX').execute()
      : [];
    const now = this.clock.now();
    const size = message.raw.length;

    // One transaction for local copies, blob references and the outbound queue: each queue row
    // holds a blob reference until the sender has delivered or bounced it.
    if (inboxes.length + remote.length > 0) {
      await this.mail.appendMany(
        { blobHash, size, fields },
        inboxes.map((inbox) => ({ accountId: inbox.account_id, mailboxId: inbox.id, internalDate: message.internalDate ?? now })),
        {
          extraBlobRefs: remote.length,
          work: async (tx) => {
            if (inboundResult) {
              // What the inbound checks found, beside every copy (the webmail's 外部邮件 and 风险提示).
              await tx
                .insertInto('inbound_results')
                .values({ blob_hash: blobHash, sender_domain: inboundResult.senderDomain, verdict: inboundResult.verdict, score: inboundResult.score, external: 1, warnings: JSON.stringify(inboundResult.warnings), findings: inboundResult.findings, spf: inboundResult.spf, dkim: inboundResult.dkim, dmarc: inboundResult.dmarc, auth_results: inboundResult.authResults, created_at: now })
                .onConflict((oc) => oc.column('blob_hash').doNothing())
                .execute();
            }
            for (const recipient of remote) {
              await tx
                .insertInto('outbound_queue')
                .values({ envelope_from: message.envelopeFrom, recipient, blob_hash: blobHash, status: 'queued', attempts: 0, next_attempt_at: now, last_error: null, submitted_by: message.submittedBy?.accountId ?? null, created_at: now, updated_at: now })
                .execute();
            }
          },
        },
      );
      // SPEC Art. 3.4: important mail records when it reached each local recipient.
      await recordImportantDelivery(this.db, { raw: message.raw, fields, senderAccountId: message.submittedBy?.accountId ?? null, recipientAccountIds: inboxes.map((i) => i.account_id), at: now });
    }

    if (message.submittedBy) {
      // SPEC Art. 5: every message sent is audited — metadata only, never content.
      await this.audit.append({
        actor: message.submittedBy.address,
        actorAccountId: message.submittedBy.accountId,
        action: 'mail.send',
        target: fields.messageId,
        ip: message.remoteIp,
        protocol: message.protocol,
        details: { recipients: message.recipients.length, external: remote.length, size, blob: blobHash.slice(0, 16), ...(warnings ? { contentWarnings: warnings.length } : {}), ...(message.outbound?.releasedHold !== undefined ? { releasedHold: message.outbound.releasedHold } : {}) },
      });
    }
    if (inboxes.length > 0) await this.answerAbsences(message, fields, [...[...directIds].filter((id) => accountIds.has(id)), ...handoverFrom]);
    return { blobHash, size, fields, deliveredTo: [...accountIds], queuedFor: remote, dropped, overQuota, ...(warnings ? { warnings } : {}) };
  }

  /** Out-of-office replies (auto-reply.ts). The message is already stored: a failure here is recorded, never returned. */
  private async answerAbsences(message: IncomingMessage, fields: MessageFields, directAccountIds: number[]): Promise<void> {
    if (directAccountIds.length === 0) return;
    try {
      await this.autoResponder.respond({ envelopeFrom: message.envelopeFrom, raw: message.raw, fields, directAccountIds });
    } catch (err) {
      await this.audit.append({ actor: 'system', action: 'mail.auto_reply_failed', target: fields.messageId, outcome: 'failure', details: { error: String((err as Error).message ?? err).slice(0, 300) } });
    }
  }
}
