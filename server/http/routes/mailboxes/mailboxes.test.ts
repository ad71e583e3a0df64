import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHttp, type TestHttp } from '../../test-app.js';
import { addPerson, buildMail, deliver, mailboxId, newestMessageId, signIn, type ApiClient } from '../../test-webmail.js';
import { mailboxViewSchema, type MailboxView } from './schema.js';

describe('/api/mailboxes', () => {
  let t: TestHttp;
  let a: ApiClient;
  let b: ApiClient;
  beforeAll(async () => {
    t = await createTestHttp();
    await addPerson(t, 'li.na@haining.gov.cn', '李娜');
    a = await signIn(t);
    b = await signIn(t, 'li.na@haining.gov.cn');
    for (let i = 0; i < 3; i++) await deliver(t, await buildMail({ to: [a.account.address], subject: `通知 ${i}`, text: '正文' }), [a.account.address]);
  });
  afterAll(() => t.close());

  const list = async (client: ApiClient) => {
    const response = await client.get('/api/mailboxes');
    expect(response.statusCode).toBe(200);
    return mailboxViewSchema.array().parse(response.json());
  };

  it('lists the standard folders first, INBOX as \\Inbox, with total and unread counts', async () => {
    const id = await newestMessageId(t, a.account.id);
    expect((await a.patch(`/api/messages/${id}`, { seen: true })).statusCode).toBe(200);
    const boxes = await list(a);
    expect(boxes.map((m) => m.specialUse)).toEqual(['\\Inbox', '\\Drafts', '\\Sent', '\\Trash', '\\Junk', '\\Archive']);
    expect(boxes[0]).toMatchObject({ name: 'INBOX', total: 3, unread: 2 });
    expect(boxes[1]).toMatchObject({ name: 'Drafts', total: 0, unread: 0 });
  });

  it('creates a folder (and its missing parents), refusing a duplicate as a form error on name', async () => {
    const created = await a.post('/api/mailboxes', { name: '收文/2026年' });
    expect(created.statusCode).toBe(201);
    expect(mailboxViewSchema.parse(created.json())).toMatchObject({ name: '收文/2026年', specialUse: null, total: 0, unread: 0 });
    expect((await list(a)).map((m) => m.name)).toEqual(expect.arrayContaining(['收文', '收文/2026年']));

    const again = await a.post('/api/mailboxes', { name: '收文/2026年' });
    expect(again.statusCode).toBe(400);
    expect(again.json().error).toMatchObject({ code: 'validation', issues: [{ path: 'name', message: '同名文件夹已存在' }] });
    const bad = await a.post('/api/mailboxes', { name: 'a//b' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues[0].path).toBe('name');
  });

  it('renames a folder with its children, keeping its id and counts', async () => {
    const parent = (await list(a)).find((m) => m.name === '收文')!;
    const renamed = await a.patch(`/api/mailboxes/${parent.id}`, { name: '来文' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ id: parent.id, name: '来文' });
    expect((await list(a)).map((m) => m.name)).toEqual(expect.arrayContaining(['来文', '来文/2026年']));
  });

  it('refuses to rename or delete INBOX and the special-use folders', async () => {
    const inbox = await mailboxId(t, a.account.id, 'INBOX');
    const sent = await mailboxId(t, a.account.id, 'Sent');
    for (const id of [inbox, sent]) {
      expect((await a.patch(`/api/mailboxes/${id}`, { name: '别的' })).json().error.code).toBe('bad_request');
      expect((await a.delete(`/api/mailboxes/${id}`)).json().error.code).toBe('bad_request');
    }
  });

  it('deletes a folder (children first), its mail going with it', async () => {
    const boxes = await list(a);
    const parent = boxes.find((m) => m.name === '来文')!;
    const child = boxes.find((m) => m.name === '来文/2026年')!;
    const refused = await a.delete(`/api/mailboxes/${parent.id}`);
    expect(refused.statusCode).toBe(400);
    expect((await a.delete(`/api/mailboxes/${child.id}`)).statusCode).toBe(204);
    expect((await a.delete(`/api/mailboxes/${parent.id}`)).statusCode).toBe(204);
    expect((await list(a)).some((m) => m.name.startsWith('来文'))).toBe(false);
  });

  it("never shows, renames or deletes another account's folder: 404 as for an id that does not exist", async () => {
    const mine = (await a.post('/api/mailboxes', { name: '私人' })).json() as MailboxView;
    expect((await list(b)).some((m) => m.id === mine.id)).toBe(false);
    for (const response of [
      await b.patch(`/api/mailboxes/${mine.id}`, { name: '偷改' }),
      await b.delete(`/api/mailboxes/${mine.id}`),
      await b.get(`/api/mailboxes/${mine.id}/messages`),
      await b.patch('/api/mailboxes/999999', { name: 'x' }),
      await b.delete('/api/mailboxes/abc'),
    ]) {
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('not_found');
    }
    expect((await list(a)).find((m) => m.id === mine.id)?.name).toBe('私人');
  });

  it('needs a session, and the CSRF token to change anything', async () => {
    expect((await t.app.inject({ url: '/api/mailboxes' })).statusCode).toBe(401);
    const noToken = await t.app.inject({ method: 'POST', url: '/api/mailboxes', headers: { cookie: `govmail_session=${a.cookie}` }, payload: { name: 'x' } });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().error.code).toBe('csrf');
  });
});
