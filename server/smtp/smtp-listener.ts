/**
 * govmail's SMTP: the MX listener (mail from other servers for the local domains) and the
 * submission listeners (RFC 6409 STARTTLS on 587, RFC 8314 implicit TLS on 465), on
 * smtp-server. Protocol decisions live here; what happens to an accepted message is the
 * delivery service's business (server/delivery), shared with the webmail's send.
 *
 * RFCs: 5321 (SMTP), 6409 (submission), 8314 (implicit TLS), 4954 (AUTH), 3207 (STARTTLS),
 * 1870 (SIZE), 3463/2034 (enhanced status codes).
 */
import { SMTPServer, type SMTPServerAddress, type SMTPServerAuthentication, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Services } from '../services.js';
import type { TlsMaterial } from '../platform/tls.js';
import type { ListenerConfig } from '../config/schema.js';
import { OutboundRefused } from '../delivery/outbound/outbound-refused.js';
import { InboundRefused } from '../delivery/inbound/inbound-refused.js';
import { keepOwnEnhancedCodes } from './enhanced-codes.js';
import { SmtpError, smtpErrors } from './smtp-errors.js';
import { blockedSender } from '../governance/security/blocklist.js';
import { fromHeaderAddresses, hasHeader, newMessageId, normalizeLineEndings, prependHeaders, rfc5322Date, sanitizeHeaderValue } from './message-headers.js';

export type SmtpMode = 'mx' | 'submission' | 'submissions';

interface SessionUser {
  accountId: number;
  address: string;
}

export interface SmtpListener {
  mode: SmtpMode;
  server: SMTPServer;
  port: number;
  close(): Promise<void>;
}

function userOf(session: SMTPServerSession): SessionUser | null {
  return (session.user as SessionUser | undefined) ?? null;
}

export function createSmtpServer(mode: SmtpMode, services: Services, tls: TlsMaterial): SMTPServer {
  keepOwnEnhancedCodes();
  const { config, logger } = services;
  const limits = config.smtp;
  const isSubmission = mode !== 'mx';
  const connectionsPerIp = new Map<string, number>();
  // Sessions that took a slot: smtp-server calls onClose for refused connections too, and
  // those must not give back a slot they never had.
  const counted = new Set<string>();

  const fail = (callback: (err?: Error | null) => void, err: unknown, where: string) => {
    if (err instanceof SmtpError) return callback(err);
    logger.error({ err, mode, where }, 'smtp handler failed');
    return callback(smtpErrors.temporary());
  };

  const server = new SMTPServer({
    name: config.hostname,
    // smtp-server writes `220 <name> ESMTP <banner>`.
    banner: 'govmail',
    secure: mode === 'submissions',
    key: tls.key,
    cert: tls.cert,
    size: limits.maxMessageBytes,
    hideENHANCEDSTATUSCODES: false,
    hide8BITMIME: false,
    hideSMTPUTF8: false,
    // AUTH only on submission, and only over TLS (smtp-server refuses AUTH before STARTTLS
    // unless allowInsecureAuth): passwords never cross the network in clear.
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: false,
    authOptional: !isSubmission,
    disabledCommands: isSubmission ? [] : ['AUTH'],
    maxClients: 1000,
    socketTimeout: 5 * 60_000,
    closeTimeout: 30_000,
    logger: false,

    onConnect(session, callback) {
      const ip = session.remoteAddress;
      const count = (connectionsPerIp.get(ip) ?? 0) + 1;
      if (count > limits.maxConnectionsPerIp) return callback(smtpErrors.tooManyConnections());
      connectionsPerIp.set(ip, count);
      counted.add(session.id);
      return callback();
    },

    onClose(session) {
      if (!counted.delete(session.id)) return;
      const ip = session.remoteAddress;
      const count = (connectionsPerIp.get(ip) ?? 1) - 1;
      if (count <= 0) connectionsPerIp.delete(ip);
      else connectionsPerIp.set(ip, count);
    },

    onAuth(auth: SMTPServerAuthentication, session, callback) {
      services.auth
        .authenticate({ login: auth.username ?? '', password: auth.password ?? '', protocol: 'smtp', ip: session.remoteAddress, client: session.clientHostname ?? null })
        .then((result) => {
          if (!result.ok) return callback(smtpErrors.authFailed(result.message));
          const user: SessionUser = { accountId: result.account.id, address: result.account.address };
          return callback(null, { user });
        })
        .catch((err: unknown) => fail(callback, err, 'auth'));
    },

    onMailFrom(address: SMTPServerAddress, session, callback) {
      const user = userOf(session);
      if (!isSubmission) {
        // SPEC Art. 4.3: senders and domains blocked from an incident are refused before any data.
        if (!address.address) return callback();
        blockedSender(services.db, address.address)
          .then((block) => (block ? callback(smtpErrors.senderBlocked(address.address)) : callback()))
          .catch((err: unknown) => fail(callback, err, 'mail-from'));
        return;
      }
      if (!user) return callback();
      services.delivery.resolver
        .sendableAddresses(user.accountId)
        .then((allowed) => (allowed.includes(address.address.toLowerCase()) ? callback() : callback(smtpErrors.senderNotAllowed(address.address))))
        .catch((err: unknown) => fail(callback, err, 'mail-from'));
    },

    onRcptTo(address: SMTPServerAddress, session, callback) {
      if (session.envelope.rcptTo.length >= limits.maxRecipients) return callback(smtpErrors.tooManyRecipients(limits.maxRecipients));
      const declaredSize = Number((session.envelope.mailFrom && session.envelope.mailFrom.args && (session.envelope.mailFrom.args as Record<string, string>).SIZE) || 0);
      checkRecipient(services, address.address, isSubmission, declaredSize)
        .then(() => callback())
        .catch((err: unknown) => fail(callback, err, 'rcpt-to'));
    },

    onData(stream: SMTPServerDataStream, session, callback) {
      const chunks: Buffer[] = [];
      let total = 0;
      stream.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total <= limits.maxMessageBytes) chunks.push(chunk);
      });
      stream.on('error', (err) => fail(callback, err, 'data-stream'));
      stream.on('end', () => {
        if (stream.sizeExceeded || total > limits.maxMessageBytes) return callback(smtpErrors.tooBig(limits.maxMessageBytes));
        acceptMessage(services, mode, session, Buffer.concat(chunks, total))
          .then((reply) => callback(null, reply))
          .catch((err: unknown) => fail(callback, err, 'data'));
      });
    },
  });

  server.on('error', (err) => logger.warn({ err, mode }, 'smtp connection error'));
  return server;
}

async function checkRecipient(services: Services, address: string, isSubmission: boolean, declaredSize: number): Promise<void> {
  const resolution = await services.delivery.resolver.resolve(address);
  switch (resolution.kind) {
    case 'remote':
      if (!isSubmission) throw smtpErrors.relayDenied(address);
      return;
    case 'unknown-local':
      throw smtpErrors.unknownRecipient(address);
    case 'inactive-local': {
      const contact = await unitContactOf(services, address);
      throw smtpErrors.inactiveRecipient(address, contact);
    }
    case 'local':
      if (resolution.via !== 'list' && resolution.accountIds[0] !== undefined) {
        const quota = await services.mail.quota(resolution.accountIds[0]);
        if (quota.usedBytes + Math.max(declaredSize, 1) > quota.quotaBytes) throw smtpErrors.mailboxFull(address);
      }
      return;
  }
}

async function unitContactOf(services: Services, address: string): Promise<string | null> {
  const row = await services.db
    .selectFrom('accounts')
    .innerJoin('units', 'units.id', 'accounts.unit_id')
    .select('units.contact_address')
    .where('accounts.address', '=', address.toLowerCase())
    .executeTakeFirst();
  return row?.contact_address ?? null;
}

async function acceptMessage(services: Services, mode: SmtpMode, session: SMTPServerSession, received: Buffer): Promise<string> {
  if (received.length === 0 || received.toString('latin1').trim().length === 0) throw smtpErrors.emptyMessage();
  const user = userOf(session);
  const { config, clock } = services;
  let raw = normalizeLineEndings(received);

  if (user) {
    const allowed = await services.delivery.resolver.sendableAddresses(user.accountId);
    for (const from of fromHeaderAddresses(raw)) if (!allowed.includes(from)) throw smtpErrors.fromHeaderNotAllowed(from);
    // RFC 6409 §8.2–8.3: a submission server may add a missing Date and Message-ID.
    const added: string[] = [];
    if (!hasHeader(raw, 'Date')) added.push(`Date: ${rfc5322Date(new Date(clock.now()))}`);
    if (!hasHeader(raw, 'Message-ID')) added.push(`Message-ID: ${newMessageId(config.hostname)}`);
    if (added.length) raw = prependHeaders(raw, added);
  }

  if (mode === 'mx') {
    // A blocked sender hiding behind another envelope address is still refused by its From.
    for (const from of fromHeaderAddresses(raw)) if (await blockedSender(services.db, from)) throw smtpErrors.senderBlocked(from);
  }

  const recipients = session.envelope.rcptTo.map((r) => r.address);
  // One id per message, not per connection: several messages may share a connection.
  const queueId = `${session.id}.${(session as unknown as { transaction?: number }).transaction ?? 1}`;
  const protocolName = `${session.transmissionType ?? 'ESMTP'}`;
  const helo = sanitizeHeaderValue(session.hostNameAppearsAs ?? 'unknown');
  const remote = sanitizeHeaderValue(session.remoteAddress ?? 'unknown');
  const forClause = recipients.length === 1 ? `\r\n\tfor <${sanitizeHeaderValue(recipients[0]!)}>` : '';
  const received_ = `Received: from ${helo} ([${remote}])\r\n\tby ${config.hostname} (govmail) with ${protocolName} id ${queueId}${forClause};\r\n\t${rfc5322Date(new Date(clock.now()))}`;
  raw = prependHeaders(raw, [received_]);

  const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
  const report = await services.delivery
    .deliver({
      envelopeFrom: mailFrom,
      recipients,
      raw,
      submittedBy: user ? { accountId: user.accountId, address: user.address } : null,
      remoteIp: session.remoteAddress ?? null,
      protocol: mode === 'mx' ? 'smtp-mx' : 'smtp-submission',
      helo: session.hostNameAppearsAs ?? null,
    })
    .catch((err: unknown) => {
      // Inbound checks (SPEC 4.2): DMARC p=reject → 550 5.7.1; scanner down under `tempfail` → 451.
      if (err instanceof InboundRefused) throw err.kind === 'reject' ? smtpErrors.inboundRejected(err.message) : smtpErrors.inboundTempfail();
      // Outbound content checks (SPEC 3.1–3.2): a block is a permanent refusal with its reason.
      if (err instanceof OutboundRefused) throw smtpErrors.contentRefused(err.message);
      throw err;
    });
  if (report.quarantined !== undefined) {
    // Accepted and held: the sender is not told (that would teach an attacker what passes).
    services.logger.warn({ mode, id: queueId, quarantine: report.quarantined }, 'message quarantined');
    return `2.6.0 Ok: queued as ${queueId}`;
  }
  if (report.heldForReview !== undefined) {
    services.logger.info({ mode, id: queueId, hold: report.heldForReview }, 'message held for review');
    return `2.6.0 Held for review as ${report.heldForReview} (邮件已提交审核，审核通过后发出)`;
  }
  services.logger.info({ mode, id: queueId, local: report.deliveredTo.length, queued: report.queuedFor.length, size: raw.length }, 'message accepted');
  return `2.6.0 Ok: queued as ${queueId}`;
}

export async function listenSmtp(mode: SmtpMode, listen: ListenerConfig, services: Services, tls: TlsMaterial): Promise<SmtpListener> {
  const server = createSmtpServer(mode, services, tls);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = (server as unknown as { server: { address(): { port: number } } }).server.address();
  return {
    mode,
    server,
    port: address.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

