/**
 * The console's 密码策略 page (SPEC Art. 4.1): read and change the password policy's figures.
 * `settings.password_policy` (department admin, security officer); the change is audited with
 * before/after and applies at once (governance/security/password-policy.ts).
 *
 *   GET /api/console/password-policy  → PasswordPolicyView
 *   PUT /api/console/password-policy  PasswordPolicyInput → PasswordPolicyView
 */
import type { FastifyInstance } from 'fastify';
import { passwordPolicyInputSchema, type PasswordPolicyView } from '../../../../common/schemas/password-reset.js';
import type { Services } from '../../../services.js';
import { consoleContext } from '../../console/console-context.js';
import { parseInput } from '../../validate.js';
import { passwordPolicyText } from '../settings/routes.js';

const SYSTEM = { kind: 'system' } as const;

export async function consolePasswordPolicyRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.get('/console/password-policy', async (request): Promise<PasswordPolicyView> => {
    const ctx = await consoleContext(request, services);
    ctx.authorize('settings.password_policy', SYSTEM);
    const current = await services.passwordPolicy.current();
    return { ...current, rules: passwordPolicyText(current) };
  });

  app.put('/console/password-policy', async (request): Promise<PasswordPolicyView> => {
    const ctx = await consoleContext(request, services);
    ctx.authorize('settings.password_policy', SYSTEM);
    const input = parseInput(passwordPolicyInputSchema, request.body);
    const saved = await services.passwordPolicy.save(input, ctx.who);
    return { ...saved, rules: passwordPolicyText(saved) };
  });
}
