/**
 * Administering one account from the console (SPEC Art. 2 states, Art. 3.6 transfer): lock,
 * unlock, suspend, resume, transfer to another unit, change quota. Thin: the rules, the policy
 * and the audit are in governance/accounts/administration.ts; an account outside the actor's
 * reach is `not_found`, one they may see but not change `forbidden`.
 *
 *   POST /api/console/accounts/:id/lock|unlock|suspend|resume   { reason }
 *   POST /api/console/accounts/:id/transfer                    { unitId, reason }
 *   POST /api/console/accounts/:id/quota                       { quotaBytes, reason }
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../../../common/errors.js';
import { quotaSchema, reasonSchema, transferSchema, type AccountAdminResult } from '../../../../common/schemas/deactivation.js';
import type { Services } from '../../../services.js';
import type { Account } from '../../../storage/database.js';
import { adminActorOf, idParam } from '../../console/admin-actor.js';
import { parseInput } from '../../validate.js';

const STATE_ACTIONS = ['lock', 'unlock', 'suspend', 'resume'] as const;

function result(account: Account): AccountAdminResult {
  return { id: account.id, address: account.address, state: account.state, unitId: account.unit_id, quotaBytes: Number(account.quota_bytes) };
}

function accountId(raw: string): number {
  const id = idParam(raw);
  if (id === null) throw new ApiError('not_found');
  return id;
}

export async function consoleAccountAdminRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  for (const action of STATE_ACTIONS) {
    app.post<{ Params: { id: string } }>(`/console/accounts/:id/${action}`, async (request): Promise<AccountAdminResult> => {
      const id = accountId(request.params.id);
      const by = await adminActorOf(request, services);
      const { reason } = parseInput(reasonSchema, request.body);
      return result(await services.administration[action](id, reason, by));
    });
  }

  app.post<{ Params: { id: string } }>('/console/accounts/:id/transfer', async (request): Promise<AccountAdminResult> => {
    const id = accountId(request.params.id);
    const by = await adminActorOf(request, services);
    const input = parseInput(transferSchema, request.body);
    return result(await services.administration.transfer(id, input.unitId, input.reason, by));
  });

  app.post<{ Params: { id: string } }>('/console/accounts/:id/quota', async (request): Promise<AccountAdminResult> => {
    const id = accountId(request.params.id);
    const by = await adminActorOf(request, services);
    const input = parseInput(quotaSchema, request.body);
    return result(await services.administration.changeQuota(id, input.quotaBytes, input.reason, by));
  });
}
