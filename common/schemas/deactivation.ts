/**
 * Administering and deactivating accounts (SPEC Art. 2 states, Art. 3.6): the request bodies
 * and the views the console and the webmail's settings read.
 *
 *   POST  /api/console/accounts/:id/lock|unlock|suspend|resume   { reason }
 *   POST  /api/console/accounts/:id/transfer                    { unitId, reason }
 *   POST  /api/console/accounts/:id/quota                       { quotaBytes, reason }
 *   POST  /api/console/accounts/:id/deactivation                { reason, successorAddress?, forwardDays? }
 *   GET   /api/console/deactivations?state=                     DeactivationView[]
 *   GET   /api/console/deactivations/:id                        DeactivationView
 *   PATCH /api/console/deactivations/:id/handover               { successorAddress, forwardDays }
 *   POST  /api/console/deactivations/:id/waive                  { item, reason }
 *   POST  /api/console/deactivations/:id/complete               {}
 *   POST  /api/console/deactivations/:id/cancel                 { reason }
 *   GET   /api/account/deactivation                             { deactivation: DeactivationView | null, defaults }
 *   POST  /api/account/deactivation                             { reason, successorAddress?, forwardDays? }
 *   PATCH /api/account/deactivation/handover                    { successorAddress, forwardDays }
 *   POST  /api/account/deactivation/cancel                      { reason }
 *   GET   /api/account/exports   POST /api/account/exports   GET /api/account/exports/:id/download
 */
import { z } from 'zod';

export const HANDOVER_ITEMS = ['important_mail', 'successor', 'forwarding', 'auto_reply', 'export'] as const;
export type HandoverItemName = (typeof HANDOVER_ITEMS)[number];

const reason = z.string().trim().min(2).max(500);

export const reasonSchema = z.object({ reason });
export const transferSchema = z.object({ unitId: z.number().int().positive(), reason });
export const quotaSchema = z.object({ quotaBytes: z.number().int().min(1024 * 1024).max(Number.MAX_SAFE_INTEGER), reason });

export const deactivationRequestSchema = z.object({
  reason,
  successorAddress: z.string().trim().max(254).nullable().optional(),
  forwardDays: z.number().int().min(1).max(3650).nullable().optional(),
});
export type DeactivationRequest = z.infer<typeof deactivationRequestSchema>;

export const handoverSchema = z.object({
  successorAddress: z.string().trim().max(254).nullable(),
  forwardDays: z.number().int().min(1).max(3650).nullable(),
});
export type HandoverInput = z.infer<typeof handoverSchema>;

export const waiveSchema = z.object({ item: z.enum(HANDOVER_ITEMS), reason });

export const deactivationListQuerySchema = z.object({ state: z.enum(['in_progress', 'completed', 'cancelled', 'purged']).optional() });

export const handoverItemViewSchema = z.object({
  item: z.enum(HANDOVER_ITEMS),
  status: z.enum(['done', 'waived', 'open']),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
  waiver: z.object({ reason: z.string(), by: z.string(), at: z.number() }).nullable(),
});
export type HandoverItemView = z.infer<typeof handoverItemViewSchema>;

export const deactivationViewSchema = z.object({
  id: z.number().int(),
  state: z.enum(['in_progress', 'completed', 'cancelled', 'purged']),
  reason: z.string(),
  requestedBy: z.string(),
  /** True when the person asked for it themselves. */
  selfRequested: z.boolean(),
  createdAt: z.number(),
  completedAt: z.number().nullable(),
  completedBy: z.string().nullable(),
  forwardDays: z.number().int().nullable(),
  forwardUntil: z.number().nullable(),
  purgeAfter: z.number().nullable(),
  purgedAt: z.number().nullable(),
  account: z.object({ id: z.number().int(), address: z.string(), displayName: z.string(), unitName: z.string(), state: z.string() }),
  successor: z.object({ id: z.number().int(), address: z.string(), displayName: z.string() }).nullable(),
  checklist: z.array(handoverItemViewSchema),
  ready: z.boolean(),
});
export type DeactivationView = z.infer<typeof deactivationViewSchema>;

export const selfDeactivationSchema = z.object({
  deactivation: deactivationViewSchema.nullable(),
  /** The default forwarding period, days (config `deactivation.handoverDays`). */
  defaultForwardDays: z.number().int(),
});
export type SelfDeactivation = z.infer<typeof selfDeactivationSchema>;

export const mailboxExportViewSchema = z.object({
  id: z.number().int(),
  format: z.literal('mbox'),
  messages: z.number().int(),
  size: z.number(),
  sha256: z.string(),
  createdAt: z.number(),
  downloadedAt: z.number().nullable(),
  available: z.boolean(),
});
export type MailboxExportView = z.infer<typeof mailboxExportViewSchema>;

/** What an administrative action on an account answers: its state and unit after the action. */
export const accountAdminResultSchema = z.object({ id: z.number().int(), address: z.string(), state: z.string(), unitId: z.number().int(), quotaBytes: z.number() });
export type AccountAdminResult = z.infer<typeof accountAdminResultSchema>;
