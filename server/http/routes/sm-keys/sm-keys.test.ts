/**
 * `/api/sm-keys` and the web send path of 工作秘密 end-to-end mail (SPEC 3.2; smcrypto), via
 * app.inject: owner-only protected keys, public lookup (internal people only, others missing),
 * replacing needs the current password and is audited, the old key kept retired; /api/send
 * accepts only a sealed body that checks out and refuses 工作秘密 in plaintext.
 */
import { simpleParser } from 'mailparser';
import { sm2 } from 'sm-crypto-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENVELOPE_MEDIA_TYPE, openEnvelope, protectPrivateKey, sealEnvelope } from '../../../../common/secret-envelope.js';
import { buildSecretBody, buildSecretContent, newRecoveryCode, normaliseRecoveryCode, parseSecretContent, SECRET_NOTICE } from '../../../../common/secret-mime.js';
import { MIN_PBKDF2_ITERATIONS, type PublicKeysResult, type SmKeyMe } from '../../../../common/schemas/sm-keys.js';
import { createTestHttp, TEST_ADDRESS, TEST_PASSWORD, type TestHttp } from '../../test-app.js';
import { addPerson, newestMessageId, signIn, type ApiClient } from '../../test-webmail.js';

const ITER = MIN_PBKDF2_ITERATIONS;
const LINA = 'li.na@haining.gov.cn';

function keyMaterial(passphrase: string) {
  const pair = sm2.generateKeyPairHex();
  const recoveryCode = newRecoveryCode();
  return {
    pair,
    recoveryCode,
    body: {
      publicKey: pair.publicKey,
      passphrase: protectPrivateKey(pair.privateKey, pair.publicKey, passphrase, ITER),
      recovery: protectPrivateKey(pair.privateKey, pair.publicKey, normaliseRecoveryCode(recoveryCode), ITER),
    },
  };
}

describe('/api/sm-keys and 工作秘密 web send', () => {
  let t: TestHttp;
  let a: ApiClient;
  let b: ApiClient;
  const put = (c: ApiClient, payload: object) => t.app.inject({ method: 'PUT', url: '/api/sm-keys/me', headers: { cookie: `govmail_session=${c.cookie}`, 'x-csrf-token': c.csrfToken }, payload });
  const aKeys = keyMaterial('甲的口令-2026');
  const bKeys = keyMaterial('乙的口令-2026');

  beforeAll(async () => {
    t = await createTestHttp();
    a = await signIn(t);
    await addPerson(t, LINA, '李娜');
    b = await signIn(t, LINA);
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  it('sets up a key; only the owner reads the protected copies; refuses mismatched or bad input', async () => {
    expect((await a.get('/api/sm-keys/me')).json()).toEqual({ key: null });
    expect((await put(a, { ...aKeys.body, recovery: { ...aKeys.body.recovery, publicKey: bKeys.body.publicKey } })).statusCode).toBe(400);
    expect((await put(a, { ...aKeys.body, passphrase: { ...aKeys.body.passphrase, iterations: 1000 } })).statusCode).toBe(400);
    const offCurve = `04${'1'.repeat(128)}`;
    expect((await put(a, { publicKey: offCurve, passphrase: { ...aKeys.body.passphrase, publicKey: offCurve }, recovery: { ...aKeys.body.recovery, publicKey: offCurve } })).statusCode).toBe(400);

    const created = await put(a, aKeys.body);
    expect(created.statusCode, created.body).toBe(200);
    const me = (await a.get('/api/sm-keys/me')).json() as SmKeyMe;
    expect(me.key).toMatchObject({ publicKey: aKeys.pair.publicKey, passphrase: aKeys.body.passphrase, recovery: aKeys.body.recovery });
    // Stored opaque: the private key appears nowhere in the database row.
    const row = await t.services.db.selectFrom('sm_keys').selectAll().where('account_id', '=', a.account.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(aKeys.pair.privateKey);
    // Another person's GET /me is their own (empty), never a's.
    expect((await b.get('/api/sm-keys/me')).json()).toEqual({ key: null });
    expect((await t.app.inject({ method: 'GET', url: '/api/sm-keys/me' })).statusCode).toBe(401);
    expect((await put(b, bKeys.body)).statusCode).toBe(200);
  });

  it('public lookup: internal people with keys; external, unknown and keyless are missing', async () => {
    await addPerson(t, 'wang.fang@haining.gov.cn', '王芳');
    const res = await b.get(`/api/sm-keys/public?address=${encodeURIComponent(TEST_ADDRESS)}&address=${encodeURIComponent('Li.Na@haining.gov.cn')}&address=wang.fang@haining.gov.cn&address=friend@example.com&address=nobody@haining.gov.cn`);
    expect(res.statusCode, res.body).toBe(200);
    const result = res.json() as PublicKeysResult;
    expect(result.keys).toEqual([
      { address: TEST_ADDRESS, name: a.account.display_name, publicKey: aKeys.pair.publicKey, retired: [] },
      { address: LINA, name: '李娜', publicKey: bKeys.pair.publicKey, retired: [] },
    ]);
    expect(result.missing).toEqual(['wang.fang@haining.gov.cn', 'friend@example.com', 'nobody@haining.gov.cn']);
    expect(JSON.stringify(result)).not.toContain(aKeys.body.passphrase.ct);
    expect((await t.app.inject({ method: 'GET', url: `/api/sm-keys/public?address=${TEST_ADDRESS}` })).statusCode).toBe(401);
  });

  it('replacing or restoring needs the current password; the old key stays retired; audited', async () => {
    const next = keyMaterial('甲的新口令-2027');
    expect((await put(a, next.body)).json()).toMatchObject({ error: { code: 'secret.reauth_required' } });
    expect((await put(a, { ...next.body, password: 'wrong-password' })).statusCode).toBe(400);
    // Restore: same key pair, the private key under a new 口令 (what the recovery code is for).
    const restored = { ...aKeys.body, passphrase: protectPrivateKey(aKeys.pair.privateKey, aKeys.pair.publicKey, '恢复后的口令', ITER), password: TEST_PASSWORD };
    expect((await put(a, restored)).statusCode).toBe(200);
    expect(((await a.get('/api/sm-keys/me')).json() as SmKeyMe).key!.passphrase).toEqual(restored.passphrase);

    expect((await put(a, { ...next.body, password: TEST_PASSWORD })).statusCode).toBe(200);
    const lookup = (await b.get(`/api/sm-keys/public?address=${TEST_ADDRESS}`)).json() as PublicKeysResult;
    expect(lookup.keys[0]).toMatchObject({ publicKey: next.pair.publicKey, retired: [aKeys.pair.publicKey] });
    const audit = await t.services.db.selectFrom('audit_log').select(['action', 'actor']).where('action', 'like', 'sm_key.%').orderBy('id').execute();
    expect(audit).toEqual([
      { action: 'sm_key.setup', actor: TEST_ADDRESS },
      { action: 'sm_key.setup', actor: LINA },
      { action: 'sm_key.restore', actor: TEST_ADDRESS },
      { action: 'sm_key.replace', actor: TEST_ADDRESS },
    ]);
    // Put the first key back for the send tests.
    expect((await put(a, { ...aKeys.body, password: TEST_PASSWORD })).statusCode).toBe(200);
  });

  it('sends a sealed 工作秘密 body: stored without plaintext, the notice readable, B opens it; plaintext 工作秘密 and bad envelopes are refused', async () => {
    const SECRET = '防汛物资调拨方案第三稿';
    const content = buildSecretContent({ html: `<p>${SECRET}</p>`, attachments: [{ filename: '调拨清单.txt', contentType: 'text/plain', data: new TextEncoder().encode('沙袋 3000 条') }] });
    const sender = { address: TEST_ADDRESS, ...aKeys.pair };
    const envelope = sealEnvelope({ content, sender, recipients: [{ address: LINA, publicKey: bKeys.pair.publicKey }] });
    const secretBody = buildSecretBody(envelope);

    expect((await a.post('/api/send', { to: [LINA], subject: '工作秘密', html: `<p>${SECRET}</p>`, classification: '工作秘密' })).json()).toMatchObject({ error: { code: 'secret.encryption_required' } });
    expect((await a.post('/api/drafts', { to: [LINA], subject: '工作秘密', html: '<p>x</p>', classification: '工作秘密' })).json()).toMatchObject({ error: { code: 'secret.encryption_required' } });
    expect((await a.post('/api/send', { to: [LINA, 'wang.fang@haining.gov.cn'], subject: '工作秘密', classification: '工作秘密', secretBody })).json()).toMatchObject({ error: { code: 'secret.keys_missing', message: expect.stringContaining('wang.fang@haining.gov.cn') } });
    expect((await a.post('/api/send', { to: [LINA], subject: '工作秘密', classification: '内部', secretBody })).statusCode).toBe(400);
    expect((await a.post('/api/send', { to: [LINA], subject: '工作秘密', classification: '工作秘密', secretBody: secretBody.replace('Content-Type: text/plain', 'Content-Type: text/html') })).json()).toMatchObject({ error: { code: 'secret.invalid_envelope' } });
    // Signed by someone else's key (b forging a's mail): refused.
    const forged = buildSecretBody(sealEnvelope({ content, sender: { address: TEST_ADDRESS, ...bKeys.pair }, recipients: [{ address: LINA, publicKey: bKeys.pair.publicKey }] }));
    expect((await a.post('/api/send', { to: [LINA], subject: '工作秘密', classification: '工作秘密', secretBody: forged })).json()).toMatchObject({ error: { code: 'secret.invalid_envelope' } });
    // Not wrapped for a recipient: refused.
    await addPerson(t, 'zhao.lei@haining.gov.cn', '赵磊');
    const c = await signIn(t, 'zhao.lei@haining.gov.cn');
    expect((await put(c, keyMaterial('丙的口令-2026').body)).statusCode).toBe(200);
    expect((await a.post('/api/send', { to: [LINA, 'zhao.lei@haining.gov.cn'], subject: '工作秘密', classification: '工作秘密', secretBody })).json()).toMatchObject({ error: { code: 'secret.invalid_envelope' } });

    const sent = await a.post('/api/send', { to: [`李娜 <${LINA}>`], subject: '工作秘密：调拨', classification: '工作秘密', secretBody });
    expect(sent.statusCode, sent.body).toBe(200);
    const id = await newestMessageId(t, b.account.id);
    const row = await t.services.db.selectFrom('messages').select('blob_hash').where('id', '=', id).executeTakeFirstOrThrow();
    const stored = await t.services.blobs.get(row.blob_hash);
    for (const word of [SECRET, '防汛', '沙袋', '调拨清单']) expect(stored.includes(Buffer.from(word))).toBe(false);
    const parsed = await simpleParser(stored);
    expect(parsed.text?.replace(/\r\n/g, '\n')).toBe(SECRET_NOTICE.replace(/\r\n/g, '\n'));
    expect((await b.get(`/api/messages/${id}?peek=1`)).json()).toMatchObject({ classification: '工作秘密' });
    expect(parsed.subject).toBe('工作秘密：调拨');
    const part = parsed.attachments.find((p) => p.contentType === ENVELOPE_MEDIA_TYPE)!;
    const opened = parseSecretContent(openEnvelope(JSON.parse(part.content.toString('utf8')), { address: LINA, privateKey: bKeys.pair.privateKey }));
    expect(opened.html).toContain(SECRET);
    expect(opened.attachments).toEqual([{ filename: '调拨清单.txt', contentType: 'text/plain', data: new TextEncoder().encode('沙袋 3000 条') }]);
    // The sender's Sent copy opens with the sender's own key.
    const sentRow = await t.services.db.selectFrom('messages').select('blob_hash').where('id', '=', (sent.json() as { sentId: number }).sentId).executeTakeFirstOrThrow();
    const sentCopy = await simpleParser(await t.services.blobs.get(sentRow.blob_hash));
    const own = sentCopy.attachments.find((p) => p.contentType === ENVELOPE_MEDIA_TYPE)!;
    expect(new TextDecoder().decode(openEnvelope(JSON.parse(own.content.toString('utf8')), sender))).toContain('Content-Type: text/html');
  });
});
