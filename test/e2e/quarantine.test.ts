/**
 * Inbound security in the real web app (headless Chromium, built dist/web, SPEC 4.2): a phishing
 * message sent to the MX is held; the security officer sees it on 邮件隔离区, reads its body in
 * the sandboxed frame (the credential form is gone), and releases it with a reason; it reaches
 * the recipient. A suspicious message under the threshold shows the 风险提示 banner and 外部邮件.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpWire } from '../helpers/smtp-wire.js';
import { SEED_PASSWORD, startTestGovmail, type TestGovmail } from '../helpers/start-govmail.js';
import { CHROMIUM, REPO_ROOT, ensureWebBuild, signInInBrowser } from '../helpers/browser.js';

const corpusDir = process.env.GOVMAIL_CORPUS_DIR ? path.resolve(process.env.GOVMAIL_CORPUS_DIR) : path.resolve(REPO_ROOT, '../shared/corpus');
const LI = 'lina@haining.gov.cn';
const OFFICER = 'baomi@haining.gov.cn';

describe.skipIf(!existsSync(CHROMIUM))('quarantine and risk warnings in the web app', () => {
  let gm: TestGovmail;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    ensureWebBuild();
    gm = await startTestGovmail({ overrides: { http: { webRoot: path.join(REPO_ROOT, 'dist', 'web') }, inbound: { enabled: true, authentication: false } } });
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

  async function sendToMx(file: string, from: string): Promise<void> {
    const wire = await SmtpWire.connect(gm.ports.smtp);
    await wire.ehlo('mx.example.net');
    const reply = await wire.sendMail({ from, to: [LI] }, readFileSync(path.join(corpusDir, file)));
    await wire.quit();
    expect(reply.code, reply.text).toBe(250);
  }

  const inboxSubjects = async () => (await gm.inbox(LI)).map((m) => m.subject);

  it('the officer views a held phishing message safely and releases it; it reaches the recipient', async () => {
    await sendToMx('messages/095-credential-form-in-html.eml', 'sso@haining.gov.cn.mail-secure.com');
    expect(await inboxSubjects()).toEqual(['【安全提示】一封发给您的邮件已被隔离']);

    const officer = await signedIn(OFFICER);
    await officer.goto(`${base}/console/quarantine`);
    const row = officer.locator('.ant-table-row').filter({ hasText: '身份认证信息核验' });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/仿冒域名/);
    await row.getByRole('button', { name: /查\s*看/ }).click();
    const drawer = officer.locator('.ant-drawer');
    const frame = drawer.locator('iframe.mail-frame');
    await frame.waitFor();
    expect(await frame.getAttribute('sandbox')).toBe('allow-same-origin');
    const body = officer.frameLocator('.ant-drawer iframe.mail-frame').locator('body');
    await expect.poll(async () => body.innerText()).toMatch(/核验/);
    expect(await officer.frameLocator('.ant-drawer iframe.mail-frame').locator('form, input, script').count()).toBe(0);

    await drawer.getByPlaceholder('处理理由（必填，记入审计）').fill('经核实为安全演练邮件');
    await drawer.getByRole('button', { name: /放行投递/ }).click();
    await officer.locator('.ant-modal-confirm').getByRole('button', { name: /放行投递/ }).click();
    await officer.locator('.ant-message').filter({ hasText: '已放行并投递' }).waitFor();
    await expect.poll(inboxSubjects).toContain('身份认证信息核验（须在今日内完成）');
    const audit = await gm.services.db.selectFrom('audit_log').select(['action', 'actor']).where('action', '=', 'security.quarantine.release').execute();
    expect(audit).toEqual([{ action: 'security.quarantine.release', actor: OFFICER }]);
  }, 120_000);

  it('a suspicious message under the threshold shows 风险提示 and 外部邮件 in the reading pane', async () => {
    // Urgent payment wording from a domain never seen before: scored, under the threshold.
    const raw = Buffer.from(
      `From: =?UTF-8?B?${Buffer.from('项目办').toString('base64')}?= <office@partner.example.org>\r\nTo: ${LI}\r\nSubject: =?UTF-8?B?${Buffer.from('项目保证金请今日处理').toString('base64')}?=\r\nDate: Mon, 02 Jun 2025 10:00:00 +0800\r\nMessage-ID: <risk1@partner.example.org>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.from('您好，请务必于今天下班前将项目保证金转账至以下账户。').toString('base64')}\r\n`,
    );
    const wire = await SmtpWire.connect(gm.ports.smtp);
    await wire.ehlo('mx.example.org');
    const reply = await wire.sendMail({ from: 'office@partner.example.org', to: [LI] }, raw);
    await wire.quit();
    expect(reply.code, reply.text).toBe(250);
    const page = await signedIn(LI);
    await page.getByRole('option').filter({ hasText: '项目保证金请今日处理' }).first().click();
    const risk = page.locator('.banner-risk');
    await risk.waitFor();
    expect(await risk.innerText()).toMatch(/风险提示[\s\S]*(付款|转账)/);
    await page.locator('.banner-external').waitFor();
  }, 120_000);
});
