/**
 * The onboarding part of the API client (SPEC Art. 2: application, activation, the console's
 * applications, accounts, units and bulk import). Requests go through client.ts's `call` and
 * `callForm` — still the only fetch layer — but live in this module so that only the lazily
 * loaded public and console pages load these schemas; the webmail's first visit does not.
 */
import { z } from 'zod';
import {
  accountDetailSchema,
  accountPageSchema,
  activateResultSchema,
  activationInfoSchema,
  allocateResultSchema,
  applicationDetailSchema,
  applicationPageSchema,
  applicationStatusSchema,
  applyResultSchema,
  consoleUnitSchema,
  importReportSchema,
  publicUnitSchema,
  reissueResultSchema,
  type AccountDetail,
  type AccountListQuery,
  type AccountPage,
  type ActivateRequest,
  type ActivationInfo,
  type AllocateRequest,
  type AllocateResult,
  type ApplicationDetail,
  type ApplicationPage,
  type ApplicationStatus,
  type ApplyResult,
  type ConsoleUnit,
  type ImportReport,
  type PublicUnit,
  type ReissueResult,
  type UpdateUnit,
} from '../../../common/schemas/onboarding.js';
import { call, callForm, required, withQuery } from './client.js';

export const onboardingApi = {
  async publicUnits(): Promise<PublicUnit[]> {
    return required(await call('GET', '/api/public/units', z.array(publicUnitSchema)));
  },
  /** The application form: its fields and the `document` file, as multipart. */
  async apply(fields: Record<string, string>, document: File): Promise<ApplyResult> {
    return required(await callForm('/api/applications', applyResultSchema, fields, 'document', document));
  },
  async applicationStatus(code: string): Promise<ApplicationStatus> {
    return required(await call('GET', withQuery('/api/applications/status', { code }), applicationStatusSchema));
  },
  async activationInfo(token: string): Promise<ActivationInfo> {
    return required(await call('GET', `/api/activation/${encodeURIComponent(token)}`, activationInfoSchema));
  },
  async activate(token: string, request: ActivateRequest): Promise<{ address: string }> {
    return required(await call('POST', `/api/activation/${encodeURIComponent(token)}`, activateResultSchema, request));
  },

  // ── onboarding: console ───────────────────────────────────────────────────────────────

  async applications(query: { state?: string; offset: number; limit: number }): Promise<ApplicationPage> {
    return required(await call('GET', withQuery('/api/console/applications', query), applicationPageSchema));
  },
  async application(id: number): Promise<ApplicationDetail> {
    return required(await call('GET', `/api/console/applications/${id}`, applicationDetailSchema));
  },
  applicationDocumentUrl(id: number): string {
    return `/api/console/applications/${id}/document`;
  },
  async approveApplication(id: number, note?: string): Promise<void> {
    await call('POST', `/api/console/applications/${id}/approve`, null, note ? { note } : {});
  },
  async rejectApplication(id: number, reason: string): Promise<void> {
    await call('POST', `/api/console/applications/${id}/reject`, null, { reason });
  },
  async allocateApplication(id: number, request: AllocateRequest): Promise<AllocateResult> {
    return required(await call('POST', `/api/console/applications/${id}/allocate`, allocateResultSchema, request));
  },
  async consoleAccounts(query: AccountListQuery): Promise<AccountPage> {
    return required(await call('GET', withQuery('/api/console/accounts', { ...query }), accountPageSchema));
  },
  async consoleAccount(id: number): Promise<AccountDetail> {
    return required(await call('GET', `/api/console/accounts/${id}`, accountDetailSchema));
  },
  async reissueActivation(ids: number[]): Promise<ReissueResult> {
    return required(await call('POST', '/api/console/accounts/reissue-activation', reissueResultSchema, { ids }));
  },
  async consoleUnits(): Promise<ConsoleUnit[]> {
    return required(await call('GET', '/api/console/units', z.array(consoleUnitSchema)));
  },
  async createUnit(input: { code: string; name: string; parentId: number | null; contactAddress?: string | null }): Promise<ConsoleUnit> {
    return required(await call('POST', '/api/console/units', consoleUnitSchema, input));
  },
  async updateUnit(id: number, patch: UpdateUnit): Promise<ConsoleUnit> {
    return required(await call('PATCH', `/api/console/units/${id}`, consoleUnitSchema, patch));
  },
  /** Bulk onboarding: a dry run (apply=false) or the real import. */
  async importSheet(file: File, apply: boolean): Promise<ImportReport> {
    return required(await callForm(`/api/console/imports?apply=${apply}`, importReportSchema, {}, 'file', file));
  },
};
