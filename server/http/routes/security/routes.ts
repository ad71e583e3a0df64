/**
 * `/api/security` (SPEC Art. 4.1): the person's own app passwords for mail clients — create
 * (named, shown once, stored argon2id-hashed), list with last use, revoke. Only the owner's
 * rows: someone else's id is 404. Every create and revoke is audited.
 * TOTP enrolment: set-up (secret, otpauth URI and a QR code as an SVG data URL), confirm with a
 * code (then ten recovery codes, shown once, argon2id-hashed), disable with the password.
 * Sessions: the person's web sessions with revoke (by a short id: a prefix of the token hash),
 * and their own sign-in history (audit rows of their logins).
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../../../common/errors.js';
import { createAppPasswordSchema, type AppPasswordView, type CreatedAppPassword } from '../../../../common/schemas/security.js';
import QRCode from 'qrcode';
import { newAppPassword, newRecoveryCodes, newTotpSecret, normaliseAppPassword, totpUri, verifyTotp } from '../../../auth/totp.js';
import type { Services } from '../../../services.js';
import { sessionOf } from '../../plugins/sessions.js';
import { parseInput } from '../../validate.js';

const MAX_APP_PASSWORDS = 20;

export async function securityRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const { db } = services;

  app.get('/security/app-passwords', async (request): Promise<AppPasswordView[]> => {
    const { account } = sessionOf(request);
    const rows = await db.selectFrom('app_passwords').selectAll().where('account_id', '=', account.id).where('revoked_at', 'is', null).orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at, lastUsedProtocol: r.last_used_protocol }));
  });

  app.post('/security/app-passwords', async (request, reply): Promise<CreatedAppPassword> => {
    const { account } = sessionOf(request);
    const input = parseInput(createAppPasswordSchema, request.body);
    const count = await db.selectFrom('app_passwords').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', account.id).where('revoked_at', 'is', null).executeTakeFirst();
    if (Number(count?.n ?? 0) >= MAX_APP_PASSWORDS) throw new ApiError('validation', `最多可创建 ${MAX_APP_PASSWORDS} 个应用专用密码，请先撤销不用的`);
    const password = newAppPassword();
    const now = services.clock.now();
    const row = await db
      .insertInto('app_passwords')
      .values({ account_id: account.id, name: input.name, password_hash: await services.auth.hash(normaliseAppPassword(password)!), created_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    await services.audit.append({ actor: account.address, actorAccountId: account.id, action: 'auth.app_password_create', target: account.address, ip: request.ip, protocol: 'web', details: { id: row.id, name: row.name } });
    reply.code(201);
    return { id: row.id, name: row.name, createdAt: row.created_at, lastUsedAt: null, lastUsedProtocol: null, password };
  });

  app.delete<{ Params: { id: string } }>('/security/app-passwords/:id', async (request, reply) => {
    const { account } = sessionOf(request);
    const id = Number(request.params.id);
    if (!Number.isSafeInteger(id)) throw new ApiError('not_found');
    const result = await db.updateTable('app_passwords').set({ revoked_at: services.clock.now() }).where('id', '=', id).where('account_id', '=', account.id).where('revoked_at', 'is', null).executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw new ApiError('not_found');
    await services.audit.append({ actor: account.address, actorAccountId: account.id, action: 'auth.app_password_revoke', target: account.address, ip: request.ip, protocol: 'web', details: { id } });
    return reply.code(204).send();
  });
}

export async function securityTotpRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const { db } = services;

  app.get('/security/totp', async (request) => {
    const { account } = sessionOf(request);
    const row = await db.selectFrom('account_totp').select(['enabled_at']).where('account_id', '=', account.id).executeTakeFirst();
    const left = await db.selectFrom('recovery_codes').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', account.id).where('used_at', 'is', null).executeTakeFirst();
    return { enabled: Boolean(row?.enabled_at), recoveryCodesLeft: Number(left?.n ?? 0) };
  });

  app.post('/security/totp/setup', async (request) => {
    const { account } = sessionOf(request);
    const existing = await db.selectFrom('account_totp').select('enabled_at').where('account_id', '=', account.id).executeTakeFirst();
    if (existing?.enabled_at) throw new ApiError('validation', '两步验证已开启；如需更换，请先关闭');
    const secret = newTotpSecret();
    const now = services.clock.now();
    await db
      .insertInto('account_totp')
      .values({ account_id: account.id, secret, enabled_at: null, last_used_step: null, created_at: now })
      .onConflict((oc) => oc.column('account_id').doUpdateSet({ secret, enabled_at: null, last_used_step: null, created_at: now }))
      .execute();
    const uri = totpUri(secret, account.address, services.config.hostname || 'govmail');
    const svg = await QRCode.toString(uri, { type: 'svg', margin: 1 });
    return { secret, uri, qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
  });

  app.post('/security/totp/confirm', async (request) => {
    const { account } = sessionOf(request);
    const body = (request.body ?? {}) as { code?: unknown };
    const code = typeof body.code === 'string' ? body.code : '';
    const row = await db.selectFrom('account_totp').selectAll().where('account_id', '=', account.id).executeTakeFirst();
    if (!row || row.enabled_at) throw new ApiError('validation', '请先开始设置两步验证');
    const now = services.clock.now();
    const step = verifyTotp(row.secret, code, now, null);
    if (step === null) throw new ApiError('validation', '验证码不正确，请核对手机时间后重试', { issues: [{ path: 'code', message: '验证码不正确' }] });
    const codes = newRecoveryCodes();
    const hashes = await Promise.all(codes.map((c) => services.auth.hash(c)));
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('account_totp').set({ enabled_at: now, last_used_step: step }).where('account_id', '=', account.id).execute();
      await trx.deleteFrom('recovery_codes').where('account_id', '=', account.id).execute();
      await trx.insertInto('recovery_codes').values(hashes.map((code_hash) => ({ account_id: account.id, code_hash, used_at: null, created_at: now }))).execute();
    });
    await services.audit.append({ actor: account.address, actorAccountId: account.id, action: 'auth.totp_enable', target: account.address, ip: request.ip, protocol: 'web' });
    return { recoveryCodes: codes };
  });

  app.post('/security/totp/disable', async (request, reply) => {
    const { account } = sessionOf(request);
    const body = (request.body ?? {}) as { password?: unknown };
    const check = await services.auth.authenticate({ login: account.address, password: typeof body.password === 'string' ? body.password : '', protocol: 'web', ip: request.ip, client: 'totp-disable', reauth: true });
    if (!check.ok) throw new ApiError('validation', '当前密码不正确', { issues: [{ path: 'password', message: '当前密码不正确' }] });
    await db.deleteFrom('account_totp').where('account_id', '=', account.id).execute();
    await db.deleteFrom('recovery_codes').where('account_id', '=', account.id).execute();
    await services.audit.append({ actor: account.address, actorAccountId: account.id, action: 'auth.totp_disable', target: account.address, ip: request.ip, protocol: 'web' });
    return reply.code(204).send();
  });

  app.get('/security/sessions', async (request) => {
    const session = sessionOf(request);
    const rows = await db.selectFrom('web_sessions').select(['token_hash', 'ip', 'user_agent', 'created_at', 'last_seen_at']).where('account_id', '=', session.account.id).orderBy('last_seen_at', 'desc').execute();
    return rows.map((r) => ({ id: r.token_hash.slice(0, 16), ip: r.ip, userAgent: r.user_agent, createdAt: r.created_at, lastSeenAt: r.last_seen_at, current: r.token_hash === session.tokenHash }));
  });

  app.delete<{ Params: { id: string } }>('/security/sessions/:id', async (request, reply) => {
    const session = sessionOf(request);
    if (!/^[0-9a-f]{16}$/.test(request.params.id)) throw new ApiError('not_found');
    const result = await db.deleteFrom('web_sessions').where('account_id', '=', session.account.id).where('token_hash', 'like', `${request.params.id}%`).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw new ApiError('not_found');
    await services.audit.append({ actor: session.account.address, actorAccountId: session.account.id, action: 'auth.session_revoke', target: session.account.address, ip: request.ip, protocol: 'web' });
    return reply.code(204).send();
  });

  app.get('/security/sign-ins', async (request) => {
    const { account } = sessionOf(request);
    const rows = await db
      .selectFrom('audit_log')
      .select(['at', 'outcome', 'ip', 'protocol', 'details'])
      .where('action', '=', 'auth.login')
      .where('actor_account_id', '=', account.id)
      .orderBy('id', 'desc')
      .limit(100)
      .execute();
    return rows.map((r) => {
      const details = JSON.parse(r.details || '{}') as { client?: string | null; reason?: string };
      return { at: r.at, outcome: r.outcome, ip: r.ip, protocol: r.protocol, client: details.client ?? null, reason: details.reason ?? null };
    });
  });
}
