/**
 * One authentication path for SMTP, IMAP, POP3 and the web (SPEC Art. 4.1): argon2id, audit of
 * every attempt, lockout with doubling length, and the password policy. Time is a ManualClock;
 * each failure also costs a real, growing pause (250 ms per failure), so failure counts are kept
 * small except in the one test that proves the default threshold of 5.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTempServices, SEED_PASSWORD, seedPerson, SYSTEM_ACTOR, type TempServices } from '../../test/helpers/temp-services.js';
import { ManualClock } from '../platform/clock.js';
import type { Services } from '../services.js';
import type { Account, AuditRow } from '../storage/database.js';
import type { AuthAttempt } from './auth-service.js';
import { checkPasswordPolicy, hashPassword, verifyPassword } from './passwords.js';

const MINUTE = 60_000;
const open: TempServices[] = [];

afterEach(async () => {
  while (open.length) await open.pop()!.cleanup();
});

async function setup(overrides: { lockoutThreshold?: number } = {}): Promise<{ services: Services; clock: ManualClock; person: Account }> {
  const clock = new ManualClock(Date.UTC(2026, 2, 4, 1, 0, 0));
  const temp = await createTempServices({ clock, overrides: { auth: overrides } });
  open.push(temp);
  const person = await seedPerson(temp.services, { address: 'zhangwei@haining.gov.cn', displayName: '张伟' });
  return { services: temp.services, clock, person };
}

function attempt(password: string, extra: Partial<AuthAttempt> = {}): AuthAttempt {
  return { login: 'zhangwei@haining.gov.cn', password, protocol: 'imap', ip: null, ...extra };
}

async function loginAudits(services: Services): Promise<AuditRow[]> {
  return services.db.selectFrom('audit_log').selectAll().where('action', 'in', ['auth.login', 'auth.lockout']).orderBy('id').execute();
}

describe('authenticate', () => {
  it('SPEC Art. 4.1: a successful login is audited with protocol, IP, client and outcome', async () => {
    const { services, person } = await setup();
    const result = await services.auth.authenticate(attempt(SEED_PASSWORD, { protocol: 'imap', ip: '10.20.30.40', client: 'Foxmail 7.2' }));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.account.id).toBe(person.id);
    const [row] = await loginAudits(services);
    expect(row).toMatchObject({ action: 'auth.login', outcome: 'success', actor: person.address, actor_account_id: person.id, ip: '10.20.30.40', protocol: 'imap' });
    expect(JSON.parse(row!.details)).toEqual({ client: 'Foxmail 7.2' });
  });

  it('the password never reaches the audit log, whatever the outcome', async () => {
    const { services } = await setup();
    await services.auth.authenticate(attempt(SEED_PASSWORD));
    await services.auth.authenticate(attempt('Wrong#Password2026'));
    const text = JSON.stringify(await services.db.selectFrom('audit_log').selectAll().execute());
    expect(text).not.toContain(SEED_PASSWORD);
    expect(text).not.toContain('Wrong#Password2026');
  });

  it('logins are case-insensitive, and a bare local part means the primary domain', async () => {
    const { services, person } = await setup();
    for (const login of ['ZhangWei@Haining.GOV.cn', ' zhangwei@haining.gov.cn ', 'zhangwei']) {
      const result = await services.auth.authenticate(attempt(SEED_PASSWORD, { login }));
      expect(result.ok, login).toBe(true);
      if (result.ok) expect(result.account.id).toBe(person.id);
    }
  });

  it('an alias logs in as its account', async () => {
    const { services, person } = await setup();
    await services.directory.addAlias('zw@haining.gov.cn', person.address, true, SYSTEM_ACTOR);
    const result = await services.auth.authenticate(attempt(SEED_PASSWORD, { login: 'zw@haining.gov.cn' }));
    expect(result.ok && result.account.id).toBe(person.id);
  });

  it('a wrong password is "invalid" and audited as a failure', async () => {
    const { services, person } = await setup();
    const result = await services.auth.authenticate(attempt('Wrong#Password2026', { protocol: 'pop3', ip: '10.0.0.9' }));
    expect(result).toMatchObject({ ok: false, reason: 'invalid' });
    const [row] = await loginAudits(services);
    expect(row).toMatchObject({ action: 'auth.login', outcome: 'failure', actor: person.address, actor_account_id: person.id, ip: '10.0.0.9', protocol: 'pop3' });
    expect(JSON.parse(row!.details)).toMatchObject({ reason: 'invalid', failures: 1 });
  });

  it('an unknown user is "invalid" (same answer as a wrong password) and audited with the attempted login', async () => {
    const { services } = await setup();
    const result = await services.auth.authenticate(attempt(SEED_PASSWORD, { login: 'nobody@haining.gov.cn', protocol: 'smtp', ip: '203.0.113.5' }));
    expect(result).toMatchObject({ ok: false, reason: 'invalid' });
    const wrong = await services.auth.authenticate(attempt('Wrong#Password2026'));
    expect(wrong.ok === false && wrong.message).toBe(result.ok === false && result.message);
    const [row] = await loginAudits(services);
    expect(row).toMatchObject({ action: 'auth.login', outcome: 'failure', actor: 'nobody@haining.gov.cn', actor_account_id: null, ip: '203.0.113.5', protocol: 'smtp' });
  });

  it('SPEC Art. 4.1: lockout after 5 failures in the window; it expires; the second lasts twice as long', async () => {
    const { services, clock, person } = await setup();
    const wrong = () => services.auth.authenticate(attempt('Wrong#Password2026'));
    const right = () => services.auth.authenticate(attempt(SEED_PASSWORD));

    for (let i = 1; i <= 4; i++) expect(await wrong()).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await right()).toMatchObject({ ok: true }); // 4 is below the threshold, and success clears them
    for (let i = 1; i <= 4; i++) await wrong();
    const fifth = await wrong();
    expect(fifth).toMatchObject({ ok: false, reason: 'invalid', retryAfterMs: 15 * MINUTE });

    // Locked: the right password is refused with 'locked' and how long to wait.
    clock.advance(14 * MINUTE);
    const locked = await right();
    expect(locked).toMatchObject({ ok: false, reason: 'locked', retryAfterMs: 1 * MINUTE });
    const lockoutRows = (await loginAudits(services)).filter((r) => r.action === 'auth.lockout');
    expect(lockoutRows).toHaveLength(1);
    expect(lockoutRows[0]).toMatchObject({ actor: 'system', target: person.address });
    expect(JSON.parse(lockoutRows[0]!.details)).toMatchObject({ failures: 5, lockedForMs: 15 * MINUTE });

    // Expired (and the old failures are out of the window): five more failures lock for 30 min.
    clock.advance(1 * MINUTE + 1);
    for (let i = 1; i <= 4; i++) expect(await wrong()).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await wrong()).toMatchObject({ ok: false, reason: 'invalid', retryAfterMs: 30 * MINUTE });
    clock.advance(29 * MINUTE);
    expect(await right()).toMatchObject({ ok: false, reason: 'locked', retryAfterMs: 1 * MINUTE });
    clock.advance(1 * MINUTE);
    expect(await right()).toMatchObject({ ok: true });

    // Success resets the escalation.
    const after = await services.db.selectFrom('accounts').select(['lockout_count', 'locked_until']).where('id', '=', person.id).executeTakeFirstOrThrow();
    expect(after).toEqual({ lockout_count: 0, locked_until: null });
  });

  it('failures older than the window do not count towards a lockout', async () => {
    const { services, clock } = await setup({ lockoutThreshold: 2 });
    const wrong = () => services.auth.authenticate(attempt('Wrong#Password2026'));
    expect(await wrong()).not.toHaveProperty('retryAfterMs');
    clock.advance(15 * MINUTE + 1);
    expect(await wrong()).not.toHaveProperty('retryAfterMs');
    expect(await wrong()).toMatchObject({ reason: 'invalid', retryAfterMs: 15 * MINUTE });
    expect(await services.auth.authenticate(attempt(SEED_PASSWORD))).toMatchObject({ ok: false, reason: 'locked' });
  });

  it('while locked, attempts are refused without checking the password or extending the lock', async () => {
    const { services, clock } = await setup({ lockoutThreshold: 1 });
    await services.auth.authenticate(attempt('Wrong#Password2026'));
    clock.advance(5 * MINUTE);
    expect(await services.auth.authenticate(attempt('Wrong#Password2026'))).toMatchObject({ reason: 'locked', retryAfterMs: 10 * MINUTE });
    clock.advance(10 * MINUTE);
    expect(await services.auth.authenticate(attempt(SEED_PASSWORD))).toMatchObject({ ok: true });
  });

  it('a pending_activation account with the right password gets "not_activated"; a wrong one still "invalid"', async () => {
    const { services } = await setup();
    await services.directory.createAccount({ address: 'lina@haining.gov.cn', displayName: '李娜', unitCode: 'hn', password: SEED_PASSWORD, state: 'pending_activation' }, SYSTEM_ACTOR);
    expect(await services.auth.authenticate(attempt(SEED_PASSWORD, { login: 'lina@haining.gov.cn' }))).toMatchObject({ ok: false, reason: 'not_activated' });
    // The state is told only to someone who knows the password.
    expect(await services.auth.authenticate(attempt('Wrong#Password2026', { login: 'lina@haining.gov.cn' }))).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('a suspended account with the right password gets "disabled", audited with the state', async () => {
    const { services, person } = await setup();
    await services.directory.disableAccount(person.address, 'left the unit', SYSTEM_ACTOR);
    expect(await services.auth.authenticate(attempt(SEED_PASSWORD))).toMatchObject({ ok: false, reason: 'disabled' });
    const last = (await loginAudits(services)).at(-1)!;
    expect(last).toMatchObject({ outcome: 'failure' });
    expect(JSON.parse(last.details)).toMatchObject({ reason: 'disabled', state: 'suspended' });
  });

  it('an IP with 30 failures in the window is refused even with the right password', async () => {
    const { services, clock } = await setup();
    // Seeded as rows: thirty real failures would cost over a minute of deliberate delays.
    const rows = Array.from({ length: 30 }, (_, i) => ({ account_id: null, login: `guess${i}@haining.gov.cn`, ip: '198.51.100.7', at: clock.now() - i * 1000 }));
    await services.db.insertInto('auth_failures').values(rows).execute();
    expect(await services.auth.authenticate(attempt(SEED_PASSWORD, { ip: '198.51.100.7' }))).toMatchObject({ ok: false, reason: 'ip_throttled' });
    expect(await services.auth.authenticate(attempt(SEED_PASSWORD, { ip: '198.51.100.8' }))).toMatchObject({ ok: true });
  });
});

describe('passwords', () => {
  it('RFC 9106: argon2id hashes verify the right password only; a corrupt hash is just false', async () => {
    const hash = await hashPassword(SEED_PASSWORD, { memoryKib: 1024, iterations: 1 });
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(hash, SEED_PASSWORD)).toBe(true);
    expect(await verifyPassword(hash, 'qiantang#river2026')).toBe(false);
    expect(await verifyPassword('not a hash', SEED_PASSWORD)).toBe(false);
  });

  const context = { address: 'zhangwei@haining.gov.cn', displayName: '张伟', pinyin: 'zhang wei' };
  const codes = (password: string, ctx = context) => checkPasswordPolicy(password, ctx).map((v) => v.code);

  it('accepts a long password with four character classes', () => {
    expect(checkPasswordPolicy('Qiantang#River2026', context)).toEqual([]);
    expect(checkPasswordPolicy('Qiantang#River2026')).toEqual([]);
  });

  it('refuses the common Chinese passwords', () => {
    expect(codes('woaini1314')).toContain('common');
    expect(codes('a123456')).toContain('common');
    expect(codes('WoAiNi1314')).toContain('common');
    expect(codes('woaini1314!')).toContain('common');
    expect(codes('Haining@123')).toContain('common');
  });

  it('refuses short passwords (fewer than 12 characters)', () => {
    expect(codes('Qt#River26')).toContain('too_short');
    expect(codes('Qt#River2026')).not.toContain('too_short');
  });

  it('refuses passwords with fewer than three character classes', () => {
    expect(codes('qiantangriverbore')).toContain('too_few_classes');
    expect(codes('qiantang river 2026')).not.toContain('too_few_classes');
  });

  it('refuses the address, the name or its pinyin inside the password', () => {
    expect(codes('Zhangwei#2026!')).toContain('contains_address');
    expect(codes('Zhangwei#2026!')).toContain('contains_pinyin');
    expect(codes('My#ZHANGWEI#2026')).toContain('contains_pinyin');
    expect(codes('Lina#Qiantang2026', { address: 'lina@haining.gov.cn', displayName: '李娜', pinyin: 'li na' })).toContain('contains_address');
    expect(codes('欧阳娜娜#Qiantang2026', { address: 'oyangnana@haining.gov.cn', displayName: '欧阳娜娜', pinyin: 'ou yang na na' })).toContain('contains_name');
  });

  it('createAccount applies the policy', async () => {
    const { services } = await setup();
    await expect(services.directory.createAccount({ address: 'lina@haining.gov.cn', displayName: '李娜', unitCode: 'hn', password: 'woaini1314' }, SYSTEM_ACTOR)).rejects.toMatchObject({ code: 'POLICY' });
  });
});
