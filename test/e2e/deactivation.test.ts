/**
 * The account life cycle end to end (issue 5, SPEC Art. 2 and 3.6) against a real govmail (HTTP,
 * SMTP, the built web app) with the person's and the administrator's steps in headless Chromium:
 *
 *   apply → approve → allocate → activate   (the public form, the console's queue and the
 *                                            activation page: test/helpers/lifecycle-steps.ts)
 *   sign in → 设置 › 申请注销账号 → request deactivation naming a successor
 *   → hand over in the browser: confirm the important mail (已阅), set the auto-reply, export the
 *     mailbox (and download the mbox) → the checklist shows every item done
 *   → the unit admin opens 账号注销 in the console and completes it
 *   → the account is disabled (the open page is signed out; signing in is refused) and mail to
 *     the address, sent over SMTP, lands in the successor's INBOX.
 *
 * Screenshots go to test-results/ (git-ignored).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateInBrowser, allocateInConsole, applyInBrowser, approveInConsole, MINIMAL_PDF } from '../helpers/lifecycle-steps.js';
import { SmtpWire } from '../helpers/smtp-wire.js';
import { SEED_PASSWORD, startTestGovmail, type TestGovmail } from '../helpers/start-govmail.js';
import { rfc5322, SYSTEM_ACTOR } from '../helpers/temp-services.js';
import { CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, ensureWebBuild, signInInBrowser } from '../helpers/browser.js';

const PERSON = 'liuyang@haining.gov.cn';
const NEW_PASSWORD = 'Qiantang#River2026';
const SUCCESSOR = 'zhoumin@haining.gov.cn';
const UNIT_ADMIN = 'czadmin@haining.gov.cn';
const DEPT_ADMIN = 'admin@haining.gov.cn';

/** A signed-in API client over the real HTTP listener (cookie + CSRF token). */
async function apiSession(base: string, address: string, password: string) {
  const response = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ address, password }) });
  expect(response.status, await response.clone().text()).toBe(200);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  const request = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`${base}${url}`, { method, headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  return { get: (url: string) => request('GET', url), post: (url: string, body: unknown = {}) => request('POST', url, body) };
}

describe.skipIf(!existsSync(CHROMIUM))(`account life cycle in headless Chromium${existsSync(CHROMIUM) ? '' : ' (skipped: no /usr/bin/chromium)'}`, () => {
  let gm: TestGovmail;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
    contexts.push(context);
    return context.newPage();
  }

  async function signIn(page: Page, address: string, password: string): Promise<void> {
    await signInInBrowser(page, base, address, password);
  }

  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(SCREENSHOTS, `deactivation-${name}.png`), fullPage: true });
  }

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(SCREENSHOTS, { recursive: true });
    gm = await startTestGovmail({ people: [{ address: DEPT_ADMIN, displayName: '系统管理员', roles: ['dept_admin'] }] });
    await gm.services.directory.createUnit({ code: 'czj', name: '财政局', parentCode: 'hn', contactAddress: 'czj-office@haining.gov.cn' }, SYSTEM_ACTOR);
    await gm.addPerson({ address: UNIT_ADMIN, displayName: '财政管理员', unitCode: 'czj', roles: ['unit_admin'] });
    await gm.addPerson({ address: SUCCESSOR, displayName: '周敏', unitCode: 'czj' });
    base = `http://127.0.0.1:${gm.ports.http}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await gm?.stop();
  });

  it('apply → approve → allocate → activate → sign in → request deactivation → hand over → complete → disabled, mail to the successor', async () => {
    // ── onboarding, in the browser (test/helpers/lifecycle-steps.ts) ──
    const publicPage = await newPage();
    await applyInBrowser(publicPage, base, { name: '刘洋', unitName: '财政局', title: '科员', workId: 'CZ-2026-0815', mobile: '13800138000', reason: '公务通信需要', document: { name: '工作证.pdf', mimeType: 'application/pdf', buffer: MINIMAL_PDF } });
    const reviewer = await newPage();
    await signInInBrowser(reviewer, base, UNIT_ADMIN, SEED_PASSWORD);
    await approveInConsole(reviewer, base, '刘洋');
    const allocator = await newPage();
    await signInInBrowser(allocator, base, DEPT_ADMIN, SEED_PASSWORD);
    const allocated = await allocateInConsole(allocator, base, '刘洋', PERSON);
    const activation = await newPage();
    await activateInBrowser(activation, base, allocated.path, 'CZ-2026-0815', NEW_PASSWORD);
    expect((await gm.services.directory.getAccount(PERSON)).state).toBe('active');

    // Important mail waiting for the person's confirmation, from outside over SMTP.
    const wire = await SmtpWire.connect(gm.ports.smtp);
    await wire.ehlo('mx.example.net');
    const important = Buffer.concat([Buffer.from('X-Govmail-Importance: confirm\r\n'), rfc5322({ to: PERSON, subject: 'budget report due', messageId: 'budget-2026@example.net' })]);
    expect((await wire.sendMail({ from: 'office@example.net', to: [PERSON] }, important)).code).toBe(250);
    await wire.command('RSET');

    // ── the person: sign in, request deactivation in the settings ──
    const me = await newPage();
    await signIn(me, PERSON, NEW_PASSWORD);
    await me.goto(`${base}/settings`);
    await me.getByRole('tab', { name: '申请注销账号' }).click();
    await me.locator('#deactivation-reason').fill('调任教育局，申请注销财政局邮箱');
    await me.locator('#deactivation-successor').fill(SUCCESSOR);
    await me.getByRole('button', { name: '提交注销申请' }).click();
    const handover = me.getByTestId('deactivation-handover');
    await handover.waitFor();
    await shot(me, 'requested');
    const status = (item: string) => handover.locator(`[data-item="${item}"]`).getAttribute('data-status');
    expect(await status('important_mail')).toBe('open');
    expect(await status('successor')).toBe('done');
    expect(await status('forwarding')).toBe('done');
    expect(await status('auto_reply')).toBe('open');
    expect(await status('export')).toBe('open');
    expect((await gm.services.directory.getAccount(PERSON)).state).toBe('deactivating');

    // Confirm the important mail (已阅) in the reading pane.
    await me.goto(`${base}/mail`);
    await me.getByRole('option').filter({ hasText: 'budget report due' }).first().click();
    const banner = me.locator('.banner-important');
    await banner.waitFor();
    await banner.getByRole('button', { name: /已\s*阅/ }).click();
    await expect.poll(() => banner.innerText()).toContain('已阅于');

    // The auto-reply.
    await me.goto(`${base}/settings`);
    await me.getByRole('tab', { name: '自动回复' }).click();
    await me.locator('#auto-reply-enabled').click();
    await me.locator('#auto-reply-body').fill('本人已调离财政局，相关工作请联系周敏 zhoumin@haining.gov.cn。');
    await me.getByRole('tabpanel').getByRole('button', { name: /保\s*存/ }).click();
    await me.locator('.ant-message').filter({ hasText: '设置已保存' }).first().waitFor();

    // The final export, downloaded.
    await me.getByRole('tab', { name: '申请注销账号' }).click();
    await me.getByRole('button', { name: '导出全部邮件（mbox）' }).click();
    const link = me.locator('.export-list a').first();
    await link.waitFor();
    const [download] = await Promise.all([me.waitForEvent('download'), link.click()]);
    const mbox = readFileSync((await download.path())!, 'latin1');
    expect(mbox).toMatch(/^From /);
    expect(mbox).toContain('budget report due');
    await expect.poll(() => status('export')).toBe('done');
    await expect.poll(() => status('auto_reply')).toBe('done');
    await expect.poll(() => status('important_mail')).toBe('done');
    await handover.getByText('交接事项已完成，等待单位信息管理员办结。').waitFor();
    await shot(me, 'handed-over');

    // ── the unit admin completes it in the console ──
    const admin = await newPage();
    await signIn(admin, UNIT_ADMIN, SEED_PASSWORD);
    await admin.goto(`${base}/console/deactivations`);
    await admin.getByRole('link', { name: /刘洋/ }).click();
    await admin.locator('.handover-checklist').waitFor();
    await shot(admin, 'console-detail');
    await admin.getByRole('button', { name: '办结注销' }).click();
    await admin.locator('.ant-popconfirm').getByRole('button', { name: /确\s*定/ }).click();
    await admin.locator('.ant-tag').filter({ hasText: '已注销' }).first().waitFor();
    await shot(admin, 'console-completed');

    // ── the account is disabled ──
    expect((await gm.services.directory.getAccount(PERSON)).state).toBe('deactivated');
    await me.goto(`${base}/mail`);
    await me.getByLabel('邮箱地址').waitFor();
    await me.getByLabel('邮箱地址').fill(PERSON);
    await me.getByLabel('密码').fill(NEW_PASSWORD);
    await me.getByRole('button', { name: /登\s*录/ }).click();
    await me.getByText('账号已停用').first().waitFor();
    expect(await gm.services.auth.authenticate({ login: PERSON, password: NEW_PASSWORD, protocol: 'imap' })).toMatchObject({ ok: false, reason: 'disabled' });

    // ── mail to the address goes to the successor ──
    const reply = await wire.sendMail({ from: 'office@example.net', to: [PERSON] }, rfc5322({ to: PERSON, subject: 'after deactivation' }));
    expect(reply.code, reply.text).toBe(250);
    await wire.quit();
    expect((await gm.inbox(SUCCESSOR)).map((m) => m.subject)).toContain('after deactivation');
    expect((await gm.inbox(PERSON)).map((m) => m.subject)).not.toContain('after deactivation');
  }, 120_000);

  it('the department admin waives open items with a written reason in the console, then completes', async () => {
    const person = await gm.addPerson({ address: 'wanghai@haining.gov.cn', displayName: '王海', unitCode: 'czj' });
    // The unit admin locks and unlocks from the account page (a reason each time).
    const unitAdmin = await newPage();
    await signIn(unitAdmin, UNIT_ADMIN, SEED_PASSWORD);
    for (const [action, label, state] of [['lock', '锁定', 'locked'], ['unlock', '解锁', 'active']] as const) {
      await unitAdmin.goto(`${base}/console/accounts/${person.id}`);
      await unitAdmin.locator(`[data-action="${action}"]`).click();
      const dialog = unitAdmin.locator('.ant-modal').filter({ hasText: label });
      await dialog.getByRole('button', { name: /确\s*定/ }).click();
      await dialog.getByText('请填写原因').waitFor();
      await dialog.getByRole('textbox').fill(action === 'lock' ? '设备遗失，临时锁定' : '设备已找回');
      await dialog.getByRole('button', { name: /确\s*定/ }).click();
      await expect.poll(async () => (await gm.services.directory.getAccount('wanghai@haining.gov.cn')).state).toBe(state);
    }
    await shot(unitAdmin, 'account-page');

    const unitAdminApi = await apiSession(base, UNIT_ADMIN, SEED_PASSWORD);
    const started = await unitAdminApi.post(`/api/console/accounts/${person.id}/deactivation`, { reason: '退休', successorAddress: SUCCESSOR, forwardDays: 30 });
    expect(started.status, JSON.stringify(started.body)).toBe(201);

    const admin = await newPage();
    await signIn(admin, DEPT_ADMIN, SEED_PASSWORD);
    await admin.goto(`${base}/console/deactivations`);
    await admin.getByRole('link', { name: /王海/ }).click();
    const checklist = admin.locator('.handover-checklist');
    await checklist.waitFor();
    for (const item of ['auto_reply', 'export']) {
      expect(await checklist.locator(`[data-item="${item}"]`).getAttribute('data-status')).toBe('open');
      await checklist.locator(`[data-waive="${item}"]`).click();
      const dialog = admin.locator('.ant-modal').filter({ hasText: '豁免交接事项' });
      await dialog.getByRole('textbox').fill('本人已退休离岗，由单位统一归档并答复来信');
      await dialog.getByRole('button', { name: /确\s*定/ }).click();
      await expect.poll(() => checklist.locator(`[data-item="${item}"]`).getAttribute('data-status')).toBe('waived');
    }
    await checklist.getByText('本人已退休离岗').first().waitFor();
    await shot(admin, 'console-waived');
    await admin.getByRole('button', { name: '办结注销' }).click();
    await admin.locator('.ant-popconfirm').getByRole('button', { name: /确\s*定/ }).click();
    await admin.locator('.ant-tag').filter({ hasText: '已注销' }).first().waitFor();
    expect((await gm.services.directory.getAccount('wanghai@haining.gov.cn')).state).toBe('deactivated');
    const waivers = await gm.services.db.selectFrom('handover_waivers').select(['item', 'waived_by']).where('deactivation_id', '=', Number(started.body.id)).orderBy('item').execute();
    expect(waivers).toEqual([
      { item: 'auto_reply', waived_by: DEPT_ADMIN },
      { item: 'export', waived_by: DEPT_ADMIN },
    ]);
  }, 90_000);
});
