import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../platform/clock.js';
import { createTestHttp, type TestHttp } from '../../test-app.js';
import { addPerson, buildMail, deliver, newestMessageId, signIn, type ApiClient } from '../../test-webmail.js';
import { messageDetailSchema } from '../messages/schema.js';
import { receiptViewSchema } from './schema.js';

describe('important mail: /api/messages/:id/confirm and /receipts (SPEC 3.4)', () => {
  const clock = new ManualClock(Date.UTC(2026, 11, 1, 1, 0, 0));
  let t: TestHttp;
  let a: ApiClient;
  let b: ApiClient;
  let c: ApiClient;
  let sentId: number;
  let bCopy: number;
  const at = (minutes: number) => new Date(Date.UTC(2026, 11, 1, 1, minutes, 0)).toISOString();

  beforeAll(async () => {
    t = await createTestHttp({ clock });
    await addPerson(t, 'li.na@haining.gov.cn', '李娜');
    await addPerson(t, 'wang.fang@haining.gov.cn', '王芳');
    a = await signIn(t);
    b = await signIn(t, 'li.na@haining.gov.cn');
    c = await signIn(t, 'wang.fang@haining.gov.cn');
    const response = await a.post('/api/send', {
      to: ['li.na@haining.gov.cn', 'wang.fang@haining.gov.cn'],
      subject: '关于报送年度工作总结的通知',
      html: '<p>请于周五前报送。</p>',
      importance: 'confirm',
      deadline: '2026-12-05T17:00:00+08:00',
    });
    expect(response.statusCode, response.body).toBe(200);
    sentId = (response.json() as { sentId: number }).sentId;
    bCopy = await newestMessageId(t, b.account.id);
  });
  afterAll(() => t.close());

  const receipts = async () => {
    const response = await a.get(`/api/messages/${sentId}/receipts`);
    expect(response.statusCode).toBe(200);
    return receiptViewSchema.array().parse(response.json());
  };

  it('records delivery to each local recipient; the sender sees them, per recipient', async () => {
    expect(await receipts()).toEqual([
      { recipient: { name: '李娜', address: 'li.na@haining.gov.cn' }, deliveredAt: at(0), firstOpenedAt: null, readConfirmedAt: null, doneAt: null, repliedAt: null },
      { recipient: { name: '王芳', address: 'wang.fang@haining.gov.cn' }, deliveredAt: at(0), firstOpenedAt: null, readConfirmedAt: null, doneAt: null, repliedAt: null },
    ]);
    const row = await t.services.db.selectFrom('important_receipts').selectAll().where('recipient_account_id', '=', b.account.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ sender_account_id: a.account.id, deadline: Date.parse('2026-12-05T09:00:00Z') });
  });

  it('records the first opening (not later ones); the recipient sees their own receipt and the deadline', async () => {
    clock.advance(5 * 60_000);
    const opened = messageDetailSchema.parse((await b.get(`/api/messages/${bCopy}`)).json());
    expect(opened.importance).toBe('confirm');
    expect(opened.deadline).toBe('2026-12-05T09:00:00.000Z');
    expect(opened.receipt).toMatchObject({ recipient: { address: 'li.na@haining.gov.cn' }, deliveredAt: at(0), firstOpenedAt: at(5), readConfirmedAt: null });
    clock.advance(60_000);
    await b.get(`/api/messages/${bCopy}`);
    expect((await receipts())[0]!.firstOpenedAt).toBe(at(5));
    // the sender's own copy has no banner
    expect(messageDetailSchema.parse((await a.get(`/api/messages/${sentId}`)).json()).receipt).toBeNull();
  });

  it('confirms 已阅 and 已办 separately, each once, each audited', async () => {
    clock.advance(4 * 60_000); // 10
    const read = await b.post(`/api/messages/${bCopy}/confirm`, { kind: 'read' });
    expect(read.statusCode, read.body).toBe(200);
    expect(receiptViewSchema.parse(read.json())).toMatchObject({ readConfirmedAt: at(10), doneAt: null });
    clock.advance(10 * 60_000); // 20
    expect((await b.post(`/api/messages/${bCopy}/confirm`, { kind: 'read' })).json().readConfirmedAt).toBe(at(10));
    expect((await b.post(`/api/messages/${bCopy}/confirm`, { kind: 'done' })).json()).toMatchObject({ readConfirmedAt: at(10), doneAt: at(20) });
    const audit = await t.services.db.selectFrom('audit_log').selectAll().where('action', 'like', 'mail.important.%').orderBy('id').execute();
    expect(audit.map((r) => [r.action, r.actor, r.protocol])).toEqual([
      ['mail.important.read', 'li.na@haining.gov.cn', 'web'],
      ['mail.important.done', 'li.na@haining.gov.cn', 'web'],
    ]);
    expect((await b.post(`/api/messages/${bCopy}/confirm`, { kind: 'later' })).statusCode).toBe(400);
  });

  it('records the reply when the recipient answers it', async () => {
    clock.advance(10 * 60_000); // 30
    const reply = await b.post('/api/send', { to: [a.account.address], subject: 'Re: 关于报送年度工作总结的通知', html: '<p>已报送</p>', inReplyTo: bCopy });
    expect(reply.statusCode, reply.body).toBe(200);
    const list = await receipts();
    expect(list[0]).toEqual({ recipient: { name: '李娜', address: 'li.na@haining.gov.cn' }, deliveredAt: at(0), firstOpenedAt: at(5), readConfirmedAt: at(10), doneAt: at(20), repliedAt: at(30) });
    expect(list[1]).toMatchObject({ firstOpenedAt: null, readConfirmedAt: null, repliedAt: null });
  });

  it('shows the receipts list to the sender only; a recipient sees nothing through their copy', async () => {
    expect((await b.get(`/api/messages/${bCopy}/receipts`)).json()).toEqual([]);
    expect((await c.get(`/api/messages/${sentId}/receipts`)).statusCode).toBe(404);
  });

  it("refuses to confirm what needs no confirmation, the sender's own copy, and another account's copy", async () => {
    await deliver(t, await buildMail({ to: [b.account.address], subject: '普通邮件', text: 'x' }), [b.account.address]);
    const plain = await newestMessageId(t, b.account.id);
    expect((await b.post(`/api/messages/${plain}/confirm`, { kind: 'read' })).json().error.code).toBe('bad_request');
    expect((await a.post(`/api/messages/${sentId}/confirm`, { kind: 'read' })).json().error.code).toBe('bad_request');
    const stolen = await c.post(`/api/messages/${bCopy}/confirm`, { kind: 'done' });
    expect(stolen.statusCode).toBe(404);
    expect(stolen.json().error.code).toBe('not_found');
  });

  it('gives important mail from outside a receipt when opened, which no sender can list', async () => {
    await deliver(t, await buildMail({ to: [b.account.address], subject: '外来重要邮件', text: 'x', headers: { 'X-Govmail-Importance': 'confirm', 'Message-ID': '<ext-1@example.com>' } }), [b.account.address]);
    const id = await newestMessageId(t, b.account.id);
    const opened = messageDetailSchema.parse((await b.get(`/api/messages/${id}`)).json());
    expect(opened.receipt).toMatchObject({ deliveredAt: expect.any(String), firstOpenedAt: expect.any(String) });
    expect((await t.services.db.selectFrom('important_receipts').select('sender_account_id').where('message_id', '=', '<ext-1@example.com>').executeTakeFirstOrThrow()).sender_account_id).toBeNull();
    expect((await b.post(`/api/messages/${id}/confirm`, { kind: 'read' })).statusCode).toBe(200);
  });
});
