/**
 * The incident life cycle (SPEC Art. 4.3; regulation 四.3 报告, 十.3 应急响应):
 *
 *   reported ─triage→ triaged ─contain→ contained ─resolve→ resolved ─review→ reviewed
 *                        └──────────resolve (nothing to contain: a false alarm)──┘
 *   resolved ─reopen→ triaged   (the verdict was wrong or the problem came back)
 *
 * Pure data and a pure function, so state-machine.test.ts checks every (state, action) pair.
 */
import { INCIDENT_KINDS, INCIDENT_STATES } from '../../../common/schemas/incidents.js';

// The states and kinds are part of the API contract (common/), the rules about them live here.
export { INCIDENT_KINDS, INCIDENT_STATES };
export type IncidentState = (typeof INCIDENT_STATES)[number];
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

export const INCIDENT_TRANSITIONS = {
  triage: { from: ['reported'], to: 'triaged' },
  contain: { from: ['triaged'], to: 'contained' },
  resolve: { from: ['triaged', 'contained'], to: 'resolved' },
  reopen: { from: ['resolved'], to: 'triaged' },
  review: { from: ['resolved'], to: 'reviewed' },
} as const satisfies Record<string, { from: readonly IncidentState[]; to: IncidentState }>;

export type IncidentAction = keyof typeof INCIDENT_TRANSITIONS;
export const INCIDENT_ACTIONS = Object.keys(INCIDENT_TRANSITIONS) as IncidentAction[];

/** States in which response actions (purge, block, reset, revoke, lock) may still be run. */
export const ACTIONABLE_STATES: readonly IncidentState[] = ['reported', 'triaged', 'contained'];

export class IllegalIncidentTransition extends Error {
  override name = 'IllegalIncidentTransition';
  constructor(
    readonly from: string,
    readonly action: string,
  ) {
    super(`illegal incident transition: ${action} from ${from}`);
  }
}

export function isIncidentState(value: string): value is IncidentState {
  return (INCIDENT_STATES as readonly string[]).includes(value);
}

/** The state `action` leads to from `from`, or IllegalIncidentTransition. */
export function nextIncidentState(from: string, action: string): IncidentState {
  const rule: { from: readonly IncidentState[]; to: IncidentState } | undefined = Object.hasOwn(INCIDENT_TRANSITIONS, action)
    ? INCIDENT_TRANSITIONS[action as IncidentAction]
    : undefined;
  if (!rule || !isIncidentState(from) || !rule.from.includes(from)) throw new IllegalIncidentTransition(from, action);
  return rule.to;
}

/** The transitions offered from `state` (the console shows only these buttons). */
export function incidentActionsFrom(state: string): IncidentAction[] {
  return INCIDENT_ACTIONS.filter((a) => (INCIDENT_TRANSITIONS[a].from as readonly string[]).includes(state));
}

/** Minutes allowed per state (config `incidents.slaMinutes`); `reviewed` has none. */
export type SlaMinutes = Record<Exclude<IncidentState, 'reviewed'>, number>;

/** When the current state's time runs out, or null for a final state. */
export function slaDeadline(state: string, enteredAt: number, sla: SlaMinutes): number | null {
  if (!isIncidentState(state) || state === 'reviewed') return null;
  return enteredAt + sla[state] * 60_000;
}

/**
 * Time spent in each state, from the state changes of the timeline (oldest first); the current
 * state counts until `now`. A state entered twice (reopened) adds up.
 */
export function timeInStates(createdAt: number, changes: readonly { at: number; to: string }[], now: number): Partial<Record<IncidentState, number>> {
  const out: Partial<Record<IncidentState, number>> = {};
  let state: string = 'reported';
  let since = createdAt;
  for (const change of changes) {
    if (isIncidentState(state)) out[state] = (out[state] ?? 0) + Math.max(0, change.at - since);
    state = change.to;
    since = change.at;
  }
  if (isIncidentState(state) && state !== 'reviewed') out[state] = (out[state] ?? 0) + Math.max(0, now - since);
  return out;
}
