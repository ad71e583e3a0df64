/**
 * Console API of the outbound side (issue 6): the review queue of held messages, per-unit
 * content rules, and the outbound queue. Used by the server routes and the console pages.
 */
import { z } from 'zod';

export const OUTBOUND_VERDICTS = ['pass', 'warn', 'hold', 'block'] as const;
export const RULE_KINDS = ['keyword', 'regex', 'id_card', 'mobile'] as const;
export const RULE_ACTIONS = ['warn', 'hold', 'block'] as const;
export const QUEUE_STATUSES = ['queued', 'sending', 'sent', 'failed', 'cancelled'] as const;
export const HOLD_STATUSES = ['pending', 'released', 'rejected'] as const;

export const findingSchema = z.object({ check: z.string(), verdict: z.enum(OUTBOUND_VERDICTS), reason: z.string() });

export const holdSchema = z.object({
  id: z.number().int(),
  status: z.enum(HOLD_STATUSES),
  sender: z.string(),
  senderUnitId: z.number().int().nullable(),
  recipients: z.array(z.string()),
  subject: z.string(),
  messageId: z.string().nullable(),
  protocol: z.string(),
  size: z.number().int(),
  findings: z.array(findingSchema),
  createdAt: z.number(),
  decidedAt: z.number().nullable(),
  decisionReason: z.string().nullable(),
});
export type Hold = z.infer<typeof holdSchema>;

export const holdDetailSchema = holdSchema.extend({
  /** The decoded text the checks looked at (subject, body, attachment text), for the reviewer. */
  text: z.array(z.object({ location: z.string(), name: z.string().nullable(), text: z.string() })),
  notInspected: z.array(z.object({ name: z.string(), reason: z.string() })),
});
export type HoldDetail = z.infer<typeof holdDetailSchema>;

export const holdListQuerySchema = z.object({
  status: z.enum(HOLD_STATUSES).optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const holdPageSchema = z.object({ total: z.number().int(), items: z.array(holdSchema) });
export type HoldPage = z.infer<typeof holdPageSchema>;

export const holdDecisionSchema = z.object({ reason: z.string().trim().max(500).default('') });
export const holdRejectSchema = z.object({ reason: z.string().trim().min(1, '请填写退回原因').max(500) });

export const contentRuleSchema = z.object({
  id: z.number().int(),
  unitId: z.number().int().nullable(),
  name: z.string(),
  kind: z.enum(RULE_KINDS),
  pattern: z.string(),
  action: z.enum(RULE_ACTIONS),
  enabled: z.boolean(),
  /** Whether the signed-in person may change it (a unit admin sees global rules read-only). */
  editable: z.boolean(),
  updatedAt: z.number(),
});
export type ContentRuleView = z.infer<typeof contentRuleSchema>;

export const contentRuleInputSchema = z.object({
  /** null: every unit (security officer only). */
  unitId: z.number().int().nullable(),
  name: z.string().trim().min(1).max(100),
  kind: z.enum(RULE_KINDS),
  pattern: z.string().max(200).default(''),
  action: z.enum(RULE_ACTIONS),
  enabled: z.boolean().default(true),
});
export type ContentRuleInputBody = z.infer<typeof contentRuleInputSchema>;

export const queueEntrySchema = z.object({
  id: z.number().int(),
  sender: z.string(),
  recipient: z.string(),
  status: z.enum(QUEUE_STATUSES),
  attempts: z.number().int(),
  nextAttemptAt: z.number().nullable(),
  lastAttemptAt: z.number().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.number(),
  finishedAt: z.number().nullable(),
});
export type QueueEntry = z.infer<typeof queueEntrySchema>;

export const queueListQuerySchema = z.object({
  status: z.enum(QUEUE_STATUSES).optional(),
  q: z.string().trim().max(200).optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const queuePageSchema = z.object({ total: z.number().int(), counts: z.record(z.string(), z.number()), items: z.array(queueEntrySchema) });
export type QueuePage = z.infer<typeof queuePageSchema>;
export const queueCancelSchema = z.object({ reason: z.string().trim().max(500).default('') });
