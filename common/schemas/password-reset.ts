/**
 * Administrator password reset by one-time link and the console's password policy (SPEC Art. 4.1),
 * shared by server and web.
 *
 *   POST /api/console/accounts/:address/password-reset  ResetLinkRequest → ResetLinkView (`account.reset_password`)
 *   GET  /api/password-reset/:token                      → ResetLinkInfo (public)
 *   POST /api/password-reset/:token                      ResetPasswordRequest → 204 (public)
 *   GET  /api/console/password-policy                    → PasswordPolicyView (`settings.password_policy`)
 *   PUT  /api/console/password-policy                    PasswordPolicyInput → PasswordPolicyView
 */
import { z } from 'zod';

export const resetLinkRequestSchema = z.object({
  reason: z.string().trim().min(2, '请填写发送重置链接的原因').max(500),
});
export type ResetLinkRequest = z.infer<typeof resetLinkRequestSchema>;

/** Shown once to the administrator, to hand over by another channel. */
export const resetLinkViewSchema = z.object({
  address: z.string(),
  /** `/reset/<token>` on whichever host. */
  path: z.string(),
  url: z.string(),
  expiresAt: z.number(),
  /** Whether the notice reached the person's INBOX too. */
  mailed: z.boolean(),
});
export type ResetLinkView = z.infer<typeof resetLinkViewSchema>;

/** What the public reset page learns about a link: nothing beyond the masked address. */
export const resetLinkInfoSchema = z.object({
  maskedAddress: z.string(),
  expiresAt: z.number(),
  /** The account has a work-ID number on record: ask for it. */
  asksWorkId: z.boolean(),
  /** The rules of the policy in force, in words (zh-CN), to show beside the field. */
  policy: z.array(z.string()),
  minLength: z.number().int(),
});
export type ResetLinkInfo = z.infer<typeof resetLinkInfoSchema>;

export const resetPasswordRequestSchema = z.object({
  workIdNumber: z.string().trim().max(40).optional(),
  newPassword: z.string().min(1).max(1024),
});
export type ResetPasswordRequest = z.infer<typeof resetPasswordRequestSchema>;

// ── the console's 密码策略 page ────────────────────────────────────────────────────────

/**
 * The adjustable figures of the policy. Bounds: length 8–64 (8 is the floor any guidance still
 * accepts; the default is 12), 2–4 character classes (等保 2.0 asks for 3 by default), a history
 * of 0–24, expiry 0 (never) or 30–365 days, reminders within the expiry period.
 */
export const passwordPolicyInputSchema = z
  .object({
    minLength: z.number().int().min(8, '最小长度须在 8–64 之间').max(64, '最小长度须在 8–64 之间'),
    minClasses: z.number().int().min(2, '字符类别须在 2–4 之间').max(4, '字符类别须在 2–4 之间'),
    historyCount: z.number().int().min(0, '历史密码数须在 0–24 之间').max(24, '历史密码数须在 0–24 之间'),
    maxAgeDays: z
      .number()
      .int()
      .refine((d) => d === 0 || (d >= 30 && d <= 365), '有效期须为 0（永不过期）或 30–365 天'),
    reminderDays: z
      .array(z.number().int().min(1, '提醒天数须为正整数').max(60, '提醒天数不能超过 60'))
      .max(5, '最多 5 个提醒')
      .transform((days) => [...new Set(days)].sort((a, b) => b - a)),
  })
  .superRefine((p, ctx) => {
    if (p.maxAgeDays > 0 && p.reminderDays.some((d) => d >= p.maxAgeDays)) {
      ctx.addIssue({ code: 'custom', path: ['reminderDays'], message: '提醒须早于密码到期（小于有效期天数）' });
    }
  });
export type PasswordPolicyInput = z.infer<typeof passwordPolicyInputSchema>;

export const passwordPolicyViewSchema = z.object({
  minLength: z.number().int(),
  minClasses: z.number().int(),
  historyCount: z.number().int(),
  maxAgeDays: z.number().int(),
  reminderDays: z.array(z.number().int()),
  /** 'settings': set on this page; 'config': the configuration's defaults. */
  source: z.enum(['settings', 'config']),
  /** The rules in words, as people see them. */
  rules: z.array(z.string()),
});
export type PasswordPolicyView = z.infer<typeof passwordPolicyViewSchema>;
