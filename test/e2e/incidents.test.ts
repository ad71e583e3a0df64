/**
 * Incident reporting and response end to end (SPEC Art. 4.3) in headless Chromium against a
 * real govmail (SMTP, HTTP, the built web app):
 *
 *   a phishing mail arrives over SMTP for two people → one of them opens it and presses
 *   报告可疑邮件 in the reading pane → the security officer sees the incident in the console's
 *   安全事件 list, opens it, triages it and removes the message from every mailbox (count 2),
 *   then resolves it with a verdict → the person's list no longer shows the mail, the verdict
 *   arrives in their INBOX, and 我的报告 shows it.
 *
 * Screenshots go to test-results/ (git-ignored).
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpWire } from '../helpers/smtp-wire.js';
import { SEED_PASSWORD, startTestGovmail, type TestGovmail } from '../helpers/start-govmail.js';
import { rfc5322 } from '../helpers/temp-services.js';
import { CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, ensureWebBuild, signInInBrowser } from '../helpers/browser.js';

const PERSON = 'zhangwei@haining.gov.cn';
const OTHER = 'lina@haining.gov.cn';
const OFFICER = 'anquan@haining.gov.cn';
const SUBJECT = '【紧急】工资账户异常，请立即验证';
const VERDICT = '确认为仿冒钓鱼邮件，已从全部邮箱删除。请勿点击其中链接。';

describe.skipIf(!existsSync(CHROMIUM))(`incidents in headless Chromium${existsSync(CHROMIUM) ? '' : ' (skipped: no /usr/bin/chromium)'}`, () => {
  let gm: TestGovmail;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    contexts.push(context);
    return context.newPage();
  }

  async function signIn(page: Page, address: string): Promise<void> {
    await signInInBrowser(page, base, address, SEED_PASSWORD);
  }

  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(SCREENSHOTS, `incidents-${name}.png`), fullPage: true });
  }

  /** Presses the dialog's OK (antd spaces two-character labels: 确 定). */
  async function confirmDialog(page: Page): Promise<void> {
    await page.locator('.ant-modal:visible').getByRole('button', { name: /确\s*定/ }).click();
  }

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(SCREENSHOTS, { recursive: true });
    gm = await startTestGovmail({
      people: [
        { address: PERSON, displayName: '张伟' },
        { address: OTHER, displayName: '李娜' },
        { address: OFFICER, displayName: '安全员', roles: ['security_officer'] },
      ],
    });
    base = `http://127.0.0.1:${gm.ports.http}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await gm?.stop();
  });

  it('report from the reading pane → the officer purges it from the console → gone from the list, verdict received', async () => {
    const wire = await SmtpWire.connect(gm.ports.smtp);
    await wire.ehlo('mx.payroll-check.example');
    const phish = rfc5322({ from: '"财务处" <payroll@payroll-check.example>', to: `${PERSON}, ${OTHER}`, subject: `=?UTF-8?B?${Buffer.from(SUBJECT).toString('base64')}?=`, body: '请点击 http://payroll-check.example/login 验证工资账户。', messageId: 'payroll-2026@payroll-check.example' });
    expect((await wire.sendMail({ from: 'payroll@payroll-check.example', to: [PERSON, OTHER] }, phish)).code).toBe(250);
    await wire.quit();

    // ── the person reports it from the reading pane ──
    const me = await newPage();
    await signIn(me, PERSON);
    await me.getByRole('option').filter({ hasText: SUBJECT }).first().click();
    await me.locator('.reader').getByRole('heading', { name: SUBJECT }).waitFor();
    await me.getByRole('button', { name: '报告可疑邮件' }).click();
    const dialog = me.locator('.ant-modal:visible');
    await dialog.locator('#description').fill('冒充财务处，要求登录陌生网站');
    // Keep it in INBOX: the purge must take it from there.
    await dialog.getByRole('checkbox').uncheck();
    await shot(me, 'report-dialog');
    await dialog.getByRole('button', { name: '提交报告' }).click();
    await me.locator('.ant-message').filter({ hasText: '已报告' }).first().waitFor();
    const incident = await gm.services.db.selectFrom('incidents').selectAll().executeTakeFirstOrThrow();
    expect(incident).toMatchObject({ kind: 'suspicious_mail', state: 'reported', reporter_address: PERSON, message_id: '<payroll-2026@payroll-check.example>' });
    expect(await me.locator('.row-subject').filter({ hasText: SUBJECT }).count()).toBe(1);

    // ── the officer: console → 安全事件 → the incident ──
    const officer = await newPage();
    await signIn(officer, OFFICER);
    await officer.goto(`${base}/console`);
    await officer.getByRole('menu').getByRole('link', { name: '安全事件' }).click();
    await officer.locator('.incidents-table').getByRole('link', { name: SUBJECT }).waitFor();
    await shot(officer, 'console-list');
    await officer.locator('.incidents-table').getByRole('link', { name: SUBJECT }).click();
    await officer.getByRole('heading', { name: new RegExp(`安全事件 #${incident.id}`) }).waitFor();

    await officer.locator('[data-transition="triage"]').click();
    await officer.locator('.ant-modal:visible #reason').fill('确认为钓鱼邮件');
    await confirmDialog(officer);
    await officer.locator('.ant-tag').filter({ hasText: '已研判' }).first().waitFor();

    await officer.locator('[data-action="purge"]').click();
    await officer.locator('.ant-modal:visible #reason').fill('仿冒财务处钓鱼，全员清除');
    await confirmDialog(officer);
    await officer.locator('.ant-message').filter({ hasText: '已从 2 个账号删除 2 封邮件' }).first().waitFor();
    await officer.locator('.incident-timeline').getByText('删除邮件').waitFor();

    // Block the sending domain from the incident; the dialog proposes the sender's domain.
    await officer.locator('[data-action="block"]').click();
    expect(await officer.locator('.ant-modal:visible #pattern').inputValue()).toBe('payroll-check.example');
    await officer.locator('.ant-modal:visible #reason').fill('仿冒财务处的钓鱼域名');
    await confirmDialog(officer);
    await officer.locator('.ant-message').filter({ hasText: '已封禁 payroll-check.example' }).first().waitFor();

    await officer.locator('[data-transition="resolve"]').click();
    await officer.locator('.ant-modal:visible #verdict').fill(VERDICT);
    await confirmDialog(officer);
    await officer.locator('.ant-tag').filter({ hasText: '已处置' }).first().waitFor();
    await shot(officer, 'console-resolved');

    // ── the person: the mail is gone from the list, the verdict has arrived ──
    // (The verdict notice quotes the subject in its preview: match the subject line only.)
    await expect.poll(() => me.locator('.row-subject').filter({ hasText: SUBJECT }).count(), { timeout: 10_000 }).toBe(0);
    await me.getByRole('option').filter({ hasText: '已处理完毕' }).first().waitFor({ timeout: 10_000 });
    await me.getByRole('option').filter({ hasText: '已处理完毕' }).first().click();
    await me.locator('.reader').getByText(VERDICT, { exact: false }).first().waitFor();
    await shot(me, 'verdict-mail');

    await me.goto(`${base}/reports`);
    const row = me.locator('.my-incidents tr.ant-table-row').first();
    await row.getByText('已处置').waitFor();
    expect(await row.locator('.incident-verdict').innerText()).toBe(VERDICT);
    await shot(me, 'my-reports');

    expect(await gm.services.db.selectFrom('messages').select('id').where('message_id', '=', '<payroll-2026@payroll-check.example>').execute()).toEqual([]);
  }, 120_000);

  it('发件人封禁: the block refuses the domain at the MX; the officer lifts it with a reason and mail flows again', async () => {
    const tryMailFrom = async () => {
      const wire = await SmtpWire.connect(gm.ports.smtp);
      await wire.ehlo('mx.payroll-check.example');
      const reply = await wire.command('MAIL FROM:<notice@mail.payroll-check.example>');
      await wire.quit();
      return reply;
    };
    const refused = await tryMailFrom();
    expect(refused.code, refused.text).toBe(550);

    const officer = await newPage();
    await signIn(officer, OFFICER);
    await officer.goto(`${base}/console`);
    await officer.getByRole('menu').getByRole('link', { name: '发件人封禁' }).click();
    const row = officer.locator('.sender-blocks-table tr.ant-table-row').filter({ hasText: 'payroll-check.example' });
    await row.waitFor();
    await row.getByText('整个域名（含子域名）').waitFor();
    await row.getByText('仿冒财务处的钓鱼域名').waitFor();
    await shot(officer, 'sender-blocks');
    await row.locator('[data-action="lift"]').click();
    // No reason, no lifting.
    await officer.locator('.ant-modal:visible').getByRole('button', { name: '解除封禁' }).click();
    await officer.locator('.ant-modal:visible').getByText('请填写解除封禁的原因').waitFor();
    await officer.locator('.ant-modal:visible #reason').fill('对方已确认域名被盗用并完成整改');
    await officer.locator('.ant-modal:visible').getByRole('button', { name: '解除封禁' }).click();
    await officer.locator('.ant-message').filter({ hasText: '已解除对 payroll-check.example 的封禁' }).first().waitFor();
    await officer.locator('.sender-blocks-table').getByText('当前没有封禁的发件人').waitFor();

    expect(await gm.services.db.selectFrom('sender_blocks').selectAll().execute()).toEqual([]);
    const audit = await gm.services.db.selectFrom('audit_log').selectAll().where('action', '=', 'security.unblock_sender').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: OFFICER, target: 'payroll-check.example' });
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ reason: '对方已确认域名被盗用并完成整改' });
    const accepted = await tryMailFrom();
    expect(accepted.code, accepted.text).toBe(250);
  }, 90_000);
});
