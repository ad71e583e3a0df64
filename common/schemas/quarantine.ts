/**
 * Console API of the quarantine (issue 6, SPEC 4.2): inbound mail held by the security checks,
 * for the security officer (policy `security.quarantine`). Used by the server routes and the console page.
 */
import { z } from 'zod';

export const QUARANTINE_STATUSES = ['held', 'released', 'deleted'] as const;

export const quarantineFindingSchema = z.object({ check: z.string(), verdict: z.string(), score: z.number(), reason: z.string() });

export const quarantineItemSchema = z.object({
  id: z.number().int(),
  status: z.enum(QUARANTINE_STATUSES),
  envelopeFrom: z.string(),
  fromAddress: z.string().nullable(),
  fromName: z.string().nullable(),
  recipients: z.array(z.string()),
  subject: z.string(),
  messageId: z.string().nullable(),
  remoteIp: z.string().nullable(),
  size: z.number().int(),
  score: z.number(),
  findings: z.array(quarantineFindingSchema),
  authResults: z.string().nullable(),
  createdAt: z.number(),
  decidedAt: z.number().nullable(),
  decisionReason: z.string().nullable(),
});
export type QuarantineItem = z.infer<typeof quarantineItemSchema>;

export const quarantineListQuerySchema = z.object({
  status: z.enum([...QUARANTINE_STATUSES, 'all']).default('held'),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const quarantinePageSchema = z.object({ total: z.number().int(), items: z.array(quarantineItemSchema) });
export type QuarantinePage = z.infer<typeof quarantinePageSchema>;

export const quarantineDetailSchema = quarantineItemSchema.extend({
  /** Plain text of the body (never HTML; the HTML is shown sanitised in a sandboxed frame). */
  text: z.string(),
  hasHtml: z.boolean(),
  attachments: z.array(z.object({ filename: z.string(), contentType: z.string(), size: z.number().int() })),
});
export type QuarantineDetail = z.infer<typeof quarantineDetailSchema>;

export const quarantineDecisionSchema = z.object({ reason: z.string().trim().min(1, '请填写处理理由').max(500) });
