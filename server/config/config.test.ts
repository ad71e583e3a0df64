import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/helpers/temp-services.js';
import { CONFIG_FILE_NAME, ConfigError, environmentOptions, loadConfig } from './load.js';

let dataDir: string;

beforeEach(() => {
  // Every test names its own data directory, so a govmail.config.json in ./data never leaks in.
  dataDir = makeTempDir('govmail-config-');
});

afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('defaults', () => {
  it('documented defaults apply when nothing is set', () => {
    const config = loadConfig({ overrides: { dataDir }, env: {} });
    expect(config.dataDir).toBe(path.resolve(dataDir));
    expect(config.domains).toEqual(['haining.gov.cn']);
    expect(config.hostname).toBe('mail.haining.gov.cn');
    expect(config.database).toEqual({ dialect: 'sqlite', sqliteFile: 'govmail.sqlite', busyTimeoutMs: 5000 });
    expect(config.smtp.mx).toEqual({ host: '127.0.0.1', port: 2525 });
    expect(config.smtp.submission.port).toBe(2587);
    expect(config.smtp.submissions.port).toBe(2465);
    expect(config.smtp.maxMessageBytes).toBe(50 * 1024 * 1024);
    expect(config.smtp.maxRecipients).toBe(500);
    expect(config.imap.plain.port).toBe(2143);
    expect(config.imap.tls.port).toBe(2993);
    expect(config.pop3.plain.port).toBe(2110);
    expect(config.pop3.tls.port).toBe(2995);
    expect(config.http.listen.port).toBe(8080);
    expect(config.http.secureCookies).toBe(false);
    expect(config.auth).toEqual({
      lockoutThreshold: 5,
      lockoutWindowMinutes: 15,
      lockoutBaseMinutes: 15,
      argon2MemoryKib: 19456,
      argon2Iterations: 2,
      newDeviceAlerts: true,
      passwordHistory: 5,
      passwordMaxAgeDays: 90,
      passwordMinClasses: 3,
      passwordMinLength: 12,
      passwordReminderDays: [14, 7, 1],
      resetLinkHours: 24,
    });
    expect(config.defaultQuotaBytes).toBe(2 * 1024 * 1024 * 1024);
    expect(config.timeZone).toBe('Asia/Shanghai');
    expect(config.logLevel).toBe('info');
  });

  it('a relative dataDir is resolved to an absolute path', () => {
    const config = loadConfig({ overrides: { dataDir: path.relative(process.cwd(), dataDir) }, env: {} });
    expect(config.dataDir).toBe(path.resolve(dataDir));
  });

  it('overriding one listener field keeps the other defaults of that listener', () => {
    const config = loadConfig({ overrides: { dataDir, smtp: { mx: { port: 25 } } }, env: {} });
    expect(config.smtp.mx).toEqual({ host: '127.0.0.1', port: 25 });
    expect(config.smtp.submission.port).toBe(2587);
  });
});

describe('environment variables', () => {
  it('every option has an upper-snake GOVMAIL_ name, and the names are unique', () => {
    const options = environmentOptions();
    const names = options.map((o) => o.env);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^GOVMAIL_[A-Z0-9_]+$/);
    expect(options).toContainEqual({ env: 'GOVMAIL_SMTP_MX_PORT', path: ['smtp', 'mx', 'port'], kind: 'number' });
    expect(options).toContainEqual({ env: 'GOVMAIL_SMTP_MAX_MESSAGE_BYTES', path: ['smtp', 'maxMessageBytes'], kind: 'number' });
    expect(options).toContainEqual({ env: 'GOVMAIL_DATA_DIR', path: ['dataDir'], kind: 'string' });
    expect(options).toContainEqual({ env: 'GOVMAIL_DOMAINS', path: ['domains'], kind: 'string[]' });
    expect(options).toContainEqual({ env: 'GOVMAIL_HTTP_SECURE_COOKIES', path: ['http', 'secureCookies'], kind: 'boolean' });
    expect(options).toContainEqual({ env: 'GOVMAIL_AUTH_ARGON2_MEMORY_KIB', path: ['auth', 'argon2MemoryKib'], kind: 'number' });
  });

  it('GOVMAIL_SMTP_MX_PORT sets smtp.mx.port and wins over overrides and the file', () => {
    writeFileSync(path.join(dataDir, CONFIG_FILE_NAME), JSON.stringify({ smtp: { mx: { port: 2600 } } }));
    const config = loadConfig({ overrides: { dataDir, smtp: { mx: { port: 2700 } } }, env: { GOVMAIL_SMTP_MX_PORT: '25' } });
    expect(config.smtp.mx.port).toBe(25);
    expect(config.smtp.mx.host).toBe('127.0.0.1');
  });

  it('numbers, booleans and strings are parsed by the option type', () => {
    const config = loadConfig({
      overrides: { dataDir },
      env: {
        GOVMAIL_SMTP_MAX_MESSAGE_BYTES: '1048576',
        GOVMAIL_HTTP_SECURE_COOKIES: 'yes',
        GOVMAIL_HOSTNAME: 'mx1.haining.gov.cn',
        GOVMAIL_LOG_LEVEL: 'warn',
        GOVMAIL_IMAP_TLS_HOST: '0.0.0.0',
      },
    });
    expect(config.smtp.maxMessageBytes).toBe(1048576);
    expect(config.http.secureCookies).toBe(true);
    expect(config.hostname).toBe('mx1.haining.gov.cn');
    expect(config.logLevel).toBe('warn');
    expect(config.imap.tls).toEqual({ host: '0.0.0.0', port: 2993 });
    expect(loadConfig({ overrides: { dataDir }, env: { GOVMAIL_HTTP_SECURE_COOKIES: 'off' } }).http.secureCookies).toBe(false);
  });

  it('setting only a listener host keeps that listener\'s default port', () => {
    const config = loadConfig({ overrides: { dataDir, smtp: { mx: { host: '0.0.0.0' } } }, env: { GOVMAIL_POP3_TLS_HOST: '0.0.0.0' } });
    expect(config.smtp.mx).toEqual({ host: '0.0.0.0', port: 2525 });
    expect(config.pop3.tls).toEqual({ host: '0.0.0.0', port: 2995 });
    expect(config.pop3.plain).toEqual({ host: '127.0.0.1', port: 2110 });
  });

  it('lists are comma-separated, trimmed, empty items dropped, domains lower-cased', () => {
    const config = loadConfig({ overrides: { dataDir }, env: { GOVMAIL_DOMAINS: ' Haining.gov.cn, hn.gov.cn,,' } });
    expect(config.domains).toEqual(['haining.gov.cn', 'hn.gov.cn']);
  });

  it('variables that are not options are ignored', () => {
    const config = loadConfig({ overrides: { dataDir }, env: { GOVMAIL_NO_SUCH_OPTION: 'x', PATH: '/bin' } });
    expect(config.smtp.mx.port).toBe(2525);
  });

  it('GOVMAIL_DATA_DIR decides where the config file is read from', () => {
    writeFileSync(path.join(dataDir, CONFIG_FILE_NAME), JSON.stringify({ hostname: 'from-env-dir.haining.gov.cn' }));
    const config = loadConfig({ env: { GOVMAIL_DATA_DIR: dataDir } });
    expect(config.dataDir).toBe(path.resolve(dataDir));
    expect(config.hostname).toBe('from-env-dir.haining.gov.cn');
  });
});

describe('bad values fail fast with a ConfigError naming the option and its variable', () => {
  it('a non-number in a number variable', () => {
    const err = configError(() => loadConfig({ overrides: { dataDir }, env: { GOVMAIL_SMTP_MX_PORT: 'twenty-five' } }));
    expect(err.message).toContain('GOVMAIL_SMTP_MX_PORT');
    expect(err.message).toContain('smtp.mx.port');
    expect(err.message).toContain('twenty-five');
  });

  it('an empty number variable is not silently 0', () => {
    const err = configError(() => loadConfig({ overrides: { dataDir }, env: { GOVMAIL_SMTP_MX_PORT: ' ' } }));
    expect(err.message).toContain('GOVMAIL_SMTP_MX_PORT');
  });

  it('a number out of range (port 70000)', () => {
    const err = configError(() => loadConfig({ overrides: { dataDir }, env: { GOVMAIL_SMTP_MX_PORT: '70000' } }));
    expect(err.message).toContain('smtp.mx.port');
    expect(err.message).toContain('GOVMAIL_SMTP_MX_PORT');
  });

  it('a non-integer where an integer is required', () => {
    const err = configError(() => loadConfig({ overrides: { dataDir }, env: { GOVMAIL_AUTH_LOCKOUT_THRESHOLD: '2.5' } }));
    expect(err.message).toContain('auth.lockoutThreshold');
    expect(err.message).toContain('GOVMAIL_AUTH_LOCKOUT_THRESHOLD');
  });

  it('a boolean that is neither true nor false', () => {
    const err = configError(() => loadConfig({ overrides: { dataDir }, env: { GOVMAIL_HTTP_SECURE_COOKIES: 'maybe' } }));
    expect(err.message).toContain('GOVMAIL_HTTP_SECURE_COOKIES');
    expect(err.message).toContain('http.secureCookies');
  });

  it('an enum value that is not allowed', () => {
    const err = configError(() => loadConfig({ overrides: { dataDir }, env: { GOVMAIL_LOG_LEVEL: 'verbose' } }));
    expect(err.message).toContain('logLevel');
    expect(err.message).toContain('GOVMAIL_LOG_LEVEL');
  });

  it('a bad value in the config file is named the same way', () => {
    writeFileSync(path.join(dataDir, CONFIG_FILE_NAME), JSON.stringify({ smtp: { maxMessageBytes: 10 } }));
    const err = configError(() => loadConfig({ overrides: { dataDir }, env: {} }));
    expect(err.message).toContain('smtp.maxMessageBytes');
    expect(err.message).toContain('GOVMAIL_SMTP_MAX_MESSAGE_BYTES');
  });

  it('an empty domain list is refused', () => {
    const err = configError(() => loadConfig({ overrides: { dataDir }, env: { GOVMAIL_DOMAINS: ',' } }));
    expect(err.message).toContain('GOVMAIL_DOMAINS');
  });

  it('postgres without a URL is refused', () => {
    const err = configError(() => loadConfig({ overrides: { dataDir }, env: { GOVMAIL_DATABASE_DIALECT: 'postgres' } }));
    expect(err.message).toContain('GOVMAIL_DATABASE_POSTGRES_URL');
  });
});

describe('config file', () => {
  it('govmail.config.json in dataDir is read; overrides beat it; defaults fill the rest', () => {
    writeFileSync(
      path.join(dataDir, CONFIG_FILE_NAME),
      JSON.stringify({ hostname: 'mx.haining.gov.cn', domains: ['haining.gov.cn', 'hn.gov.cn'], smtp: { maxRecipients: 100, mx: { port: 2600 } }, auth: { lockoutThreshold: 3 } }),
    );
    const config = loadConfig({ overrides: { dataDir, auth: { lockoutThreshold: 4 } }, env: {} });
    expect(config.hostname).toBe('mx.haining.gov.cn');
    expect(config.domains).toEqual(['haining.gov.cn', 'hn.gov.cn']);
    expect(config.smtp.maxRecipients).toBe(100);
    expect(config.smtp.mx.port).toBe(2600);
    expect(config.smtp.submission.port).toBe(2587);
    expect(config.auth.lockoutThreshold).toBe(4);
    expect(config.auth.lockoutWindowMinutes).toBe(15);
  });

  it('no file in dataDir is fine', () => {
    expect(() => loadConfig({ overrides: { dataDir }, env: {} })).not.toThrow();
  });

  it('a file that is not JSON is a ConfigError naming the file', () => {
    const file = path.join(dataDir, CONFIG_FILE_NAME);
    writeFileSync(file, '{ hostname: ');
    const err = configError(() => loadConfig({ overrides: { dataDir }, env: {} }));
    expect(err.message).toContain(file);
  });

  it('an explicit file that does not exist is a ConfigError', () => {
    const file = path.join(dataDir, 'missing.json');
    const err = configError(() => loadConfig({ file, overrides: { dataDir }, env: {} }));
    expect(err.message).toContain(file);
  });

  it('an explicit file is read instead of the one in dataDir', () => {
    writeFileSync(path.join(dataDir, CONFIG_FILE_NAME), JSON.stringify({ hostname: 'ignored.haining.gov.cn' }));
    const file = path.join(dataDir, 'other.json');
    writeFileSync(file, JSON.stringify({ hostname: 'explicit.haining.gov.cn' }));
    expect(loadConfig({ file, overrides: { dataDir }, env: {} }).hostname).toBe('explicit.haining.gov.cn');
  });
});
