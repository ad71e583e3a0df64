/**
 * The services of one govmail node, built from a configuration: database, blob store, change
 * feed, mail store, authentication, audit, directory and delivery. Protocol listeners and the
 * HTTP app receive this object; nothing else constructs services.
 */
import path from 'node:path';
import type { GovmailConfig } from './config/schema.js';
import { systemClock, type Clock } from './platform/clock.js';
import { createLogger, type Logger } from './platform/logger.js';
import { openDatabase, type Db } from './storage/connect.js';
import { keyringFromConfig } from './storage/blob-keyring.js';
import { idHmacKeys } from './storage/server-secrets.js';
import { IdCardHasher } from './governance/accounts/id-card-hash.js';
import { BlobStore } from './storage/blob-store.js';
import { InProcessChangeFeed, type ChangeFeed } from './mail/change-feed.js';
import { MailStore } from './mail/mail-store.js';
import { AuditLog } from './governance/audit/audit-log.js';
import { AuthService } from './auth/auth-service.js';
import { DirectoryService } from './governance/directory/directory-service.js';
import { DeliveryService } from './delivery/delivery-service.js';
import { DkimSigner } from './delivery/outbound/dkim.js';
import { OutboundSender, type MailDnsResolver } from './delivery/outbound/queue-sender.js';
import { AccountLifecycle } from './governance/accounts/lifecycle.js';
import { ApplicationDocuments } from './governance/accounts/application-documents.js';
import { OnboardingService } from './governance/accounts/onboarding-service.js';
import { AccountAdministration } from './governance/accounts/administration.js';
import { DeactivationService } from './governance/accounts/deactivation.js';
import { MailboxExporter } from './governance/accounts/mailbox-export.js';
import { IncidentService } from './governance/incidents/incident-service.js';
import { IncidentResponse } from './governance/incidents/response-actions.js';
import { mailNotices } from './governance/accounts/deactivation-notices.js';
import { InboundPipeline } from './delivery/inbound/pipeline.js';
import type { DnsResolver } from './delivery/inbound/authentication.js';
import type { Quarantine } from './delivery/inbound/quarantine.js';
import { PasswordExpiryReminders } from './auth/password-expiry.js';
import { newDeviceAlert } from './auth/credential-notices.js';
import { PasswordResets } from './governance/accounts/password-reset.js';
import { PasswordPolicySettings } from './governance/security/password-policy.js';

export interface Services {
  config: GovmailConfig;
  logger: Logger;
  clock: Clock;
  db: Db;
  blobs: BlobStore;
  feed: ChangeFeed;
  mail: MailStore;
  audit: AuditLog;
  auth: AuthService;
  directory: DirectoryService;
  delivery: DeliveryService;
  /** DKIM keys and signing (issue 6). */
  dkim: DkimSigner;
  /** Drains the outbound queue; main.ts starts it when `outbound.senderEnabled`. */
  outboundSender: OutboundSender;
  /** Account life-cycle transitions (SPEC Art. 2, 3.6): the only writer of accounts.state. */
  lifecycle: AccountLifecycle;
  /** Applications, review, allocation, activation links and activation (SPEC Art. 2). */
  onboarding: OnboardingService;
  /** Lock/unlock, suspend/resume, transfer, quota (SPEC Art. 2, 3.6). */
  administration: AccountAdministration;
  /** Deactivation with its handover checklist, and the purge after retention (SPEC Art. 3.6). */
  deactivation: DeactivationService;
  /** Security incidents (SPEC Art. 4.3) and the response actions run from them. */
  incidents: IncidentService;
  incidentResponse: IncidentResponse;
  /** Held inbound mail (SPEC 4.2): list, release, delete. */
  quarantine: Quarantine;
  /** Password expiry reminder mails (SPEC Art. 4.1); main.ts runs it periodically. */
  passwordReminders: PasswordExpiryReminders;
  /** Administrator reset by one-time link (SPEC Art. 4.1): issue, check, consume. */
  passwordResets: PasswordResets;
  /** The console's 密码策略 (settings row over the config defaults). */
  passwordPolicy: PasswordPolicySettings;
  close(): Promise<void>;
}

export async function createServices(config: GovmailConfig, options: { logger?: Logger; clock?: Clock; mailDns?: MailDnsResolver; authDns?: DnsResolver } = {}): Promise<Services> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const db = await openDatabase(config);
  const keyring = keyringFromConfig(config.blobEncryption, config.dataDir);
  const blobs = new BlobStore(path.join(config.dataDir, 'blobs'), keyring);
  const feed = new InProcessChangeFeed();
  const mail = new MailStore(db, blobs, feed, clock);
  const audit = new AuditLog(db, clock);
  const auth = new AuthService(db, audit, clock, config.auth);
  const lifecycle = new AccountLifecycle(db, audit, clock);
  const directory = new DirectoryService(db, mail, auth, audit, clock, { domains: config.domains, defaultQuotaBytes: config.defaultQuotaBytes }, lifecycle, feed);
  const delivery = new DeliveryService(db, mail, audit, clock, config.domains, config.outbound);
  const inbound = new InboundPipeline(config.inbound, {
    localDomains: config.domains,
    hostname: config.hostname,
    resolver: options.authDns,
    isDirectoryName: async (name) =>
      Boolean(
        (await db.selectFrom('accounts').select('id').where('display_name', '=', name).where('state', '!=', 'purged').limit(1).executeTakeFirst()) ??
          (await db.selectFrom('units').select('id').where('name', '=', name).limit(1).executeTakeFirst()),
      ),
    seenDomain: async (domain) => Boolean(await db.selectFrom('inbound_results').select('blob_hash').where('sender_domain', '=', domain).limit(1).executeTakeFirst()),
  });
  if (config.inbound.enabled && !inbound.antivirusEnabled) logger.warn('inbound.clamd is not configured: mail from other domains is NOT scanned for viruses (set inbound.clamd.socket)');
  const quarantine = delivery.enableInbound(config.inbound.enabled ? inbound : null, config.hostname);
  const idKeys = idHmacKeys(config.idHmac, config.dataDir, keyring);
  const onboarding = new OnboardingService(db, directory, auth, lifecycle, audit, delivery, new ApplicationDocuments(path.join(config.dataDir, 'applications')), clock, config, new IdCardHasher(idKeys.current, idKeys.older));
  const dkim = new DkimSigner(db, clock, keyring);
  const outboundSender = new OutboundSender({ db, mail, delivery, clock, logger: logger.child({ component: 'outbound' }), config, dkim, ...(options.mailDns ? { resolver: options.mailDns } : {}) });
  const administration = new AccountAdministration(db, lifecycle, audit, clock, feed);
  const exporter = new MailboxExporter(db, blobs, clock, path.join(config.dataDir, 'exports'));
  const deactivation = new DeactivationService(db, lifecycle, audit, mail, exporter, clock, { ...config.deactivation, applicationsDir: path.join(config.dataDir, 'applications') }, feed, mailNotices(delivery, (unitId) => onboarding.unitAdmins(unitId), config.domains[0]!));
  const incidents = new IncidentService(db, mail, audit, clock, logger.child({ component: 'incidents' }), {
    sla: config.incidents.slaMinutes,
    noticeFrom: config.incidents.noticeFrom ?? `security@${config.domains[0]}`,
  });
  const passwordResets = new PasswordResets(db, auth, audit, mail, feed, clock, {
    resetLinkHours: config.auth.resetLinkHours,
    publicUrl: config.onboarding.publicUrl ?? `https://${config.hostname}`,
    noticeFrom: `postmaster@${config.domains[0]}`,
  });
  const passwordPolicy = new PasswordPolicySettings(db, auth, audit);
  const incidentResponse = new IncidentResponse(db, mail, clock, incidents, administration, passwordResets);
  // SPEC Art. 4.1 (credentials): expiry reminders, and the alert on a sign-in from a new device.
  const passwordReminders = new PasswordExpiryReminders(db, auth, delivery, clock, config.domains[0]!);
  auth.onNewDevice = newDeviceAlert(delivery, config.domains[0]!);
  return {
    config,
    logger,
    clock,
    db,
    blobs,
    feed,
    mail,
    audit,
    auth,
    directory,
    delivery,
    dkim,
    outboundSender,
    lifecycle,
    onboarding,
    administration,
    deactivation,
    incidents,
    incidentResponse,
    quarantine,
    passwordReminders,
    passwordResets,
    passwordPolicy,
    close: () => db.destroy(),
  };
}
