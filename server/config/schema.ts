/**
 * The one configuration schema of govmail. Every option is documented where it is declared,
 * with its default and, where it matters, its risk. Values come from a JSON file
 * (`govmail.config.json` in the data directory, or `--config FILE`) and are overridden by
 * `GOVMAIL_*` environment variables (see load.ts for the naming rule).
 */
import { z } from 'zod';

const port = z.number().int().min(0).max(65535);

export const listenerSchema = z.object({
  /** Address to bind. Default 127.0.0.1 in development; production binds 0.0.0.0 behind a firewall. */
  host: z.string().min(1).default('127.0.0.1'),
  /** TCP port. 0 lets the OS choose (used by tests). */
  port,
});

/**
 * A listener with its own default port. The port default sits on the field (not only on the
 * whole object), so setting just the host (`GOVMAIL_IMAP_TLS_HOST=0.0.0.0`) keeps the port.
 */
const listener = (defaultPort: number) => listenerSchema.extend({ port: port.default(defaultPort) }).prefault({});

export const configSchema = z.object({
  /** Data directory: database, blob store, TLS material. Default `./data`. */
  dataDir: z.string().min(1).default('./data'),

  /** Mail domains this server is the final destination for. The first is the primary one. */
  domains: z.array(z.string().min(1).toLowerCase()).min(1).default(['haining.gov.cn']),

  /** Host name announced in SMTP greetings and Received headers. */
  hostname: z.string().min(1).default('mail.haining.gov.cn'),

  database: z
    .object({
      /**
       * `sqlite` (embedded, default: one machine) or `postgres` (several stateless nodes).
       * Only sqlite is implemented in this release; postgres is validated but refused at start.
       */
      dialect: z.enum(['sqlite', 'postgres']).default('sqlite'),
      /** SQLite file, relative to dataDir. Default `govmail.sqlite`. */
      sqliteFile: z.string().min(1).default('govmail.sqlite'),
      /** PostgreSQL connection string, required when dialect is postgres. */
      postgresUrl: z.string().optional(),
      /** Milliseconds a writer waits for the SQLite lock before failing. Default 5000. */
      busyTimeoutMs: z.number().int().min(0).default(5000),
    })
    .prefault({}),

  tls: z
    .object({
      /** PEM certificate chain. When both cert and key are empty a self-signed pair is generated into dataDir/tls. */
      certFile: z.string().optional(),
      /** PEM private key. */
      keyFile: z.string().optional(),
    })
    .prefault({}),

  smtp: z
    .object({
      /** MX listener: mail from other servers to local domains. Production: 25. Default 2525. */
      mx: listener(2525),
      /** Submission with STARTTLS (RFC 6409). Production: 587. Default 2587. */
      submission: listener(2587),
      /** Submission over implicit TLS (RFC 8314). Production: 465. Default 2465. */
      submissions: listener(2465),
      /**
       * Largest message accepted, in bytes. Default 50 MiB. Larger values let one sender fill
       * the disk faster; the webmail and IMAP APPEND use the same limit.
       */
      maxMessageBytes: z.number().int().min(1024).default(50 * 1024 * 1024),
      /** Recipients per message. Default 500 (a whole bureau plus lists). */
      maxRecipients: z.number().int().min(1).default(500),
      /** Concurrent SMTP connections from one IP. Default 50. */
      maxConnectionsPerIp: z.number().int().min(1).default(50),
    })
    .prefault({}),

  imap: z
    .object({
      /** IMAP with STARTTLS. Production: 143. Default 2143. */
      plain: listener(2143),
      /** IMAP over implicit TLS. Production: 993. Default 2993. */
      tls: listener(2993),
    })
    .prefault({}),

  pop3: z
    .object({
      /** POP3 with STLS. Production: 110. Default 2110. */
      plain: listener(2110),
      /** POP3 over implicit TLS. Production: 995. Default 2995. */
      tls: listener(2995),
    })
    .prefault({}),

  http: z
    .object({
      /** Webmail, console and API. Default 8080; production sits behind a TLS reverse proxy or sets tls. */
      listen: listener(8080),
      /**
       * Mark cookies Secure. Default false on the development port (plain HTTP on loopback);
       * must be true in production, where browsers reach govmail over HTTPS.
       */
      secureCookies: z.boolean().default(false),
      /** Idle minutes after which a web session ends. Default 30. */
      sessionIdleMinutes: z.number().int().min(1).default(30),
      /** Directory with the built web app. Default `dist/web` next to the code. */
      webRoot: z.string().optional(),
    })
    .prefault({}),

  auth: z
    .object({
      /** Failed logins within the window that lock an account. Default 5 (SPEC Art. 4.1). */
      lockoutThreshold: z.number().int().min(1).default(5),
      /** Window for counting failures, minutes. Default 15. */
      lockoutWindowMinutes: z.number().int().min(1).default(15),
      /** First lockout length, minutes; each further lockout doubles it up to 24 h. Default 15. */
      lockoutBaseMinutes: z.number().int().min(1).default(15),
      /** argon2id memory cost in KiB. Default 19456 (OWASP minimum); tests may lower it. */
      argon2MemoryKib: z.number().int().min(1024).default(19456),
      /** argon2id iterations. Default 2. */
      argon2Iterations: z.number().int().min(1).default(2),
      /** Minimum password length (SPEC Art. 4.1). Default 12. */
      passwordMinLength: z.number().int().min(8).max(128).default(12),
      /** Character classes (lower, upper, digit, symbol) a password needs. Default 3 (等保 2.0). */
      passwordMinClasses: z.number().int().min(1).max(4).default(3),
      /** Recent passwords (the current one included) that may not be reused. Default 5. */
      passwordHistory: z.number().int().min(0).max(24).default(5),
      /** Days a password stays valid; 0 = never expires. Default 90 (the regulation's regular change). */
      passwordMaxAgeDays: z.number().int().min(0).default(90),
      /** Days before expiry a reminder mail goes out (each once). Default 14, 7 and 1. */
      passwordReminderDays: z.array(z.number().int().min(1)).default([14, 7, 1]),
      /** Hours an administrator's password reset link stays valid. Default 24. */
      resetLinkHours: z.number().int().min(1).default(24),
      /** Mail the person when they sign in from a new IP + client pair. Default true. */
      newDeviceAlerts: z.boolean().default(true),
    })
    .prefault({}),

  /** Mail sent by our users: content rules (SPEC 3.1, 3.2), DKIM, and the queue sender that delivers to other domains. */
  outbound: z
    .object({
      /**
       * External domains that automatically forwarded mail may go to (SPEC 3.1: off unless the
       * department allows a domain). A domain also allows its subdomains. Default none.
       */
      autoForwardAllowedDomains: z.array(z.string().min(1).toLowerCase()).default([]),
      /** What a found resident ID-card number (valid GB 11643 check digit) does: off, warn, hold or block. Default warn. */
      idCards: z.enum(['off', 'warn', 'hold', 'block']).default('warn'),
      /** What mainland mobile numbers do. Default warn. */
      mobiles: z.enum(['off', 'warn', 'hold', 'block']).default('warn'),
      /**
       * Distinct mobile numbers in one message before the mobile rule fires. Default 3: a list
       * of people's numbers is personal data; the one number in a signature is not worth a warning.
       */
      mobilesMinCount: z.number().int().min(1).default(3),
      /** The pointer to the classified (机要) channel shown when classified content is blocked. */
      classifiedChannel: z.string().min(1).default('涉密信息请通过机要渠道（机要交通或涉密网络）传递，如有疑问请联系本单位保密员'),
      /** DKIM selector used when `govmail dkim generate` is given none. Default `govmail`. */
      dkimSelector: z.string().regex(/^[a-z0-9][a-z0-9-]*$/).default('govmail'),
      /** Run the queue sender on this node. Default true; tests and CLI-only processes turn it off. */
      senderEnabled: z.boolean().default(true),
      /**
       * Send everything through this relay instead of looking up MX records (e.g. the city's
       * gateway). Default none (direct delivery by MX).
       */
      smartHost: z
        .object({
          host: z.string().min(1),
          port: port.default(25),
          /** Implicit TLS (port 465). Default false: STARTTLS when offered. */
          secure: z.boolean().default(false),
          user: z.string().optional(),
          password: z.string().optional(),
        })
        .optional(),
      /** Port of remote MX hosts. Default 25 (tests point it at a local sink). */
      remotePort: port.default(25),
      /**
       * Require a valid certificate when a remote server offers STARTTLS. Default false:
       * opportunistic TLS (RFC 7435), as most MTAs do, so a self-signed peer still gets encrypted mail.
       */
      tlsRejectUnauthorized: z.boolean().default(false),
      /** Refuse to send in clear when the peer offers no STARTTLS. Default false (opportunistic). */
      requireTls: z.boolean().default(false),
      /**
       * Minutes to wait after each failed attempt; the last value repeats. Default 5, 10, 30 min,
       * 1 h, 2 h, 4 h, then every 8 h — roughly exponential, as RFC 5321 §4.5.4.1 suggests.
       */
      retryScheduleMinutes: z.array(z.number().int().min(1)).min(1).default([5, 10, 30, 60, 120, 240, 480]),
      /** Hours after which an undelivered message is given up and bounced. Default 120 (5 days). */
      maxAgeHours: z.number().min(1).default(120),
      /** Hours after which the sender is told once that delivery is delayed. Default 4. */
      delayNoticeHours: z.number().min(0.1).default(4),
      /** Hours a sent, failed or cancelled row stays listed in the console before it is removed. Default 168 (7 days). */
      finishedRetentionHours: z.number().min(0).default(168),
      /**
       * Seconds a node holds a claimed row; after that another node may retry it. Renewed before
       * each host is tried. Default 900: longer than one SMTP transaction may take (the 10-minute
       * DATA timeout of RFC 5321 §4.5.3.2), so a slow send is not taken over and sent twice.
       */
      leaseSeconds: z.number().int().min(10).default(900),
      /** Milliseconds between looks at the queue. Default 5000. */
      pollIntervalMs: z.number().int().min(50).default(5000),
      /** Connection and greeting timeout for remote servers, ms. Default 30000. */
      connectTimeoutMs: z.number().int().min(100).default(30_000),
    })
    .prefault({}),

  /** Mail arriving at the MX from other domains (SPEC Art. 4.2; NAME=inbound): authentication, anti-virus, attachments, phishing. */
  inbound: z
    .object({
      /**
       * Run the inbound checks on mail arriving at the MX. Default true; the protocol tests of
       * IMAP/POP3 turn it off (they compare stored bytes with what was sent).
       */
      enabled: z.boolean().default(true),
      /** Check SPF, DKIM, DMARC and ARC (mailauth) and honour DMARC reject/quarantine. Default true. */
      authentication: z.boolean().default(true),
      /** Sum of phishing rule scores at which a message is quarantined (below it, above 0: delivered with a warning). Default 6. */
      phishingThreshold: z.number().min(1).default(6),
      /**
       * clamd to scan every message with (INSTREAM): `socket` (LocalSocket path) or `host`+`port`
       * (TCP). Default none: anti-virus scanning is OFF and the server logs a warning at start;
       * production must set it (Debian: socket `/run/clamav/clamd.ctl`).
       */
      clamd: z
        .object({
          socket: z.string().min(1).optional(),
          host: z.string().min(1).optional(),
          port: port.optional(),
          /** Timeout of one scan, ms. Default 30000. */
          timeoutMs: z.number().int().min(100).default(30_000),
          /** Largest message sent to clamd, bytes (larger ones are treated as not scanned). Default 50 MiB. */
          maxBytes: z.number().int().min(1024).default(50 * 1024 * 1024),
        })
        .optional(),
      /**
       * What happens when clamd cannot scan (unreachable, timeout, error): `hold` — quarantine
       * and alert the security officer (default; never silently pass); `tempfail` — answer 451
       * so the sender retries later.
       */
      scanFailure: z.enum(['hold', 'tempfail']).default('hold'),
    })
    .prefault({}),

  /** Account applications and activation (SPEC Art. 2; NAME=onboarding). */
  onboarding: z
    .object({
      /** Days an activation link stays valid. Default 7 (SPEC Art. 2.3). */
      activationLinkDays: z.number().int().min(1).max(90).default(7),
      /**
       * Base URL people open activation links at, e.g. `https://mail.haining.gov.cn`. Default:
       * `https://<hostname>`. The console also shows the link's path, which works on any host.
       */
      publicUrl: z.string().url().optional(),
      /** Largest work-ID / unit-certificate scan accepted with an application, bytes. Default 5 MiB. */
      maxDocumentBytes: z.number().int().min(1024).default(5 * 1024 * 1024),
      /** Applications one network address may file per hour. Default 10. */
      applicationsPerHour: z.number().int().min(1).default(10),
    })
    .prefault({}),

  incidents: z
    .object({
      /**
       * Response time allowed in each incident state, minutes (SPEC Art. 4.3 timers): past it the
       * console shows the incident as overdue. Defaults: reported 60 (triage within the hour),
       * triaged 240 (contain within four hours), contained 1440 (resolve within a day),
       * resolved 10080 (the after-action review within a week). `reviewed` is final: no timer.
       */
      slaMinutes: z
        .object({
          reported: z.number().int().min(1).default(60),
          triaged: z.number().int().min(1).default(240),
          contained: z.number().int().min(1).default(1440),
          resolved: z.number().int().min(1).default(10080),
        })
        .prefault({}),
      /** Sender of the verdict notices reporters receive. Default `security@<first domain>`. */
      noticeFrom: z.string().optional(),
    })
    .prefault({}),

  /** Default mailbox quota for new accounts, bytes. Default 2 GiB. */
  defaultQuotaBytes: z.number().int().min(0).default(2 * 1024 * 1024 * 1024),

  /** Time zone for dates shown to people and in reports. Default Asia/Shanghai. */
  timeZone: z.string().default('Asia/Shanghai'),

  /** Log level for pino. Default info. */
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  /** Deactivating accounts (SPEC Art. 3.6; NAME=deactivation). */
  deactivation: z
    .object({
      /**
       * Default handover window, days: after the account is disabled, mail to its address goes
       * to the successor for this long (the console may set another per deactivation). Default 90.
       */
      handoverDays: z.number().int().min(1).max(3650).default(90),
      /**
       * Days a deactivated account is kept before the purge job deletes its mail and credentials.
       * Default 180 (the Cybersecurity Law's six months). Risk: shorter loses evidence.
       */
      retentionDays: z.number().int().min(1).max(36500).default(180),
      /** How often the purge job looks for accounts past their retention, minutes. Default 60. */
      purgeIntervalMinutes: z.number().int().min(1).default(60),
    })
    .prefault({}),

  /** Encryption at rest of the blob store with SM4-CTR + HMAC-SM3 (issue 6; NAME=crypto). */
  blobEncryption: z
    .object({
      /**
       * Keyring file (JSON, mode 0600) OUTSIDE the data directory; created by
       * `govmail keys init --file <path>`. Default empty: blobs stored in plaintext.
       */
      keyFile: z.string().default(''),
      /** The keyring JSON itself, as an environment secret (GOVMAIL_BLOB_ENCRYPTION_KEYRING); wins over keyFile. Default empty. */
      keyring: z.string().default(''),
    })
    .prefault({}),

  /**
   * The secret of the ID-card keyed hash (HMAC-SM3; NAME=hardening). Default: both empty — derived
   * from the blob keyring when `blobEncryption` is configured, otherwise a random key generated in
   * `<dataDir>/secrets/id-hmac.key` (mode 0600). See storage/server-secrets.ts.
   */
  idHmac: z
    .object({
      /** 64 hex digits, as an environment secret (GOVMAIL_ID_HMAC_KEY); wins over keyFile. Default empty. */
      key: z.string().default(''),
      /** A file holding 64 hex digits, created (0600) when missing (GOVMAIL_ID_HMAC_KEY_FILE). Default empty. */
      keyFile: z.string().default(''),
    })
    .prefault({}),

  /**
   * How often the server looks for accounts disabled by another process (`govmail user disable`)
   * to end their open IMAP/POP3 sessions, seconds (governance/accounts/state-watch.ts; NAME=hardening).
   * Default 15.
   */
  accountStateWatchSeconds: z.number().int().min(1).max(3600).default(15),
});

export type GovmailConfig = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type ListenerConfig = z.infer<typeof listenerSchema>;
