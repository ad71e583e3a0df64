/**
 * SPEC Art. 4.1, password expiry on the injected clock: reminder mails 14, 7 and 1 days before
 * (each once, from postmaster@), then IMAP (real socket), POP3 and SMTP AUTH refuse saying why
 * and where to fix it, while the web signs in to a session that may only change the password.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImapLineClient } from '../imap/imap-line-client.js';
import { Pop3Wire } from '../pop3/pop3-wire.js';
import { SmtpWire } from '../helpers/smtp-wire.js';
import { SEED_PASSWORD, startTestGovmail, type TestGovmail } from '../helpers/start-govmail.js';
import { ManualClock } from '../../server/platform/clock.js';

const ADDRESS = 'zhangwei@haining.gov.cn';
const DAY = 86_400_000;

describe('password expiry', () => {
  let gm: TestGovmail;
  const clock = new ManualClock(Date.UTC(2026, 2, 4, 1, 0, 0));

  beforeAll(async () => {
    gm = await startTestGovmail({ people: [{ address: ADDRESS, displayName: '张伟' }], start: { clock } });
  }, 60_000);
  afterAll(async () => {
    await gm?.stop();
  });

  async function inboxSubjects(): Promise<string[]> {
    const account = gm.people.get(ADDRESS)!;
    const rows = await gm.services.db
      .selectFrom('messages')
      .innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id')
      .select('messages.subject')
      .where('mailboxes.account_id', '=', account.id)
      .execute();
    return rows.map((r) => r.subject ?? '');
  }

  it('sends a reminder at 14, 7 and 1 days before expiry, each once', async () => {
    const account = gm.people.get(ADDRESS)!;
    const changedAt = (await gm.services.db.selectFrom('accounts').select('password_changed_at').where('id', '=', account.id).executeTakeFirstOrThrow()).password_changed_at!;
    clock.advance(changedAt + 70 * DAY - clock.now());
    expect(await gm.services.passwordReminders.run()).toBe(0);
    clock.advance(7 * DAY); // 13 days left
    expect(await gm.services.passwordReminders.run()).toBe(1);
    expect(await gm.services.passwordReminders.run()).toBe(0);
    clock.advance(6 * DAY); // 7 days left
    expect(await gm.services.passwordReminders.run()).toBe(1);
    clock.advance(6.5 * DAY); // half a day left
    expect(await gm.services.passwordReminders.run()).toBe(1);
    expect(await gm.services.passwordReminders.run()).toBe(0);
    const subjects = (await inboxSubjects()).filter((s) => s.includes('密码将在'));
    expect(subjects.sort()).toEqual(['密码将在 1 天后过期，请及时修改', '密码将在 13 天后过期，请及时修改', '密码将在 7 天后过期，请及时修改']);
    expect(subjects).toHaveLength(3);
    const sent = await gm.services.db.selectFrom('password_reminders').select('days_before').where('account_id', '=', account.id).orderBy('days_before', 'desc').execute();
    expect(sent.map((r) => r.days_before)).toEqual([14, 7, 1]);
  });

  it('after expiry IMAP, POP3 and SMTP AUTH refuse saying why; the web session may only change the password', async () => {
    clock.advance(DAY); // expired
    const imap = await ImapLineClient.connect(gm.ports.imaps!, { tls: true });
    const result = await imap.login(ADDRESS, SEED_PASSWORD);
    await imap.logout().catch(() => undefined);
    expect(result.tagged).toMatch(/ NO \[ALERT\] /);
    expect(result.tagged).toContain('密码已过期');
    expect(result.tagged).toContain('webmail');

    const pop = await Pop3Wire.connect(gm.ports.pop3s!, { implicitTls: true });
    await pop.readLine();
    await pop.command(`USER ${ADDRESS}`);
    const popReply = await pop.command(`PASS ${SEED_PASSWORD}`);
    await pop.command('QUIT').catch(() => undefined);
    expect(popReply).toMatch(/^-ERR \[AUTH\] /);
    expect(popReply).toContain('密码已过期');

    const smtp = await SmtpWire.connect(gm.ports.submissions, { implicitTls: true });
    await smtp.ehlo('client.example.com');
    const smtpReply = await smtp.command(`AUTH PLAIN ${Buffer.from(`\0${ADDRESS}\0${SEED_PASSWORD}`).toString('base64')}`);
    await smtp.quit().catch(() => undefined);
    expect(smtpReply.code).toBe(535);
    expect(smtpReply.text).toContain('5.7.8');
    expect(smtpReply.text).toContain('password expired');

    const base = `http://127.0.0.1:${gm.ports.http}`;
    const signIn = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ address: ADDRESS, password: SEED_PASSWORD }) });
    expect(signIn.status).toBe(200);
    const view = (await signIn.json()) as { csrfToken: string; credentialStatus: { changeRequired: string | null } };
    expect(view.credentialStatus.changeRequired).toBe('expired');
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const headers = { cookie, 'x-csrf-token': view.csrfToken, 'content-type': 'application/json' };
    const mailboxes = await fetch(`${base}/api/mailboxes`, { headers });
    expect(mailboxes.status).toBe(403);
    expect(((await mailboxes.json()) as { error: { code: string } }).error.code).toBe('auth.password_change_required');
    const change = await fetch(`${base}/api/settings/password`, { method: 'POST', headers, body: JSON.stringify({ current: SEED_PASSWORD, next: 'Haichao#Tide2027x' }) });
    expect(change.status, await change.clone().text()).toBe(204);
    expect((await fetch(`${base}/api/mailboxes`, { headers })).status).toBe(200);

    const again = await ImapLineClient.connect(gm.ports.imaps!, { tls: true });
    const ok = await again.login(ADDRESS, 'Haichao#Tide2027x');
    await again.logout().catch(() => undefined);
    expect(ok.tagged).toMatch(/ OK /);
  });
});
