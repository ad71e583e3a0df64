/**
 * Administering and deactivating accounts (SPEC Art. 3.6) in the API client: the console's
 * account actions and deactivation workflow, and the person's own request, handover and export
 * in the webmail's settings. Requests go through client.ts's `call` (still the only fetch layer);
 * the module is loaded only by the console and the settings page.
 */
import { z } from 'zod';
import {
  accountAdminResultSchema,
  deactivationViewSchema,
  mailboxExportViewSchema,
  selfDeactivationSchema,
  type AccountAdminResult,
  type DeactivationRequest,
  type DeactivationView,
  type HandoverInput,
  type HandoverItemName,
  type MailboxExportView,
  type SelfDeactivation,
} from '../../../common/schemas/deactivation.js';
import { call, required, withQuery } from './client.js';

export type AccountStateAction = 'lock' | 'unlock' | 'suspend' | 'resume';

export const deactivationApi = {
  // ── console: one account ──
  async changeState(accountId: number, action: AccountStateAction, reason: string): Promise<AccountAdminResult> {
    return required(await call('POST', `/api/console/accounts/${accountId}/${action}`, accountAdminResultSchema, { reason }));
  },
  async transfer(accountId: number, unitId: number, reason: string): Promise<AccountAdminResult> {
    return required(await call('POST', `/api/console/accounts/${accountId}/transfer`, accountAdminResultSchema, { unitId, reason }));
  },
  async changeQuota(accountId: number, quotaBytes: number, reason: string): Promise<AccountAdminResult> {
    return required(await call('POST', `/api/console/accounts/${accountId}/quota`, accountAdminResultSchema, { quotaBytes, reason }));
  },
  async requestFor(accountId: number, request: DeactivationRequest): Promise<DeactivationView> {
    return required(await call('POST', `/api/console/accounts/${accountId}/deactivation`, deactivationViewSchema, request));
  },

  // ── console: the workflow ──
  async list(state?: DeactivationView['state']): Promise<DeactivationView[]> {
    return required(await call('GET', withQuery('/api/console/deactivations', { state }), z.array(deactivationViewSchema)));
  },
  async get(id: number): Promise<DeactivationView> {
    return required(await call('GET', `/api/console/deactivations/${id}`, deactivationViewSchema));
  },
  async setHandover(id: number, input: HandoverInput): Promise<DeactivationView> {
    return required(await call('PATCH', `/api/console/deactivations/${id}/handover`, deactivationViewSchema, input));
  },
  async waive(id: number, item: HandoverItemName, reason: string): Promise<DeactivationView> {
    return required(await call('POST', `/api/console/deactivations/${id}/waive`, deactivationViewSchema, { item, reason }));
  },
  async complete(id: number): Promise<DeactivationView> {
    return required(await call('POST', `/api/console/deactivations/${id}/complete`, deactivationViewSchema, {}));
  },
  async cancel(id: number, reason: string): Promise<DeactivationView> {
    return required(await call('POST', `/api/console/deactivations/${id}/cancel`, deactivationViewSchema, { reason }));
  },

  // ── the person's own ──
  async mine(): Promise<SelfDeactivation> {
    return required(await call('GET', '/api/account/deactivation', selfDeactivationSchema));
  },
  async requestMine(request: DeactivationRequest): Promise<DeactivationView> {
    return required(await call('POST', '/api/account/deactivation', deactivationViewSchema, request));
  },
  async setMyHandover(input: HandoverInput): Promise<DeactivationView> {
    return required(await call('PATCH', '/api/account/deactivation/handover', deactivationViewSchema, input));
  },
  async cancelMine(reason: string): Promise<DeactivationView> {
    return required(await call('POST', '/api/account/deactivation/cancel', deactivationViewSchema, { reason }));
  },
  async exports(): Promise<MailboxExportView[]> {
    return required(await call('GET', '/api/account/exports', z.array(mailboxExportViewSchema)));
  },
  async createExport(): Promise<MailboxExportView> {
    return required(await call('POST', '/api/account/exports', mailboxExportViewSchema, {}));
  },
  /** A plain link: the browser downloads the file with the session cookie. */
  exportUrl(id: number): string {
    return `/api/account/exports/${id}/download`;
  },
};
