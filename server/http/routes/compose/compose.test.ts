import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHttp, type TestHttp } from '../../test-app.js';
import { addPerson, buildMail, deliver, mailboxId, newestMessageId, signIn, type ApiClient } from '../../test-webmail.js';
import { messageDetailSchema, messagePageSchema } from '../messages/schema.js';
import { sendResultSchema } from './schema.js';

const PDF = Buffer.from('%PDF-1.4\n%\u00e2\u00e3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n', 'latin1');

function multipart(filename: string, content: Buffer, type: string): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----govmailtest7d1';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`;
  return { payload: Buffer.concat([Buffer.from(head, 'utf8'), content, Buffer.from(`\r\n--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe('/api/send and /api/drafts', () => {
  let t: TestHttp;
  let a: ApiClient;
  let b: ApiClient;
  let c: ApiClient;
  beforeAll(async () => {
    t = await createTestHttp();
    await addPerson(t, 'li.na@haining.gov.cn', '李娜');
    await addPerson(t, 'wang.fang@haining.gov.cn', '王芳');
    a = await signIn(t);
    b = await signIn(t, 'li.na@haining.gov.cn');
    c = await signIn(t, 'wang.fang@haining.gov.cn');
  });
  afterAll(() => t.close());

  const upload = async (client: ApiClient, filename: string, content: Buffer, type = 'application/pdf') => {
    const body = multipart(filename, content, type);
    return t.app.inject({ method: 'POST', url: '/api/uploads', headers: { cookie: `govmail_session=${client.cookie}`, 'x-csrf-token': client.csrfToken, ...body.headers }, payload: body.payload });
  };
  const raw = (accountId: number, id: number) => t.services.mail.readRaw(accountId, id);

  it("sends to a colleague: the message lands in their INBOX and, \\Seen, in the sender's Sent", async () => {
    const response = await a.post('/api/send', { to: ['李娜 <li.na@haining.gov.cn>'], subject: '关于召开防汛工作会议的通知', html: '<p>请于周三下午参加<b>防汛</b>会议。</p><script>x()</script>' });
    expect(response.statusCode, response.body).toBe(200);
    const result = sendResultSchema.parse(response.json());
    expect(result.queuedExternal).toBe(0);
    expect(result.messageId).toMatch(/^<.+@mail\.haining\.gov\.cn>$/);

    const received = messageDetailSchema.parse((await b.get(`/api/messages/${await newestMessageId(t, b.account.id)}`)).json());
    expect(received).toMatchObject({ subject: '关于召开防汛工作会议的通知', from: { name: '张伟', address: a.account.address }, messageId: result.messageId, classification: '内部' });
    expect(received.html).toContain('<b>防汛</b>');
    expect(received.html).not.toContain('script');
    expect(received.text).toContain('请于周三下午参加防汛会议');

    const sentBox = await mailboxId(t, a.account.id, 'Sent');
    const sent = messagePageSchema.parse((await a.get(`/api/mailboxes/${sentBox}/messages`)).json());
    expect(sent.items[0]).toMatchObject({ id: result.sentId, subject: '关于召开防汛工作会议的通知', seen: true });

    const audit = await t.services.db.selectFrom('audit_log').selectAll().where('action', '=', 'mail.send').execute();
    expect(audit.at(-1)).toMatchObject({ actor: a.account.address, protocol: 'web', target: result.messageId });
  });

  it('hides Bcc from every delivered copy, keeps it in the Sent copy, delivers to every recipient', async () => {
    const response = await a.post('/api/send', { to: ['li.na@haining.gov.cn'], bcc: ['wang.fang@haining.gov.cn'], subject: '密送测试', html: '<p>x</p>' });
    expect(response.statusCode, response.body).toBe(200);
    const { sentId } = sendResultSchema.parse(response.json());
    for (const client of [b, c]) {
      const copy = await raw(client.account.id, await newestMessageId(t, client.account.id));
      expect(copy.toString('latin1')).not.toMatch(/^bcc:/im);
      expect(copy.toString('latin1')).not.toContain('wang.fang');
      expect((await simpleParser(copy)).subject).toBe('密送测试');
    }
    const own = await simpleParser(await raw(a.account.id, sentId));
    expect(own.bcc && !Array.isArray(own.bcc) ? own.bcc.value.map((v) => v.address) : []).toEqual(['wang.fang@haining.gov.cn']);
    expect(own.messageId).toBe((await simpleParser(await raw(b.account.id, await newestMessageId(t, b.account.id)))).messageId);
    // The reading pane shows the sender whom they sent a blind copy to; the recipients see no Bcc.
    expect((await a.get(`/api/messages/${sentId}?peek=1`)).json().bcc).toEqual([expect.objectContaining({ address: 'wang.fang@haining.gov.cn' })]);
    expect((await b.get(`/api/messages/${await newestMessageId(t, b.account.id)}?peek=1`)).json().bcc).toEqual([]);
  });

  it('writes the classification and important-mail headers, UTF-8 throughout', async () => {
    const response = await a.post('/api/send', { to: ['li.na@haining.gov.cn'], subject: '公开测试', html: '<p>内容</p>', classification: '公开', importance: 'confirm', deadline: '2026-12-05T17:00:00+08:00' });
    expect(response.statusCode, response.body).toBe(200);
    const copy = await raw(b.account.id, await newestMessageId(t, b.account.id));
    const parsed = await simpleParser(copy);
    expect(parsed.headers.get('x-govmail-importance')).toBe('confirm');
    expect(parsed.headers.get('x-govmail-deadline')).toBe('2026-12-05T09:00:00.000Z');
    const detail = messageDetailSchema.parse((await b.get(`/api/messages/${await newestMessageId(t, b.account.id)}`)).json());
    expect(detail).toMatchObject({ classification: '公开', importance: 'confirm', deadline: '2026-12-05T09:00:00.000Z' });
  });

  it('replies: In-Reply-To and References from the original, which gets \\Answered', async () => {
    await deliver(t, await buildMail({ from: { name: '外单位', address: 'office@example.com' }, to: [a.account.address], subject: '请示', text: '请批复', headers: { 'Message-ID': '<orig-1@example.com>', References: '<root@example.com>' } }), [a.account.address]);
    const original = await newestMessageId(t, a.account.id);
    const response = await a.post('/api/send', { to: ['li.na@haining.gov.cn'], subject: 'Re: 请示', html: '<p>同意</p>', inReplyTo: original });
    expect(response.statusCode, response.body).toBe(200);
    const reply = await simpleParser(await raw(b.account.id, await newestMessageId(t, b.account.id)));
    expect(reply.inReplyTo).toBe('<orig-1@example.com>');
    expect(reply.references).toEqual(['<root@example.com>', '<orig-1@example.com>']);
    expect((await t.services.db.selectFrom('messages').select('answered').where('id', '=', original).executeTakeFirstOrThrow()).answered).toBe(1);
    expect((await a.post('/api/send', { to: ['li.na@haining.gov.cn'], subject: 'x', inReplyTo: await newestMessageId(t, b.account.id) })).statusCode).toBe(404);
  });

  it('attaches uploads and forwarded messages (message/rfc822), then deletes the uploads', async () => {
    const uploaded = await upload(a, '会议议程.pdf', PDF);
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const { id: uploadId } = uploaded.json() as { id: string };
    const forwarded = await newestMessageId(t, a.account.id);
    const response = await a.post('/api/send', { to: ['li.na@haining.gov.cn'], subject: '转发', html: '<p>见附件</p>', attachments: [uploadId], attachMessages: [forwarded] });
    expect(response.statusCode, response.body).toBe(200);
    const detail = messageDetailSchema.parse((await b.get(`/api/messages/${await newestMessageId(t, b.account.id)}`)).json());
    expect(detail.attachments).toEqual([
      expect.objectContaining({ filename: '会议议程.pdf', contentType: 'application/pdf', size: PDF.length }),
      expect.objectContaining({ filename: '请示.eml', contentType: 'message/rfc822' }),
    ]);
    const part = await b.get(`/api/messages/${detail.id}/parts/${detail.attachments[0]!.part}`);
    expect(part.rawPayload.equals(PDF)).toBe(true);
    const attached = await b.get(`/api/messages/${detail.id}/parts/${detail.attachments[1]!.part}`);
    expect((await simpleParser(attached.rawPayload)).messageId).toBe('<orig-1@example.com>');
    // the upload is gone after the send
    expect((await a.post('/api/send', { to: ['li.na@haining.gov.cn'], subject: 'again', attachments: [uploadId] })).statusCode).toBe(404);
  });

  it("cannot use another account's upload id, nor forward another account's message", async () => {
    const { id } = (await upload(a, 'a.pdf', PDF)).json() as { id: string };
    const stolen = await b.post('/api/send', { to: ['li.na@haining.gov.cn'], subject: 'x', attachments: [id] });
    expect(stolen.statusCode).toBe(404);
    expect(stolen.json().error.code).toBe('not_found');
    expect((await b.post('/api/drafts', { subject: 'x', attachments: [id] })).statusCode).toBe(404);
    expect((await b.delete(`/api/uploads/${id}`)).statusCode).toBe(404);
    expect((await b.post('/api/send', { to: ['li.na@haining.gov.cn'], subject: 'x', attachMessages: [await newestMessageId(t, a.account.id)] })).statusCode).toBe(404);
    expect((await a.delete(`/api/uploads/${id}`)).statusCode).toBe(204);
  });

  it('saves drafts in Drafts as \\Draft, replacing the previous version, and sends one (removing it)', async () => {
    const drafts = await mailboxId(t, a.account.id, 'Drafts');
    const first = await a.post('/api/drafts', { to: ['li.na@haining.gov.cn'], bcc: ['wang.fang@haining.gov.cn'], subject: '草稿', html: '<p>第一版</p>' });
    expect(first.statusCode, first.body).toBe(200);
    const firstId = (first.json() as { id: number }).id;
    const { id: uploadId } = (await upload(a, '附件.pdf', PDF)).json() as { id: string };
    const second = await a.post('/api/drafts', { draftId: firstId, to: ['li.na@haining.gov.cn'], subject: '草稿', html: '<p>第二版</p>', attachments: [uploadId] });
    const secondId = (second.json() as { id: number }).id;
    const listed = messagePageSchema.parse((await a.get(`/api/mailboxes/${drafts}/messages`)).json());
    expect(listed.items.map((m) => m.id)).toEqual([secondId]);
    const row = await t.services.db.selectFrom('messages').select(['draft', 'seen']).where('id', '=', secondId).executeTakeFirstOrThrow();
    expect(row).toEqual({ draft: 1, seen: 1 });
    const draft = messageDetailSchema.parse((await a.get(`/api/messages/${secondId}`)).json());
    expect(draft.html).toContain('第二版');

    // a reopened draft keeps its attachment by part number
    const sent = await a.post('/api/send', { draftId: secondId, to: ['li.na@haining.gov.cn'], subject: '草稿', html: '<p>定稿</p>', draftParts: [draft.attachments[0]!.part] });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(messagePageSchema.parse((await a.get(`/api/mailboxes/${drafts}/messages`)).json()).total).toBe(0);
    const received = messageDetailSchema.parse((await b.get(`/api/messages/${await newestMessageId(t, b.account.id)}`)).json());
    expect(received.attachments.map((x) => x.filename)).toEqual(['附件.pdf']);

    // only a message in Drafts is a draft
    const inbox = await newestMessageId(t, a.account.id);
    expect((await a.post('/api/drafts', { draftId: inbox, subject: 'x' })).statusCode).toBe(404);
    expect((await b.post('/api/drafts', { draftId: secondId, subject: 'x' })).statusCode).toBe(404);
  });

  it('refuses 涉密, unknown local recipients and malformed addresses, naming the field', async () => {
    const secret = await a.post('/api/send', { to: ['li.na@haining.gov.cn'], subject: '涉密', classification: '涉密' });
    // refused by the outbound checks (server/delivery/outbound), the same path as SMTP submission
    expect(secret.statusCode).toBe(422);
    expect(secret.json().error.code).toBe('outbound.blocked');
    expect(secret.json().error.issues).toEqual([{ path: 'classification', message: expect.stringContaining('机要') }]);
    expect((await a.post('/api/drafts', { subject: '涉密', classification: '涉密' })).statusCode).toBe(400);
    const unknown = await a.post('/api/send', { to: ['li.na@haining.gov.cn', 'nobody@haining.gov.cn'], subject: 'x' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.issues).toEqual([{ path: 'to.1', message: '收件人不存在：nobody@haining.gov.cn' }]);
    const malformed = await a.post('/api/send', { cc: ['not an address'], subject: 'x' });
    expect(malformed.json().error.issues.map((i: { path: string }) => i.path)).toEqual(['cc.0', 'to']);
  });

  it('answers mail.over_quota when the sender has no room for the draft or the sent copy', async () => {
    await t.services.db.updateTable('accounts').set({ quota_bytes: 1 }).where('id', '=', c.account.id).execute();
    for (const url of ['/api/drafts', '/api/send']) {
      const response = await c.post(url, { to: ['li.na@haining.gov.cn'], subject: '满了', html: '<p>x</p>' });
      expect(response.statusCode, url).toBe(409);
      expect(response.json().error).toEqual({ code: 'mail.over_quota', message: '邮箱空间已满，请清理邮件后再试' });
    }
    await t.services.db.updateTable('accounts').set({ quota_bytes: 1024 ** 3 }).where('id', '=', c.account.id).execute();
  });

  it('queues external recipients through the same pipeline', async () => {
    const response = await a.post('/api/send', { to: ['partner@example.org'], cc: ['li.na@haining.gov.cn'], subject: '对外', html: '<p>x</p>' });
    expect(response.statusCode, response.body).toBe(200);
    expect(sendResultSchema.parse(response.json()).queuedExternal).toBe(1);
    const queued = await t.services.db.selectFrom('outbound_queue').selectAll().where('recipient', '=', 'partner@example.org').executeTakeFirstOrThrow();
    expect(queued).toMatchObject({ envelope_from: a.account.address, status: 'queued', submitted_by: a.account.id });
  });
});
