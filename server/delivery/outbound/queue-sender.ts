/**
 * The outbound queue sender: drains `outbound_queue` (one row per remote recipient, written by
 * the delivery service in the same transaction as the local copies) to other mail servers.
 *
 *  - Claiming: rows that are due (queued, next_attempt_at ≤ now) or whose lease expired (a
 *    node died mid-attempt) are claimed with one UPDATE that sets `lease_owner`/`lease_until`;
 *    the same conditions are repeated outside the sub-select, so on PostgreSQL a row another
 *    node claimed meanwhile is skipped (re-checked after the row lock). Every later update is
 *    guarded by `lease_owner = me`. A row is never deleted: it ends as sent, failed or
 *    cancelled, so nothing is lost; at worst (a node dies after the remote server said 250
 *    but before the row was updated) a message is sent twice, never zero times.
 *  - Routing: a configured smart host, or the domain's MX records in preference order, with
 *    the domain itself as the implicit MX when it has none (RFC 5321 §5.1); a null MX
 *    (RFC 7505) or a domain that does not exist fails permanently. The resolver is injectable.
 *  - Transport: nodemailer's SMTP client, STARTTLS whenever the server offers it (RFC 3207;
 *    opportunistic, RFC 7435: a self-signed certificate is accepted unless configured
 *    otherwise), one transaction per (message, sender, domain) with per-recipient results.
 *  - Retries: 4xx replies and connection problems are retried on `retryScheduleMinutes`
 *    (default 5 min … 8 h, RFC 5321 §4.5.4.1) until `maxAgeHours` (default 5 days); 5xx
 *    replies fail at once. A failure or expiry sends an RFC 3464 bounce to the sender's INBOX;
 *    after `delayNoticeHours` (default 4) the sender is told once that delivery is delayed.
 *  - DKIM: each message is signed (dkim.ts) just before it is sent.
 */
import { randomBytes } from 'node:crypto';
import { promises as dns } from 'node:dns';
import os from 'node:os';
import type { ExpressionBuilder, Kysely } from 'kysely';
import nodemailer from 'nodemailer';
import type { GovmailConfig } from '../../config/schema.js';
import type { MailStore } from '../../mail/mail-store.js';
import { parseMessageFields } from '../../mail/message-fields.js';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { Database, OutboundRow } from '../../storage/database.js';
import type { DeliveryService } from '../delivery-service.js';
import type { DkimSigner } from './dkim.js';
import { buildDsn, enhancedStatusOf, type DsnRecipient } from './dsn.js';

export interface MxRecord {
  exchange: string;
  priority: number;
}

/** DNS as the sender needs it; tests pass their own. Errors carry Node's codes (ENOTFOUND, ENODATA …). */
export interface MailDnsResolver {
  resolveMx(domain: string): Promise<MxRecord[]>;
  /** A and AAAA records of a host (for the implicit MX). */
  resolveAddresses(host: string): Promise<string[]>;
}

export const systemDnsResolver: MailDnsResolver = {
  resolveMx: (domain) => dns.resolveMx(domain),
  async resolveAddresses(host) {
    const found: string[] = [];
    for (const resolve of [dns.resolve4, dns.resolve6]) {
      try {
        found.push(...(await resolve(host)));
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code !== 'ENODATA' && code !== 'ENOTFOUND') throw err;
      }
    }
    return found;
  },
};

interface Route {
  /** Address (or name) connected to. */
  host: string;
  /** The MX host name: TLS server name, Remote-MTA of a DSN. */
  name: string;
  port: number;
  secure: boolean;
  auth?: { user: string; pass: string };
}

type RouteResult = { kind: 'routes'; routes: Route[] } | { kind: 'fail'; permanent: boolean; reason: string; status: string };

interface RecipientOutcome {
  ok: boolean;
  permanent: boolean;
  reply: string;
  status: string;
  remoteMta: string | null;
  local: boolean;
}

export interface RunSummary {
  claimed: number;
  sent: number;
  failed: number;
  deferred: number;
}

const CLAIM_BATCH = 100;

export interface OutboundSenderDeps {
  db: Kysely<Database>;
  mail: MailStore;
  delivery: DeliveryService;
  clock: Clock;
  logger: Logger;
  config: GovmailConfig;
  dkim: DkimSigner;
  resolver?: MailDnsResolver;
}

export class OutboundSender {
  readonly nodeId = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly resolver: MailDnsResolver;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = true;

  constructor(private readonly deps: OutboundSenderDeps) {
    this.resolver = deps.resolver ?? systemDnsResolver;
  }

  private get policy(): GovmailConfig['outbound'] {
    return this.deps.config.outbound;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.runOnce()
        .catch((err: unknown) => this.deps.logger.error({ err }, 'outbound queue run failed'))
        .finally(() => {
          this.running = null;
          this.schedule(this.policy.pollIntervalMs);
        });
    }, delay);
  }

  /**
   * Finished rows (sent, failed, cancelled) stay visible in the console for
   * `finishedRetentionHours`; then each is deleted and its blob reference released (the row
   * references the blob, so the reference cannot go before the row). A crash between the two
   * leaves one reference too many — a message file kept, never one lost.
   */
  async purgeFinished(): Promise<number> {
    const { db, mail, clock } = this.deps;
    const before = clock.now() - this.policy.finishedRetentionHours * 3600_000;
    const rows = await db.selectFrom('outbound_queue').select(['id', 'blob_hash']).where('status', 'in', ['sent', 'failed', 'cancelled']).where('finished_at', '<', before).limit(500).execute();
    let purged = 0;
    for (const row of rows) {
      const deleted = await db.deleteFrom('outbound_queue').where('id', '=', row.id).executeTakeFirst();
      if (Number(deleted.numDeletedRows) === 0) continue;
      await mail.releaseExternalRef(row.blob_hash);
      purged++;
    }
    // Decided holds of the review queue (review-queue.ts) go the same way.
    const holds = await db.selectFrom('outbound_holds').select(['id', 'blob_hash']).where('status', '!=', 'pending').where('decided_at', '<', before).limit(500).execute();
    for (const hold of holds) {
      const deleted = await db.deleteFrom('outbound_holds').where('id', '=', hold.id).executeTakeFirst();
      if (Number(deleted.numDeletedRows) === 0) continue;
      await mail.releaseExternalRef(hold.blob_hash);
      purged++;
    }
    return purged;
  }

  /** One pass over the due rows (the loop calls it; tests call it after moving the clock). */
  async runOnce(): Promise<RunSummary> {
    await this.purgeFinished();
    const rows = await this.claim();
    const summary: RunSummary = { claimed: rows.length, sent: 0, failed: 0, deferred: 0 };
    const groups = new Map<string, OutboundRow[]>();
    for (const row of rows) {
      const key = `${row.blob_hash}\u0000${row.envelope_from}\u0000${this.policy.smartHost ? '' : domainOf(row.recipient)}`;
      groups.set(key, [...(groups.get(key) ?? []), row]);
    }
    for (const group of groups.values()) {
      try {
        const done = await this.attempt(group);
        summary.sent += done.sent;
        summary.failed += done.failed;
        summary.deferred += done.deferred;
      } catch (err) {
        // Left claimed: the lease expires and another pass retries it.
        this.deps.logger.error({ err, ids: group.map((r) => r.id) }, 'outbound attempt failed');
      }
    }
    return summary;
  }

  private async claim(): Promise<OutboundRow[]> {
    const { db, clock } = this.deps;
    const now = clock.now();
    const due = (eb: ExpressionBuilder<Database, 'outbound_queue'>) =>
      eb.or([eb.and([eb('status', '=', 'queued'), eb('next_attempt_at', '<=', now)]), eb.and([eb('status', '=', 'sending'), eb('lease_until', '<', now)])]);
    return db
      .updateTable('outbound_queue')
      .set({ status: 'sending', lease_owner: this.nodeId, lease_until: now + this.policy.leaseSeconds * 1000, updated_at: now })
      .where('id', 'in', db.selectFrom('outbound_queue').select('id').where(due).orderBy('next_attempt_at').limit(CLAIM_BATCH))
      .where(due)
      .returningAll()
      .execute();
  }

  /** Keeps the rows ours while a slow attempt goes on (each host tried may take minutes). */
  private async renewLease(group: OutboundRow[]): Promise<void> {
    const now = this.deps.clock.now();
    await this.deps.db
      .updateTable('outbound_queue')
      .set({ lease_until: now + this.policy.leaseSeconds * 1000 })
      .where('id', 'in', group.map((r) => r.id))
      .where('lease_owner', '=', this.nodeId)
      .execute();
  }

  private async route(domain: string): Promise<RouteResult> {
    const smart = this.policy.smartHost;
    if (smart) return { kind: 'routes', routes: [{ host: smart.host, name: smart.host, port: smart.port, secure: smart.secure, ...(smart.user ? { auth: { user: smart.user, pass: smart.password ?? '' } } : {}) }] };
    const port = this.policy.remotePort;
    let records: MxRecord[];
    try {
      records = await this.resolver.resolveMx(domain);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ENOTFOUND') return { kind: 'fail', permanent: true, reason: `domain ${domain} does not exist`, status: '5.1.2' };
      if (code !== 'ENODATA') return { kind: 'fail', permanent: false, reason: `DNS lookup of MX ${domain} failed (${code ?? 'error'})`, status: '4.4.3' };
      records = [];
    }
    // RFC 7505: a single MX of "." says the domain accepts no mail.
    if (records.length === 1 && (records[0]!.exchange === '' || records[0]!.exchange === '.')) return { kind: 'fail', permanent: true, reason: `domain ${domain} accepts no mail (null MX)`, status: '5.1.10' };
    if (records.length === 0) {
      // RFC 5321 §5.1: no MX — the domain's own address records are the implicit MX.
      let addresses: string[];
      try {
        addresses = await this.resolver.resolveAddresses(domain);
      } catch (err) {
        return { kind: 'fail', permanent: false, reason: `DNS lookup of ${domain} failed (${(err as { code?: string }).code ?? 'error'})`, status: '4.4.3' };
      }
      if (addresses.length === 0) return { kind: 'fail', permanent: true, reason: `domain ${domain} has no MX and no address`, status: '5.1.2' };
      return { kind: 'routes', routes: addresses.map((host) => ({ host, name: domain, port, secure: false })) };
    }
    // Exchanges in preference order, each by its addresses (through the same resolver).
    const routes: Route[] = [];
    let lookupError = '';
    for (const record of [...records].sort((a, b) => a.priority - b.priority)) {
      const name = record.exchange.replace(/\.$/, '');
      try {
        for (const host of await this.resolver.resolveAddresses(name)) routes.push({ host, name, port, secure: false });
      } catch (err) {
        lookupError = `DNS lookup of ${name} failed (${(err as { code?: string }).code ?? 'error'})`;
      }
    }
    if (routes.length === 0) return { kind: 'fail', permanent: false, reason: lookupError || `no address for the MX hosts of ${domain}`, status: '4.4.3' };
    return { kind: 'routes', routes };
  }

  private async send(route: Route, from: string, recipients: string[], raw: Buffer): Promise<Map<string, RecipientOutcome> | { connectionError: string }> {
    const transport = nodemailer.createTransport({
      host: route.host,
      port: route.port,
      secure: route.secure,
      name: this.deps.config.hostname,
      requireTLS: this.policy.requireTls,
      tls: { rejectUnauthorized: this.policy.tlsRejectUnauthorized, servername: route.name },
      connectionTimeout: this.policy.connectTimeoutMs,
      greetingTimeout: this.policy.connectTimeoutMs,
      socketTimeout: 10 * 60_000,
      ...(route.auth ? { auth: route.auth } : {}),
    });
    const outcomes = new Map<string, RecipientOutcome>();
    const remoteMta = route.name;
    try {
      const info = await transport.sendMail({ envelope: { from, to: recipients }, raw });
      const rejected = new Map<string, { response?: string; responseCode?: number }>();
      for (const e of (info as { rejectedErrors?: { recipient?: string; response?: string; responseCode?: number }[] }).rejectedErrors ?? []) if (e.recipient) rejected.set(e.recipient.toLowerCase(), e);
      for (const r of recipients) {
        const err = rejected.get(r.toLowerCase());
        if (err) outcomes.set(r, replyOutcome(err.response ?? 'rejected', err.responseCode, remoteMta));
        else outcomes.set(r, { ok: true, permanent: false, reply: info.response, status: '2.0.0', remoteMta, local: false });
      }
      return outcomes;
    } catch (error) {
      const err = error as { code?: string; response?: string; responseCode?: number; rejectedErrors?: { recipient?: string; response?: string; responseCode?: number }[]; message?: string };
      if (err.rejectedErrors && err.rejectedErrors.length > 0) {
        for (const e of err.rejectedErrors) if (e.recipient) outcomes.set(e.recipient, replyOutcome(e.response ?? 'rejected', e.responseCode, remoteMta));
        for (const r of recipients) if (!outcomes.has(r)) outcomes.set(r, replyOutcome(err.response ?? err.message ?? 'rejected', err.responseCode, remoteMta));
        return outcomes;
      }
      if (typeof err.responseCode === 'number') {
        for (const r of recipients) outcomes.set(r, replyOutcome(err.response ?? err.message ?? '', err.responseCode, remoteMta));
        return outcomes;
      }
      return { connectionError: `${route.host}:${route.port}: ${err.code ?? ''} ${err.message ?? 'connection failed'}`.trim() };
    } finally {
      transport.close();
    }
  }

  private async attempt(group: OutboundRow[]): Promise<{ sent: number; failed: number; deferred: number }> {
    const { mail, clock } = this.deps;
    const first = group[0]!;
    const recipients = group.map((r) => r.recipient);
    const outcomes = new Map<string, RecipientOutcome>();
    let raw: Buffer | null = null;
    try {
      raw = await mail.blobs.get(first.blob_hash);
    } catch {
      for (const r of recipients) outcomes.set(r, { ok: false, permanent: true, reply: 'message file missing from the store', status: '5.3.0', remoteMta: null, local: true });
    }
    if (raw) {
      const route = await this.route(domainOf(first.recipient));
      if (route.kind === 'fail') {
        for (const r of recipients) outcomes.set(r, { ok: false, permanent: route.permanent, reply: route.reason, status: route.status, remoteMta: null, local: true });
      } else {
        const signed = await this.sign(raw, first.envelope_from);
        let lastConnectionError = 'no route';
        for (const route_ of route.routes) {
          await this.renewLease(group);
          const result = await this.send(route_, first.envelope_from, recipients, signed);
          if ('connectionError' in result) {
            lastConnectionError = result.connectionError;
            continue;
          }
          for (const [r, o] of result) outcomes.set(r, o);
          break;
        }
        if (outcomes.size === 0) for (const r of recipients) outcomes.set(r, { ok: false, permanent: false, reply: lastConnectionError, status: '4.4.1', remoteMta: null, local: true });
      }
    }

    const now = clock.now();
    const bounced: DsnRecipient[] = [];
    const delayed: DsnRecipient[] = [];
    const summary = { sent: 0, failed: 0, deferred: 0 };
    for (const row of group) {
      const outcome = outcomes.get(row.recipient)!;
      const attempts = row.attempts + 1;
      const expiresAt = Number(row.created_at) + this.policy.maxAgeHours * 3600_000;
      const guard = this.deps.db.updateTable('outbound_queue').where('id', '=', row.id).where('lease_owner', '=', this.nodeId);
      if (outcome.ok) {
        const done = await guard.set({ status: 'sent', attempts, last_attempt_at: now, finished_at: now, last_error: null, lease_owner: null, lease_until: null, updated_at: now }).executeTakeFirst();
        if (Number(done.numUpdatedRows) > 0) summary.sent++;
        continue;
      }
      const expired = !outcome.permanent && now >= expiresAt;
      if (outcome.permanent || expired) {
        const reason = expired ? `${outcome.reply} (gave up after ${this.policy.maxAgeHours} hours)` : outcome.reply;
        const done = await guard.set({ status: 'failed', attempts, last_attempt_at: now, finished_at: now, last_error: reason.slice(0, 1000), lease_owner: null, lease_until: null, updated_at: now }).executeTakeFirst();
        if (Number(done.numUpdatedRows) > 0) {
          bounced.push({ address: row.recipient, action: 'failed', status: expired ? '4.4.7' : outcome.status, remoteMta: outcome.remoteMta, diagnostic: reason, diagnosticType: outcome.local ? 'x-govmail' : 'smtp', lastAttempt: now });
          summary.failed++;
        }
        continue;
      }
      const schedule = this.policy.retryScheduleMinutes;
      const next = Math.min(now + schedule[Math.min(attempts - 1, schedule.length - 1)]! * 60_000, expiresAt);
      const notifyDelay = row.delay_notified_at === null && now - Number(row.created_at) >= this.policy.delayNoticeHours * 3600_000;
      const done = await guard
        .set({ status: 'queued', attempts, last_attempt_at: now, next_attempt_at: next, last_error: outcome.reply.slice(0, 1000), lease_owner: null, lease_until: null, updated_at: now, ...(notifyDelay ? { delay_notified_at: now } : {}) })
        .executeTakeFirst();
      if (Number(done.numUpdatedRows) > 0) {
        summary.deferred++;
        if (notifyDelay) delayed.push({ address: row.recipient, action: 'delayed', status: outcome.status.startsWith('4') ? outcome.status : '4.0.0', remoteMta: outcome.remoteMta, diagnostic: outcome.reply, diagnosticType: outcome.local ? 'x-govmail' : 'smtp', lastAttempt: now, willRetryUntil: expiresAt });
      }
    }

    const original = raw ?? Buffer.from(`Message-ID: <unknown@${this.deps.config.hostname}>\r\n`);
    if (bounced.length > 0) await this.notify(first, bounced, original);
    if (delayed.length > 0) await this.notify(first, delayed, original);
    return summary;
  }

  private async sign(raw: Buffer, envelopeFrom: string): Promise<Buffer> {
    // Sign as the From header's domain when it is ours (DMARC alignment), else the envelope's.
    const fields = await parseMessageFields(raw);
    const local = this.deps.config.domains;
    const fromDomain = fields.fromAddress ? domainOf(fields.fromAddress) : '';
    const domain = local.includes(fromDomain) ? fromDomain : domainOf(envelopeFrom);
    try {
      const result = await this.deps.dkim.sign(raw, domain);
      if (!result.signed) this.deps.logger.warn({ domain }, 'no DKIM key for the domain: sending unsigned (govmail dkim generate)');
      return result.raw;
    } catch (err) {
      this.deps.logger.error({ err, domain }, 'DKIM signing failed: sending unsigned');
      return raw;
    }
  }

  /** A bounce or delay notice to the sender (never for a null sender: a DSN never causes another). */
  private async notify(row: OutboundRow, recipients: DsnRecipient[], original: Buffer): Promise<void> {
    if (!row.envelope_from) return;
    const { raw } = buildDsn({
      reportingMta: this.deps.config.hostname,
      from: `postmaster@${this.deps.config.domains[0]}`,
      to: row.envelope_from,
      arrivalDate: Number(row.created_at),
      now: this.deps.clock.now(),
      recipients,
      original,
    });
    try {
      await this.deps.delivery.deliver({ envelopeFrom: '', recipients: [row.envelope_from], raw, submittedBy: null, remoteIp: null, protocol: 'system' });
    } catch (err) {
      this.deps.logger.error({ err, to: row.envelope_from }, 'delivering a DSN failed');
    }
  }
}

function domainOf(address: string): string {
  return (address.split('@').pop() ?? '').toLowerCase();
}

function replyOutcome(reply: string, code: number | undefined, remoteMta: string): RecipientOutcome {
  const permanent = typeof code === 'number' ? code >= 500 : /^5\d\d/.test(reply);
  return { ok: false, permanent, reply: reply.trim() || `${code ?? ''} rejected`, status: enhancedStatusOf(reply, permanent ? 5 : 4), remoteMta, local: false };
}
