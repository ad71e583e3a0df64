/**
 * A password reset by one-time link (SPEC Art. 4.1, governance/accounts/password-reset.ts) ends
 * the person's open mail sessions too, not only the web ones: the IMAP connection in IDLE gets
 * BYE with the reason and closes, the POP3 session is closed, another person's session stays,
 * the old password is refused on a new connection and the new one works — over real sockets
 * with imapflow and a POP3 wire client.
 */
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pop3Wire } from '../pop3/pop3-wire.js';
import { SEED_PASSWORD, startTestGovmail, type TestGovmail } from '../helpers/start-govmail.js';

const PERSON = 'zhangwei@haining.gov.cn';
const OTHER = 'lina@haining.gov.cn';
const NEW_PASSWORD = 'Lanhua#Bridge2026';

let gm: TestGovmail;

beforeAll(async () => {
  gm = await startTestGovmail({
    people: [
      { address: PERSON, displayName: '张伟' },
      { address: OTHER, displayName: '李娜' },
    ],
  });
});

afterAll(async () => {
  await gm?.stop();
});

function imap(user: string, pass: string): ImapFlow {
  const client = new ImapFlow({ host: '127.0.0.1', port: gm.ports.imaps!, secure: true, tls: { rejectUnauthorized: false }, auth: { user, pass }, logger: false });
  client.on('error', () => undefined);
  return client;
}

async function imapIdle(user: string): Promise<{ client: ImapFlow; closed: Promise<void> }> {
  const client = imap(user, SEED_PASSWORD);
  const closed = new Promise<void>((resolve) => client.on('close', () => resolve()));
  await client.connect();
  await client.mailboxOpen('INBOX');
  return { client, closed };
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), ms))]);
}

describe('a reset by link ends open mail sessions', () => {
  it('IMAP (IDLE) gets BYE and closes, POP3 is closed, others stay; the new password works', async () => {
    const mine = await imapIdle(PERSON);
    const theirs = await imapIdle(OTHER);
    const pop = await Pop3Wire.connect(gm.ports.pop3s!, { implicitTls: true });
    expect(await pop.readLine()).toMatch(/^\+OK/);
    expect(await pop.command(`USER ${PERSON}`)).toMatch(/^\+OK/);
    expect(await pop.command(`PASS ${SEED_PASSWORD}`)).toMatch(/^\+OK/);

    const account = gm.people.get(PERSON)!;
    const link = await gm.services.passwordResets.issueResetLink(account, { address: 'admin@haining.gov.cn', via: 'web' }, '账号疑似被盗用');
    await gm.services.passwordResets.consumeResetLink(link.url.split('/reset/')[1]!, { newPassword: NEW_PASSWORD });

    await within(mine.closed, 5_000, 'IMAP connection closed');
    await pop.waitClosed(5_000);
    expect(pop.closed).toBe(true);
    // The other person's session is untouched.
    expect(theirs.client.usable).toBe(true);
    expect(await theirs.client.status('INBOX', { messages: true })).toMatchObject({ path: 'INBOX' });
    await theirs.client.logout();

    await expect(imap(PERSON, SEED_PASSWORD).connect()).rejects.toThrow();
    const again = imap(PERSON, NEW_PASSWORD);
    await again.connect();
    expect(again.usable).toBe(true);
    await again.logout();
  });
});
