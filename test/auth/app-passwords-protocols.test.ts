/**
 * App passwords on the mail protocols (SPEC Art. 4.1; issue 5), with real clients over real
 * sockets: once TOTP is on (enrolled through /api/security like the webmail does), the main
 * password is refused on IMAP (imapflow), SMTP submission (nodemailer) and POP3 with a message
 * saying to use an app password (`app_password_required`); an app password — pasted with its
 * spaces, as shown — works on each, and its last use (time, protocol, IP) is recorded and shown;
 * once revoked it fails everywhere.
 */
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../server/auth/totp.js';
import { Pop3Wire } from '../pop3/pop3-wire.js';
import { SEED_PASSWORD, startTestGovmail, type TestGovmail } from '../helpers/start-govmail.js';

const ADDRESS = 'zhangwei@haining.gov.cn';

describe('app passwords on IMAP, SMTP submission and POP3 once TOTP is on', () => {
  let gm: TestGovmail;
  let web: (method: string, path: string, body?: unknown) => Promise<Response>;
  let appPassword: { id: number; password: string };

  beforeAll(async () => {
    gm = await startTestGovmail({ people: [{ address: ADDRESS, displayName: '张伟' }] });
    const base = `http://127.0.0.1:${gm.ports.http}`;
    const signIn = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ address: ADDRESS, password: SEED_PASSWORD }) });
    expect(signIn.status).toBe(200);
    const { csrfToken } = (await signIn.json()) as { csrfToken: string };
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    web = (method, path, body) =>
      fetch(`${base}${path}`, { method, headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    // Enrol TOTP as the 安全设置 page does.
    const setup = await web('POST', '/api/security/totp/setup', {});
    expect(setup.status).toBe(200);
    const { secret } = (await setup.json()) as { secret: string };
    const confirm = await web('POST', '/api/security/totp/confirm', { code: totpCode(secret, gm.services.clock.now()) });
    expect(confirm.status).toBe(200);
    const created = await web('POST', '/api/security/app-passwords', { name: 'Foxmail 手机' });
    expect(created.status).toBe(201);
    appPassword = (await created.json()) as { id: number; password: string };
    expect(appPassword.password).toMatch(/^[a-z]{4} [a-z]{4} [a-z]{4} [a-z]{4}$/);
  }, 60_000);
  afterAll(async () => {
    await gm?.stop();
  });

  const imap = async (pass: string) => {
    const client = new ImapFlow({ host: '127.0.0.1', port: gm.ports.imaps!, secure: true, tls: { rejectUnauthorized: false }, auth: { user: ADDRESS, pass }, logger: false });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const status = await client.status('INBOX', { messages: true });
      await client.logout();
      return { ok: true as const, messages: status ? status.messages : undefined };
    } catch (err) {
      client.close();
      const e = err as { responseText?: string; serverResponseCode?: string; message: string };
      return { ok: false as const, text: `${e.serverResponseCode ?? ''} ${e.responseText ?? e.message}` };
    }
  };

  const smtp = async (pass: string, subject: string) => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: gm.ports.submissions, secure: true, tls: { rejectUnauthorized: false }, auth: { user: ADDRESS, pass } });
    try {
      const info = await transport.sendMail({ from: ADDRESS, to: ADDRESS, subject, text: '应用专用密码测试' });
      return { ok: true as const, accepted: info.accepted };
    } catch (err) {
      const e = err as { responseCode?: number; response?: string; message: string };
      return { ok: false as const, code: e.responseCode, text: e.response ?? e.message };
    } finally {
      transport.close();
    }
  };

  const pop3 = async (pass: string) => {
    const pop = await Pop3Wire.connect(gm.ports.pop3s!, { implicitTls: true });
    await pop.readLine();
    await pop.command(`USER ${ADDRESS}`);
    const reply = await pop.command(`PASS ${pass}`);
    const stat = reply.startsWith('+OK') ? await pop.command('STAT') : null;
    await pop.command('QUIT').catch(() => undefined);
    return { reply, stat };
  };

  const lastUse = () => gm.services.db.selectFrom('app_passwords').select(['last_used_at', 'last_used_protocol', 'last_used_ip']).where('id', '=', appPassword.id).executeTakeFirstOrThrow();

  it('the main password is refused on every protocol with app_password_required, saying to use an app password', async () => {
    const viaImap = await imap(SEED_PASSWORD);
    expect(viaImap.ok).toBe(false);
    expect(!viaImap.ok && viaImap.text).toMatch(/ALERT/);
    expect(!viaImap.ok && viaImap.text).toContain('应用专用密码');
    expect(!viaImap.ok && viaImap.text).toContain('app password');

    const viaSmtp = await smtp(SEED_PASSWORD, 'main password');
    expect(viaSmtp.ok).toBe(false);
    expect(!viaSmtp.ok && viaSmtp.code).toBe(535);
    expect(!viaSmtp.ok && viaSmtp.text).toContain('5.7.8');
    expect(!viaSmtp.ok && viaSmtp.text).toContain('app password');

    const viaPop = await pop3(SEED_PASSWORD);
    expect(viaPop.reply).toMatch(/^-ERR \[AUTH\] /);
    expect(viaPop.reply).toContain('应用专用密码');

    const refusals = await gm.services.db.selectFrom('audit_log').select(['protocol', 'details']).where('action', '=', 'auth.login').where('outcome', '=', 'failure').execute();
    const reasons = refusals.map((r) => [r.protocol, (JSON.parse(r.details) as { reason: string }).reason]);
    for (const protocol of ['imap', 'smtp', 'pop3']) expect(reasons).toContainEqual([protocol, 'app_password_required']);
    expect((await lastUse()).last_used_at).toBeNull();
  });

  it('the app password works on each, and its last use is recorded per protocol', async () => {
    const viaSmtp = await smtp(appPassword.password, '应用专用密码发信');
    expect(viaSmtp).toEqual({ ok: true, accepted: [ADDRESS] });
    expect(await lastUse()).toMatchObject({ last_used_protocol: 'smtp', last_used_ip: expect.stringMatching(/127\.0\.0\.1/) });
    const afterSmtp = (await lastUse()).last_used_at!;
    expect(afterSmtp).toBeGreaterThan(0);

    const inbox = await gm.inbox(ADDRESS);
    expect(inbox.map((m) => m.subject)).toContain('应用专用密码发信');
    const viaImap = await imap(appPassword.password);
    // (A sign-in from a new client adds a new-device alert to the INBOX meanwhile.)
    expect(viaImap.ok).toBe(true);
    expect(viaImap.ok && viaImap.messages).toBeGreaterThanOrEqual(inbox.length);
    expect((await lastUse()).last_used_protocol).toBe('imap');

    // Pasted without the spaces works too.
    const viaPop = await pop3(appPassword.password.replace(/ /g, ''));
    expect(viaPop.reply).toMatch(/^\+OK/);
    expect(Number(/^\+OK (\d+) \d+/.exec(viaPop.stat ?? '')?.[1])).toBeGreaterThanOrEqual(inbox.length);
    expect((await lastUse()).last_used_protocol).toBe('pop3');
    const viaPopSpaced = await pop3(appPassword.password);
    expect(viaPopSpaced.reply).toMatch(/^\+OK/);
    expect((await lastUse()).last_used_at!).toBeGreaterThanOrEqual(afterSmtp);

    // The person sees it on the security page.
    const list = (await (await web('GET', '/api/security/app-passwords')).json()) as { id: number; lastUsedAt: number | null; lastUsedProtocol: string | null }[];
    expect(list).toEqual([expect.objectContaining({ id: appPassword.id, lastUsedProtocol: 'pop3', lastUsedAt: expect.any(Number) })]);
  });

  it('a revoked app password fails on every protocol', async () => {
    expect((await web('DELETE', `/api/security/app-passwords/${appPassword.id}`)).status).toBe(204);
    const before = await lastUse();
    const viaImap = await imap(appPassword.password);
    expect(viaImap.ok).toBe(false);
    expect(!viaImap.ok && viaImap.text).toMatch(/AUTHENTICATIONFAILED/);
    const viaSmtp = await smtp(appPassword.password, 'revoked');
    expect(!viaSmtp.ok && viaSmtp.code).toBe(535);
    const viaPop = await pop3(appPassword.password);
    expect(viaPop.reply).toMatch(/^-ERR /);
    expect(await lastUse()).toEqual(before);
  }, 60_000);
});
