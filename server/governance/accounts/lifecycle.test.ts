/**
 * The account state machine (SPEC Art. 2 states): every (state, action) pair is tried; only the
 * pairs of the table pass, every other one is refused with IllegalTransition. Then the stored
 * side: a transition writes the state, a history row and an audit row; an illegal or stale one
 * changes nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTempServices, SYSTEM_ACTOR, type TempServices } from '../../../test/helpers/temp-services.js';
import type { AccountState } from '../../storage/database.js';
import { actionsFrom, IllegalTransition, LIFECYCLE_ACTIONS, LIFECYCLE_STATES, nextState, type LifecycleAction, type LifecycleState } from './lifecycle.js';

/** The legal moves, written out by hand from SPEC Art. 2 / 3.6 (not derived from the table). */
const LEGAL: Record<string, LifecycleState> = {
  'applied approve': 'approved',
  'applied reject': 'rejected',
  'approved allocate': 'pending_activation',
  'pending_activation reissue_activation': 'pending_activation',
  'pending_activation activate': 'active',
  'pending_activation cancel_allocation': 'deactivated',
  'active lock': 'locked',
  'locked unlock': 'active',
  'active suspend': 'suspended',
  'locked suspend': 'suspended',
  'suspended resume': 'active',
  'active request_deactivation': 'deactivating',
  'locked request_deactivation': 'deactivating',
  'suspended request_deactivation': 'deactivating',
  'deactivating cancel_deactivation': 'active',
  'deactivating complete_deactivation': 'deactivated',
  'deactivated purge': 'purged',
};

describe('transition table', () => {
  const pairs = LIFECYCLE_STATES.flatMap((from) => LIFECYCLE_ACTIONS.map((action) => [from, action] as const));

  it('covers every state and action', () => {
    expect(pairs.length).toBe(LIFECYCLE_STATES.length * LIFECYCLE_ACTIONS.length);
    expect(LIFECYCLE_STATES).toHaveLength(10);
  });

  it.each(pairs)('%s --%s-->', (from, action) => {
    const expected = LEGAL[`${from} ${action}`];
    if (expected) {
      expect(nextState(from, action)).toBe(expected);
    } else {
      expect(() => nextState(from, action)).toThrow(IllegalTransition);
    }
  });

  it('has no legal move the hand-written list lacks', () => {
    const legal = pairs.filter(([from, action]) => {
      try {
        nextState(from, action);
        return true;
      } catch {
        return false;
      }
    });
    expect(legal.map(([f, a]) => `${f} ${a}`).sort()).toEqual(Object.keys(LEGAL).sort());
  });

  it('refuses an unknown action', () => {
    expect(() => nextState('active', 'explode' as LifecycleAction)).toThrow(IllegalTransition);
    expect(() => nextState('active', 'toString' as LifecycleAction)).toThrow(IllegalTransition);
  });

  it('purged and rejected are ends', () => {
    expect(actionsFrom('purged')).toEqual([]);
    expect(actionsFrom('rejected')).toEqual([]);
    expect(actionsFrom('active').sort()).toEqual(['lock', 'request_deactivation', 'suspend']);
  });
});

describe('AccountLifecycle over the database', () => {
  let temp: TempServices;
  beforeEach(async () => {
    temp = await createTempServices();
    await temp.services.directory.createUnit({ code: 'hn', name: '海宁市人民政府' }, SYSTEM_ACTOR);
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  const admin = { address: 'admin@haining.gov.cn', accountId: 1, ip: '192.0.2.7', via: 'web' };

  async function account(state: AccountState) {
    const created = await temp.services.directory.createAccount({ address: `p${Math.random().toString(36).slice(2, 8)}@haining.gov.cn`, displayName: '李娜', unitCode: 'hn', state }, SYSTEM_ACTOR);
    return created;
  }

  it('changes the state, writes history (who, when, why) and an audit row', async () => {
    const { services } = temp;
    const a = await account('active');
    expect(await services.lifecycle.transition(a, 'lock', { actor: admin, reason: '疑似被盗' })).toBe('locked');
    const row = await services.db.selectFrom('accounts').select('state').where('id', '=', a.id).executeTakeFirstOrThrow();
    expect(row.state).toBe('locked');
    const history = await services.lifecycle.history(a.id);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ from_state: 'active', to_state: 'locked', action: 'lock', actor: admin.address, actor_account_id: 1, reason: '疑似被盗' });
    const audit = await services.db.selectFrom('audit_log').selectAll().where('action', '=', 'account.lifecycle.lock').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.target).toBe(a.address);
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ from: 'active', to: 'locked', reason: '疑似被盗' });
  });

  it('refuses an illegal transition and changes nothing', async () => {
    const { services } = temp;
    const a = await account('pending_activation');
    await expect(services.lifecycle.transition(a, 'lock', { actor: admin })).rejects.toBeInstanceOf(IllegalTransition);
    const row = await services.db.selectFrom('accounts').select('state').where('id', '=', a.id).executeTakeFirstOrThrow();
    expect(row.state).toBe('pending_activation');
    expect(await services.lifecycle.history(a.id)).toHaveLength(0);
  });

  it('refuses a stale transition (the state changed since it was read)', async () => {
    const { services } = temp;
    const a = await account('active');
    await services.lifecycle.transition(a, 'lock', { actor: admin });
    // `a` still says active: a second admin acting on the old view must not lock twice.
    await expect(services.lifecycle.transition(a, 'suspend', { actor: admin })).rejects.toBeInstanceOf(IllegalTransition);
    expect((await services.lifecycle.history(a.id)).map((h) => h.action)).toEqual(['lock']);
  });

  it('rolls the state back when the caller’s work inside the transaction fails', async () => {
    const { services } = temp;
    const a = await account('active');
    await expect(
      services.lifecycle.transition(a, 'suspend', {
        actor: admin,
        within: async () => {
          throw new Error('caller failed');
        },
      }),
    ).rejects.toThrow('caller failed');
    const row = await services.db.selectFrom('accounts').select('state').where('id', '=', a.id).executeTakeFirstOrThrow();
    expect(row.state).toBe('active');
    expect(await services.lifecycle.history(a.id)).toHaveLength(0);
  });

  it('walks the whole life: activate … purge', async () => {
    const { services } = temp;
    let a = await account('pending_activation');
    const steps: LifecycleAction[] = ['activate', 'lock', 'unlock', 'suspend', 'resume', 'request_deactivation', 'complete_deactivation', 'purge'];
    for (const step of steps) {
      const state = await services.lifecycle.transition(a, step, { actor: admin });
      a = { ...a, state };
    }
    expect(a.state).toBe('purged');
    expect((await services.lifecycle.history(a.id)).map((h) => h.action)).toEqual(steps);
  });
});
