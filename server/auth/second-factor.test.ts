/**
 * SPEC Art. 4.1 in AuthService: TOTP for the web (code once per step, recovery codes used up),
 * app passwords as the only way in for IMAP/POP3/SMTP once TOTP is on (the main password is
 * refused saying what to do), a forced reset (incident) refusing mail logins, and the alert on a
 * sign-in from a new IP + client pair. TOTP rows are written as enrolment will write them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTempServices, SEED_PASSWORD, seedPerson, type TempServices } from '../../test/helpers/temp-services.js';
import { ManualClock } from '../platform/clock.js';
import { newAppPassword, newRecoveryCodes, newTotpSecret, normaliseAppPassword, totpCode } from './totp.js';

const open: TempServices[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.cleanup();
});

async function setup() {
  const clock = new ManualClock(Date.UTC(2026, 2, 4, 1, 0, 0));
  const temp = await createTempServices({ clock });
  open.push(temp);
  const person = await seedPerson(temp.services, { address: 'zhangwei@haining.gov.cn', displayName: '张伟' });
  return { services: temp.services, clock, person };
}

describe('TOTP and app passwords', () => {
  it('web: the code is asked after the right password, accepted once per step; recovery codes work once', async () => {
    const { services, clock, person } = await setup();
    const secret = newTotpSecret();
    await services.db.insertInto('account_totp').values({ account_id: person.id, secret, enabled_at: clock.now(), last_used_step: null, created_at: clock.now() }).execute();
    const [recovery] = newRecoveryCodes(1);
    await services.db.insertInto('recovery_codes').values({ account_id: person.id, code_hash: await services.auth.hash(recovery!), used_at: null, created_at: clock.now() }).execute();
    const web = (totp?: string) => services.auth.authenticate({ login: person.address, password: SEED_PASSWORD, protocol: 'web', ip: '192.0.2.1', client: 'browser', totp: totp ?? null });

    expect(await web()).toMatchObject({ ok: false, reason: 'totp_required' });
    expect(await web('000000')).toMatchObject({ ok: false, reason: 'totp_invalid' });
    const code = totpCode(secret, clock.now());
    expect(await web(code)).toMatchObject({ ok: true, via: 'password' });
    expect(await web(code)).toMatchObject({ ok: false, reason: 'totp_invalid' }); // replay
    clock.advance(30_000);
    expect(await web(totpCode(secret, clock.now()))).toMatchObject({ ok: true });
    expect(await web(recovery!.toUpperCase())).toMatchObject({ ok: true });
    expect(await web(recovery!)).toMatchObject({ ok: false, reason: 'totp_invalid' });
  });

  it('web: an expired or force-reset password still needs the code before the change-only session (NAME=selfservice)', async () => {
    const { services, clock, person } = await setup();
    const secret = newTotpSecret();
    await services.db.insertInto('account_totp').values({ account_id: person.id, secret, enabled_at: clock.now(), last_used_step: null, created_at: clock.now() }).execute();
    await services.db.insertInto('forced_password_resets').values({ account_id: person.id, incident_id: null, required_by: 'officer@haining.gov.cn', reason: '账号疑似被盗', required_at: clock.now() }).execute();
    const web = (totp?: string) => services.auth.authenticate({ login: person.address, password: SEED_PASSWORD, protocol: 'web', ip: '192.0.2.1', client: 'browser', totp: totp ?? null });
    // The stolen password alone gets no session, not even one that may only change the password.
    expect(await web()).toMatchObject({ ok: false, reason: 'totp_required' });
    expect(await web('000000')).toMatchObject({ ok: false, reason: 'totp_invalid' });
    expect(await web(totpCode(secret, clock.now()))).toMatchObject({ ok: true, mustChangePassword: 'forced' });
    // The change itself re-checks the current password only (reauth): no second code asked.
    expect(await services.auth.authenticate({ login: person.address, password: SEED_PASSWORD, protocol: 'web', ip: '192.0.2.1', client: 'password-change', reauth: true })).toMatchObject({ ok: true });
    // Expired the same way.
    await services.db.deleteFrom('forced_password_resets').execute();
    clock.advance(200 * 86_400_000);
    expect(await web()).toMatchObject({ ok: false, reason: 'totp_required' });
    expect(await web(totpCode(secret, clock.now()))).toMatchObject({ ok: true, mustChangePassword: 'expired' });
  });

  it('mail clients: only app passwords once TOTP is on; the main password is refused saying to create one', async () => {
    const { services, clock, person } = await setup();
    const appPassword = newAppPassword();
    await services.db.insertInto('app_passwords').values({ account_id: person.id, name: 'Foxmail', password_hash: await services.auth.hash(normaliseAppPassword(appPassword)!), created_at: clock.now() }).execute();
    const imap = (password: string) => services.auth.authenticate({ login: person.address, password, protocol: 'imap', ip: '192.0.2.1', client: 'Foxmail' });
    // Without TOTP both work.
    expect(await imap(SEED_PASSWORD)).toMatchObject({ ok: true, via: 'password' });
    expect(await imap(appPassword)).toMatchObject({ ok: true, via: 'app_password' });
    await services.db.insertInto('account_totp').values({ account_id: person.id, secret: newTotpSecret(), enabled_at: clock.now(), last_used_step: null, created_at: clock.now() }).execute();
    const refused = await imap(SEED_PASSWORD);
    expect(refused).toMatchObject({ ok: false, reason: 'app_password_required' });
    expect(!refused.ok && refused.message).toContain('应用专用密码');
    expect(await imap(appPassword.replace(/ /g, ''))).toMatchObject({ ok: true, via: 'app_password' });
    const row = await services.db.selectFrom('app_passwords').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ last_used_protocol: 'imap', last_used_ip: '192.0.2.1' });
    await services.db.updateTable('app_passwords').set({ revoked_at: clock.now() }).execute();
    expect(await imap(appPassword)).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('a reset forced from an incident refuses mail logins until the password is changed', async () => {
    const { services, clock, person } = await setup();
    await services.db.insertInto('forced_password_resets').values({ account_id: person.id, incident_id: null, required_by: 'officer@haining.gov.cn', reason: '账号疑似被盗', required_at: clock.now() }).execute();
    expect(await services.auth.authenticate({ login: person.address, password: SEED_PASSWORD, protocol: 'pop3' })).toMatchObject({ ok: false, reason: 'password_reset_required' });
    expect(await services.auth.authenticate({ login: person.address, password: SEED_PASSWORD, protocol: 'web' })).toMatchObject({ ok: true, mustChangePassword: 'forced' });
    await services.directory.setPassword(person.address, 'Haichao#Tide2027x', { address: person.address, via: 'web' });
    expect(await services.auth.authenticate({ login: person.address, password: 'Haichao#Tide2027x', protocol: 'pop3' })).toMatchObject({ ok: true });
  });

  it('a sign-in from a new IP + client pair mails the person (not the first sign-in, not a known pair)', async () => {
    const { services, person } = await setup();
    const login = (ip: string, client: string) => services.auth.authenticate({ login: person.address, password: SEED_PASSWORD, protocol: 'imap', ip, client });
    const alerts = () => services.db.selectFrom('audit_log').select('target').where('action', '=', 'auth.new_device_alert').where('outcome', '=', 'success').execute();
    await login('192.0.2.1', 'Foxmail');
    await login('192.0.2.1', 'Foxmail');
    expect(await alerts()).toHaveLength(0);
    await login('198.51.100.9', 'Foxmail');
    expect(await alerts()).toEqual([{ target: person.address }]);
    const mails = await services.db.selectFrom('messages').innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id').select('messages.subject').where('mailboxes.account_id', '=', person.id).execute();
    expect(mails.map((m) => m.subject)).toContain('新设备登录提醒');
  });
});
