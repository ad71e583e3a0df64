/**
 * Administrator password reset by one-time link (SPEC Art. 4.1). Thin: the rules are in
 * governance/accounts/password-reset.ts, permissions in policy.ts.
 *
 *   POST /api/console/accounts/:address/password-reset  { reason } → the link, shown once
 *        (`account.reset_password`: a unit admin only for their unit's people; an account the
 *        actor may not view is 404, one they may view but not reset 403)
 *   GET  /api/password-reset/:token   public: is it valid, what it asks; only the masked address
 *   POST /api/password-reset/:token   public: { workIdNumber?, newPassword } → 204
 * An unknown, used or replaced link is 404 `reset.invalid`; an expired one 410 `reset.expired`.
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../../../common/errors.js';
import { resetLinkRequestSchema, resetPasswordRequestSchema, type ResetLinkInfo, type ResetLinkView } from '../../../../common/schemas/password-reset.js';
import { maskAddress } from '../../../governance/accounts/password-reset.js';
import type { Services } from '../../../services.js';
import { consoleContext } from '../../console/console-context.js';
import { parseInput } from '../../validate.js';
import { passwordPolicyText } from '../settings/routes.js';

/** Guessing tokens is hopeless (256 bits), but the page should not be a free oracle either. */
const INFO_PER_MINUTE = 30;
const RESETS_PER_MINUTE = 10;

export async function passwordResetRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const { db, passwordResets } = services;

  app.post<{ Params: { address: string } }>('/console/accounts/:address/password-reset', { config: { rateLimit: { max: RESETS_PER_MINUTE, timeWindow: 60_000 } } }, async (request): Promise<ResetLinkView> => {
    const ctx = await consoleContext(request, services);
    const input = parseInput(resetLinkRequestSchema, request.body);
    const address = decodeURIComponent(request.params.address).trim().toLowerCase();
    const account = await db.selectFrom('accounts').selectAll().where('address', '=', address).executeTakeFirst();
    const object = account ? ({ kind: 'account', accountId: account.id, unitId: account.unit_id } as const) : null;
    // Someone outside the actor's reach is "not found", exactly like an address that does not exist.
    if (!account || !object || !ctx.can('account.view', object)) throw new ApiError('not_found', '账号不存在');
    ctx.authorize('account.reset_password', object);
    const link = await passwordResets.issueResetLink(account, ctx.who, input.reason);
    return { address: account.address, path: link.path, url: link.url, expiresAt: link.expiresAt, mailed: link.mailed };
  });

  app.get<{ Params: { token: string } }>('/password-reset/:token', { config: { auth: 'public', rateLimit: { max: INFO_PER_MINUTE, timeWindow: 60_000 } } }, async (request): Promise<ResetLinkInfo> => {
    const target = await passwordResets.resetTarget(request.params.token);
    const policy = await services.auth.passwordPolicy();
    return { maskedAddress: maskAddress(target.account.address), expiresAt: target.expiresAt, asksWorkId: target.asksWorkId, policy: passwordPolicyText(policy), minLength: policy.minLength };
  });

  app.post<{ Params: { token: string } }>(
    '/password-reset/:token',
    { config: { auth: 'public', csrf: false, rateLimit: { max: RESETS_PER_MINUTE, timeWindow: 60_000 } } },
    async (request, reply) => {
      const input = parseInput(resetPasswordRequestSchema, request.body);
      await passwordResets.consumeResetLink(request.params.token, input, { ip: request.ip });
      return reply.code(204).send();
    },
  );
}
