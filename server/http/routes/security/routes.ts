/**
 * `/api/security` (SPEC Art. 4.1): the person's own app passwords for mail clients — create
 * (named, shown once, stored argon2id-hashed), list with last use, revoke. Only the owner's
 * rows: someone else's id is 404. Every create and revoke is audited.
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../../../common/errors.js';
import { createAppPasswordSchema, type AppPasswordView, type CreatedAppPassword } from '../../../../common/schemas/security.js';
import { newAppPassword, normaliseAppPassword } from '../../../auth/totp.js';
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
