/**
 * Administrator password reset by one-time link and the console's 密码策略 (SPEC Art. 4.1) in the
 * API client. Requests go through client.ts's `call` (still the only fetch layer).
 */
import {
  passwordPolicyViewSchema,
  resetLinkInfoSchema,
  resetLinkViewSchema,
  type PasswordPolicyInput,
  type PasswordPolicyView,
  type ResetLinkInfo,
  type ResetLinkView,
  type ResetPasswordRequest,
} from '../../../common/schemas/password-reset.js';
import { call, required } from './client.js';

export const passwordResetApi = {
  /** Console: sends the person a one-time link; the answer is the only time the admin sees it. */
  async sendLink(address: string, reason: string): Promise<ResetLinkView> {
    return required(await call('POST', `/api/console/accounts/${encodeURIComponent(address)}/password-reset`, resetLinkViewSchema, { reason }));
  },
  /** Public: whether the link works and what the page must ask. */
  async info(token: string): Promise<ResetLinkInfo> {
    return required(await call('GET', `/api/password-reset/${encodeURIComponent(token)}`, resetLinkInfoSchema));
  },
  async reset(token: string, request: ResetPasswordRequest): Promise<void> {
    await call('POST', `/api/password-reset/${encodeURIComponent(token)}`, null, request);
  },
  async policy(): Promise<PasswordPolicyView> {
    return required(await call('GET', '/api/console/password-policy', passwordPolicyViewSchema));
  },
  async savePolicy(policy: PasswordPolicyInput): Promise<PasswordPolicyView> {
    return required(await call('PUT', '/api/console/password-policy', passwordPolicyViewSchema, policy));
  },
};
