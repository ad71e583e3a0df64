/**
 * Who may do what: the one policy module (regulation Art. 1 roles, 三员分立). Every HTTP route
 * and CLI command that acts on someone else's data asks `authorize(actor, action, object)`;
 * nothing checks roles ad hoc. The function is pure: the caller loads the actor and the object
 * (with the unit it belongs to) and a snapshot of the unit tree, so the whole matrix is tested
 * without a database (policy.test.ts).
 *
 * Roles (SPEC Art. 1):
 *   staff             their own mailbox and settings only
 *   unit_admin        people and applications of their unit and its sub-units
 *   dept_admin        the 大数据局 administrator: every unit, allocation, roles, settings
 *   security_officer  mail security: quarantine, incidents, content rules, locking accounts
 *   auditor           reads the audit log and statistics; changes nothing (三员分立)
 */
import type { Role } from '../storage/database.js';

export interface PolicyActor {
  accountId: number;
  unitId: number;
  roles: readonly Role[];
}

/** What an action is about. A unit-scoped object names the unit it belongs to. */
export type PolicyObject =
  | { kind: 'account'; accountId: number; unitId: number }
  | { kind: 'unit'; unitId: number }
  /** Things with no unit: system settings, the audit log, the quarantine, the outbound queue. */
  | { kind: 'system' };

/**
 * Every action the policy knows, with the roles that may take it and how far their reach goes:
 *   'self'    the actor's own account
 *   'subtree' objects of the actor's unit and its sub-units
 *   'all'     any object
 * An action missing from a role's entry is refused. Add new actions here, never elsewhere.
 */
const RULES = {
  // Accounts
  'account.view': { staff: 'self', unit_admin: 'subtree', dept_admin: 'all', security_officer: 'all', auditor: 'all' },
  'account.self_service': { staff: 'self', unit_admin: 'self', dept_admin: 'self', security_officer: 'self', auditor: 'self' },
  'account.lock': { unit_admin: 'subtree', dept_admin: 'all', security_officer: 'all' },
  'account.suspend': { unit_admin: 'subtree', dept_admin: 'all' },
  'account.reset_password': { unit_admin: 'subtree', dept_admin: 'all', security_officer: 'all' },
  'account.revoke_sessions': { staff: 'self', unit_admin: 'subtree', dept_admin: 'all', security_officer: 'all' },
  'account.change_quota': { dept_admin: 'all' },
  'account.change_roles': { dept_admin: 'all' },
  'account.transfer': { dept_admin: 'all' },
  'account.reissue_activation': { unit_admin: 'subtree', dept_admin: 'all' },
  'account.deactivate_request': { staff: 'self', unit_admin: 'subtree', dept_admin: 'all' },
  'account.handover_edit': { staff: 'self', unit_admin: 'subtree', dept_admin: 'all' },
  'account.handover_waive': { dept_admin: 'all' },
  'account.deactivate_complete': { unit_admin: 'subtree', dept_admin: 'all' },
  // Applications and onboarding (Art. 2)
  'application.review': { unit_admin: 'subtree', dept_admin: 'all' },
  'application.allocate': { dept_admin: 'all' },
  'account.bulk_import': { unit_admin: 'subtree', dept_admin: 'all' },
  // Organisation
  'unit.view': { staff: 'all', unit_admin: 'all', dept_admin: 'all', security_officer: 'all', auditor: 'all' },
  'unit.manage': { dept_admin: 'all' },
  // Settings, security and oversight
  /** The console's 密码策略 page (SPEC 4.1): the department and the security officer. */
  'settings.password_policy': { dept_admin: 'all', security_officer: 'all' },
  'security.quarantine': { security_officer: 'all' },
  'security.rules': { security_officer: 'all' },
  'security.incidents': { security_officer: 'all' },
  /** Reading incidents (list, detail, timeline): the auditor sees them and changes nothing (三员分立). */
  'security.incidents_view': { security_officer: 'all', auditor: 'all' },
  'security.purge_message': { security_officer: 'all' },
  'outbound.manage': { dept_admin: 'all', security_officer: 'all' },
  // Outbound content checks (SPEC 3.1): held messages of a unit's senders, and a unit's content rules
  'outbound.review': { unit_admin: 'subtree', security_officer: 'all' },
  'outbound.rules': { unit_admin: 'subtree', security_officer: 'all' },
  'audit.read': { auditor: 'all', security_officer: 'all' },
  'statistics.read': { dept_admin: 'all', auditor: 'all', unit_admin: 'subtree' },
  // 工作秘密 key directory (SPEC 3.2; smcrypto): only the owner reads or sets their protected keys;
  // everyone signed in reads the public keys of internal people.
  'sm_keys.manage_own': { staff: 'self', unit_admin: 'self', dept_admin: 'self', security_officer: 'self', auditor: 'self' },
  'sm_keys.read_public': { staff: 'all', unit_admin: 'all', dept_admin: 'all', security_officer: 'all', auditor: 'all' },
} as const satisfies Record<string, Partial<Record<Role, 'self' | 'subtree' | 'all'>>>;

export type PolicyAction = keyof typeof RULES;
export const POLICY_ACTIONS = Object.keys(RULES) as PolicyAction[];

/** Parent links of the unit tree: `parentOf(unitId)` is null at the root. */
export interface UnitTree {
  parentOf(unitId: number): number | null;
}

export function unitTreeFrom(units: readonly { id: number; parent_id: number | null }[]): UnitTree {
  const parents = new Map(units.map((u) => [u.id, u.parent_id]));
  return { parentOf: (id) => parents.get(id) ?? null };
}

/** True when `unitId` is `ancestorId` or lies below it. */
export function isWithinUnit(tree: UnitTree, unitId: number, ancestorId: number): boolean {
  const seen = new Set<number>();
  for (let id: number | null = unitId; id !== null && !seen.has(id); id = tree.parentOf(id)) {
    if (id === ancestorId) return true;
    seen.add(id);
  }
  return false;
}

export class PolicyDenied extends Error {
  override name = 'PolicyDenied';
  constructor(readonly action: PolicyAction) {
    super(`not allowed: ${action}`);
  }
}

/** Whether `actor` may take `action` on `object`; any one of the actor's roles suffices. */
export function can(actor: PolicyActor, action: PolicyAction, object: PolicyObject, tree: UnitTree): boolean {
  const rule: Partial<Record<Role, 'self' | 'subtree' | 'all'>> = RULES[action];
  for (const role of actor.roles) {
    const reach = rule[role];
    if (reach === 'all') return true;
    if (reach === 'self' && object.kind === 'account' && object.accountId === actor.accountId) return true;
    if (reach === 'subtree' && object.kind !== 'system' && isWithinUnit(tree, object.unitId, actor.unitId)) return true;
  }
  return false;
}

/** `can`, or throw PolicyDenied (mapped to HTTP 403 / a CLI error in one place each). */
export function authorize(actor: PolicyActor, action: PolicyAction, object: PolicyObject, tree: UnitTree): void {
  if (!can(actor, action, object, tree)) throw new PolicyDenied(action);
}

/** Roles an administrator holds; 三员分立 forbids any of them together with `auditor`. */
export const ADMINISTRATOR_ROLES: readonly Role[] = ['unit_admin', 'dept_admin', 'security_officer'];

/** The roles that make someone a console user at all. */
export function isConsoleUser(roles: readonly Role[]): boolean {
  return roles.some((r) => r !== 'staff');
}

/** The actions `roles` may take on something at all (the console's menu; the server still asks `authorize` per object). */
export function actionsFor(roles: readonly Role[]): PolicyAction[] {
  return POLICY_ACTIONS.filter((action) => {
    const rule: Partial<Record<Role, 'self' | 'subtree' | 'all'>> = RULES[action];
    return roles.some((role) => rule[role] !== undefined);
  });
}
