/**
 * `govmail user disable` runs as a process of its own: its `account-disabled` change reaches only
 * its own in-process feed. The server's AccountStateWatch (governance/accounts/state-watch.ts)
 * sees the row change and ends the person's open IMAP (IDLE) and POP3 sessions there too; others
 * stay. Here a second set of services over the same data directory plays the CLI process (own
 * database connection, own change feed), which is exactly what `govmail user disable` opens.
 */
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config/load.js';
import { createServices } from '../../server/services.js';
import { Pop3Wire } from '../pop3/pop3-wire.js';
import { SEED_PASSWORD, startTestGovmail, type TestGovmail } from '../helpers/start-govmail.js';

let gm: TestGovmail;

beforeAll(async () => {
  gm = await startTestGovmail({
    people: [
      { address: 'zhangwei@haining.gov.cn', displayName: '张伟' },
      { address: 'zhoumin@haining.gov.cn', displayName: '周敏' },
    ],
    overrides: { accountStateWatchSeconds: 1 },
  });
});
afterAll(async () => {
  await gm?.stop();
});

async function imapIdle(user: string): Promise<{ client: ImapFlow; closed: Promise<void> }> {
  const client = new ImapFlow({ host: '127.0.0.1', port: gm.ports.imaps!, secure: true, tls: { rejectUnauthorized: false }, auth: { user, pass: SEED_PASSWORD }, logger: false });
  client.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => client.on('close', () => resolve()));
  await client.connect();
  await client.mailboxOpen('INBOX');
  return { client, closed };
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), ms))]);
}

describe('an account disabled by another process', () => {
  it('its open IMAP and POP3 sessions on the running server end; another person’s stay', async () => {
    const person = await imapIdle('zhangwei@haining.gov.cn');
    const other = await imapIdle('zhoumin@haining.gov.cn');
    const pop = await Pop3Wire.connect(gm.ports.pop3s!, { implicitTls: true });
    expect(await pop.readLine()).toMatch(/^\+OK/);
    expect(await pop.command('USER zhangwei@haining.gov.cn')).toMatch(/^\+OK/);
    expect(await pop.command(`PASS ${SEED_PASSWORD}`)).toMatch(/^\+OK/);

    const cli = await createServices(loadConfig({ overrides: { dataDir: gm.dataDir, logLevel: 'silent' }, env: {} }));
    try {
      await cli.directory.disableAccount('zhangwei@haining.gov.cn', '调离海宁市', { address: 'cli', via: 'cli' });
    } finally {
      await cli.close();
    }

    await within(person.closed, 8_000, 'IMAP connection closed');
    await pop.waitClosed(8_000);
    expect(pop.closed).toBe(true);
    expect(other.client.usable).toBe(true);
    await other.client.logout();
  }, 30_000);
});
