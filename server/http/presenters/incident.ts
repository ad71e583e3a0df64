/** Incidents as the reporter (我的报告) and the security officer's console see them. */
import type { IncidentDetail, IncidentEventView, IncidentSummary, MyIncidentView, SenderBlockView } from '../../../common/schemas/incidents.js';
import type { IncidentTimers } from '../../governance/incidents/incident-service.js';
import { ACTIONABLE_STATES, incidentActionsFrom, type IncidentKind, type IncidentState } from '../../governance/incidents/state-machine.js';
import type { Incident, IncidentEvent, SenderBlock } from '../../storage/database.js';

const iso = (ms: number) => new Date(Number(ms)).toISOString();

export function presentMyIncident(row: Incident): MyIncidentView {
  return {
    id: row.id,
    kind: row.kind as IncidentKind,
    state: row.state as IncidentState,
    description: row.description,
    message: row.message_subject !== null || row.message_from !== null ? { subject: row.message_subject, from: row.message_from } : null,
    verdict: row.state === 'resolved' || row.state === 'reviewed' ? row.verdict : null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export type PeopleLookup = Map<number, { address: string; name: string; state: string }>;

export function presentIncidentSummary(row: Incident, people: PeopleLookup, timers: Pick<IncidentTimers, 'deadline' | 'overdue'>): IncidentSummary {
  const reporter = row.reporter_account_id !== null ? people.get(row.reporter_account_id) : undefined;
  const owner = row.owner_account_id !== null ? people.get(row.owner_account_id) : undefined;
  return {
    id: row.id,
    kind: row.kind as IncidentKind,
    state: row.state as IncidentState,
    reporter: { address: row.reporter_address, name: reporter?.name ?? '' },
    owner: owner ? { address: owner.address, name: owner.name } : null,
    messageSubject: row.message_subject,
    description: row.description,
    createdAt: iso(row.created_at),
    stateEnteredAt: iso(row.state_entered_at),
    deadline: timers.deadline === null ? null : iso(timers.deadline),
    overdue: timers.overdue,
  };
}

function presentEvent(event: IncidentEvent): IncidentEventView {
  let details: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(event.details);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) details = parsed as Record<string, unknown>;
  } catch {
    details = {};
  }
  return { id: event.id, at: iso(event.at), actor: event.actor, kind: event.kind, fromState: event.from_state, toState: event.to_state, reason: event.reason, details };
}

export function presentIncidentDetail(row: Incident, people: PeopleLookup, timers: IncidentTimers, events: readonly IncidentEvent[]): IncidentDetail {
  const subject = row.subject_account_id !== null ? people.get(row.subject_account_id) : undefined;
  return {
    ...presentIncidentSummary(row, people, timers),
    message: row.message_id !== null || row.blob_hash !== null ? { messageId: row.message_id, blobHash: row.blob_hash, subject: row.message_subject, from: row.message_from } : null,
    subjectAccount: subject ? { address: subject.address, name: subject.name, state: subject.state } : null,
    verdict: row.verdict,
    timeInStates: timers.timeInStates,
    transitions: incidentActionsFrom(row.state),
    actionable: (ACTIONABLE_STATES as readonly string[]).includes(row.state),
    timeline: events.map(presentEvent),
  };
}

export function presentSenderBlock(row: SenderBlock): SenderBlockView {
  return { id: row.id, pattern: row.pattern, kind: row.kind, reason: row.reason, incidentId: row.incident_id, createdBy: row.created_by, createdAt: iso(row.created_at) };
}
