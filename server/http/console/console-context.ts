/**
 * What every console route needs about the person asking: the policy actor (account, unit,
 * roles), a snapshot of the unit tree for `authorize`, and the actor as history/audit record it.
 * Console routes call `consoleContext(request, services)` and then `authorize(...)` per object
 * (server/governance/policy.ts); nothing checks roles itself.
 */
import type { FastifyRequest } from 'fastify';
import { authorize, can, unitTreeFrom, type PolicyAction, type PolicyActor, type PolicyObject, type UnitTree } from '../../governance/policy.js';
import type { LifecycleActor } from '../../governance/accounts/lifecycle.js';
import type { Services } from '../../services.js';
import { ROLES, type Account, type Role } from '../../storage/database.js';
import { sessionOf } from '../plugins/sessions.js';

export function rolesOf(account: Pick<Account, 'roles'>): Role[] {
  try {
    const parsed: unknown = JSON.parse(account.roles);
    return Array.isArray(parsed) ? parsed.filter((r): r is Role => (ROLES as readonly unknown[]).includes(r)) : [];
  } catch {
    return [];
  }
}

export interface ConsoleContext {
  account: Account;
  actor: PolicyActor;
  tree: UnitTree;
  /** For history and audit rows. */
  who: LifecycleActor;
  can(action: PolicyAction, object: PolicyObject): boolean;
  /** Throws PolicyDenied (→ 403). */
  authorize(action: PolicyAction, object: PolicyObject): void;
  /** Ids of the units whose objects the actor may take `action` on (for scoped lists in SQL). */
  unitsWhere(action: PolicyAction): number[];
}

export async function consoleContext(request: FastifyRequest, services: Pick<Services, 'db'>): Promise<ConsoleContext> {
  const account = sessionOf(request).account;
  const units = await services.db.selectFrom('units').select(['id', 'parent_id']).execute();
  const tree = unitTreeFrom(units);
  const actor: PolicyActor = { accountId: account.id, unitId: account.unit_id, roles: rolesOf(account) };
  return {
    account,
    actor,
    tree,
    who: { address: account.address, accountId: account.id, ip: request.ip, via: 'web' },
    can: (action, object) => can(actor, action, object, tree),
    authorize: (action, object) => authorize(actor, action, object, tree),
    unitsWhere: (action) => units.filter((u) => can(actor, action, { kind: 'unit', unitId: u.id }, tree)).map((u) => u.id),
  };
}
