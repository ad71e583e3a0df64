/**
 * 安全设置 and the forced password change (SPEC Art. 4.1, NAME=selfservice) end to end, in real
 * headless Chromium against a real govmail (HTTP, IMAP, the built web app from dist/web):
 *
 * 1. sign in; enrol TOTP in the page (codes computed here with otpauth from the secret the page
 *    shows); the ten recovery codes, acknowledged; a second browser context signed in earlier is
 *    signed out from the sessions list; an app password created in the page works for imapflow
 *    against the real IMAP server while the main password is refused there; revoked, IMAP refuses
 *    it; sign out, sign in again with password + TOTP code; the history lists the sign-ins.
 * 2. an account whose password is 100 days old (set in the DB) signs in, lands on the
 *    forced-change page (nothing of the webmail mounted), a weak password shows the rule broken
 *    under the field, a good one leads into the inbox.
 * 3. an account whose password expires in 10 days sees the dismissible reminder banner; a reset
 *    forced while signed in takes the next API call to the forced-change page (no reload).
 * 4. a forced reset on an account with TOTP still asks the code before the change page.
 *
 * No page may log a CSP refusal of an image, script or connection (the QR code is drawn on a
 * canvas, not a data: image); antd's harmless inline <style> attempts are tolerated (see below).
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import * as OTPAuth from 'otpauth';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTotpSecret } from '../../server/auth/totp.js';
import { SEED_PASSWORD, startTestGovmail, type TestGovmail } from '../helpers/start-govmail.js';
import { CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, ensureWebBuild } from '../helpers/browser.js';

const DAY = 86_400_000;

const ZHANG = 'zhangwei@haining.gov.cn';
const EXPIRED = 'zhaolei@haining.gov.cn';
const SOON = 'chenjing@haining.gov.cn';

const totpFor = (secret: string) => new OTPAuth.TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: OTPAuth.Secret.fromBase32(secret) });

describe.skipIf(!existsSync(CHROMIUM))(`安全设置 and the forced password change in headless Chromium${existsSync(CHROMIUM) ? '' : ' (skipped: no /usr/bin/chromium)'}`, () => {
  let gm: TestGovmail;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const cspRefusals: string[] = [];

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', permissions: ['clipboard-read', 'clipboard-write'] });
    contexts.push(context);
    const page = await context.newPage();
    page.on('console', (msg) => {
      // antd's scrollbar measuring and Modal scroll lock (rc-util updateCSS) try a <style>
      // element, which the CSP refuses harmlessly on every page with a Table or Modal; any other
      // refusal (an image, a script, a connection) fails the test.
      if (/Content Security Policy|Refused to/i.test(msg.text()) && !/^Applying inline style/.test(msg.text())) cspRefusals.push(`${page.url()} ${msg.location().url}:${msg.location().lineNumber} ${msg.text().slice(0, 120)}`);
    });
    return page;
  }

  async function fillSignIn(page: Page, address: string, password: string): Promise<void> {
    await page.goto(`${base}/`);
    await page.getByLabel('邮箱地址').fill(address);
    await page.getByLabel('密码').fill(password);
    await page.getByRole('button', { name: /登\s*录/ }).click();
  }

  async function openSecurity(page: Page): Promise<void> {
    await page.goto(`${base}/settings?tab=security`);
    await page.getByRole('heading', { name: '两步验证' }).waitFor();
  }

  async function imapLogin(pass: string): Promise<void> {
    const client = new ImapFlow({ host: '127.0.0.1', port: gm.ports.imaps!, secure: true, tls: { rejectUnauthorized: false }, auth: { user: ZHANG, pass }, logger: false, disableAutoIdle: true });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const lock = await client.getMailboxLock('INBOX');
      lock.release();
    } finally {
      await client.logout().catch(() => undefined);
    }
  }

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(SCREENSHOTS, { recursive: true });
    gm = await startTestGovmail();
    base = `http://127.0.0.1:${gm.ports.http}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await gm?.stop();
  });

  it('TOTP enrolment, recovery codes, app password over IMAP, session revoke, sign-in with the code, history', async () => {
    // A second browser signed in first: it is signed out from the first one's sessions list later.
    const other = await newPage();
    await fillSignIn(other, ZHANG, SEED_PASSWORD);
    await other.locator('.list-title').first().waitFor();

    const page = await newPage();
    await fillSignIn(page, ZHANG, SEED_PASSWORD);
    await page.locator('.list-title').first().waitFor();
    // The settings menu leads to the page; the 安全设置 tab.
    await page.getByRole('button', { name: '账号菜单' }).click();
    await page.getByRole('menuitem', { name: '设置' }).click();
    await page.getByRole('tab', { name: '安全设置' }).click();
    await page.getByRole('heading', { name: '两步验证' }).waitFor();
    await expect.poll(() => page.locator('.security-card').first().innerText()).toContain('未开启');

    // ── enrol ──
    await page.getByRole('button', { name: '开启两步验证' }).click();
    await page.locator('.totp-qr canvas, .totp-qr svg').first().waitFor();
    const secret = (await page.locator('.totp-secret').innerText()).replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    const stored = await gm.services.db.selectFrom('account_totp').select('secret').where('account_id', '=', gm.people.get(ZHANG)!.id).executeTakeFirstOrThrow();
    expect(stored.secret).toBe(secret);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'security-totp-enrol.png') });
    // A wrong code is refused on the field.
    await page.getByLabel('验证码').fill(totpFor(secret).generate({ timestamp: Date.now() - 10 * 60_000 }));
    await page.getByRole('button', { name: '确认开启' }).click();
    await expect.poll(() => page.locator('.totp-enrol .ant-form-item-explain-error').innerText()).toContain('验证码不正确');
    await page.getByLabel('验证码').fill(totpFor(secret).generate());
    await page.getByRole('button', { name: '确认开启' }).click();
    const codesDialog = page.getByRole('dialog', { name: '恢复码' });
    await codesDialog.waitFor();
    const codes = await codesDialog.locator('.recovery-codes li').allInnerTexts();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    await codesDialog.getByRole('button', { name: '复制全部' }).click();
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText())).toBe(codes.join('\n'));
    const [download] = await Promise.all([page.waitForEvent('download'), codesDialog.getByRole('button', { name: '下载为 txt 文件' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.txt$/);
    // Finishing needs the acknowledgement.
    expect(await codesDialog.getByRole('button', { name: /完\s*成/ }).isDisabled()).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'security-recovery-codes.png') });
    await codesDialog.getByLabel('我已妥善保存').check();
    await codesDialog.getByRole('button', { name: /完\s*成/ }).click();
    await codesDialog.waitFor({ state: 'hidden' });
    await expect.poll(() => page.locator('.security-card').first().innerText()).toContain('已开启');
    expect(await page.locator('.security-card').first().innerText()).toContain('剩余可用恢复码 10 个');

    // ── the main password no longer works for IMAP; an app password does, until revoked ──
    await expect(imapLogin(SEED_PASSWORD)).rejects.toThrow();
    await page.getByLabel('名称', { exact: true }).fill('Foxmail 办公室');
    await page.getByRole('button', { name: '生成密码' }).click();
    const created = page.getByRole('dialog', { name: /Foxmail 办公室/ });
    await created.waitFor();
    const appPassword = await created.locator('.app-password-value').innerText();
    expect(appPassword).toMatch(/^[a-z]{4} [a-z]{4} [a-z]{4} [a-z]{4}$/);
    await created.getByRole('button', { name: '我已记下' }).click();
    await created.waitFor({ state: 'hidden' });
    await imapLogin(appPassword);
    // The list shows it with its last use (IMAP) after a reload of the list.
    await page.reload();
    await page.getByRole('heading', { name: '两步验证' }).waitFor();
    const appRow = page.locator('.app-password-table tr').filter({ hasText: 'Foxmail 办公室' });
    await expect.poll(() => appRow.innerText()).toContain('IMAP');
    expect(await page.locator('.app-password-table').innerText()).not.toContain(appPassword);
    await appRow.getByRole('button', { name: /撤销/ }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: /撤\s*销/ }).click();
    await expect.poll(() => page.locator('.app-password-table').innerText()).not.toContain('Foxmail 办公室');
    await expect(imapLogin(appPassword)).rejects.toThrow();

    // ── the other browser's session is signed out from here ──
    const sessionRows = page.locator('.session-table tbody tr.ant-table-row');
    await expect.poll(() => sessionRows.count()).toBe(2);
    expect(await page.locator('.session-table tbody tr.ant-table-row').filter({ hasText: '当前会话' }).count()).toBe(1);
    await page.locator('.session-table tbody tr.ant-table-row').filter({ hasNotText: '当前会话' }).getByRole('button', { name: '退出该会话' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: /撤\s*销/ }).click();
    await expect.poll(() => sessionRows.count()).toBe(1);
    await other.reload();
    await other.getByLabel('邮箱地址').waitFor();
    expect(await other.locator('.list-title').count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'security-page.png'), fullPage: true });

    // ── sign out; sign in again: password, then the code (of a step not used yet) ──
    await page.getByRole('button', { name: '账号菜单' }).click();
    await page.getByRole('menuitem', { name: '退出登录' }).click();
    await page.getByLabel('邮箱地址').waitFor();
    await fillSignIn(page, ZHANG, SEED_PASSWORD);
    await page.getByLabel('动态验证码').waitFor();
    // The confirming code used this 30-second step; a sign-in needs a later one.
    const nextStep = (Math.floor(Date.now() / 30_000) + 1) * 30_000;
    await new Promise((resolve) => setTimeout(resolve, nextStep - Date.now() + 500));
    await page.getByLabel('动态验证码').fill(totpFor(secret).generate());
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.locator('.list-title').first().waitFor();

    // ── the history lists the sign-ins: web (with TOTP), IMAP success with the app password, IMAP refusals ──
    await openSecurity(page);
    const history = page.locator('.sign-in-table');
    await expect.poll(() => history.locator('tbody tr.ant-table-row').count()).toBeGreaterThanOrEqual(5);
    const text = await history.innerText();
    expect(text).toContain('网页');
    expect(text).toContain('IMAP');
    expect(text).toContain('成功');
    expect(text).toContain('失败');
    expect(cspRefusals).toEqual([]);
  }, 180_000);

  it('an expired password: sign-in lands on the forced-change page; a weak one is refused with the rule; a good one enters the inbox', async () => {
    const account = await gm.addPerson({ address: EXPIRED, displayName: '赵磊' });
    await gm.services.db.updateTable('accounts').set({ password_changed_at: Date.now() - 100 * DAY }).where('id', '=', account.id).execute();

    const page = await newPage();
    const mailRequests: string[] = [];
    page.on('response', (r) => {
      if (/\/api\/(mailboxes|settings)(\?|$)/.test(r.url())) mailRequests.push(`${r.status()} ${r.url()}`);
    });
    await fillSignIn(page, EXPIRED, SEED_PASSWORD);
    await page.getByRole('heading', { name: '请修改密码' }).waitFor();
    expect(await page.locator('.forced-password').innerText()).toContain('密码已过期');
    // The policy, inline; nothing of the webmail behind it.
    expect(await page.locator('.password-policy li').count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator('.shell-header, .list-title').count()).toBe(0);
    expect(mailRequests).toEqual([]);
    // A reload stays on the page (the session says so) rather than showing a broken shell.
    await page.reload();
    await page.getByRole('heading', { name: '请修改密码' }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'forced-password.png') });

    await page.getByLabel('当前密码').fill(SEED_PASSWORD);
    await page.getByLabel('新密码', { exact: true }).fill('short1A');
    await page.getByLabel('确认新密码').fill('short1A');
    await page.getByRole('button', { name: '修改密码并进入邮箱' }).click();
    const error = page.locator('.ant-form-item-has-error .ant-form-item-explain-error');
    await expect.poll(() => error.allInnerTexts().then((t) => t.join(' '))).toMatch(/12/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'forced-password-weak.png') });
    expect(await page.locator('.list-title').count()).toBe(0);

    const good = 'Qiantang#Chao2026';
    await page.getByLabel('新密码', { exact: true }).fill(good);
    await page.getByLabel('确认新密码').fill(good);
    await page.getByRole('button', { name: '修改密码并进入邮箱' }).click();
    await page.locator('.list-title').first().waitFor();
    await expect.poll(() => page.locator('.folder-tree').innerText()).toContain('收件箱');
    expect(new URL(page.url()).pathname).toMatch(/^\/mail/);
    // Fresh password: no reminder banner.
    expect(await page.locator('.password-expiry-banner').count()).toBe(0);
    // The 安全设置 tab at phone width: the tables scroll inside their cards, the page does not.
    await page.setViewportSize({ width: 375, height: 812 });
    await openSecurity(page);
    await page.locator('.sign-in-table tbody tr.ant-table-row').first().waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'security-phone.png') });
    const row = await gm.services.db.selectFrom('accounts').select('password_changed_at').where('id', '=', account.id).executeTakeFirstOrThrow();
    expect(row.password_changed_at).toBeGreaterThan(Date.now() - 60_000);
    expect(cspRefusals).toEqual([]);
  }, 120_000);

  it('reminds 10 days before expiry (dismissible, links to the form); a reset forced mid-session leads to the forced-change page', async () => {
    const account = await gm.addPerson({ address: SOON, displayName: '陈静' });
    await gm.services.db.updateTable('accounts').set({ password_changed_at: Date.now() - 80 * DAY }).where('id', '=', account.id).execute();

    const page = await newPage();
    await fillSignIn(page, SOON, SEED_PASSWORD);
    await page.locator('.list-title').first().waitFor();
    const banner = page.locator('.password-expiry-banner');
    await banner.waitFor();
    expect(await banner.innerText()).toMatch(/将在 (9|10) 天后/);
    await banner.getByRole('link', { name: '立即修改密码' }).click();
    await page.getByRole('heading', { name: '密码要求' }).waitFor();
    expect(new URL(page.url()).search).toBe('?tab=password');
    await page.getByRole('button', { name: '返回邮件' }).click();
    await page.locator('.list-title').first().waitFor();
    await page.locator('.password-expiry-banner').getByRole('button', { name: '关闭提醒' }).click();
    await expect.poll(() => page.locator('.password-expiry-banner').count()).toBe(0);
    await page.reload();
    await page.locator('.list-title').first().waitFor();
    expect(await page.locator('.password-expiry-banner').count()).toBe(0);

    // An administrator forces a reset while the person is signed in: the next call is refused
    // with auth.password_change_required and the app shows the forced-change page, no reload.
    await gm.services.db.insertInto('forced_password_resets').values({ account_id: account.id, incident_id: null, required_by: 'admin@haining.gov.cn', reason: 'test', required_at: Date.now() }).execute();
    await page.getByRole('button', { name: '账号菜单' }).click();
    await page.getByRole('menuitem', { name: '设置' }).click();
    // (Settings are cached from the shell; the security tab asks the server.)
    await page.getByRole('tab', { name: '安全设置' }).click();
    await page.getByRole('heading', { name: '请修改密码' }).waitFor();
    expect(await page.locator('.forced-password').innerText()).toContain('管理员要求');
    // Signing out from there works.
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByLabel('邮箱地址').waitFor();
    expect(cspRefusals).toEqual([]);
  }, 120_000);
  it('a forced reset on an account with TOTP: the sign-in still asks the code, then the forced-change page', async () => {
    const account = await gm.addPerson({ address: 'sunhao@haining.gov.cn', displayName: '孙浩' });
    const secret = newTotpSecret();
    const now = Date.now();
    // Enrolled as the 安全设置 page enrols (tested above); the reset as an incident forces it.
    await gm.services.db.insertInto('account_totp').values({ account_id: account.id, secret, enabled_at: now, last_used_step: null, created_at: now }).execute();
    await gm.services.db.insertInto('forced_password_resets').values({ account_id: account.id, incident_id: null, required_by: 'officer@haining.gov.cn', reason: '账号疑似被盗', required_at: now }).execute();

    const page = await newPage();
    await fillSignIn(page, account.address, SEED_PASSWORD);
    // The password alone (perhaps the stolen one) is not enough to reach even the change form.
    await page.getByLabel('动态验证码').waitFor();
    expect(await page.locator('.forced-password').count()).toBe(0);
    await page.getByLabel('动态验证码').fill(totpFor(secret).generate());
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.getByRole('heading', { name: '请修改密码' }).waitFor();
    expect(await page.locator('.forced-password').innerText()).toContain('管理员要求');
    const good = 'Yanguan#Tide2026';
    await page.getByLabel('当前密码').fill(SEED_PASSWORD);
    await page.getByLabel('新密码', { exact: true }).fill(good);
    await page.getByLabel('确认新密码').fill(good);
    await page.getByRole('button', { name: '修改密码并进入邮箱' }).click();
    await page.locator('.list-title').first().waitFor();
    expect(await gm.services.db.selectFrom('forced_password_resets').select('account_id').where('account_id', '=', account.id).execute()).toEqual([]);
    expect(cspRefusals).toEqual([]);
  }, 120_000);
});
