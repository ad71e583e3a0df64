import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHttp, type TestHttp } from '../../test-app.js';
import { addPerson, buildMail, deliver, mailboxId, signIn, type ApiClient } from '../../test-webmail.js';
import { messagePageSchema } from './schema.js';

describe('/api/search', () => {
  let t: TestHttp;
  let a: ApiClient;
  let b: ApiClient;
  beforeAll(async () => {
    t = await createTestHttp();
    await addPerson(t, 'li.na@haining.gov.cn', '李娜');
    a = await signIn(t);
    b = await signIn(t, 'li.na@haining.gov.cn');
    const to = [a.account.address];
    const day = (d: number) => Date.UTC(2026, 10, d, 2);
    await deliver(t, await buildMail({ from: { name: '王芳', address: 'wangfang@haining.gov.cn' }, to, subject: '关于召开防汛工作会议的通知', text: '定于下周二召开全市防汛工作会议。', date: new Date(day(3)) }), to);
    await deliver(t, await buildMail({ from: { name: '陈静', address: 'chenjing@haining.gov.cn' }, to, subject: '工作简报', text: '本期简报介绍会议精神的落实情况。', date: new Date(day(10)), attachments: [{ filename: '简报.pdf', content: '%PDF', contentType: 'application/pdf' }] }), to);
    await deliver(t, await buildMail({ from: { name: '王芳', address: 'wangfang@haining.gov.cn' }, to, subject: '预算', text: '请报送预算执行情况。', date: new Date(day(20)) }), to);
    await deliver(t, await buildMail({ to: [b.account.address], subject: '李娜的会议通知', text: '会议' }), [b.account.address]);
  });
  afterAll(() => t.close());

  const search = async (client: ApiClient, query: string) => {
    const response = await client.get(`/api/search?${query}`);
    expect(response.statusCode, response.body).toBe(200);
    return messagePageSchema.parse(response.json());
  };

  it('finds Chinese words in subject and body, newest first, only in the account\'s own mail', async () => {
    const found = await search(a, `q=${encodeURIComponent('会议')}`);
    expect(found.items.map((m) => m.subject)).toEqual(['工作简报', '关于召开防汛工作会议的通知']);
    expect(found.total).toBe(2);
    expect((await search(a, `q=${encodeURIComponent('防汛')}`)).items.map((m) => m.subject)).toEqual(['关于召开防汛工作会议的通知']);
    expect((await search(b, `q=${encodeURIComponent('防汛')}`)).total).toBe(0);
  });

  it('filters by sender, attachment, date range and folder, and pages', async () => {
    expect((await search(a, `from=${encodeURIComponent('王芳')}`)).items.map((m) => m.subject)).toEqual(['预算', '关于召开防汛工作会议的通知']);
    expect((await search(a, 'from=wangfang')).total).toBe(2);
    expect((await search(a, `q=${encodeURIComponent('会议')}&hasAttachment=true`)).items.map((m) => m.subject)).toEqual(['工作简报']);
    expect((await search(a, `q=${encodeURIComponent('会议')}&hasAttachment=false`)).items.map((m) => m.subject)).toEqual(['关于召开防汛工作会议的通知']);
    expect((await search(a, 'after=2026-11-05&before=2026-11-20')).items.map((m) => m.subject)).toEqual(['预算', '工作简报']);
    expect((await search(a, 'before=2026-11-03')).items.map((m) => m.subject)).toEqual(['关于召开防汛工作会议的通知']);
    const inbox = await mailboxId(t, a.account.id, 'INBOX');
    const archive = await mailboxId(t, a.account.id, 'Archive');
    expect((await search(a, `mailboxId=${inbox}&limit=1&offset=1`)).items.map((m) => m.subject)).toEqual(['工作简报']);
    expect((await search(a, `q=${encodeURIComponent('会议')}&mailboxId=${archive}`)).total).toBe(0);
  });

  it("answers 404 for another account's folder and 400 for a bad date", async () => {
    const bInbox = await mailboxId(t, b.account.id, 'INBOX');
    expect((await a.get(`/api/search?q=x&mailboxId=${bInbox}`)).statusCode).toBe(404);
    const bad = await a.get('/api/search?after=yesterday');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues[0].path).toBe('after');
  });
});
