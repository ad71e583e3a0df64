/**
 * Activation (SPEC Art. 2.3) with an injectable clock: the link works once, for 7 days; the
 * work-ID number must match; the password must meet the policy; the acceptable-use statement
 * must be accepted. An expired link is listed in the console and re-issued; the old link dies.
 * Before activation the account cannot sign in.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REGULATION_VERSION } from '../../../../common/regulation.js';
import { ManualClock } from '../../../platform/clock.js';
import { createOnboardingFixture, onboardPerson, type OnboardingFixture } from '../../test-onboarding.js';

const DAY = 24 * 60 * 60 * 1000;
const GOOD_PASSWORD = 'Lanhua#Bridge2026';

let f: OnboardingFixture;
let clock: ManualClock;
beforeEach(async () => {
  clock = new ManualClock(Date.UTC(2026, 10, 28, 2, 0, 0));
  f = await createOnboardingFixture({ clock });
});
afterEach(async () => {
  await f.t.close();
});

const activate = (token: string, body: Record<string, unknown>) => f.t.app.inject({ method: 'POST', url: `/api/activation/${token}`, payload: body });
const info = (token: string) => f.t.app.inject({ method: 'GET', url: `/api/activation/${token}` });
const signInAs = (address: string, password: string) => f.t.app.inject({ method: 'POST', url: '/api/session', payload: { address, password } });
const good = { workId: 'HN2026-0017', password: GOOD_PASSWORD, acceptAup: true, aupVersion: REGULATION_VERSION };

describe('activation', () => {
  it('activates once with work ID, a policy password and acceptance; then sign-in works', async () => {
    const p = await onboardPerson(f, { unitId: f.units.a1, displayName: '王强', workId: 'HN2026-0017' });
    const shown = await info(p.token);
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toMatchObject({ displayName: '王强', address: p.address, unitName: '预算科', expiresAt: clock.now() + 7 * DAY });
    // The policy in force, in words (the console's 密码策略 may change its figures).
    expect(shown.json().policy).toContain('密码至少 12 位');

    // Not activated: no password yet, no sign-in (test/onboarding/not-activated.test.ts covers every protocol).
    expect((await signInAs(p.address, GOOD_PASSWORD)).statusCode).toBe(401);

    const wrongId = await activate(p.token, { ...good, workId: 'HN2026-9999' });
    expect(wrongId.statusCode).toBe(400);
    expect(wrongId.json().error.issues[0].path).toBe('workId');
    const weak = await activate(p.token, { ...good, password: 'woaini1314' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.code).toBe('policy.refused');
    const withName = await activate(p.token, { ...good, password: 'Wangqiang#2026x' });
    expect(withName.statusCode).toBe(400);
    expect((await activate(p.token, { ...good, acceptAup: false })).statusCode).toBe(400);

    const done = await activate(p.token, { ...good, workId: 'hn2026-0017' });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toEqual({ address: p.address });
    const account = await f.t.services.directory.getAccount(p.address);
    expect(account.state).toBe('active');
    const profile = await f.t.services.db.selectFrom('account_profiles').selectAll().where('account_id', '=', account.id).executeTakeFirstOrThrow();
    expect(profile).toMatchObject({ aup_version: REGULATION_VERSION, aup_accepted_at: clock.now(), activated_at: clock.now() });
    expect((await f.t.services.lifecycle.history(account.id)).map((h) => h.action)).toEqual(['apply', 'approve', 'allocate', 'activate']);

    // One time only.
    expect((await activate(p.token, good)).statusCode).toBe(404);
    expect((await info(p.token)).statusCode).toBe(404);
    expect((await signInAs(p.address, GOOD_PASSWORD)).statusCode).toBe(200);
  });

  it('expires after 7 days; the console lists it and re-issues; the old link dies', async () => {
    const p = await onboardPerson(f, { unitId: f.units.a1, displayName: '赵敏' });
    clock.advance(7 * DAY - 1000);
    await f.signInAgain();
    expect((await info(p.token)).statusCode).toBe(200);
    expect(((await f.adminA.get('/api/console/accounts?activation=expired')).json() as { total: number }).total).toBe(0);
    clock.advance(2000);
    const expired = await info(p.token);
    expect(expired.statusCode).toBe(410);
    expect(expired.json().error.code).toBe('activation.expired');
    expect((await activate(p.token, good)).statusCode).toBe(410);

    const list = (await f.adminA.get('/api/console/accounts?activation=expired')).json();
    expect(list.items.map((a: { address: string }) => a.address)).toEqual([p.address]);
    // B's admin does not see it, and cannot re-issue it.
    expect((await f.adminB.get('/api/console/accounts?activation=expired')).json().total).toBe(0);
    expect((await f.adminB.post('/api/console/accounts/reissue-activation', { ids: [p.accountId] })).json().results[0].error).toBe('not_found');
    expect((await f.auditor.post('/api/console/accounts/reissue-activation', { ids: [p.accountId] })).statusCode).toBe(403);

    const reissued = await f.adminA.post('/api/console/accounts/reissue-activation', { ids: [p.accountId] });
    expect(reissued.statusCode).toBe(200);
    const [result] = reissued.json().results;
    expect(result.error).toBeNull();
    expect(result.activation.expiresAt).toBe(clock.now() + 7 * DAY);
    const fresh = result.activation.path.split('/').pop();
    expect((await f.adminA.get('/api/console/accounts?activation=expired')).json().total).toBe(0);

    // A second re-issue replaces the first: the replaced link is invalid.
    const again = (await f.adminA.post('/api/console/accounts/reissue-activation', { ids: [p.accountId] })).json().results[0].activation.path.split('/').pop();
    expect((await info(fresh)).statusCode).toBe(404);
    expect((await activate(again, good)).statusCode).toBe(200);
    // Active accounts are not re-issued.
    expect((await f.adminA.post('/api/console/accounts/reissue-activation', { ids: [p.accountId] })).json().results[0].error).toBe('account.illegal_transition');
  });

  it('refuses malformed and unknown tokens', async () => {
    expect((await info('short')).statusCode).toBe(404);
    expect((await info('A'.repeat(43))).statusCode).toBe(404);
  });
});
