/**
 * The one place where everything is wired: configuration → services → listeners.
 * `startGovmail` is what `govmail serve` runs and what tests start (on port 0).
 */
import type { GovmailConfig } from './config/schema.js';
import type { Clock } from './platform/clock.js';
import type { Logger } from './platform/logger.js';
import type { MailDnsResolver } from './delivery/outbound/queue-sender.js';
import { loadOrCreateTls, type TlsMaterial } from './platform/tls.js';
import { createServices, type Services } from './services.js';
import type { DnsResolver } from './delivery/inbound/authentication.js';
import { catchUpSearchIndex } from './mail/search/search-index.js';
import { listenSmtp, type SmtpListener } from './smtp/smtp-listener.js';
import { listenHttp } from './http/listen.js';
import { listenImap } from './imap/server.js';
import { listenPop3 } from './pop3/pop3-server.js';
import { startPurgeJob } from './governance/accounts/deactivation.js';
import { AccountStateWatch } from './governance/accounts/state-watch.js';

export interface RunningGovmail {
  services: Services;
  tls: TlsMaterial;
  smtp: Record<SmtpListener['mode'], SmtpListener>;
  /** The ports actually bound (differ from the configuration when it asked for port 0). */
  ports: { smtp: number; submission: number; submissions: number; http?: number; imap?: number; imaps?: number; pop3?: number; pop3s?: number };
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  clock?: Clock;
  /** DNS for the outbound queue sender (tests resolve MX records to a local sink). */
  mailDns?: MailDnsResolver;
  /** DNS for SPF/DKIM/DMARC of inbound mail (tests answer from a fake zone). */
  authDns?: DnsResolver;
}

/** How often blob files no row references (a crash between fsync and commit) are removed. */
const ORPHAN_SWEEP_INTERVAL_MS = 6 * 60 * 60_000;

/** First sweep a minute after start (not in the way of startup), then every few hours. */
function scheduleOrphanSweep(services: Services): () => Promise<void> {
  const sweep = () => {
    const isReferenced = async (hash: string) => Boolean(await services.db.selectFrom('blobs').select('hash').where('hash', '=', hash).executeTakeFirst());
    services.blobs.sweepOrphans(isReferenced).then(
      (removed) => removed > 0 && services.logger.info({ removed }, 'orphan blob files removed'),
      (err: unknown) => services.logger.error({ err }, 'orphan blob sweep failed'),
    );
  };
  const first = setTimeout(sweep, 60_000).unref();
  const every = setInterval(sweep, ORPHAN_SWEEP_INTERVAL_MS).unref();
  return async () => {
    clearTimeout(first);
    clearInterval(every);
  };
}

export async function startGovmail(config: GovmailConfig, options: StartOptions = {}): Promise<RunningGovmail> {
  const services = await createServices(config, options);
  const tls = await loadOrCreateTls({ dataDir: config.dataDir, hostname: config.hostname, certFile: config.tls.certFile, keyFile: config.tls.keyFile });
  const stoppers: (() => Promise<void>)[] = [];
  // Mail stored before the search index existed (or by an older tokeniser) is indexed now.
  const indexed = await catchUpSearchIndex(services.db, services.blobs);
  if (indexed > 0) services.logger.info({ indexed }, 'search index caught up');
  try {
    const mx = await listenSmtp('mx', config.smtp.mx, services, tls);
    stoppers.push(mx.close);
    const submission = await listenSmtp('submission', config.smtp.submission, services, tls);
    stoppers.push(submission.close);
    const submissions = await listenSmtp('submissions', config.smtp.submissions, services, tls);
    stoppers.push(submissions.close);
    const imap = await listenImap(services, tls, config.imap.plain, { implicitTls: false });
    stoppers.push(imap.close);
    const imaps = await listenImap(services, tls, config.imap.tls, { implicitTls: true, shared: imap.shared });
    stoppers.push(imaps.close);
    const pop3 = await listenPop3(services, tls, config.pop3.plain, { implicitTls: false });
    stoppers.push(pop3.close);
    const pop3s = await listenPop3(services, tls, config.pop3.tls, { implicitTls: true });
    stoppers.push(pop3s.close);
    const http = await listenHttp(services);
    stoppers.push(http.close);
    stoppers.push(scheduleOrphanSweep(services));
    // The outbound queue sender (several nodes may run it: rows are claimed with a lease).
    if (config.outbound.senderEnabled) {
      services.outboundSender.start();
      stoppers.push(() => services.outboundSender.stop());
    }
    // SPEC Art. 3.6: deactivated accounts past their retention are purged (clock injectable).
    const stopPurge = startPurgeJob(services.deactivation, config.deactivation.purgeIntervalMinutes * 60_000, (err) => services.logger.error({ err }, 'purge job failed'));
    stoppers.push(async () => stopPurge());
    // Accounts disabled by another process (the CLI): their open IMAP/POP3 sessions end too.
    const stopWatch = new AccountStateWatch(services.db, services.feed, services.clock).start(config.accountStateWatchSeconds * 1000, (err) => services.logger.error({ err }, 'account state watch failed'));
    stoppers.push(async () => stopWatch());
    // SPEC Art. 4.1: password expiry reminders (14, 7, 1 days before), checked hourly.
    const remind = () => void services.passwordReminders.run().catch((err: unknown) => services.logger.error({ err }, 'password reminders failed'));
    const reminderTimer = setInterval(remind, 60 * 60_000).unref();
    remind();
    stoppers.push(async () => clearInterval(reminderTimer));

    const running: RunningGovmail = {
      services,
      tls,
      smtp: { mx, submission, submissions },
      ports: { smtp: mx.port, submission: submission.port, submissions: submissions.port, http: http.port, imap: imap.port, imaps: imaps.port, pop3: pop3.port, pop3s: pop3s.port },
      async stop() {
        for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
        await services.close();
      },
    };
    return running;
  } catch (err) {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
    await services.close();
    throw err;
  }
}
