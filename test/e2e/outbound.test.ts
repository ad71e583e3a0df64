/**
 * Outbound checks in the real web app (headless Chromium against a running govmail, the built
 * dist/web): a message with a classified marker is refused with the reason and the 机要
 * pointer; a message with an ID-card number asks for confirmation and goes after 确认发送; a
 * message held by a rule is released from the console's 外发审核 page by the security officer
 * and reaches the recipient.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_PASSWORD, startTestGovmail, type TestGovmail } from '../helpers/start-govmail.js';
import { CHROMIUM, REPO_ROOT, ensureWebBuild, signInInBrowser } from '../helpers/browser.js';

const ZHANG = 'zhangwei@haining.gov.cn';
const LI = 'lina@haining.gov.cn';
const OFFICER = 'baomi@haining.gov.cn';

describe.skipIf(!existsSync(CHROMIUM))('outbound checks in the web app', () => {
  let gm: TestGovmail;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    ensureWebBuild();
    gm = await startTestGovmail({ overrides: { http: { webRoot: path.join(REPO_ROOT, 'dist', 'web') } } });
    await gm.addPerson({ address: OFFICER, displayName: '保密员', roles: ['security_officer'] });
    base = `http://127.0.0.1:${gm.ports.http}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gm?.stop();
  });

  async function signedIn(address: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    await signInInBrowser(page, base, address, SEED_PASSWORD);
    return page;
  }

  async function compose(page: Page, subject: string, body: string): Promise<void> {
    await page.goto(`${base}/compose?to=${encodeURIComponent(LI)}`);
    await page.getByLabel('主题').fill(subject);
    const editor = page.getByRole('textbox', { name: '正文' });
    await editor.click();
    await editor.pressSequentially(body);
    await page.getByRole('button', { name: /发\s*送/ }).click();
  }

  const inboxSubjects = async () => (await gm.inbox(LI)).map((m) => m.subject);

  it('blocks classified content with the reason and the 机要 pointer; confirms personal data', async () => {
    const page = await signedIn(ZHANG);
    await compose(page, '【机密】重大项目推进情况', '截至目前进展顺利。');
    const blocked = page.locator('.ant-modal').filter({ hasText: '邮件不能发送' });
    await blocked.waitFor();
    const text = await blocked.innerText();
    expect(text).toContain('机密');
    expect(text).toContain('机要');
    await blocked.getByRole('button', { name: /确\s*定/ }).click();
    expect(await inboxSubjects()).not.toContain('【机密】重大项目推进情况');

    await compose(page, '拟录用人员名单', '王五，身份证号 11010519491231002X');
    const confirm = page.locator('.ant-modal').filter({ hasText: '发送前请确认' });
    await confirm.waitFor();
    expect(await confirm.innerText()).toContain('身份证号码');
    await confirm.getByRole('button', { name: '确认发送' }).click();
    await page.locator('.ant-message').filter({ hasText: '邮件已发送' }).waitFor();
    expect(await inboxSubjects()).toContain('拟录用人员名单');
  }, 120_000);

  it('a held message is released from the console by the security officer', async () => {
    const now = Date.now();
    await gm.services.db.insertInto('content_rules').values({ unit_id: null, name: '对外报送审核', kind: 'keyword', pattern: '对外报送', action: 'hold', enabled: 1, created_by: null, created_at: now, updated_at: now }).execute();
    const sender = await signedIn(ZHANG);
    await compose(sender, '对外报送材料', '请审核后发出。');
    await sender.locator('.ant-message').filter({ hasText: '已提交单位审核' }).waitFor();
    expect(await inboxSubjects()).not.toContain('对外报送材料');

    const officer = await signedIn(OFFICER);
    await officer.goto(`${base}/console/outbound-holds`);
    const rowEl = officer.locator('.ant-table-row').filter({ hasText: '对外报送材料' });
    await rowEl.waitFor();
    expect(await rowEl.innerText()).toContain('触发内容规则「对外报送审核」');
    await rowEl.getByRole('button', { name: /查\s*看/ }).click();
    const drawer = officer.locator('.ant-drawer');
    await drawer.getByText('请审核后发出。').first().waitFor();
    await drawer.getByRole('button', { name: /放\s*行/ }).click();
    await officer.locator('.ant-modal-confirm').getByRole('button', { name: /放\s*行/ }).click();
    // The toast lasts three seconds, too short to be sure of on a loaded machine: the lasting
    // evidence is the row leaving the list of held messages and the mail arriving.
    await expect.poll(() => officer.locator('.ant-table-row').filter({ hasText: '对外报送材料' }).count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(inboxSubjects).toContain('对外报送材料');
  }, 120_000);
});
