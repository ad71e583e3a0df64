/**
 * The organisation tree (SPEC Art. 1: every account belongs to one unit of a tree):
 *   GET   /api/console/units        every unit with its account count (policy `unit.view`)
 *   POST  /api/console/units        { code, name, parentId, contactAddress? }  (`unit.manage`)
 *   PATCH /api/console/units/:id    { name?, parentId?, contactAddress? }      (`unit.manage`)
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../../../common/errors.js';
import { createUnitSchema, updateUnitSchema, type ConsoleUnit } from '../../../../common/schemas/onboarding.js';
import { updateUnit } from '../../../governance/directory/unit-editor.js';
import { isConsoleUser } from '../../../governance/policy.js';
import type { Services } from '../../../services.js';
import type { Unit } from '../../../storage/database.js';
import { consoleContext } from '../../console/console-context.js';
import { parseInput } from '../../validate.js';

function present(unit: Unit, accounts: number): ConsoleUnit {
  return { id: unit.id, code: unit.code, name: unit.name, parentId: unit.parent_id, contactAddress: unit.contact_address, accounts };
}

export async function consoleUnitRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.get('/console/units', async (request): Promise<ConsoleUnit[]> => {
    const ctx = await consoleContext(request, services);
    if (!isConsoleUser(ctx.actor.roles)) ctx.authorize('unit.manage', { kind: 'system' });
    ctx.authorize('unit.view', { kind: 'system' });
    const units = await services.db.selectFrom('units').selectAll().orderBy('id').execute();
    const counts = await services.db.selectFrom('accounts').select(['unit_id', (eb) => eb.fn.countAll<number>().as('n')]).where('state', '!=', 'purged').groupBy('unit_id').execute();
    const byUnit = new Map(counts.map((c) => [c.unit_id, Number(c.n)]));
    return units.map((u) => present(u, byUnit.get(u.id) ?? 0));
  });

  app.post('/console/units', async (request, reply): Promise<ConsoleUnit> => {
    const ctx = await consoleContext(request, services);
    ctx.authorize('unit.manage', { kind: 'system' });
    const input = parseInput(createUnitSchema, request.body);
    let parentCode: string | null = null;
    if (input.parentId !== null) {
      const parent = await services.db.selectFrom('units').select('code').where('id', '=', input.parentId).executeTakeFirst();
      if (!parent) throw new ApiError('validation', '上级单位不存在', { issues: [{ path: 'parentId', message: '上级单位不存在' }] });
      parentCode = parent.code;
    }
    const unit = await services.directory.createUnit({ code: input.code, name: input.name, parentCode, contactAddress: input.contactAddress ?? null }, { address: ctx.who.address, accountId: ctx.who.accountId ?? null, ip: request.ip, via: 'web' });
    reply.code(201);
    return present(unit, 0);
  });

  app.patch<{ Params: { id: string } }>('/console/units/:id', async (request): Promise<ConsoleUnit> => {
    const ctx = await consoleContext(request, services);
    ctx.authorize('unit.manage', { kind: 'system' });
    const id = /^\d{1,12}$/.test(request.params.id) ? Number(request.params.id) : NaN;
    if (!Number.isSafeInteger(id)) throw new ApiError('not_found');
    const input = parseInput(updateUnitSchema, request.body);
    const unit = await updateUnit(services, id, input, { address: ctx.who.address, accountId: ctx.who.accountId ?? null, ip: request.ip, via: 'web' });
    const count = await services.db.selectFrom('accounts').select((eb) => eb.fn.countAll<number>().as('n')).where('unit_id', '=', id).where('state', '!=', 'purged').executeTakeFirst();
    return present(unit, Number(count?.n ?? 0));
  });
}
