/**
 * The webmail end to end, in real headless Chromium (Debian `chromium`, driven by playwright-core)
 * against a real govmail (HTTP, SMTP, the built web app from dist/web):
 *
 * - sign in; read a Chinese message delivered over SMTP;
 * - write a message with an attachment to a colleague, who — signed in in a second browser
 *   context — sees it arrive without reloading (server-sent events);
 * - search 会议 finds it;
 * - important mail: the recipient confirms 已阅, the sender sees it in the receipts table;
 * - every hostile HTML message of the shared corpus (`hostile_html: true`) is delivered and
 *   opened: no dialog, no form submission, no pop-up, no navigation of the mail frame, and no
 *   request to any host but the test server — watched on the whole browser context, so requests
 *   from the sandboxed frame count too — also after clicks on its links (which only ask first);
 * - phone width (375 px): the folder tree in a drawer, list and message taking turns.
 *
 * Screenshots of the main screens go to test-results/ (git-ignored) for a person to look at.
 * The web app is built first when dist/web is missing or older than web/ or common/.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpWire } from '../helpers/smtp-wire.js';
import { SEED_PASSWORD, startTestGovmail, type TestGovmail } from '../helpers/start-govmail.js';
import { CHROMIUM, CHROMIUM_ARGS, REPO_ROOT, SCREENSHOTS, ensureWebBuild } from '../helpers/browser.js';

const CORPUS_DIR = process.env.GOVMAIL_CORPUS_DIR ? path.resolve(process.env.GOVMAIL_CORPUS_DIR) : path.resolve(REPO_ROOT, '../shared/corpus');

const ZHANG = 'zhangwei@haining.gov.cn';
const LI = 'lina@haining.gov.cn';
const WANG = 'wangfang@haining.gov.cn';

interface CorpusEntry {
  file: string;
  hostile_html: boolean;
  expected: { subject: string | null; text_contains: string[] };
}

const corpus: CorpusEntry[] = existsSync(path.join(CORPUS_DIR, 'manifest.json')) ? (JSON.parse(readFileSync(path.join(CORPUS_DIR, 'manifest.json'), 'utf8')) as CorpusEntry[]) : [];

/** Newest modification time under a directory (build inputs). */

/** Everything the browser asked for, from every page and frame of a context. */
interface Watch {
  requests: Request[];
  /** Requests for another host that got as far as the network: intercepted and aborted. */
  offHostReached: string[];
  dialogs: string[];
  popups: string[];
  frameNavigations: string[];
}

async function watch(context: BrowserContext, page: Page, origin: string): Promise<Watch> {
  const w: Watch = { requests: [], offHostReached: [], dialogs: [], popups: [], frameNavigations: [] };
  context.on('request', (request) => w.requests.push(request));
  // Anything for another host that reaches the network stage is recorded and never leaves the
  // machine. (Loads the CSP refuses never get here: the renderer stops them first.)
  await context.route(
    (url) => url.origin !== origin && url.protocol !== 'data:' && url.protocol !== 'about:',
    async (route) => {
      w.offHostReached.push(route.request().url());
      await route.abort('blockedbyclient');
    },
  );
  context.on('page', (p) => w.popups.push(p.url()));
  page.on('dialog', (dialog) => {
    w.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('popup', (p) => w.popups.push(p.url()));
  page.on('framenavigated', (frame) => {
    if (frame !== page.mainFrame()) w.frameNavigations.push(frame.url());
  });
  return w;
}

/** The frame a request came from ('' when it has none). */
function frameUrl(request: Request): string {
  try {
    return request.frame().url();
  } catch {
    return '';
  }
}

/**
 * TEST SHORTCUT (as bench/webmail-api.ts): a big folder is seeded by inserting message rows
 * directly, over one shared blob, instead of delivering 100k messages — this tests the list,
 * not delivery. Newest (highest number) first by date.
 */
async function seedFolder(gm: TestGovmail, accountId: number, count: number): Promise<void> {
  const { db, blobs, mail } = gm.services;
  await mail.ensureDefaultMailboxes(accountId);
  const inbox = await mail.getMailbox(accountId, 'INBOX');
  const raw = Buffer.from('From: 档案室 <archive@haining.gov.cn>\r\nSubject: =?UTF-8?B?6YCa55+l?=\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n');
  const hash = await blobs.put(raw);
  await db.transaction().execute(async (tx) => {
    await tx.insertInto('blobs').values({ hash, size: raw.length, ref_count: count, created_at: Date.now() }).execute();
    for (let start = 0; start < count; start += 500) {
      const rows = [];
      for (let i = start; i < Math.min(count, start + 500); i++) {
        const date = Date.UTC(2020, 0, 1) + i * 60_000;
        rows.push({
          mailbox_id: inbox.id, uid: i + 1, modseq: 2, seen: (i % 5 === 0 ? 0 : 1) as 0 | 1, answered: 0 as const, flagged: 0 as const, deleted: 0 as const, draft: 0 as const,
          keywords: '[]', internal_date: date, size: raw.length, blob_hash: hash, from_address: 'archive@haining.gov.cn', from_name: `科室${i % 97}`, to_json: '[]', cc_json: '[]',
          subject: `第 ${i} 号通知`, sent_date: date, message_id: `<seed-${i}@haining.gov.cn>`, in_reply_to: null, references_json: '[]', has_attachments: 0 as const,
          attachment_names_json: '[]', classification: '内部', importance: 'normal', preview: '（批量生成的测试邮件）', created_at: date,
        });
      }
      await tx.insertInto('messages').values(rows).execute();
    }
    await tx.updateTable('mailboxes').set({ uid_next: count + 1, highest_modseq: 2 }).where('id', '=', inbox.id).execute();
  });
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `webmail-${name}.png`) });
}

describe.skipIf(!existsSync(CHROMIUM))(`webmail in headless Chromium${existsSync(CHROMIUM) ? '' : ' (skipped: no /usr/bin/chromium)'}`, () => {
  let gm: TestGovmail;
  let base: string;
  let browser: Browser;
  let wire: SmtpWire;
  const contexts: BrowserContext[] = [];

  /** Delivers raw bytes over SMTP to the MX, as an outside server would. */
  async function deliver(raw: Buffer, to: string): Promise<void> {
    const reply = await wire.sendMail({ from: 'bounce@example.net', to: [to] }, raw);
    expect(reply.code, reply.text).toBe(250);
    await wire.command('RSET');
  }

  async function newPage(options: { width?: number; height?: number } = {}): Promise<{ context: BrowserContext; page: Page; seen: Watch }> {
    const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: options.height ?? 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    contexts.push(context);
    const page = await context.newPage();
    return { context, page, seen: await watch(context, page, new URL(base).origin) };
  }

  /**
   * Cookies of each account's first sign-in. Later pages of the same account start from them:
   * sign-in is limited to LOGIN_ATTEMPTS_PER_MINUTE (10) per client IP, every page here comes
   * from 127.0.0.1, and signing in afresh for each page would pass that within a minute.
   */
  const sessions = new Map<string, Awaited<ReturnType<BrowserContext['storageState']>>>();

  async function signIn(page: Page, address: string, shot?: string): Promise<void> {
    const saved = sessions.get(address);
    if (saved && !shot) {
      await page.context().addCookies(saved.cookies);
      await page.goto(`${base}/`);
      await page.locator('.list-title').first().waitFor();
      return;
    }
    await page.goto(`${base}/`);
    await page.getByLabel('邮箱地址').fill(address);
    await page.getByLabel('密码').fill(SEED_PASSWORD);
    if (shot) await screenshot(page, shot);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    // The list's heading: on a phone the folder tree waits in a closed drawer.
    await page.locator('.list-title').first().waitFor();
    sessions.set(address, await page.context().storageState());
  }

  /** The message list's option whose text contains `text`. */
  const row = (page: Page, text: string) => page.getByRole('option').filter({ hasText: text }).first();

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(SCREENSHOTS, { recursive: true });
    gm = await startTestGovmail();
    base = `http://127.0.0.1:${gm.ports.http}`;
    wire = await SmtpWire.connect(gm.ports.smtp);
    expect((await wire.ehlo('mx.example.net')).code).toBe(250);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await wire?.quit();
    await gm?.stop();
  });

  it('signs in, shows the inbox, and reads a Chinese message', async () => {
    const notice = corpus.find((e) => e.file.includes('001-notice-meeting')) ?? corpus.find((e) => !e.hostile_html && e.expected.text_contains.length > 0);
    expect(notice, 'a Chinese notice in the corpus').toBeDefined();
    await deliver(readFileSync(path.join(CORPUS_DIR, notice!.file)), ZHANG);

    const { page, seen } = await newPage();
    await signIn(page, ZHANG, 'sign-in');
    await expect.poll(() => page.locator('.folder-tree').innerText()).toContain('收件箱');
    for (const name of ['草稿箱', '已发送', '已删除']) expect(await page.locator('.folder-tree').innerText()).toContain(name);
    await row(page, notice!.expected.subject!).waitFor();
    await screenshot(page, 'inbox');
    // Route-level code splitting: the first visit does not load the compose or settings chunks.
    expect(seen.requests.map((r) => r.url()).filter((url) => /\/assets\/(?:compose|settings)-page-/.test(url))).toEqual([]);

    await row(page, notice!.expected.subject!).click();
    await expect.poll(() => page.locator('#reader-subject').innerText()).toBe(notice!.expected.subject);
    const body = (await page.locator('.mail-frame').count()) > 0 ? await page.frameLocator('.mail-frame').locator('body').innerText() : await page.locator('.mail-text').innerText();
    for (const words of notice!.expected.text_contains) expect(body).toContain(words);
    if ((await page.locator('.mail-frame').count()) > 0) {
      // The frame's own stylesheet applies (a srcdoc frame would inherit the page's CSP and lose it).
      const font = await page.frameLocator('.mail-frame').locator('body').evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).fontFamily);
      expect(font).toContain('WenQuanYi Micro Hei');
    }
    // Opening marked it read: no longer bold in the list, one unread less in the tree.
    await expect.poll(() => row(page, notice!.expected.subject!).locator('.row-unread').count()).toBe(0);
    await screenshot(page, 'reading-pane');
    expect(seen.dialogs).toEqual([]);
  });

  it('writes a message with an attachment to a colleague, who sees it arrive without reloading, and search 会议 finds it', async () => {
    const subject = `关于召开第三季度安全生产工作会议的通知 ${Date.now()}`;
    const attachment = Buffer.from('会议议程\n一、通报上半年安全生产情况\n二、部署下阶段工作\n', 'utf8');

    // The colleague is already looking at her inbox.
    const colleague = await newPage();
    await signIn(colleague.page, LI);
    const countBefore = await colleague.page.getByRole('option').count();

    const sender = await newPage();
    await signIn(sender.page, ZHANG);
    await sender.page.keyboard.press('c');
    await sender.page.getByRole('heading', { name: '写信' }).waitFor();

    // Recipient from the directory by pinyin initials: ln → 李娜.
    const to = sender.page.getByLabel('收件人', { exact: true });
    await to.click();
    await to.pressSequentially('ln');
    await sender.page.locator('.ant-select-item-option').filter({ hasText: LI }).first().click();
    await expect.poll(() => sender.page.locator('.address-tag').first().innerText()).toContain(LI);

    await sender.page.getByLabel('主题').fill(subject);
    const editor = sender.page.getByRole('textbox', { name: '正文' });
    await editor.click();
    await editor.pressSequentially('各科室：定于下周一上午九点召开安全生产工作会议，请准时参加。');
    await sender.page.getByTestId('compose-file-input').setInputFiles({ name: '会议议程.txt', mimeType: 'text/plain', buffer: attachment });
    await sender.page.locator('.upload-done').filter({ hasText: '会议议程.txt' }).waitFor();
    // Default classification 内部, shown in the select.
    expect(await sender.page.locator('.compose-classification').innerText()).toContain('内部');
    await screenshot(sender.page, 'compose');

    await sender.page.getByRole('button', { name: /发\s*送/ }).click();
    await sender.page.locator('.ant-message').filter({ hasText: '邮件已发送' }).waitFor();

    // Arrives in the colleague's open inbox through live updates: no reload.
    const arrived = row(colleague.page, subject);
    await arrived.waitFor({ timeout: 15_000 });
    expect(await colleague.page.getByRole('option').count()).toBeGreaterThan(countBefore);
    expect(await arrived.locator('.row-unread').count()).toBe(1);
    await arrived.click();
    await expect.poll(() => colleague.page.locator('#reader-subject').innerText()).toBe(subject);
    await colleague.page.locator('.attachment').filter({ hasText: '会议议程.txt' }).waitFor();
    expect(await colleague.page.frameLocator('.mail-frame').locator('body').innerText()).toContain('安全生产工作会议');

    // r replies: to the sender, subject prefixed, the original quoted.
    await colleague.page.keyboard.press('r');
    await colleague.page.getByRole('heading', { name: '写信' }).waitFor();
    await expect.poll(() => colleague.page.getByLabel('主题').inputValue()).toBe(`回复：${subject}`);
    expect(await colleague.page.locator('.address-tag').first().innerText()).toContain(ZHANG);
    expect(await colleague.page.getByRole('textbox', { name: '正文' }).innerText()).toContain('安全生产工作会议');
    await colleague.page.goBack();
    await colleague.page.locator('#reader-subject').waitFor();

    // The sender's copy is in 已发送.
    await sender.page.locator('.folder-tree').getByText('已发送').click();
    await row(sender.page, subject).waitFor();

    // Search: 会议 finds it.
    const search = colleague.page.locator('#search-box');
    await search.fill('会议');
    await search.press('Enter');
    await colleague.page.waitForURL(/\/search\?q=/);
    await row(colleague.page, subject).waitFor();
    await screenshot(colleague.page, 'search-results');
  });

  it('important mail: the recipient confirms 已阅, the sender sees the receipt', async () => {
    const subject = `请于本周五前报送防汛物资清单 ${Date.now()}`;
    const sender = await newPage();
    await signIn(sender.page, ZHANG);
    await sender.page.goto(`${base}/compose?to=${encodeURIComponent(WANG)}`);
    await sender.page.getByLabel('主题').fill(subject);
    const editor = sender.page.getByRole('textbox', { name: '正文' });
    await editor.click();
    await editor.pressSequentially('请各单位按时报送。');
    await sender.page.locator('.ant-radio-button-wrapper').filter({ hasText: '重要邮件·需回复确认' }).click();
    expect(await sender.page.getByRole('radio', { name: '重要邮件·需回复确认' }).isChecked()).toBe(true);
    await sender.page.getByRole('button', { name: /发\s*送/ }).click();
    await sender.page.locator('.ant-message').filter({ hasText: '邮件已发送' }).waitFor();

    const recipient = await newPage();
    await signIn(recipient.page, WANG);
    await row(recipient.page, subject).click();
    const banner = recipient.page.locator('.banner-important');
    await banner.waitFor();
    expect(await banner.innerText()).toContain('重要邮件·需回复确认');
    await banner.getByRole('button', { name: /已\s*阅/ }).click();
    await expect.poll(() => banner.innerText()).toContain('已阅于');

    await sender.page.locator('.folder-tree').getByText('已发送').click();
    await row(sender.page, subject).click();
    const receipts = sender.page.locator('.receipts');
    await receipts.waitFor();
    await expect.poll(() => receipts.innerText()).toContain('1/1 人已确认');
    await screenshot(sender.page, 'important-receipts');
  });

  it('organises: j/k move through the list, a new folder takes a dragged message, then is renamed and deleted', async () => {
    const person = 'organise@haining.gov.cn';
    await gm.addPerson({ address: person, displayName: '赵敏' });
    const notices = corpus.filter((e) => !e.hostile_html && e.expected.subject).slice(0, 3);
    for (const entry of notices) await deliver(readFileSync(path.join(CORPUS_DIR, entry.file)), person);

    const { page } = await newPage();
    await signIn(page, person);
    await page.getByRole('option').nth(notices.length - 1).waitFor();
    // j opens the first message, j again the second, k back to the first.
    await page.keyboard.press('j');
    await page.waitForURL(/\/mail\/\d+\/\d+$/);
    const first = page.url();
    await page.keyboard.press('j');
    await expect.poll(() => page.url()).not.toBe(first);
    await page.keyboard.press('k');
    await expect.poll(() => page.url()).toBe(first);
    const subject = await page.locator('#reader-subject').innerText();

    // New folder.
    await page.getByRole('button', { name: '新建文件夹' }).click();
    await page.getByLabel('文件夹名称').fill('防汛工作');
    await page.getByRole('button', { name: /确\s*定/ }).click();
    await page.locator('.folder-tree').getByText('防汛工作').waitFor();
    await page.waitForURL(/\/mail\/\d+$/);

    // Drag the message from the inbox onto the folder.
    await page.locator('.folder-tree').getByText('收件箱').click();
    await row(page, subject).waitFor();
    await row(page, subject).dragTo(page.locator('.folder-tree').getByText('防汛工作'));
    await expect.poll(() => row(page, subject).count()).toBe(0);
    await page.locator('.folder-tree').getByText('防汛工作').click();
    await row(page, subject).waitFor();
    await screenshot(page, 'own-folder');

    // Rename, then delete.
    await page.getByRole('button', { name: '“防汛工作”的操作' }).click();
    await page.getByRole('menuitem', { name: '重命名' }).click();
    await page.getByLabel('文件夹名称').fill('防汛防台');
    await page.getByRole('button', { name: /确\s*定/ }).click();
    await page.locator('.folder-tree').getByText('防汛防台').waitFor();
    await page.getByRole('button', { name: '“防汛防台”的操作' }).click();
    await page.getByRole('menuitem', { name: '删除文件夹' }).click();
    await page.locator('.ant-modal-confirm').getByRole('button', { name: '删除文件夹' }).click();
    await expect.poll(() => page.locator('.folder-tree').getByText('防汛防台').count()).toBe(0);
  });

  it('saves a draft by itself and reopens it from 草稿箱', async () => {
    const subject = `关于报送2026年度预算编制说明的请示（草稿）${Date.now()}`;
    const { page } = await newPage();
    await signIn(page, ZHANG);
    await page.goto(`${base}/compose`);
    await page.getByLabel('主题').fill(subject);
    const editor = page.getByRole('textbox', { name: '正文' });
    await editor.click();
    await editor.pressSequentially('预算编制说明见附件。');
    await page.getByText(/草稿已于 .* 保存/).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: /关\s*闭/ }).click();
    await page.locator('.folder-tree').getByText('草稿箱').click();
    await row(page, subject).click();
    await page.getByRole('button', { name: '继续编辑草稿' }).click();
    await expect.poll(() => page.getByLabel('主题').inputValue()).toBe(subject);
    expect(await page.getByRole('textbox', { name: '正文' }).innerText()).toContain('预算编制说明见附件');
  });

  it('settings show the password policy; the interface switches to English', async () => {
    const { page } = await newPage();
    await signIn(page, WANG);
    await page.getByRole('button', { name: '账号菜单' }).click();
    await page.getByRole('menuitem', { name: '设置' }).click();
    await page.getByRole('tab', { name: '修改密码' }).click();
    const policy = page.locator('.password-policy li');
    await policy.first().waitFor();
    expect(await policy.count()).toBeGreaterThan(0);
    await page.waitForTimeout(400); // the tab's ink bar slides over
    await screenshot(page, 'settings-password');
    await page.getByRole('button', { name: /English/ }).click();
    await page.getByRole('tab', { name: 'Change password' }).waitFor();
    await page.getByRole('button', { name: 'Back to mail' }).click();
    await page.locator('.folder-tree').getByText('Inbox').waitFor();
    await screenshot(page, 'inbox-english');
  });

  it('a folder of 100 000 messages: the list stays a few dozen DOM rows and fetches the pages it scrolls to', { timeout: 120_000 }, async () => {
    const person = 'archive@haining.gov.cn';
    const account = await gm.addPerson({ address: person, displayName: '档案室' });
    await seedFolder(gm, account.id, 100_000);

    const { page } = await newPage();
    await signIn(page, person);
    await row(page, '第 99999 号通知').waitFor();
    expect(await page.locator('.list-count').innerText()).toContain('100000');
    for (const fraction of [0.5, 1, 0.25]) {
      await page.locator('.vlist').evaluate((el, f) => (el.scrollTop = (el.scrollHeight - el.clientHeight) * f), fraction);
      const expected = fraction === 1 ? 0 : Math.floor(100_000 * (1 - fraction));
      await page.getByRole('option').filter({ hasText: new RegExp(`第 (${[-2, -1, 0, 1, 2].map((d) => expected + d).join('|')}) 号通知`) }).first().waitFor();
      expect(await page.locator('.vrow').count()).toBeLessThan(60);
    }
    expect(await page.locator('.vlist').getAttribute('role')).toBe('listbox');
    expect(await page.getByRole('option').first().getAttribute('aria-setsize')).toBe('100000');
  });

  const hostile = corpus.filter((e) => e.hostile_html);
  it.skipIf(hostile.length === 0)(`hostile HTML (${hostile.length} corpus messages): no script, no form, no pop-up, no request to another host`, { timeout: 180_000 }, async () => {
    const victim = 'hostile@haining.gov.cn';
    await gm.addPerson({ address: victim, displayName: '测试用户' });
    for (const entry of hostile) await deliver(readFileSync(path.join(CORPUS_DIR, entry.file)), victim);
    const rows = await gm.inbox(victim);
    expect(rows.length).toBe(hostile.length);

    const { page, seen } = await newPage();
    await signIn(page, victim);
    const origin = new URL(base).origin;
    for (const message of rows) {
      const before = { requests: seen.requests.length, navigations: seen.frameNavigations.length };
      await page.goto(`${base}/mail/${message.mailbox_id}/${message.id}`);
      await page.locator('#reader-subject').waitFor();
      const frame = page.locator('.mail-frame');
      if ((await frame.count()) > 0) {
        // Sandboxed: no allow-scripts, no allow-forms, no allow-popups; the document's own CSP.
        expect(await frame.getAttribute('sandbox')).toBe('allow-same-origin');
        const frameRequest = seen.requests.slice(before.requests).find((r) => /\/api\/messages\/\d+\/frame\?/.test(r.url()));
        expect(frameRequest, `${message.subject}: the frame document was requested`).toBeDefined();
        const csp = (await frameRequest!.response())?.headers()['content-security-policy'] ?? '';
        expect(csp).toMatch(/^sandbox allow-same-origin; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; form-action 'none'/);
        // Remote images stay blocked: the reader has not allowed them (the banner offers it).
        // Links do nothing by themselves: a click asks first (our dialog, closed here unanswered).
        const links = page.frameLocator('.mail-frame').locator('a[href]');
        const count = Math.min(await links.count(), 3);
        for (let i = 0; i < count; i++) {
          await links.nth(i).click({ timeout: 2_000, force: true }).catch(() => undefined);
          await page.keyboard.press('Escape');
          await page.locator('.ant-modal-confirm').waitFor({ state: 'detached', timeout: 2_000 }).catch(() => undefined);
        }
      }
      await page.waitForTimeout(500);
      const label = `${message.subject ?? message.id}`;
      const made = seen.requests.slice(before.requests);
      expect(seen.offHostReached, `${label}: requests that reached the network for another host`).toEqual([]);
      // Requests the browser began for another host: each must have been refused by the CSP.
      const offHost = made.filter((r) => !r.url().startsWith(`${origin}/`) && !/^(?:data|about):/.test(r.url()));
      expect(
        offHost.filter((r) => r.failure()?.errorText !== 'csp').map((r) => r.url()),
        `${label}: requests to other hosts not refused by the CSP`,
      ).toEqual([]);
      // From inside the frame nothing but our own images (cid: parts) and refused loads; no form posts.
      const fromFrame = made.filter((r) => /\/api\/messages\/\d+\/frame\?/.test(frameUrl(r)) && r.failure()?.errorText !== 'csp');
      expect(
        fromFrame.filter((r) => r.method() !== 'GET' || !r.url().startsWith(`${origin}/api/messages/`)).map((r) => `${r.method()} ${r.url()}`),
        `${label}: requests from the mail frame`,
      ).toEqual([]);
      expect(seen.frameNavigations.slice(before.navigations).filter((url) => !/\/api\/messages\/\d+\/frame\?/.test(url)), `${label}: frame navigations`).toEqual([]);
      const posts = made.filter((r) => r.method() === 'POST' && !r.url().startsWith(`${origin}/api/`)).map((r) => r.url());
      expect(posts, `${label}: form submissions`).toEqual([]);
    }
    expect(seen.dialogs, 'dialogs (alert/confirm/prompt/print)').toEqual([]);
    expect(seen.popups, 'pop-ups').toEqual([]);
    await screenshot(page, 'hostile-message');
  });

  it('works at phone width: folders in a drawer, list and message take turns', async () => {
    const notice = corpus.find((e) => !e.hostile_html && e.expected.subject);
    if (notice) await deliver(readFileSync(path.join(CORPUS_DIR, notice.file)), ZHANG);
    const { page } = await newPage({ width: 375, height: 812 });
    await signIn(page, ZHANG);
    await page.getByRole('option').first().waitFor();
    await screenshot(page, 'phone-inbox');
    // No side-by-side reading pane on a phone.
    expect(await page.locator('.reader-column').count()).toBe(0);
    await page.getByRole('button', { name: '打开文件夹列表' }).click();
    await page.locator('.folder-drawer').getByText('已发送').waitFor();
    // Wait for the drawer to finish sliding in.
    await expect.poll(async () => (await page.locator('.folder-drawer').boundingBox())?.x).toBe(0);
    await screenshot(page, 'phone-folders');
    await page.locator('.folder-drawer').getByText('收件箱').click();
    await page.getByRole('option').first().click();
    await page.locator('#reader-subject').waitFor();
    expect(await page.locator('.list-column').count()).toBe(0);
    await screenshot(page, 'phone-reading');
    await page.getByRole('button', { name: '返回列表' }).click();
    await page.locator('.list-column').waitFor();
  });
});
