import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageListQuerySchema } from '../../../../common/schemas/webmail.js';
import { createTestHttp, type TestHttp } from '../../test-app.js';
import { addPerson, buildMail, corpusManifest, corpusMessage, deliver, mailboxId, newestMessageId, signIn, type ApiClient } from '../../test-webmail.js';
import { pageIdsQuery } from './routes.js';
import { messageDetailSchema, messagePageSchema, messageSummarySchema, type MessageDetail } from './schema.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const HOSTILE_HOSTS = /attacker\.invalid|example\.invalid/i;

describe('/api/mailboxes/:id/messages and /api/messages', () => {
  let t: TestHttp;
  let a: ApiClient;
  let b: ApiClient;
  let inbox: number;
  beforeAll(async () => {
    t = await createTestHttp();
    await addPerson(t, 'li.na@haining.gov.cn', '李娜');
    a = await signIn(t);
    b = await signIn(t, 'li.na@haining.gov.cn');
    inbox = await mailboxId(t, a.account.id, 'INBOX');
  });
  afterAll(() => t.close());

  const detail = async (client: ApiClient, id: number, query = ''): Promise<MessageDetail> => {
    const response = await client.get(`/api/messages/${id}${query}`);
    expect(response.statusCode, response.body).toBe(200);
    return messageDetailSchema.parse(response.json());
  };

  const deliverToA = async (spec: Parameters<typeof buildMail>[0], internalDate?: number): Promise<number> => {
    await deliver(t, await buildMail(spec), [a.account.address], internalDate);
    return newestMessageId(t, a.account.id);
  };

  describe('the paged list', () => {
    let folder: number;
    beforeAll(async () => {
      folder = (await a.post('/api/mailboxes', { name: '排序' })).json().id as number;
      const people = [
        { name: '王芳', address: 'wangfang@haining.gov.cn' },
        { name: '', address: 'bureau@example.com' },
        { name: '陈静', address: 'chenjing@haining.gov.cn' },
      ];
      for (let i = 0; i < 5; i++) {
        await deliverToA({ from: people[i % 3]!, to: [a.account.address], subject: `主题${'ABCDE'[4 - i]}`, text: '字'.repeat(10 + i * 100) }, Date.UTC(2026, 0, 1 + i));
        await t.services.mail.moveMessages(a.account.id, inbox, [{ start: 1, end: Number.MAX_SAFE_INTEGER }], folder);
      }
    });

    const page = async (query: string) => {
      const response = await a.get(`/api/mailboxes/${folder}/messages${query}`);
      expect(response.statusCode, response.body).toBe(200);
      return messagePageSchema.parse(response.json());
    };

    it('pages newest first by default, with the total and the offset', async () => {
      const first = await page('?limit=2');
      expect(first.total).toBe(5);
      expect(first.offset).toBe(0);
      expect(first.items.map((m) => m.subject)).toEqual(['主题A', '主题B']);
      const rest = await page('?limit=2&offset=4');
      expect(rest.items.map((m) => m.subject)).toEqual(['主题E']);
      expect(rest.items[0]).toMatchObject({ seen: false, hasAttachments: false, classification: '内部', importance: 'normal', external: false });
    });

    it('sorts by sender, subject and size, both ways', async () => {
      expect((await page('?sort=subject&order=asc')).items.map((m) => m.subject)).toEqual(['主题A', '主题B', '主题C', '主题D', '主题E']);
      const bySize = (await page('?sort=size&order=desc')).items.map((m) => m.size);
      expect(bySize).toEqual([...bySize].sort((x, y) => y - x));
      const bySender = (await page('?sort=from&order=asc')).items.map((m) => m.from!.name || m.from!.address);
      expect(bySender).toEqual([...bySender].sort());
      expect((await page('?sort=from')).items.find((m) => m.from?.address === 'bureau@example.com')?.external).toBe(true);
    });

    it('refuses a bad sort or limit as a validation error', async () => {
      expect((await a.get(`/api/mailboxes/${folder}/messages?sort=colour`)).statusCode).toBe(400);
      expect((await a.get(`/api/mailboxes/${folder}/messages?limit=100000`)).statusCode).toBe(400);
    });

    it('reads every sort order from an index, never sorting the folder (SQLite query plan)', async () => {
      for (const sort of ['date', 'from', 'subject', 'size'] as const) {
        for (const order of ['asc', 'desc'] as const) {
          const compiled = pageIdsQuery(t.services.db, folder, messageListQuerySchema.parse({ sort, order, offset: 100, limit: 100 })).compile();
          const rows = (await t.services.db.executeQuery({ ...compiled, sql: `EXPLAIN QUERY PLAN ${compiled.sql}` })).rows as { detail: string }[];
          const text = rows.map((r) => r.detail).join(' | ');
          expect(text, `${sort} ${order}`).toMatch(/USING (COVERING )?INDEX messages_mailbox_/);
          expect(text, `${sort} ${order}`).not.toMatch(/TEMP B-TREE/);
        }
      }
    });
  });

  describe('the reading pane', () => {
    let withParts: number;
    beforeAll(async () => {
      withParts = await deliverToA({
        from: { name: '市财政局', address: 'czj@haining.gov.cn' },
        to: [a.account.address],
        subject: '关于预算执行的通知',
        text: '各单位：请按时报送预算执行情况。',
        html: '<p onclick="alert(1)">各单位：请按时报送<b>预算</b>执行情况。</p><img src="cid:logo@haining"><a href="https://www.zj.gov.cn/">浙江省政府</a><script>alert(2)</script>',
        attachments: [
          { filename: 'logo.png', content: PNG, contentType: 'image/png', cid: 'logo@haining' },
          { filename: '2026年预算表（草案）.pdf', content: PDF, contentType: 'application/pdf' },
          { filename: '说明.html', content: '<script>alert(3)</script>', contentType: 'text/html' },
        ],
      });
    });

    it('shows text, sanitised HTML, attachments with part numbers; cid: images point at their part', async () => {
      const message = await detail(a, withParts, '?peek=1');
      expect(message.subject).toBe('关于预算执行的通知');
      expect(message.from).toEqual({ name: '市财政局', address: 'czj@haining.gov.cn' });
      expect(message.to).toEqual([{ name: '', address: a.account.address }]);
      expect(message.text).toContain('请按时报送预算执行情况');
      expect(message.html).toContain('<b>预算</b>');
      expect(message.html).not.toMatch(/<script|onclick|alert/i);
      expect(message.html).toContain('<a href="https://www.zj.gov.cn/" target="_blank" rel="noopener noreferrer">');
      const logo = message.attachments.find((x) => x.filename === 'logo.png')!;
      expect(logo).toMatchObject({ contentType: 'image/png', size: PNG.length, inline: true });
      expect(message.html).toContain(`src="/api/messages/${withParts}/parts/${logo.part}?inline=1"`);
      expect(message.attachments.find((x) => x.contentType === 'application/pdf')).toMatchObject({ filename: '2026年预算表（草案）.pdf', size: PDF.length, inline: false });
      expect(message.external).toBe(false);
      expect(message.hasRemoteImages).toBe(false);
    });

    it('marks the message \\Seen when opened, not with ?peek=1', async () => {
      expect((await detail(a, withParts, '?peek=1')).seen).toBe(false);
      expect((await t.services.db.selectFrom('messages').select('seen').where('id', '=', withParts).executeTakeFirstOrThrow()).seen).toBe(0);
      await detail(a, withParts);
      expect((await t.services.db.selectFrom('messages').select('seen').where('id', '=', withParts).executeTakeFirstOrThrow()).seen).toBe(1);
    });

    it('serves a part decoded: images and PDF inline on request, sandboxed; anything else only as a download', async () => {
      const message = await detail(a, withParts, '?peek=1');
      const part = (name: string) => message.attachments.find((x) => x.filename === name)!.part;

      const image = await a.get(`/api/messages/${withParts}/parts/${part('logo.png')}?inline=1`);
      expect(image.statusCode).toBe(200);
      expect(image.rawPayload.equals(PNG)).toBe(true);
      expect(image.headers['content-type']).toBe('image/png');
      expect(image.headers['content-disposition']).toBe(`inline; filename="logo.png"; filename*=UTF-8''logo.png`);

      const pdf = await a.get(`/api/messages/${withParts}/parts/${part('2026年预算表（草案）.pdf')}`);
      expect(pdf.rawPayload.equals(PDF)).toBe(true);
      expect(pdf.headers['content-type']).toBe('application/octet-stream');
      expect(pdf.headers['content-disposition']).toBe(
        `attachment; filename="2026________.pdf"; filename*=UTF-8''${encodeURIComponent('2026年预算表（草案）.pdf').replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`,
      );
      const pdfInline = await a.get(`/api/messages/${withParts}/parts/${part('2026年预算表（草案）.pdf')}?inline=1`);
      expect(pdfInline.headers['content-type']).toBe('application/pdf');
      expect(String(pdfInline.headers['content-disposition'])).toMatch(/^inline;/);

      const html = await a.get(`/api/messages/${withParts}/parts/${part('说明.html')}?inline=1`);
      expect(html.headers['content-type']).toBe('application/octet-stream');
      expect(String(html.headers['content-disposition'])).toMatch(/^attachment;/);

      for (const response of [image, pdf, pdfInline, html]) {
        expect(response.headers['x-content-type-options']).toBe('nosniff');
        expect(String(response.headers['content-security-policy'])).toMatch(/^sandbox;/);
        expect(String(response.headers['content-security-policy'])).toContain("default-src 'none'");
      }
      expect((await a.get(`/api/messages/${withParts}/parts/9`)).statusCode).toBe(404);
      expect((await a.get(`/api/messages/${withParts}/parts/1.x`)).statusCode).toBe(404);
    });

    it('serves the original source as message/rfc822, byte for byte', async () => {
      const raw = await a.get(`/api/messages/${withParts}/raw`);
      expect(raw.statusCode).toBe(200);
      expect(raw.headers['content-type']).toBe('message/rfc822');
      expect(String(raw.headers['content-security-policy'])).toMatch(/^sandbox;/);
      expect(raw.headers['x-content-type-options']).toBe('nosniff');
      expect(raw.rawPayload.equals(await t.services.mail.readRaw(a.account.id, withParts))).toBe(true);
    });

    it('blocks remote images until allowed for the message or for the sender', async () => {
      const id = await deliverToA({
        from: { name: '简报', address: 'news@example.com' },
        to: [a.account.address],
        subject: '图片',
        html: '<p>看图</p><img src="https://images.example.com/p.png" alt="图"><div style="background:url(https://images.example.com/bg.png);color:red">x</div>',
      });
      const blocked = await detail(a, id);
      expect(blocked).toMatchObject({ hasRemoteImages: true, remoteImagesAllowed: false, external: true });
      expect(blocked.html).not.toContain('images.example.com');
      expect(blocked.html).toContain('data-govmail-blocked="remote-image"');
      expect(blocked.html).toContain('color:red');

      const once = await detail(a, id, '?remoteImages=1');
      expect(once.remoteImagesAllowed).toBe(true);
      expect(once.html).toContain('src="https://images.example.com/p.png"');
      // CSS url() is never kept, allowed or not
      expect(once.html).not.toContain('bg.png');

      expect((await b.post('/api/remote-images', { sender: 'news@example.com' })).statusCode).toBe(204);
      expect((await detail(a, id)).remoteImagesAllowed).toBe(false); // B's choice is B's
      expect((await a.post('/api/remote-images', { sender: 'News@Example.com' })).statusCode).toBe(204);
      expect((await a.post('/api/remote-images', { sender: 'news@example.com' })).statusCode).toBe(204);
      const allowed = await detail(a, id);
      expect(allowed.remoteImagesAllowed).toBe(true);
      expect(allowed.html).toContain('src="https://images.example.com/p.png"');
      expect((await a.post('/api/remote-images', { sender: 'not an address' })).statusCode).toBe(400);
    });

    it('serves the HTML body as a framed document with its own CSP: styles kept, no script, remote images only once allowed', async () => {
      const id = await deliverToA({
        from: { name: '通报', address: 'notice@example.org' },
        to: [a.account.address],
        subject: '框架',
        html: '<p style="color:#c00">红字通知</p><script>alert(1)</script><img src="https://img.example.org/x.png"><a href="https://example.org/">链接</a>',
      });
      const frame = await a.get(`/api/messages/${id}/frame?lang=zh-CN`);
      expect(frame.statusCode).toBe(200);
      expect(frame.headers['content-type']).toBe('text/html; charset=utf-8');
      const csp = String(frame.headers['content-security-policy']);
      expect(csp).toMatch(/^sandbox allow-same-origin; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; form-action 'none'/);
      expect(csp).not.toContain('https:');
      expect(frame.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(frame.body).toMatch(/^<!doctype html><html lang="zh-CN">/);
      expect(frame.body).toContain('color:#c00');
      expect(frame.body).toContain('红字通知');
      expect(frame.body).not.toContain('<script');
      expect(frame.body).not.toContain('img.example.org');

      const remote = await a.get(`/api/messages/${id}/frame?remoteImages=1&lang=en`);
      expect(String(remote.headers['content-security-policy'])).toContain("img-src 'self' data: https: http:");
      expect(remote.body).toContain('src="https://img.example.org/x.png"');
      expect(remote.body).toMatch(/^<!doctype html><html lang="en">/);

      // Someone else's message: the same 404 as no message at all.
      expect((await b.get(`/api/messages/${id}/frame`)).statusCode).toBe(404);
      expect((await a.get('/api/messages/999999/frame')).statusCode).toBe(404);
      expect((await a.get(`/api/messages/${id}/frame?lang=fr`)).statusCode).toBe(400);
    });
  });

  describe('the corpus', () => {
    const manifest = corpusManifest();

    it('decodes legacy Chinese charsets (GB2312, GBK, GB18030, Big5, unlabelled GBK) in the reading pane', async () => {
      const legacy = manifest.filter((m) => m.category === 'legacy_charset');
      expect(legacy.length).toBeGreaterThan(10);
      for (const entry of legacy) {
        await deliver(t, corpusMessage(entry.file), [a.account.address]);
        const message = await detail(a, await newestMessageId(t, a.account.id), '?peek=1');
        expect(message.subject, entry.file).toBe(entry.expected.subject);
        const shown = `${message.text ?? ''}\n${message.html ?? ''}`;
        for (const phrase of entry.expected.text_contains) expect(shown, `${entry.file}: ${phrase}`).toContain(phrase);
        expect(shown, entry.file).not.toContain('\ufffd');
      }
    });

    it('lists every attachment of the corpus with its decoded name, type and size', async () => {
      for (const entry of manifest.filter((m) => m.expected.attachments.length > 0 && !m.file.includes('eicar'))) {
        await deliver(t, corpusMessage(entry.file), [a.account.address]);
        const message = await detail(a, await newestMessageId(t, a.account.id), '?peek=1');
        const listed = message.attachments.map((x) => ({ filename: x.filename, content_type: x.contentType, size_bytes: x.size }));
        expect(listed, entry.file).toEqual(expect.arrayContaining(entry.expected.attachments.map((x) => ({ filename: x.filename, content_type: x.content_type, size_bytes: x.size_bytes }))));
        expect(message.external, entry.file).toBe(entry.expected.is_external);
      }
    });

    it('strips every hostile vector of the hostile_html messages', async () => {
      const hostile = manifest.filter((m) => m.hostile_html);
      expect(hostile.length).toBeGreaterThanOrEqual(8);
      for (const entry of hostile) {
        await deliver(t, corpusMessage(entry.file), [a.account.address]);
        const id = await newestMessageId(t, a.account.id);
        for (const query of ['?peek=1', '?peek=1&remoteImages=1']) {
          const html = (await detail(a, id, query)).html ?? '';
          expect(html.length, entry.file).toBeGreaterThan(0);
          expect(html, entry.file).not.toMatch(/<script/i);
          expect(html, entry.file).not.toMatch(/<[^>]*\son[a-z]+\s*=/i);
          expect(html, entry.file).not.toMatch(/javascript:/i);
          expect(html, entry.file).not.toMatch(/<(form|iframe|object|embed|meta|base|link|style|svg|math|input|video|audio|source|template|noscript)\b/i);
          expect(html, entry.file).not.toMatch(/\b(?:expression|url)\s*\(/i);
          expect(html, entry.file).not.toMatch(/data:text/i);
          // With images allowed the reader asked for them (tracking pixels included): only the
          // default view is checked for the hosts. Active content is gone either way.
          if (query.includes('remoteImages')) continue;
          // src-like attributes never point at the hostile hosts; a link may, as a plain https href
          for (const match of html.matchAll(/\s([a-z:-]+)\s*=\s*"([^"]*)"/gi)) {
            const [, name, value] = match as unknown as [string, string, string];
            if (!HOSTILE_HOSTS.test(value)) continue;
            expect(name.toLowerCase(), `${entry.file}: ${match[0]}`).toBe('href');
            expect(value, entry.file).toMatch(/^https?:\/\//);
          }
          for (const anchor of html.match(/<a\s[^>]*>/gi) ?? []) {
            expect(anchor, entry.file).toContain('target="_blank"');
            expect(anchor, entry.file).toContain('rel="noopener noreferrer"');
          }
          expect(html, entry.file).not.toMatch(/\s(src|srcset|background|poster|action|formaction|ping|xlink:href|data)\s*=\s*"[^"]*(attacker|example)\.invalid/i);
        }
      }
    });
  });

  describe('flags, move and delete', () => {
    it('sets and clears \\Seen and \\Flagged, answering the summary', async () => {
      const id = await deliverToA({ to: [a.account.address], subject: '标记', text: 'x' });
      const flagged = await a.patch(`/api/messages/${id}`, { flagged: true, seen: true });
      expect(flagged.statusCode).toBe(200);
      expect(messageSummarySchema.parse(flagged.json())).toMatchObject({ id, flagged: true, seen: true });
      expect((await a.patch(`/api/messages/${id}`, { seen: false })).json()).toMatchObject({ flagged: true, seen: false });
      expect((await a.patch(`/api/messages/${id}`, { seen: 'yes' })).statusCode).toBe(400);
    });

    it('moves messages to another folder', async () => {
      const ids = [await deliverToA({ to: [a.account.address], subject: '移动1', text: 'x' }), await deliverToA({ to: [a.account.address], subject: '移动2', text: 'x' })];
      const archive = await mailboxId(t, a.account.id, 'Archive');
      const moved = await a.post('/api/messages/move', { ids, mailboxId: archive });
      expect(moved.json()).toEqual({ moved: 2 });
      const listed = messagePageSchema.parse((await a.get(`/api/mailboxes/${archive}/messages`)).json());
      expect(listed.items.map((m) => m.subject).sort()).toEqual(['移动1', '移动2']);
      expect((await a.get(`/api/messages/${ids[0]}`)).statusCode).toBe(404); // the old row went with the move
      expect((await a.post('/api/messages/move', { ids: [listed.items[0]!.id], mailboxId: 999999 })).statusCode).toBe(404);
    });

    it('deletes to Trash, and from Trash (or with permanent) for good', async () => {
      const trash = await mailboxId(t, a.account.id, 'Trash');
      const id = await deliverToA({ to: [a.account.address], subject: '删除我', text: 'x' });
      expect((await a.post('/api/messages/delete', { ids: [id] })).json()).toEqual({ deleted: 1 });
      const inTrash = messagePageSchema.parse((await a.get(`/api/mailboxes/${trash}/messages`)).json()).items.find((m) => m.subject === '删除我')!;
      expect(inTrash).toBeDefined();
      expect((await a.post('/api/messages/delete', { ids: [inTrash.id] })).json()).toEqual({ deleted: 1 });
      expect(messagePageSchema.parse((await a.get(`/api/mailboxes/${trash}/messages`)).json()).items.some((m) => m.subject === '删除我')).toBe(false);

      const other = await deliverToA({ to: [a.account.address], subject: '永久删除', text: 'x' });
      expect((await a.post('/api/messages/delete', { ids: [other], permanent: true })).json()).toEqual({ deleted: 1 });
      expect(await t.services.db.selectFrom('messages').select('id').where('subject', '=', '永久删除').execute()).toEqual([]);
    });
  });

  describe("another account's message", () => {
    it('cannot be read, downloaded, flagged, moved, deleted or confirmed: 404, and nothing changes', async () => {
      const id = await deliverToA({ to: [a.account.address], subject: '只给张伟', text: '机密', attachments: [{ filename: 'a.pdf', content: PDF, contentType: 'application/pdf' }] });
      const before = await t.services.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      const bInbox = await mailboxId(t, b.account.id, 'INBOX');
      const aArchive = await mailboxId(t, a.account.id, 'Archive');
      await deliver(t, await buildMail({ to: [b.account.address], subject: '李娜的', text: 'x' }), [b.account.address]);
      const bOwn = await newestMessageId(t, b.account.id);
      const responses = [
        await b.get(`/api/messages/${id}`),
        await b.get(`/api/messages/${id}?peek=1`),
        await b.get(`/api/messages/${id}/raw`),
        await b.get(`/api/messages/${id}/parts/2`),
        await b.get(`/api/messages/${id}/parts/2?inline=1`),
        await b.patch(`/api/messages/${id}`, { seen: true, flagged: true }),
        await b.post('/api/messages/move', { ids: [id], mailboxId: bInbox }),
        await b.post('/api/messages/move', { ids: [bOwn, id], mailboxId: bInbox }),
        await b.post('/api/messages/move', { ids: [bOwn], mailboxId: aArchive }),
        await b.post('/api/messages/delete', { ids: [id] }),
        await b.post('/api/messages/delete', { ids: [id], permanent: true }),
        await b.post(`/api/messages/${id}/confirm`, { kind: 'read' }),
        await b.get(`/api/messages/${id}/receipts`),
        await b.get(`/api/mailboxes/${inbox}/messages`),
      ];
      for (const [i, response] of responses.entries()) {
        expect(response.statusCode, `request ${i}: ${response.body}`).toBe(404);
        expect(response.json(), `request ${i}`).toEqual({ error: { code: 'not_found', message: '请求的资源不存在' } });
      }
      const after = await t.services.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(after).toEqual(before);
      expect((await t.services.db.selectFrom('messages').select('mailbox_id').where('id', '=', bOwn).executeTakeFirstOrThrow()).mailbox_id).toBe(bInbox);
    });
  });
});
