import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHttp, type TestHttp } from '../../test-app.js';
import { addPerson, signIn, type ApiClient } from '../../test-webmail.js';
import { uploadViewSchema } from './schema.js';

const MAX = 64 * 1024;

function form(filename: string, content: Buffer, type: string) {
  const boundary = '----govmailupload';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`;
  return { payload: Buffer.concat([Buffer.from(head, 'utf8'), content, Buffer.from(`\r\n--${boundary}--\r\n`)]), 'content-type': `multipart/form-data; boundary=${boundary}` };
}

describe('/api/uploads', () => {
  let t: TestHttp;
  let a: ApiClient;
  let b: ApiClient;
  beforeAll(async () => {
    t = await createTestHttp({ smtp: { maxMessageBytes: MAX } });
    await addPerson(t, 'li.na@haining.gov.cn', '李娜');
    a = await signIn(t);
    b = await signIn(t, 'li.na@haining.gov.cn');
  });
  afterAll(() => t.close());

  const upload = (client: ApiClient, filename: string, content: Buffer, type = 'application/pdf', csrf = true) => {
    const { payload, 'content-type': contentType } = form(filename, content, type);
    return t.app.inject({ method: 'POST', url: '/api/uploads', headers: { cookie: `govmail_session=${client.cookie}`, ...(csrf ? { 'x-csrf-token': client.csrfToken } : {}), 'content-type': contentType }, payload });
  };

  it("stores a file under <dataDir>/uploads/<account>/ and answers its id, name, type and size", async () => {
    const response = await upload(a, '../../二〇二六年工作要点.docx', Buffer.alloc(1000, 7), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(response.statusCode, response.body).toBe(201);
    const view = uploadViewSchema.parse(response.json());
    expect(view).toMatchObject({ filename: '二〇二六年工作要点.docx', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', size: 1000 });
    expect(view.id).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(await readdir(path.join(t.dataDir, 'uploads', String(a.account.id)))).toEqual(expect.arrayContaining([view.id, `${view.id}.json`]));
  });

  it('refuses a file over smtp.maxMessageBytes with 413, keeping nothing of it', async () => {
    const before = await readdir(path.join(t.dataDir, 'uploads', String(a.account.id)));
    const response = await upload(a, 'big.bin', Buffer.alloc(MAX + 1), 'application/octet-stream');
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('payload_too_large');
    expect(await readdir(path.join(t.dataDir, 'uploads', String(a.account.id)))).toEqual(before);
  });

  it('needs the CSRF token and a multipart body', async () => {
    expect((await upload(a, 'x.pdf', Buffer.from('x'), 'application/pdf', false)).statusCode).toBe(403);
    expect((await a.post('/api/uploads', { file: 'x' })).statusCode).toBe(415);
  });

  it('keeps a made-up content type out', async () => {
    const response = await upload(a, 'x', Buffer.from('x'), 'text/html; charset=utf-8');
    expect(uploadViewSchema.parse(response.json())).toMatchObject({ filename: 'x', contentType: 'text/html' });
    const weird = await upload(a, 'y', Buffer.from('y'), 'not a type');
    expect(weird.json().contentType).toBe('application/octet-stream');
  });

  it("lets only the owner delete an upload: another account's id is 404", async () => {
    const { id } = uploadViewSchema.parse((await upload(a, 'a.pdf', Buffer.from('%PDF'))).json());
    expect((await b.delete(`/api/uploads/${id}`)).statusCode).toBe(404);
    expect((await a.delete(`/api/uploads/${id}`)).statusCode).toBe(204);
    expect((await a.delete(`/api/uploads/${id}`)).statusCode).toBe(404);
    expect((await a.delete('/api/uploads/..%2F..%2Fgovmail.sqlite')).statusCode).toBe(404);
  });
});
