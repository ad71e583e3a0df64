/**
 * Security incidents (SPEC Art. 4.3) — the API contract shared by the server and the web app.
 * Times are ISO strings.
 *
 * Webmail (any signed-in person; only their own incidents, anyone else's id is 404):
 *   POST   /api/incidents              ReportIncident → MyIncidentView (201)
 *   GET    /api/incidents                             → MyIncidentView[]     (我的报告)
 *   GET    /api/incidents/:id                         → MyIncidentView
 *
 * Console (policy `security.incidents_view` to read, `security.incidents` to act):
 *   GET    /api/console/incidents?state&overdue&offset&limit → IncidentPage
 *   GET    /api/console/incidents/:id                 → IncidentDetail
 *   POST   /api/console/incidents/:id/transition      IncidentTransition → IncidentDetail
 *   POST   /api/console/incidents/:id/assign          AssignIncident     → IncidentDetail
 *   POST   /api/console/incidents/:id/notes           IncidentNote       → IncidentDetail
 *   POST   /api/console/incidents/:id/actions/purge   PurgeMessage       → PurgeResult   (`security.purge_message`)
 *   POST   /api/console/incidents/:id/actions/block-sender BlockSender   → BlockResult
 *   POST   /api/console/incidents/:id/actions/force-password-reset AccountAction → AccountActionResult (`account.reset_password`)
 *   POST   /api/console/incidents/:id/actions/revoke-sessions      AccountAction → AccountActionResult (`account.revoke_sessions`)
 *   POST   /api/console/incidents/:id/actions/lock-account         AccountAction → AccountActionResult (`account.lock`)
 *   GET    /api/console/sender-blocks                 → SenderBlockView[]
 *   DELETE /api/console/sender-blocks/:id             → 204 (with ?reason=)
 */
import { z } from 'zod';

export const INCIDENT_KINDS = ['suspicious_mail', 'account_compromised', 'device_lost', 'misdirected_mail', 'other'] as const;
export const incidentKindSchema = z.enum(INCIDENT_KINDS);
export type IncidentKindValue = z.infer<typeof incidentKindSchema>;

export const INCIDENT_STATES = ['reported', 'triaged', 'contained', 'resolved', 'reviewed'] as const;
export const incidentStateSchema = z.enum(INCIDENT_STATES);
export type IncidentStateValue = z.infer<typeof incidentStateSchema>;

export const INCIDENT_TRANSITION_ACTIONS = ['triage', 'contain', 'resolve', 'reopen', 'review'] as const;
export const incidentTransitionActionSchema = z.enum(INCIDENT_TRANSITION_ACTIONS);

const reason = z.string().trim().min(1, '请填写原因').max(2000);

export const reportIncidentSchema = z.object({
  kind: incidentKindSchema,
  description: z.string().max(4000).default(''),
  /** The reporter's own message id (webmail ids). */
  messageId: z.number().int().positive().nullable().optional(),
  /** Move the reported message to 垃圾邮件. */
  moveToJunk: z.boolean().optional(),
});
export type ReportIncident = z.input<typeof reportIncidentSchema>;

const messageRefSchema = z.object({ subject: z.string().nullable(), from: z.string().nullable() });

/** What the reporter sees of their incident. */
export const myIncidentViewSchema = z.object({
  id: z.number().int(),
  kind: incidentKindSchema,
  state: incidentStateSchema,
  description: z.string(),
  message: messageRefSchema.nullable(),
  /** Told once resolved. */
  verdict: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type MyIncidentView = z.infer<typeof myIncidentViewSchema>;

const personSchema = z.object({ address: z.string(), name: z.string() });

export const incidentSummarySchema = z.object({
  id: z.number().int(),
  kind: incidentKindSchema,
  state: incidentStateSchema,
  reporter: personSchema,
  owner: personSchema.nullable(),
  messageSubject: z.string().nullable(),
  description: z.string(),
  createdAt: z.string(),
  stateEnteredAt: z.string(),
  /** When the current state's time runs out (config incidents.slaMinutes); null when final. */
  deadline: z.string().nullable(),
  overdue: z.boolean(),
});
export type IncidentSummary = z.infer<typeof incidentSummarySchema>;

export const incidentPageSchema = z.object({
  items: z.array(incidentSummarySchema),
  total: z.number().int(),
  summary: z.object({ byState: z.record(z.string(), z.number().int()), overdue: z.number().int() }),
});
export type IncidentPage = z.infer<typeof incidentPageSchema>;

export const incidentListQuerySchema = z.object({
  state: incidentStateSchema.optional(),
  overdue: z.enum(['1', 'true', '0', 'false']).optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const incidentEventViewSchema = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  kind: z.string(),
  fromState: z.string().nullable(),
  toState: z.string().nullable(),
  reason: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type IncidentEventView = z.infer<typeof incidentEventViewSchema>;

export const incidentDetailSchema = incidentSummarySchema.extend({
  message: z
    .object({
      messageId: z.string().nullable(),
      blobHash: z.string().nullable(),
      subject: z.string().nullable(),
      from: z.string().nullable(),
    })
    .nullable(),
  /** The account the incident is about (compromised, device lost), else null. */
  subjectAccount: z.object({ address: z.string(), name: z.string(), state: z.string() }).nullable(),
  verdict: z.string().nullable(),
  /** Milliseconds spent in each state so far. */
  timeInStates: z.record(z.string(), z.number()),
  /** Transitions allowed from the current state. */
  transitions: z.array(incidentTransitionActionSchema),
  /** Whether response actions may still be run (not resolved/reviewed). */
  actionable: z.boolean(),
  timeline: z.array(incidentEventViewSchema),
});
export type IncidentDetail = z.infer<typeof incidentDetailSchema>;

export const incidentTransitionSchema = z.object({
  action: incidentTransitionActionSchema,
  reason: z.string().max(2000).optional(),
  /** Required for `resolve`: what the reporter is told. */
  verdict: z.string().max(2000).optional(),
});
export type IncidentTransition = z.input<typeof incidentTransitionSchema>;

export const assignIncidentSchema = z.object({
  /** Address of the officer in charge; null clears. */
  owner: z.string().trim().toLowerCase().nullable(),
  reason: z.string().max(2000).optional(),
});

export const incidentNoteSchema = z.object({ text: z.string().trim().min(1).max(2000) });

export const purgeMessageSchema = z.object({
  by: z.enum(['message_id', 'blob_hash']),
  /** Default: the incident's own message. */
  value: z.string().max(998).optional(),
  reason,
});
export type PurgeMessage = z.input<typeof purgeMessageSchema>;

export const purgeResultSchema = z.object({ count: z.number().int(), accounts: z.number().int(), by: z.enum(['message_id', 'blob_hash']), value: z.string() });
export type PurgeResult = z.infer<typeof purgeResultSchema>;

export const blockSenderSchema = z.object({
  /** An address (`a@evil.cn`) or a domain (`evil.cn`, covering its subdomains). */
  pattern: z.string().trim().min(3).max(320),
  reason,
});
export type BlockSender = z.input<typeof blockSenderSchema>;

export const senderBlockViewSchema = z.object({
  id: z.number().int(),
  pattern: z.string(),
  kind: z.enum(['address', 'domain']),
  reason: z.string(),
  incidentId: z.number().int().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type SenderBlockView = z.infer<typeof senderBlockViewSchema>;

export const blockResultSchema = z.object({ block: senderBlockViewSchema, created: z.boolean() });
export type BlockResult = z.infer<typeof blockResultSchema>;

export const accountActionSchema = z.object({
  /** The account acted on (address). */
  account: z.string().trim().toLowerCase().min(3).max(320),
  reason,
});
export type AccountAction = z.input<typeof accountActionSchema>;

export const accountActionResultSchema = z.object({
  account: z.string(),
  /** Web sessions ended. */
  sessionsRevoked: z.number().int(),
  /** The account's state afterwards. */
  state: z.string(),
  /** force-password-reset: the one-time reset link sent to the owner, shown once to hand over. */
  resetLink: z.object({ path: z.string(), url: z.string(), expiresAt: z.number(), mailed: z.boolean() }).optional(),
});
export type AccountActionResult = z.infer<typeof accountActionResultSchema>;
