/**
 * An administrator locks, suspends or deactivates an account: the person's open IMAP (in IDLE)
 * and POP3 sessions end at once (an `account-disabled` change on the feed; IMAP says BYE), and a
 * new login is refused with the reason (SPEC Art. 3.6, the brief's "their sessions end").
 */
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminActor } from '../../server/governance/accounts/administration.js';
import { unitTreeFrom } from '../../server/governance/policy.js';
import { Pop3Wire } from '../pop3/pop3-wire.js';
import { SEED_PASSWORD, startTestGovmail, type TestGovmail } from '../helpers/start-govmail.js';

let gm: TestGovmail;

beforeAll(async () => {
  gm = await startTestGovmail({
    people: [
      { address: 'admin@haining.gov.cn', displayName: '管理员', roles: ['dept_admin'] },
      { address: 'zhangwei@haining.gov.cn', displayName: '张伟' },
      { address: 'lina@haining.gov.cn', displayName: '李娜' },
      { address: 'zhoumin@haining.gov.cn', displayName: '周敏' },
    ],
  });
});

afterAll(async () => {
  await gm?.stop();
});

async function admin(): Promise<AdminActor> {
  const account = await gm.services.directory.getAccount('admin@haining.gov.cn');
  const units = await gm.services.db.selectFrom('units').select(['id', 'parent_id']).execute();
  return { policy: { accountId: account.id, unitId: account.unit_id, roles: ['dept_admin'] }, tree: unitTreeFrom(units), who: { address: account.address, accountId: account.id, via: 'cli' } };
}

async function imapIdle(user: string): Promise<{ client: ImapFlow; closed: Promise<void> }> {
  const client = new ImapFlow({ host: '127.0.0.1', port: gm.ports.imaps!, secure: true, tls: { rejectUnauthorized: false }, auth: { user, pass: SEED_PASSWORD }, logger: false });
  client.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => client.on('close', () => resolve()));
  await client.connect();
  await client.mailboxOpen('INBOX');
  // imapflow enters IDLE by itself when nothing else runs.
  return { client, closed };
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), ms))]);
}

describe('open mail sessions end when the account is disabled', () => {
  it('lock: the IDLE connection gets BYE and closes; POP3 is closed; login refused', async () => {
    const { closed } = await imapIdle('zhangwei@haining.gov.cn');
    const pop = await Pop3Wire.connect(gm.ports.pop3s!, { implicitTls: true });
    expect(await pop.readLine()).toMatch(/^\+OK/);
    expect(await pop.command('USER zhangwei@haining.gov.cn')).toMatch(/^\+OK/);
    expect(await pop.command(`PASS ${SEED_PASSWORD}`)).toMatch(/^\+OK/);

    const account = await gm.services.directory.getAccount('zhangwei@haining.gov.cn');
    await gm.services.administration.lock(account.id, '疑似账号被盗用', await admin());

    await within(closed, 5_000, 'IMAP connection closed');
    await pop.waitClosed(5_000);
    expect(pop.closed).toBe(true);

    const again = new ImapFlow({ host: '127.0.0.1', port: gm.ports.imaps!, secure: true, tls: { rejectUnauthorized: false }, auth: { user: 'zhangwei@haining.gov.cn', pass: SEED_PASSWORD }, logger: false });
    again.on('error', () => undefined);
    await expect(again.connect()).rejects.toThrow();
  });

  it('deactivation completed: the IMAP session of the person ends; others stay', async () => {
    const person = await imapIdle('lina@haining.gov.cn');
    const other = await imapIdle('zhoumin@haining.gov.cn');
    const by = await admin();
    const lina = await gm.services.directory.getAccount('lina@haining.gov.cn');
    const d = await gm.services.deactivation.request(lina.id, { reason: '离职', successorAddress: 'zhoumin@haining.gov.cn' }, by);
    for (const item of ['export', 'auto_reply'] as const) await gm.services.deactivation.waive(d.id, item, '测试豁免', by);
    await gm.services.deactivation.complete(d.id, by);
    await within(person.closed, 5_000, 'IMAP connection of the deactivated person closed');
    expect(other.client.usable).toBe(true);
    await other.client.logout();
  });
});
