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

export interface HandoverItemView {
  item: HandoverItemName;
  status: 'done' | 'waived' | 'open';
  detail: Record<string, string | number | null>;
  waiver: { reason: string; by: string; at: number } | null;
}

export interface DeactivationView {
  id: number;
  state: 'in_progress' | 'completed' | 'cancelled' | 'purged';
  reason: string;
  requestedBy: string;
  /** True when the person asked for it themselves. */
  selfRequested: boolean;
  createdAt: number;
  completedAt: number | null;
  completedBy: string | null;
  forwardDays: number | null;
  forwardUntil: number | null;
  purgeAfter: number | null;
  purgedAt: number | null;
  account: { id: number; address: string; displayName: string; unitName: string; state: string };
  successor: { id: number; address: string; displayName: string } | null;
  checklist: HandoverItemView[];
  ready: boolean;
}

export interface SelfDeactivation {
  deactivation: DeactivationView | null;
  /** The default forwarding period, days (config `deactivation.handoverDays`). */
  defaultForwardDays: number;
}

export interface MailboxExportView {
  id: number;
  format: 'mbox';
  messages: number;
  size: number;
  sha256: string;
  createdAt: number;
  downloadedAt: number | null;
  available: boolean;
}

/** What an administrative action on an account answers: its state and unit after the action. */
export interface AccountAdminResult {
  id: number;
  address: string;
  state: string;
  unitId: number;
  quotaBytes: number;
}
