/**
 * 工作秘密 end-to-end encrypted mail (SPEC 3.2; smcrypto) in headless Chromium against a real
 * govmail with encryption at rest on:
 *
 *   two colleagues set up their SM2 certificates in 设置 → 加密证书 (recovery code shown once,
 *   downloaded) → 张伟 writes a 工作秘密 mail: an external recipient blocks with the list; to 李娜
 *   it is sealed in the page → the blob on disk (and even decrypted at rest) holds none of the
 *   plaintext → 李娜 opens it: a wrong 口令 is refused clearly, the right one shows the text, the
 *   watermark with her name and address, 签名有效 by 张伟, the attachment → IMAP FETCH gives the
 *   readable notice → forwarding it to an external address is refused → the sender's Sent copy
 *   opens → 李娜 restores with the recovery code and a new 口令, which then opens the mail.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET_NOTICE } from '../../common/secret-mime.js';
import { BlobKeyring } from '../../server/storage/blob-keyring.js';
import { SEED_PASSWORD, startTestGovmail, type TestGovmail } from '../helpers/start-govmail.js';
import { CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, ensureWebBuild, signInInBrowser } from '../helpers/browser.js';

const ZHANG = 'zhangwei@haining.gov.cn';
const LI = 'lina@haining.gov.cn';
const SUBJECT = '关于汛期物资调拨的通知';
const SECRET = '防汛物资调拨方案第三稿：沙袋三千条于周四调往盐官镇';
const FILE_TEXT = '调拨清单：沙袋 3000 条，救生衣 200 件';
const PASS: Record<string, string> = { [ZHANG]: '钱塘江大潮-2026-张', [LI]: '盐官观潮-2026-李' };

describe.skipIf(!existsSync(CHROMIUM))(`工作秘密 end-to-end encryption in headless Chromium${existsSync(CHROMIUM) ? '' : ' (skipped: no /usr/bin/chromium)'}`, () => {
  let gm: TestGovmail;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const recovery: Record<string, string> = {};

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
    contexts.push(context);
    return context.newPage();
  }

  async function signIn(page: Page, address: string): Promise<void> {
    await signInInBrowser(page, base, address, SEED_PASSWORD);
  }

  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(SCREENSHOTS, `sm-encryption-${name}.png`), fullPage: true });
  }

  async function openKeySettings(page: Page): Promise<void> {
    await page.goto(`${base}/settings`);
    await page.getByRole('tab', { name: '加密证书' }).click();
    await page.locator('.sm-key-state').filter({ hasText: /加密证书/ }).waitFor();
  }

  async function setUpKey(page: Page, address: string): Promise<void> {
    await openKeySettings(page);
    await page.getByText('您还没有加密证书。').waitFor();
    await page.getByLabel('加密口令', { exact: true }).fill(PASS[address]!);
    await page.getByLabel('再次输入加密口令', { exact: true }).fill(`${PASS[address]!}x`);
    await page.getByRole('button', { name: '生成加密证书' }).click();
    await page.getByText('两次输入的加密口令不一致').waitFor();
    await page.getByLabel('再次输入加密口令', { exact: true }).fill(PASS[address]!);
    await page.getByRole('button', { name: '生成加密证书' }).click();
    const code = page.getByTestId('sm-recovery-code');
    await code.waitFor({ timeout: 30_000 });
    recovery[address] = (await code.innerText()).trim();
    expect(recovery[address]).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){5}$/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载为文本文件' }).click()]);
    expect(readFileSync((await download.path())!, 'utf8')).toContain(recovery[address]);
    // Done only after the acknowledgement.
    expect(await page.getByRole('button', { name: /完\s*成/ }).isDisabled()).toBe(true);
    await page.getByRole('checkbox', { name: '我已妥善保存恢复码' }).check();
    await page.getByRole('button', { name: /完\s*成/ }).click();
    await page.getByText(/已设置加密证书/).waitFor();
  }

  const row = (page: Page, subject: string) => page.getByRole('option').filter({ hasText: subject }).first();

  async function decryptWith(page: Page, passphrase: string): Promise<void> {
    await page.locator('.sm-panel').getByLabel('加密口令').fill(passphrase);
    await page.getByRole('button', { name: '解密查看' }).click();
  }

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(SCREENSHOTS, { recursive: true });
    gm = await startTestGovmail({
      people: [
        { address: ZHANG, displayName: '张伟' },
        { address: LI, displayName: '李娜' },
      ],
      overrides: { blobEncryption: { keyring: JSON.stringify(BlobKeyring.generate()) } },
    });
    base = `http://127.0.0.1:${gm.ports.http}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await gm?.stop();
  });

  it('set up keys, send sealed, nothing readable on the server, open with the 口令, watermark and signature, IMAP notice, no external forward, restore', async () => {
    const zhang = await newPage();
    await signIn(zhang, ZHANG);
    await setUpKey(zhang, ZHANG);
    await shot(zhang, 'key-set-up');
    const li = await newPage();
    await signIn(li, LI);
    await setUpKey(li, LI);

    // ── an external recipient blocks, with the list ──
    await zhang.goto(`${base}/compose?to=${encodeURIComponent('friend@example.com')}`);
    await zhang.getByLabel('主题').fill(SUBJECT);
    await zhang.locator('.compose-classification').click();
    await zhang.locator('.ant-select-item-option').filter({ hasText: '工作秘密' }).click();
    await zhang.locator('#compose-sm-passphrase').fill(PASS[ZHANG]!);
    await zhang.getByRole('button', { name: /发\s*送/ }).click();
    const blocked = zhang.locator('.ant-modal:visible');
    await blocked.locator('.ant-modal-confirm-title').getByText('以下收件人不能接收工作秘密邮件').waitFor();
    await blocked.getByText('friend@example.com').waitFor();
    await shot(zhang, 'external-blocked');
    await blocked.getByRole('button', { name: /确\s*定/ }).click();

    // ── to 李娜: sealed in the page ──
    await zhang.goto(`${base}/compose?to=${encodeURIComponent(LI)}`);
    await zhang.getByLabel('主题').fill(SUBJECT);
    await zhang.locator('.compose-classification').click();
    await zhang.locator('.ant-select-item-option').filter({ hasText: '工作秘密' }).click();
    const editor = zhang.getByRole('textbox', { name: '正文' });
    await editor.click();
    await editor.pressSequentially(SECRET);
    await zhang.getByTestId('compose-file-input').setInputFiles({ name: '调拨清单.txt', mimeType: 'text/plain', buffer: Buffer.from(FILE_TEXT) });
    await zhang.locator('.upload-done').filter({ hasText: '调拨清单.txt' }).waitFor();
    await zhang.locator('#compose-sm-passphrase').fill(PASS[ZHANG]!);
    await shot(zhang, 'compose');
    await zhang.getByRole('button', { name: /发\s*送/ }).click();
    await zhang.locator('.ant-message').filter({ hasText: '邮件已发送' }).waitFor({ timeout: 30_000 });

    // ── the server holds no plaintext: not on disk, not even after the at-rest layer ──
    const liAccount = gm.people.get(LI)!;
    const stored = await gm.services.db
      .selectFrom('messages')
      .innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id')
      .where('mailboxes.account_id', '=', liAccount.id)
      .where('messages.subject', '=', SUBJECT)
      .select(['messages.id', 'messages.blob_hash'])
      .executeTakeFirstOrThrow();
    const onDisk = await fs.readFile(gm.services.blobs.pathOf(stored.blob_hash));
    const decryptedAtRest = await gm.services.blobs.get(stored.blob_hash);
    expect(decryptedAtRest.toString('latin1')).toContain('application/x-govmail-sm-encrypted');
    for (const word of [SECRET, '防汛物资', '沙袋', '盐官镇', FILE_TEXT, '调拨清单']) {
      expect(onDisk.includes(Buffer.from(word))).toBe(false);
      expect(decryptedAtRest.includes(Buffer.from(word))).toBe(false);
    }
    expect(await gm.services.db.selectFrom('messages').select('id').where('subject', '=', SUBJECT).where('mailbox_id', 'in', gm.services.db.selectFrom('mailboxes').select('id').where('name', '=', 'Drafts')).execute()).toEqual([]);

    // ── 李娜 opens it: wrong 口令 refused, the right one decrypts ──
    await li.goto(`${base}/mail`);
    await row(li, SUBJECT).click();
    await li.locator('.sm-panel').getByText('这是一封工作秘密加密邮件').waitFor();
    await decryptWith(li, '不是这个口令-123');
    await li.locator('.sm-panel-error').getByText('加密口令不正确').waitFor({ timeout: 20_000 });
    await decryptWith(li, PASS[LI]!);
    await li.locator('.sm-signature').getByText('签名有效').waitFor({ timeout: 20_000 });
    expect(await li.locator('.sm-signer').innerText()).toBe(`签名人：张伟 <${ZHANG}>`);
    await expect.poll(() => li.frameLocator('.sm-content-frame').locator('body').innerText()).toContain(SECRET);
    const watermark = await li.getByTestId('sm-watermark').innerText();
    expect(watermark).toContain('李娜');
    expect(watermark).toContain(LI);
    expect(await li.getByTestId('sm-watermark').locator('span').count()).toBeGreaterThan(10);
    const [file] = await Promise.all([li.waitForEvent('download'), li.locator('.sm-panel .attachment').filter({ hasText: '调拨清单.txt' }).getByRole('link').click()]);
    expect(file.suggestedFilename()).toBe('调拨清单.txt');
    expect(readFileSync((await file.path())!, 'utf8')).toBe(FILE_TEXT);
    await shot(li, 'decrypted');

    // ── IMAP clients get the readable notice ──
    const client = new ImapFlow({ host: '127.0.0.1', port: gm.ports.imaps!, secure: true, tls: { rejectUnauthorized: false }, auth: { user: LI, pass: SEED_PASSWORD }, logger: false });
    await client.connect();
    try {
      const lock = await client.getMailboxLock('INBOX');
      try {
        const found = (await client.search({ subject: SUBJECT }, { uid: true })) || [];
        expect(found).toHaveLength(1);
        const part = await client.download(String(found[0]!), '1', { uid: true });
        const chunks: Buffer[] = [];
        for await (const c of part.content!) chunks.push(c as Buffer);
        const text = Buffer.concat(chunks).toString('utf8');
        expect(text).toBe(SECRET_NOTICE);
        expect(text).not.toContain('沙袋');
      } finally {
        lock.release();
      }
    } finally {
      await client.logout();
    }

    // ── forwarding it outside is refused ──
    await li.goto(`${base}/compose?mode=forwardAttachment&id=${stored.id}`);
    await li.getByRole('heading', { name: '写信' }).waitFor();
    const to = li.getByLabel('收件人', { exact: true });
    await to.click();
    await to.pressSequentially('friend@example.com,');
    await li.getByRole('button', { name: /发\s*送/ }).click();
    const refused = li.locator('.ant-modal:visible');
    await refused.locator('.ant-modal-confirm-title').getByText('邮件不能发送').waitFor({ timeout: 20_000 });
    await refused.getByText(/外部地址/).first().waitFor();
    await shot(li, 'forward-refused');
    await refused.getByRole('button', { name: /确\s*定/ }).click();
    expect(await gm.services.db.selectFrom('outbound_queue').select('id').where('recipient', '=', 'friend@example.com').execute()).toEqual([]);

    // ── the sender's Sent copy opens with the sender's own key (a reload forgot the unlocked key: the 口令 again) ──
    await zhang.goto(`${base}/mail`);
    await zhang.locator('.folder-tree').getByText('已发送').click();
    await row(zhang, SUBJECT).click();
    await decryptWith(zhang, PASS[ZHANG]!);
    await expect.poll(() => zhang.frameLocator('.sm-content-frame').locator('body').innerText(), { timeout: 20_000 }).toContain(SECRET);

    // ── restore: the recovery code and a new 口令 (what follows an administrator's password reset) ──
    const NEW_PASS = '新的加密口令-2027-李';
    await openKeySettings(li);
    await li.getByLabel('恢复码', { exact: true }).fill('AAAA-BBBB-CCCC-DDDD-EEEE-FFFF');
    await li.getByLabel('新的加密口令', { exact: true }).fill(NEW_PASS);
    await li.locator('.sm-key-settings .settings-card').nth(1).getByLabel('当前登录密码').fill(SEED_PASSWORD);
    await li.getByRole('button', { name: '重设加密口令' }).click();
    await li.getByText('恢复码不正确').waitFor({ timeout: 20_000 });
    await li.getByLabel('恢复码', { exact: true }).fill(recovery[LI]!.toLowerCase());
    await li.getByRole('button', { name: '重设加密口令' }).click();
    await li.locator('.ant-message').filter({ hasText: '加密口令已重设' }).waitFor({ timeout: 20_000 });
    // A fresh page knows no key: the old 口令 no longer opens it, the new one does.
    await li.reload();
    await li.goto(`${base}/mail`);
    await row(li, SUBJECT).click();
    await decryptWith(li, PASS[LI]!);
    await li.locator('.sm-panel-error').getByText('加密口令不正确').waitFor({ timeout: 20_000 });
    await decryptWith(li, NEW_PASS);
    await li.locator('.sm-signature').getByText('签名有效').waitFor({ timeout: 20_000 });
    await expect.poll(() => li.frameLocator('.sm-content-frame').locator('body').innerText()).toContain(SECRET);
    const audit = await gm.services.db.selectFrom('audit_log').select(['action', 'actor']).where('action', 'like', 'sm_key.%').orderBy('id').execute();
    expect(audit).toEqual([
      { action: 'sm_key.setup', actor: ZHANG },
      { action: 'sm_key.setup', actor: LI },
      { action: 'sm_key.restore', actor: LI },
    ]);
  }, 240_000);
});
