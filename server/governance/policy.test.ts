import { describe, expect, it } from 'vitest';
import type { Role } from '../storage/database.js';
import { POLICY_ACTIONS, authorize, can, isWithinUnit, PolicyDenied, unitTreeFrom, type PolicyActor } from './policy.js';

// 海宁市政府 (1) ─┬─ 财政局 (2) ── 预算科 (4)
//                └─ 教育局 (3)
const tree = unitTreeFrom([
  { id: 1, parent_id: null },
  { id: 2, parent_id: 1 },
  { id: 3, parent_id: 1 },
  { id: 4, parent_id: 2 },
]);
const actor = (roles: Role[], unitId = 2, accountId = 100): PolicyActor => ({ accountId, unitId, roles });

describe('governance policy', () => {
  it('walks the unit tree: a unit lies within itself and its ancestors, not its siblings', () => {
    expect(isWithinUnit(tree, 4, 2)).toBe(true);
    expect(isWithinUnit(tree, 4, 1)).toBe(true);
    expect(isWithinUnit(tree, 2, 2)).toBe(true);
    expect(isWithinUnit(tree, 3, 2)).toBe(false);
    expect(isWithinUnit(tree, 2, 4)).toBe(false);
  });

  it('a unit admin of 财政局 reaches its sub-unit 预算科 but nothing of 教育局', () => {
    const admin = actor(['staff', 'unit_admin']);
    expect(can(admin, 'account.lock', { kind: 'account', accountId: 7, unitId: 4 }, tree)).toBe(true);
    expect(can(admin, 'application.review', { kind: 'unit', unitId: 2 }, tree)).toBe(true);
    for (const action of ['account.view', 'account.lock', 'account.reset_password', 'application.review'] as const) {
      expect(can(admin, action, { kind: 'account', accountId: 8, unitId: 3 }, tree)).toBe(false);
    }
    expect(can(admin, 'application.allocate', { kind: 'unit', unitId: 2 }, tree)).toBe(false);
  });

  it('staff reach only their own account', () => {
    const staff = actor(['staff']);
    expect(can(staff, 'account.view', { kind: 'account', accountId: 100, unitId: 2 }, tree)).toBe(true);
    expect(can(staff, 'account.view', { kind: 'account', accountId: 101, unitId: 2 }, tree)).toBe(false);
    expect(can(staff, 'account.lock', { kind: 'account', accountId: 100, unitId: 2 }, tree)).toBe(false);
  });

  it('the auditor changes nothing: only reading actions are allowed (三员分立)', () => {
    const auditor = actor(['auditor'], 1);
    const allowed = POLICY_ACTIONS.filter((a) => can(auditor, a, { kind: 'account', accountId: 5, unitId: 3 }, tree) || can(auditor, a, { kind: 'system' }, tree));
    expect(allowed.sort()).toEqual(['account.view', 'audit.read', 'security.incidents_view', 'sm_keys.read_public', 'statistics.read', 'unit.view']);
  });

  it('nobody may delete or edit audit rows: there is no such action', () => {
    expect(POLICY_ACTIONS.some((a) => a.startsWith('audit.') && a !== 'audit.read')).toBe(false);
  });

  it('authorize throws PolicyDenied naming the action', () => {
    expect(() => authorize(actor(['staff']), 'unit.manage', { kind: 'system' }, tree)).toThrow(PolicyDenied);
    expect(() => authorize(actor(['dept_admin'], 1), 'unit.manage', { kind: 'system' }, tree)).not.toThrow();
  });
});
