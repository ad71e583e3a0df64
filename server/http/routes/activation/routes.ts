/**
 * Account activation by one-time link (SPEC Art. 2.3), no sign-in:
 *   GET  /api/activation/:token   whose account the link activates, until when
 *   POST /api/activation/:token   work-ID number, new password (policy), acceptance of the
 *                                 acceptable-use statement → the account becomes active
 * An unknown, used or replaced link is 404 `activation.invalid`; an expired one 410.
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../../../common/errors.js';
import { REGULATION_VERSION } from '../../../../common/regulation.js';
import { activateRequestSchema, type ActivationInfo } from '../../../../common/schemas/onboarding.js';
import type { Services } from '../../../services.js';
import { parseInput } from '../../validate.js';
import { passwordPolicyText } from '../settings/routes.js';

export async function activationRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.get<{ Params: { token: string } }>('/activation/:token', { config: { auth: 'public', rateLimit: { max: 30, timeWindow: 60_000 } } }, async (request): Promise<ActivationInfo> => {
    const { account, expiresAt, unitName } = await services.onboarding.activationTarget(request.params.token);
    return { displayName: account.display_name, address: account.address, unitName, expiresAt, policy: passwordPolicyText(await services.auth.passwordPolicy()) };
  });

  app.post<{ Params: { token: string } }>(
    '/activation/:token',
    { config: { auth: 'public', csrf: false, rateLimit: { max: 10, timeWindow: 60_000 } } },
    async (request) => {
      const input = parseInput(activateRequestSchema, request.body);
      if (input.aupVersion !== REGULATION_VERSION) throw new ApiError('validation', '使用规范已更新，请刷新页面后重新阅读');
      const account = await services.onboarding.activate(request.params.token, input, { ip: request.ip });
      return { address: account.address };
    },
  );
}
