import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHttp, TEST_ADDRESS, TEST_PASSWORD, type TestHttp } from '../../test-app.js';
import { signIn, type ApiClient } from '../../test-webmail.js';
import { settingsViewSchema } from './schema.js';

describe('/api/settings', () => {
  let t: TestHttp;
  let a: ApiClient;
  beforeAll(async () => {
    t = await createTestHttp();
    a = await signIn(t);
  });
  afterAll(() => t.close());

  it('starts from the defaults, with the password policy explained', async () => {
    const response = await a.get('/api/settings');
    expect(response.statusCode).toBe(200);
    expect(settingsViewSchema.parse(response.json())).toEqual({
      displayName: '张伟',
      signatureHtml: '',
      autoReply: { enabled: false, subject: '', body: '', from: null, until: null },
      language: 'zh-CN',
      passwordPolicy: [
        '密码至少 12 位',
        '密码须包含大写字母、小写字母、数字、符号中的至少三类',
        '密码不能包含邮箱地址（@ 前的部分）',
        '密码不能包含姓名',
        '密码不能由姓名拼音或拼音首字母构成',
        '密码过于常见（在常用密码表中），请换一个',
        '不能使用最近 5 次用过的密码',
      ],
      maxMessageBytes: 50 * 1024 * 1024,
    });
  });

  it('stores the display name (with its pinyin for the directory), a sanitised signature, language and out-of-office', async () => {
    const response = await a.patch('/api/settings', {
      displayName: '张伟民',
      signatureHtml: '<p>市政府办公室 张伟民</p><img src=x onerror=alert(1)><script>alert(2)</script>',
      language: 'en',
      autoReply: { enabled: true, subject: '外出', body: '本人12月1日至5日外出。', from: '2026-12-01', until: '2026-12-05' },
    });
    expect(response.statusCode, response.body).toBe(200);
    const view = settingsViewSchema.parse(response.json());
    expect(view).toMatchObject({ displayName: '张伟民', language: 'en', autoReply: { enabled: true, subject: '外出', from: '2026-12-01', until: '2026-12-05' } });
    expect(view.signatureHtml).toBe('<p>市政府办公室 张伟民</p><img />');
    const account = await t.services.directory.getAccount(TEST_ADDRESS);
    expect(account).toMatchObject({ display_name: '张伟民', pinyin: 'zhang wei min', pinyin_initials: 'zwm' });
    expect(settingsViewSchema.parse((await a.get('/api/settings')).json())).toEqual(view);
    // a partial update leaves the rest alone
    expect(settingsViewSchema.parse((await a.patch('/api/settings', { language: 'zh-CN' })).json())).toMatchObject({ language: 'zh-CN', displayName: '张伟民', autoReply: { enabled: true } });
    expect((await a.patch('/api/settings', { autoReply: { enabled: true, subject: '', body: '', from: 'soon', until: null } })).statusCode).toBe(400);
    expect((await a.patch('/api/settings', { displayName: '' })).statusCode).toBe(400);
  });

  it('changes the password: checks the current one, explains policy failures, ends the other sessions', async () => {
    const other = await signIn(t);
    const wrong = await a.post('/api/settings/password', { current: 'Wrong#Password2026', next: 'Haichao#Tide2027x' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.issues).toEqual([{ path: 'current', message: '当前密码不正确' }]);

    const weak = await a.post('/api/settings/password', { current: TEST_PASSWORD, next: 'zhang.wei' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.issues, weak.body).toEqual([
      { path: 'next', message: '密码至少 12 位' },
      { path: 'next', message: '密码须包含大写字母、小写字母、数字、符号中的至少三类' },
      { path: 'next', message: '密码不能包含邮箱地址（@ 前的部分）' },
    ]);
    // No reuse: the current password is refused as the new one.
    const same = await a.post('/api/settings/password', { current: TEST_PASSWORD, next: TEST_PASSWORD });
    expect(same.json().error.issues).toEqual([{ path: 'next', message: '不能使用最近 5 次用过的密码' }]);

    const ok = await a.post('/api/settings/password', { current: TEST_PASSWORD, next: 'Haichao#Tide2027x' });
    expect(ok.statusCode, ok.body).toBe(204);
    expect((await a.get('/api/settings')).statusCode).toBe(200);
    expect((await other.get('/api/settings')).statusCode).toBe(401);
    await expect(signIn(t, TEST_ADDRESS, 'Haichao#Tide2027x')).resolves.toBeTruthy();
    await expect(signIn(t, TEST_ADDRESS, TEST_PASSWORD)).rejects.toThrow();
    const audit = await t.services.db.selectFrom('audit_log').select(['action', 'protocol']).where('action', '=', 'account.password_set').execute();
    expect(audit).toEqual([{ action: 'account.password_set', protocol: 'web' }]);
  });
});
