/** The incident life cycle (SPEC Art. 4.3): every (state, action) pair, and the timers. */
import { describe, expect, it } from 'vitest';
import { IllegalIncidentTransition, INCIDENT_ACTIONS, INCIDENT_STATES, incidentActionsFrom, nextIncidentState, slaDeadline, timeInStates } from './state-machine.js';

const LEGAL: Record<string, Record<string, string>> = {
  reported: { triage: 'triaged' },
  triaged: { contain: 'contained', resolve: 'resolved' },
  contained: { resolve: 'resolved' },
  resolved: { reopen: 'triaged', review: 'reviewed' },
  reviewed: {},
};

describe('incident transitions', () => {
  for (const state of INCIDENT_STATES) {
    for (const action of INCIDENT_ACTIONS) {
      const expected = LEGAL[state]![action];
      it(`${action} from ${state} → ${expected ?? 'refused'}`, () => {
        if (expected) expect(nextIncidentState(state, action)).toBe(expected);
        else expect(() => nextIncidentState(state, action)).toThrow(IllegalIncidentTransition);
      });
    }
  }

  it('refuses unknown states and actions', () => {
    expect(() => nextIncidentState('closed', 'triage')).toThrow(IllegalIncidentTransition);
    expect(() => nextIncidentState('reported', 'toString')).toThrow(IllegalIncidentTransition);
    expect(() => nextIncidentState('reported', '__proto__')).toThrow(IllegalIncidentTransition);
  });

  it('offers exactly the legal actions per state', () => {
    for (const state of INCIDENT_STATES) expect(incidentActionsFrom(state).sort()).toEqual(Object.keys(LEGAL[state]!).sort());
  });
});

describe('timers', () => {
  const sla = { reported: 60, triaged: 240, contained: 1440, resolved: 10080 };

  it('the deadline is the time the state was entered plus its SLA; reviewed has none', () => {
    expect(slaDeadline('reported', 1_000, sla)).toBe(1_000 + 60 * 60_000);
    expect(slaDeadline('contained', 0, sla)).toBe(1440 * 60_000);
    expect(slaDeadline('reviewed', 0, sla)).toBeNull();
  });

  it('adds up the time in each state, a reopened state twice, the current one until now', () => {
    const m = 60_000;
    const changes = [
      { at: 10 * m, to: 'triaged' },
      { at: 30 * m, to: 'resolved' },
      { at: 40 * m, to: 'triaged' },
      { at: 45 * m, to: 'contained' },
    ];
    expect(timeInStates(0, changes, 100 * m)).toEqual({ reported: 10 * m, triaged: 25 * m, resolved: 10 * m, contained: 55 * m });
  });

  it('stops counting once reviewed', () => {
    expect(timeInStates(0, [{ at: 5, to: 'triaged' }, { at: 7, to: 'resolved' }, { at: 9, to: 'reviewed' }], 1_000)).toEqual({ reported: 5, triaged: 2, resolved: 2 });
  });
});
