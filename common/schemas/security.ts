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
