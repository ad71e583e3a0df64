/**
 * The reset-link domain (password-reset.ts) on real services without HTTP: two uses of one link
 * racing each other set one password, a notice that cannot be stored (mailbox full) still leaves
 * a working link for the admin to hand over, a locked account gets a new password but stays
 * locked, closed accounts get no link, and the masked address hides the length.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestHttp, TEST_ADDRESS, TEST_PASSWORD, type TestHttp } from '../../http/test-app.js';
import { ManualClock } from '../../platform/clock.js';
import { maskAddress, PasswordResetError } from './password-reset.js';

const ADMIN = { address: 'admin@haining.gov.cn', accountId: null, via: 'web' } as const;
const tokenOf = (url: string) => url.split('/reset/')[1]!;

let t: TestHttp;
let clock: ManualClock;
beforeEach(async () => {
  clock = new ManualClock(Date.UTC(2026, 10, 29, 2, 0, 0));
  t = await createTestHttp({ clock });
});
afterEach(async () => {
  await t.close();
});

describe('password reset links (domain)', () => {
  it('two uses of one link at the same time: exactly one sets the password', async () => {
    const link = await t.services.passwordResets.issueResetLink(t.account, ADMIN, '忘记密码');
    const token = tokenOf(link.url);
    const results = await Promise.allSettled([
      t.services.passwordResets.consumeResetLink(token, { newPassword: 'Lanhua#Bridge2026' }),
      t.services.passwordResets.consumeResetLink(token, { newPassword: 'Yanguan-Tide#2027' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(PasswordResetError);
    expect((refused.reason as PasswordResetError).code).toBe('invalid');
    const winner = results[0]!.status === 'fulfilled' ? 'Lanhua#Bridge2026' : 'Yanguan-Tide#2027';
    expect(await t.services.auth.authenticate({ login: TEST_ADDRESS, password: winner, protocol: 'imap' })).toMatchObject({ ok: true });
    expect(await t.services.db.selectFrom('password_history').selectAll().where('account_id', '=', t.account.id).execute()).toHaveLength(2);
  });

  it('a full mailbox: not mailed, audited so, and the link the admin holds still works', async () => {
    await t.services.db.updateTable('accounts').set({ quota_bytes: 1 }).where('id', '=', t.account.id).execute();
    const link = await t.services.passwordResets.issueResetLink(t.account, ADMIN, '邮箱已满，本人无法收信');
    expect(link.mailed).toBe(false);
    const audit = await t.services.db.selectFrom('audit_log').select('details').where('action', '=', 'account.password_reset_link').executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details)).toMatchObject({ mailed: false, reason: '邮箱已满，本人无法收信' });
    await t.services.passwordResets.consumeResetLink(tokenOf(link.url), { newPassword: 'Lanhua#Bridge2026' });
    expect(await t.services.auth.authenticate({ login: TEST_ADDRESS, password: 'Lanhua#Bridge2026', protocol: 'pop3' })).toMatchObject({ ok: true });
  });

  it('a locked account gets a new password but stays locked; a closed one gets no link', async () => {
    await t.services.db.updateTable('accounts').set({ state: 'locked' }).where('id', '=', t.account.id).execute();
    const link = await t.services.passwordResets.issueResetLink(t.account, ADMIN, '本人申请');
    await t.services.passwordResets.consumeResetLink(tokenOf(link.url), { newPassword: 'Lanhua#Bridge2026' });
    expect((await t.services.directory.getAccount(TEST_ADDRESS)).state).toBe('locked');
    expect(await t.services.auth.authenticate({ login: TEST_ADDRESS, password: 'Lanhua#Bridge2026', protocol: 'imap' })).toMatchObject({ ok: false, reason: 'disabled' });

    const second = await t.services.passwordResets.issueResetLink(t.account, ADMIN, '再次申请');
    await t.services.db.updateTable('accounts').set({ state: 'deactivated' }).where('id', '=', t.account.id).execute();
    // A link issued before the account closed stops working; no new one is issued.
    await expect(t.services.passwordResets.resetTarget(tokenOf(second.url))).rejects.toMatchObject({ code: 'invalid' });
    await expect(t.services.passwordResets.issueResetLink(t.account, ADMIN, '再次申请')).rejects.toThrow(/注销/);
    expect(await t.services.auth.authenticate({ login: TEST_ADDRESS, password: TEST_PASSWORD, protocol: 'imap' })).toMatchObject({ ok: false });
  });

  it('masks the address without telling its length', () => {
    expect(maskAddress('zhangwei@haining.gov.cn')).toBe('zh***@haining.gov.cn');
    expect(maskAddress('li@haining.gov.cn')).toBe('l***@haining.gov.cn');
    expect(maskAddress('a@haining.gov.cn')).toBe('a***@haining.gov.cn');
  });
});
