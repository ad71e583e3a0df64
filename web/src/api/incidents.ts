/**
 * Security incidents (SPEC Art. 4.3) in the API client: reporting and 我的报告 in the webmail,
 * the security officer's incident desk in the console. Requests go through client.ts's `call`
 * (still the only fetch layer).
 */
import { z } from 'zod';
import {
  accountActionResultSchema,
  blockResultSchema,
  incidentDetailSchema,
  senderBlockViewSchema,
  incidentPageSchema,
  myIncidentViewSchema,
  purgeResultSchema,
  type AccountActionResult,
  type BlockResult,
  type IncidentDetail,
  type IncidentPage,
  type IncidentStateValue,
  type IncidentTransition,
  type MyIncidentView,
  type PurgeMessage,
  type PurgeResult,
  type ReportIncident,
  type SenderBlockView,
} from '../../../common/schemas/incidents.js';
import { call, required, withQuery } from './client.js';

export type AccountIncidentAction = 'force-password-reset' | 'revoke-sessions' | 'lock-account';

export const incidentsApi = {
  // ── webmail ──
  async report(input: ReportIncident): Promise<MyIncidentView> {
    return required(await call('POST', '/api/incidents', myIncidentViewSchema, input));
  },
  async mine(): Promise<MyIncidentView[]> {
    return required(await call('GET', '/api/incidents', z.array(myIncidentViewSchema)));
  },

  // ── console ──
  async list(filter: { state?: IncidentStateValue; overdue?: boolean }): Promise<IncidentPage> {
    return required(await call('GET', withQuery('/api/console/incidents', { state: filter.state, overdue: filter.overdue ? '1' : undefined, limit: 200 }), incidentPageSchema));
  },
  async get(id: number): Promise<IncidentDetail> {
    return required(await call('GET', `/api/console/incidents/${id}`, incidentDetailSchema));
  },
  async transition(id: number, input: IncidentTransition): Promise<IncidentDetail> {
    return required(await call('POST', `/api/console/incidents/${id}/transition`, incidentDetailSchema, input));
  },
  async note(id: number, text: string): Promise<IncidentDetail> {
    return required(await call('POST', `/api/console/incidents/${id}/notes`, incidentDetailSchema, { text }));
  },
  async purge(id: number, input: PurgeMessage): Promise<PurgeResult> {
    return required(await call('POST', `/api/console/incidents/${id}/actions/purge`, purgeResultSchema, input));
  },
  async blockSender(id: number, pattern: string, reason: string): Promise<BlockResult> {
    return required(await call('POST', `/api/console/incidents/${id}/actions/block-sender`, blockResultSchema, { pattern, reason }));
  },
  async senderBlocks(): Promise<SenderBlockView[]> {
    return required(await call('GET', '/api/console/sender-blocks', z.array(senderBlockViewSchema)));
  },
  async unblockSender(id: number, reason: string): Promise<void> {
    await call('DELETE', withQuery(`/api/console/sender-blocks/${id}`, { reason }), null);
  },
  async accountAction(id: number, action: AccountIncidentAction, account: string, reason: string): Promise<AccountActionResult> {
    return required(await call('POST', `/api/console/incidents/${id}/actions/${action}`, accountActionResultSchema, { account, reason }));
  },
};
