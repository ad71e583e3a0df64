/**
 * SPEC Art. 2.3: an account that has not been activated cannot sign in anywhere. A pending
 * account is given a password hash here (as if one had been set before activation) so that the
 * refusal is the state's, not a wrong password's: SMTP submission (AUTH PLAIN), IMAP LOGIN,
 * POP3 USER/PASS and the web each refuse, with the "not activated" reason where the protocol
 * carries text; after activation through the link the same password works everywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGULATION_VERSION } from '../../common/regulation.js';
import { ImapLineClient } from '../imap/imap-line-client.js';
import { Pop3Wire } from '../pop3/pop3-wire.js';
import { SmtpWire } from '../helpers/smtp-wire.js';
import { startTestGovmail, type TestGovmail } from '../helpers/start-govmail.js';

const ADDRESS = 'daijihuo@haining.gov.cn';
const PASSWORD = 'Qianjiang#Chao2026';

describe('not activated: no sign-in on any protocol', () => {
  let gm: TestGovmail;
  let token: string;

  beforeAll(async () => {
    gm = await startTestGovmail({ people: [] });
    const { services } = gm;
    await services.directory.createUnit({ code: 'hn', name: '海宁市' }, { address: 'system', via: 'cli' }).catch(() => undefined);
    const unit = await services.directory.getUnit('hn');
    const account = await services.onboarding.createPendingAccount({ displayName: '戴继火', unitId: unit.id, address: ADDRESS, workId: 'W-1' }, { address: 'system', via: 'system' }, 'create');
    await services.db.updateTable('accounts').set({ password_hash: await services.auth.hash(PASSWORD) }).where('id', '=', account.id).execute();
    token = (await services.onboarding.issueActivation(account, { address: 'system', via: 'system' })).path.split('/').pop()!;
  }, 60_000);

  afterAll(async () => {
    await gm?.stop();
  });

  async function web(): Promise<{ status: number; code?: string }> {
    const response = await fetch(`http://127.0.0.1:${gm.ports.http}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ address: ADDRESS, password: PASSWORD }) });
    const body = (await response.json()) as { error?: { code: string } };
    return { status: response.status, code: body.error?.code };
  }

  async function smtp(): Promise<{ code: number; text: string }> {
    const wire = await SmtpWire.connect(gm.ports.submissions, { implicitTls: true });
    await wire.ehlo('client.example.com');
    const reply = await wire.command(`AUTH PLAIN ${Buffer.from(`\0${ADDRESS}\0${PASSWORD}`).toString('base64')}`);
    await wire.quit().catch(() => undefined);
    return { code: reply.code, text: reply.text };
  }

  async function imap(): Promise<{ status: string; text: string }> {
    const client = await ImapLineClient.connect(gm.ports.imaps!, { tls: true });
    const result = await client.login(ADDRESS, PASSWORD);
    await client.logout().catch(() => undefined);
    const [, status = '', ...rest] = result.tagged.split(' ');
    return { status, text: rest.join(' ') };
  }

  async function pop3(): Promise<string> {
    const wire = await Pop3Wire.connect(gm.ports.pop3s!, { implicitTls: true });
    await wire.readLine();
    await wire.command(`USER ${ADDRESS}`);
    const reply = await wire.command(`PASS ${PASSWORD}`);
    await wire.command('QUIT').catch(() => undefined);
    return reply;
  }

  it('refuses before activation, with the reason', async () => {
    expect(await web()).toEqual({ status: 401, code: 'auth.not_activated' });
    const s = await smtp();
    expect(s.code).toBe(535);
    const i = await imap();
    expect(i.status).toBe('NO');
    expect(i.text).toContain('激活');
    const p = await pop3();
    expect(p).toMatch(/^-ERR/);
    expect(p).toContain('激活');
    const refusals = await gm.services.db.selectFrom('audit_log').select(['protocol', 'details']).where('action', '=', 'auth.login').where('outcome', '=', 'failure').execute();
    const byProtocol = new Map(refusals.map((r) => [r.protocol, (JSON.parse(r.details) as { reason: string }).reason]));
    for (const protocol of ['web', 'smtp', 'imap', 'pop3']) expect(byProtocol.get(protocol), protocol).toBe('not_activated');
  });

  it('works everywhere after activation', async () => {
    const response = await fetch(`http://127.0.0.1:${gm.ports.http}/api/activation/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workId: 'W-1', password: PASSWORD, acceptAup: true, aupVersion: REGULATION_VERSION }),
    });
    expect(response.status).toBe(200);
    expect((await web()).status).toBe(200);
    expect((await smtp()).code).toBe(235);
    expect((await imap()).status).toBe('OK');
    expect(await pop3()).toMatch(/^\+OK/);
  });
});
