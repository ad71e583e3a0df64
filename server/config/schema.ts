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
    })
    .prefault({}),

  /** Default mailbox quota for new accounts, bytes. Default 2 GiB. */
  defaultQuotaBytes: z.number().int().min(0).default(2 * 1024 * 1024 * 1024),

  /** Time zone for dates shown to people and in reports. Default Asia/Shanghai. */
  timeZone: z.string().default('Asia/Shanghai'),

  /** Log level for pino. Default info. */
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type GovmailConfig = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type ListenerConfig = z.infer<typeof listenerSchema>;
