/** Self-service security API (`/api/security`, SPEC Art. 4.1): app passwords for mail clients. */
import { z } from 'zod';

export const createAppPasswordSchema = z.object({ name: z.string().trim().min(1).max(60) });

export const appPasswordViewSchema = z.object({
  id: z.number(),
  name: z.string(),
  createdAt: z.number(),
  lastUsedAt: z.number().nullable(),
  lastUsedProtocol: z.string().nullable(),
});
export type AppPasswordView = z.infer<typeof appPasswordViewSchema>;

/** The password itself is in this answer only (shown once, stored argon2id-hashed). */
export const createdAppPasswordSchema = appPasswordViewSchema.extend({ password: z.string() });
export type CreatedAppPassword = z.infer<typeof createdAppPasswordSchema>;

// ── TOTP, web sessions and sign-in history (NAME=selfservice: the webmail's 安全设置 page) ──

export const totpStatusSchema = z.object({ enabled: z.boolean(), recoveryCodesLeft: z.number() });
export type TotpStatus = z.infer<typeof totpStatusSchema>;

/** Enrolment started: the secret (for manual entry), its otpauth URI and the QR code (SVG data URL). */
export const totpSetupSchema = z.object({ secret: z.string(), uri: z.string(), qrDataUrl: z.string() });
export type TotpSetup = z.infer<typeof totpSetupSchema>;

/** Enrolment confirmed: ten recovery codes, shown once. */
export const totpConfirmedSchema = z.object({ recoveryCodes: z.array(z.string()) });

export const webSessionViewSchema = z.object({
  id: z.string(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: z.number(),
  lastSeenAt: z.number(),
  current: z.boolean(),
});
export type WebSessionView = z.infer<typeof webSessionViewSchema>;

export const signInRecordSchema = z.object({
  at: z.number(),
  outcome: z.string(),
  ip: z.string().nullable(),
  protocol: z.string().nullable(),
  client: z.string().nullable(),
  reason: z.string().nullable(),
});
export type SignInRecord = z.infer<typeof signInRecordSchema>;
