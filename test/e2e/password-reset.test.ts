/**
 * Administrator reset by one-time link end to end in headless Chromium against a real govmail
 * (SPEC Art. 4.1 "administrators never see one, only send a reset"): the unit admin sends a link
 * from the account page in the console (a reason, the link shown once), the person opens
 * /reset/<token> in another browser, a weak password is refused with the rule it breaks, a good
 * one is accepted, the person signs in with it, and the link no longer works. Then the
 * department admin tightens the minimum length on the 密码策略 page and the next link's page
 * states (and the server enforces) the new rule. Last, the security officer's incident action
 * 强制重置密码 sends a link too and shows it once.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_PASSWORD, startTestGovmail, type TestGovmail } from '../helpers/start-govmail.js';
import { CHROMIUM_ARGS, SCREENSHOTS, ensureWebBuild, signInInBrowser } from '../helpers/browser.js';

const UNIT_ADMIN = 'admin.hn@haining.gov.cn';
const DEPT_ADMIN = 'admin@haining.gov.cn';
const OFFICER = 'anquan@haining.gov.cn';
const PERSON = 'liuyang@haining.gov.cn';
const NEW_PASSWORD = 'Yanguan#Tide2026';

describe('administrator password reset in the browser', () => {
  let gm: TestGovmail;
  let browser: Browser;
  let base: string;

  async function freshPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    return context.newPage();
  }

  /** The unit admin's console: the account page, 发送重置链接 with a reason → the path shown once. */
  async function sendLinkInConsole(admin: Page, accountId: number, reason: string): Promise<string> {
    await admin.goto(`${base}/console/accounts/${accountId}`);
    await admin.getByRole('button', { name: '发送重置链接' }).click();
    const dialog = admin.getByRole('dialog', { name: '发送重置链接' });
    await dialog.getByLabel('原因').fill(reason);
    await dialog.getByRole('button', { name: /发\s*送/ }).click();
    const shown = (await admin.getByTestId('reset-link-here').innerText()).trim();
    const link = shown.slice(shown.indexOf('http'));
    await admin.getByRole('button', { name: '我已转交，关闭' }).click();
    return new URL(link).pathname;
  }

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(SCREENSHOTS, { recursive: true });
    gm = await startTestGovmail({
      people: [
        { address: UNIT_ADMIN, displayName: '海宁管理员', roles: ['staff', 'unit_admin'] },
        { address: DEPT_ADMIN, displayName: '系统管理员', roles: ['dept_admin'] },
        { address: PERSON, displayName: '刘洋' },
        { address: OFFICER, displayName: '安全员', roles: ['security_officer'] },
      ],
    });
    base = `http://127.0.0.1:${gm.ports.http}`;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gm?.stop();
  });

  it('admin sends a link → weak password refused with the rule → good one works → sign in → link dead', async () => {
    const person = gm.people.get(PERSON)!;
    const admin = await freshPage();
    await signInInBrowser(admin, base, UNIT_ADMIN, SEED_PASSWORD);
    const resetPath = await sendLinkInConsole(admin, person.id, '本人忘记密码，已电话核实');
    expect(resetPath).toMatch(/^\/reset\/[A-Za-z0-9_-]{43}$/);
    // The notice reached the person's INBOX too.
    expect((await gm.inbox(PERSON)).map((m) => m.subject)).toContain('重设密码链接（一次有效）');

    const page = await freshPage();
    await page.goto(`${base}${resetPath}`);
    await page.getByText('li***@haining.gov.cn').waitFor();
    // The policy is explained inline.
    expect(await page.getByTestId('reset-policy').innerText()).toContain('密码至少 12 位');

    // Weak: refused, the broken rule shown on the field.
    await page.getByLabel('新密码', { exact: true }).fill('liuyang123456');
    await page.getByLabel('确认密码').fill('liuyang123456');
    await page.getByRole('button', { name: '设置新密码' }).click();
    await page.locator('.ant-form-item-explain-error').filter({ hasText: '密码不能包含邮箱地址' }).first().waitFor();
    expect(await page.locator('.ant-form-item-explain-error').allInnerTexts()).toEqual(expect.arrayContaining(['密码须包含大写字母、小写字母、数字、符号中的至少三类']));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'password-reset-weak.png') });

    // Good: accepted.
    await page.getByLabel('新密码', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('确认密码').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: '设置新密码' }).click();
    await page.getByText('密码已重设').waitFor();

    // The person signs in with it (the old one is refused).
    expect((await gm.services.auth.authenticate({ login: PERSON, password: SEED_PASSWORD, protocol: 'imap' })).ok).toBe(false);
    const mail = await freshPage();
    await signInInBrowser(mail, base, PERSON, NEW_PASSWORD);

    // The link no longer works.
    await page.goto(`${base}${resetPath}`);
    await page.getByText('无法使用此重设密码链接').waitFor();
    expect(await page.getByTestId('reset-unusable').innerText()).toContain('无效或已使用');

    const audit = await gm.services.db.selectFrom('audit_log').select(['action', 'actor', 'target']).where('action', 'in', ['account.password_reset_link', 'account.password_reset']).where('outcome', '=', 'success').orderBy('id').execute();
    expect(audit).toEqual([
      { action: 'account.password_reset_link', actor: UNIT_ADMIN, target: PERSON },
      { action: 'account.password_reset', actor: PERSON, target: PERSON },
    ]);
  }, 180_000);

  it('the 密码策略 page tightens the minimum length; the next reset page states and enforces it', async () => {
    const dept = await freshPage();
    await signInInBrowser(dept, base, DEPT_ADMIN, SEED_PASSWORD);
    await dept.goto(`${base}/console/password-policy`);
    const length = dept.getByLabel('最小长度');
    await expect.poll(() => length.inputValue()).toBe('12');
    await length.fill('18');
    await dept.getByRole('button', { name: '保存策略' }).click();
    await expect.poll(() => dept.getByTestId('policy-rules').innerText()).toContain('密码至少 18 位');

    const admin = await freshPage();
    await signInInBrowser(admin, base, UNIT_ADMIN, SEED_PASSWORD);
    const resetPath = await sendLinkInConsole(admin, gm.people.get(PERSON)!.id, '再次核实后重设');
    const page = await freshPage();
    await page.goto(`${base}${resetPath}`);
    await expect.poll(() => page.getByTestId('reset-policy').innerText()).toContain('密码至少 18 位');
    await page.getByLabel('新密码', { exact: true }).fill('Haichao#Qian2027');
    await page.getByLabel('确认密码').fill('Haichao#Qian2027');
    await page.getByRole('button', { name: '设置新密码' }).click();
    await page.locator('.ant-form-item-explain-error').filter({ hasText: '密码至少 18 位' }).first().waitFor();
  }, 180_000);

  it('the incident action 强制重置密码 sends the owner a link and shows it once to the officer', async () => {
    const person = gm.people.get(PERSON)!;
    const incident = await gm.services.incidents.report({ id: person.id, address: PERSON }, { kind: 'account_compromised', description: '有人用我的账号发信' }, { address: PERSON, accountId: person.id, via: 'web' });
    const noticesBefore = (await gm.inbox(PERSON)).filter((m) => m.subject === '重设密码链接（一次有效）').length;
    const officer = await freshPage();
    await signInInBrowser(officer, base, OFFICER, SEED_PASSWORD);
    await officer.goto(`${base}/console/incidents/${incident.id}`);
    await officer.locator('[data-action="force-password-reset"]').click();
    const dialog = officer.locator('.ant-modal:visible');
    await dialog.getByLabel('原因').fill('账号疑似被盗用');
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    const shown = (await officer.getByTestId('reset-link-here').innerText()).trim();
    const resetPath = new URL(shown.slice(shown.indexOf('http'))).pathname;
    expect((await gm.services.passwordResets.resetTarget(resetPath.split('/reset/')[1]!)).account.address).toBe(PERSON);
    // The notice went to the INBOX too.
    expect((await gm.inbox(PERSON)).filter((m) => m.subject === '重设密码链接（一次有效）')).toHaveLength(noticesBefore + 1);
  }, 180_000);
});
