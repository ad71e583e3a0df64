/** Web sessions: sign in, who am I, sign out (`/api/session`). */
import { z } from 'zod';
import { ROLES } from '../roles.js';

/** Name of the HttpOnly cookie that carries the session token. */
export const SESSION_COOKIE = 'govmail_session';
/** Header that carries the session's CSRF token on every state-changing request. */
export const CSRF_HEADER = 'x-csrf-token';

export const loginRequestSchema = z.object({
  /** Full address, an alias, or a bare local part (the primary domain is assumed). */
  address: z.string().trim().min(1).max(254),
  /** Capped so one request cannot make the server hash megabytes. */
  password: z.string().min(1).max(1024),
  /** The authenticator code (or a recovery code) once the server answered `auth.totp_required`. */
  totp: z.string().trim().max(32).optional(),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const accountViewSchema = z.object({
  address: z.string(),
  displayName: z.string(),
  roles: z.array(z.enum(ROLES)),
});
export type AccountView = z.infer<typeof accountViewSchema>;

export const sessionViewSchema = z.object({
  account: accountViewSchema,
  /** Send back in the X-CSRF-Token header on POST/PUT/PATCH/DELETE. */
  csrfToken: z.string(),
  /**
   * SPEC Art. 4.1: `changeRequired` is set when the password expired or a reset was forced (the
   * session may then only change it; other routes answer `auth.password_change_required`);
   * `expiresAt` is when the password expires (ms), null when it never does.
   * NAME=selfservice: `remindFrom` is when the webmail starts reminding (the policy's earliest
   * reminder day before `expiresAt`), `policy` the password rules in force in words, so the
   * forced-change page can explain them while every other route is closed.
   */
  credentialStatus: z
    .object({
      changeRequired: z.enum(['expired', 'forced']).nullable(),
      expiresAt: z.number().nullable(),
      remindFrom: z.number().nullable().optional(),
      policy: z.array(z.string()).optional(),
    })
    .optional(),
});
export type SessionView = z.infer<typeof sessionViewSchema>;
