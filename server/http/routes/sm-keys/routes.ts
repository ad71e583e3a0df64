/**
 * `/api/sm-keys` — the 工作秘密 key directory (SPEC 3.2; NAME=smcrypto).
 *   GET /api/sm-keys/me       the person's own public key and protected private-key copies
 *   PUT /api/sm-keys/me       set up; restore (same public key, new 口令) or replace (new key
 *                             pair, the old one kept as retired) — both need the current login
 *                             password once a key exists; every change is audited
 *   GET /api/sm-keys/public?address=a&address=b   public keys of internal people; the rest missing
 * Only the owner reads their protected copies (the route has no way to name someone else's).
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../../../common/errors.js';
import { publicKeysQuerySchema, putSmKeySchema, type PublicKeysResult, type SmKeyMe } from '../../../../common/schemas/sm-keys.js';
import { SmKeyDirectory } from '../../../governance/security/sm-keys.js';
import type { Services } from '../../../services.js';
import { consoleContext } from '../../console/console-context.js';
import { parseInput } from '../../validate.js';

export async function smKeyRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const directory = new SmKeyDirectory(services.db, services.clock);

  app.get('/sm-keys/me', async (request): Promise<SmKeyMe> => {
    const ctx = await consoleContext(request, services);
    ctx.authorize('sm_keys.manage_own', { kind: 'account', accountId: ctx.account.id, unitId: ctx.account.unit_id });
    return { key: await directory.own(ctx.account.id) };
  });

  app.put('/sm-keys/me', async (request): Promise<SmKeyMe> => {
    const ctx = await consoleContext(request, services);
    const { account } = ctx;
    ctx.authorize('sm_keys.manage_own', { kind: 'account', accountId: account.id, unitId: account.unit_id });
    const input = parseInput(putSmKeySchema, request.body);
    const existing = await directory.own(account.id);
    if (existing) {
      if (!input.password) throw new ApiError('secret.reauth_required');
      const check = await services.auth.authenticate({ login: account.address, password: input.password, protocol: 'web', ip: request.ip, client: 'sm-key-change', reauth: true });
      if (!check.ok) throw new ApiError('validation', '当前登录密码不正确', { issues: [{ path: 'password', message: '当前登录密码不正确' }] });
    }
    const { password: _password, ...keys } = input;
    const what = await directory.put(account.id, keys);
    await services.audit.append({
      actor: account.address,
      actorAccountId: account.id,
      action: `sm_key.${what}`,
      target: account.address,
      ip: request.ip,
      protocol: 'web',
      details: { publicKey: input.publicKey.slice(0, 18), iterations: input.passphrase.iterations, ...(existing && what === 'replace' ? { retired: existing.publicKey.slice(0, 18) } : {}) },
    });
    return { key: await directory.own(account.id) };
  });

  app.get('/sm-keys/public', async (request): Promise<PublicKeysResult> => {
    const ctx = await consoleContext(request, services);
    ctx.authorize('sm_keys.read_public', { kind: 'system' });
    const { address } = parseInput(publicKeysQuerySchema, request.query);
    return directory.publicKeys(address);
  });
}
