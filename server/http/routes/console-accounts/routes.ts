/**
 * The accounts console (SPEC Art. 2): a server-side paged table of the accounts the viewer may
 * see (policy `account.view`: a unit admin their subtree), filtered by unit, state and text,
 * or the pending accounts whose activation link expired; one account with its state history;
 * re-issuing activation links in bulk. An account outside the viewer's reach is `not_found`.
 *
 *   GET  /api/console/accounts?unitId=&subUnits=&state=&activation=expired&q=&offset=&limit=
 *   GET  /api/console/accounts/:id
 *   POST /api/console/accounts/reissue-activation   { ids }
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../../../common/errors.js';
import { accountListQuerySchema, reissueRequestSchema, type AccountDetail, type AccountPage, type ReissueResult } from '../../../../common/schemas/onboarding.js';
import { accountWithUnit, activationStatus, listAccounts } from '../../../governance/accounts/account-queries.js';
import { actionsFrom, IllegalTransition } from '../../../governance/accounts/lifecycle.js';
import { isWithinUnit, POLICY_ACTIONS } from '../../../governance/policy.js';
import type { Services } from '../../../services.js';
import { consoleContext } from '../../console/console-context.js';
import { presentConsoleAccount, presentHistory } from '../../presenters/onboarding.js';
import { parseInput } from '../../validate.js';

export async function consoleAccountRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.get('/console/accounts', async (request): Promise<AccountPage> => {
    const ctx = await consoleContext(request, services);
    const query = parseInput(accountListQuerySchema, request.query);
    const visibleUnitIds = ctx.unitsWhere('account.view');
    if (visibleUnitIds.length === 0 || ctx.actor.roles.every((r) => r === 'staff')) ctx.authorize('account.view', { kind: 'system' });
    let unitIds: number[] | undefined;
    if (query.unitId !== undefined) {
      const units = await services.db.selectFrom('units').select('id').execute();
      unitIds = query.subUnits === 'true' ? units.map((u) => u.id).filter((id) => isWithinUnit(ctx.tree, id, query.unitId!)) : [query.unitId];
    }
    const page = await listAccounts(services.db, {
      visibleUnitIds,
      unitIds,
      state: query.state,
      activationExpired: query.activation === 'expired' ? { now: services.clock.now() } : undefined,
      q: query.q || undefined,
      offset: query.offset,
      limit: query.limit,
    });
    return { total: page.total, items: page.items.map(presentConsoleAccount) };
  });

  app.get<{ Params: { id: string } }>('/console/accounts/:id', async (request): Promise<AccountDetail> => {
    const ctx = await consoleContext(request, services);
    const id = /^\d{1,12}$/.test(request.params.id) ? Number(request.params.id) : NaN;
    const account = Number.isSafeInteger(id) ? await accountWithUnit(services.db, id) : undefined;
    const object = account ? ({ kind: 'account', accountId: account.id, unitId: account.unit_id } as const) : null;
    // Staff may "view" themselves by policy, but the console is not theirs.
    if (!account || !object || !ctx.can('account.view', object) || ctx.actor.roles.every((r) => r === 'staff')) throw new ApiError('not_found');
    const profile = await services.db.selectFrom('account_profiles').selectAll().where('account_id', '=', account.id).executeTakeFirst();
    return {
      ...presentConsoleAccount(account),
      workId: profile?.work_id ?? null,
      mobile: profile?.mobile ?? null,
      activatedAt: profile?.activated_at ?? null,
      aupVersion: profile?.aup_version ?? null,
      activation: await activationStatus(services.db, account.id, services.clock.now()),
      history: presentHistory(await services.lifecycle.history(account.id)),
      allowed: POLICY_ACTIONS.filter((action) => ctx.can(action, object)),
      transitions: actionsFrom(account.state),
    };
  });

  app.post('/console/accounts/reissue-activation', async (request): Promise<ReissueResult> => {
    const ctx = await consoleContext(request, services);
    if (ctx.unitsWhere('account.reissue_activation').length === 0) ctx.authorize('account.reissue_activation', { kind: 'system' });
    const { ids } = parseInput(reissueRequestSchema, request.body);
    const results: ReissueResult['results'] = [];
    for (const id of [...new Set(ids)]) {
      const account = await accountWithUnit(services.db, id);
      const object = account ? ({ kind: 'account', accountId: account.id, unitId: account.unit_id } as const) : null;
      if (!account || !object || !ctx.can('account.view', object)) {
        results.push({ id, address: null, activation: null, error: 'not_found' });
        continue;
      }
      if (!ctx.can('account.reissue_activation', object)) {
        results.push({ id, address: account.address, activation: null, error: 'forbidden' });
        continue;
      }
      try {
        const activation = await services.onboarding.reissueActivation(account, ctx.who);
        results.push({ id, address: account.address, activation, error: null });
      } catch (err) {
        if (!(err instanceof IllegalTransition)) throw err;
        results.push({ id, address: account.address, activation: null, error: 'account.illegal_transition' });
      }
    }
    return { results };
  });
}
