/**
 * `/api/console/me`: the console shell asks who is signed in and which policy actions they may
 * take, and shows its menu by those. Staff without an administrative role get 403: the console
 * is not theirs (the webmail shows no link to it either).
 */
import type { FastifyInstance } from 'fastify';
import type { ConsoleMe } from '../../../../common/schemas/console.js';
import { actionsFor, isConsoleUser, PolicyDenied } from '../../../governance/policy.js';
import type { Services } from '../../../services.js';
import { consoleContext } from '../../console/console-context.js';

export async function consoleRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.get('/console/me', async (request): Promise<ConsoleMe> => {
    const ctx = await consoleContext(request, services);
    if (!isConsoleUser(ctx.actor.roles)) throw new PolicyDenied('unit.view');
    const unit = await services.db.selectFrom('units').select('name').where('id', '=', ctx.account.unit_id).executeTakeFirst();
    return {
      account: { address: ctx.account.address, displayName: ctx.account.display_name, roles: [...ctx.actor.roles], unitId: ctx.account.unit_id, unitName: unit?.name ?? '' },
      actions: actionsFor(ctx.actor.roles),
    };
  });
}
