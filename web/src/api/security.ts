/**
 * The person's own security settings (SPEC Art. 4.1, NAME=selfservice) in the API client: TOTP
 * enrolment, app passwords for mail clients, web sessions and the sign-in history
 * (`/api/security/...`). Requests go through client.ts's `call` (still the only fetch layer);
 * the module is loaded only by the settings page.
 */
import { z } from 'zod';
import {
  appPasswordViewSchema,
  createdAppPasswordSchema,
  signInRecordSchema,
  totpConfirmedSchema,
  totpSetupSchema,
  totpStatusSchema,
  webSessionViewSchema,
  type AppPasswordView,
  type CreatedAppPassword,
  type SignInRecord,
  type TotpSetup,
  type TotpStatus,
  type WebSessionView,
} from '../../../common/schemas/security.js';
import { call, required } from './client.js';

export const securityKeys = {
  totp: ['security', 'totp'] as const,
  appPasswords: ['security', 'app-passwords'] as const,
  sessions: ['security', 'sessions'] as const,
  signIns: ['security', 'sign-ins'] as const,
};

export const securityApi = {
  async totpStatus(): Promise<TotpStatus> {
    return required(await call('GET', '/api/security/totp', totpStatusSchema));
  },
  async totpSetup(): Promise<TotpSetup> {
    return required(await call('POST', '/api/security/totp/setup', totpSetupSchema, {}));
  },
  /** Confirms enrolment with a code; answers the ten recovery codes (shown once). */
  async totpConfirm(code: string): Promise<string[]> {
    return required(await call('POST', '/api/security/totp/confirm', totpConfirmedSchema, { code })).recoveryCodes;
  },
  async totpDisable(password: string): Promise<void> {
    await call('POST', '/api/security/totp/disable', null, { password });
  },

  async appPasswords(): Promise<AppPasswordView[]> {
    return required(await call('GET', '/api/security/app-passwords', z.array(appPasswordViewSchema)));
  },
  async createAppPassword(name: string): Promise<CreatedAppPassword> {
    return required(await call('POST', '/api/security/app-passwords', createdAppPasswordSchema, { name }));
  },
  async revokeAppPassword(id: number): Promise<void> {
    await call('DELETE', `/api/security/app-passwords/${id}`, null);
  },

  async sessions(): Promise<WebSessionView[]> {
    return required(await call('GET', '/api/security/sessions', z.array(webSessionViewSchema)));
  },
  async revokeSession(id: string): Promise<void> {
    await call('DELETE', `/api/security/sessions/${encodeURIComponent(id)}`, null);
  },

  async signIns(): Promise<SignInRecord[]> {
    return required(await call('GET', '/api/security/sign-ins', z.array(signInRecordSchema)));
  },
};
