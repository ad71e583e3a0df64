/**
 * Key directory for 工作秘密 end-to-end mail (`/api/sm-keys`, SPEC 3.2; NAME=smcrypto). The
 * server keeps per account the SM2 public key and two protected copies of the private key (under
 * the 加密口令 and under the recovery code): opaque to it, see common/secret-envelope.ts.
 */
import { z } from 'zod';

/** Uncompressed SM2 public key, hex. */
export const sm2PublicKeySchema = z.string().regex(/^04[0-9a-f]{128}$/, 'SM2 公钥格式不正确');

/** Lowest PBKDF2-HMAC-SM3 iteration count the server accepts for a protected key. */
export const MIN_PBKDF2_ITERATIONS = 10_000;

export const protectedKeySchema = z.object({
  publicKey: sm2PublicKeySchema,
  salt: z.string().regex(/^[0-9a-f]{32,64}$/),
  iterations: z.number().int().min(MIN_PBKDF2_ITERATIONS).max(100_000_000),
  iv: z.string().regex(/^[0-9a-f]{24}$/),
  ct: z.string().regex(/^[0-9a-f]{64}$/),
  tag: z.string().regex(/^[0-9a-f]{32}$/),
});

export const putSmKeySchema = z
  .object({
    publicKey: sm2PublicKeySchema,
    /** The private key under the 加密口令. */
    passphrase: protectedKeySchema,
    /** The private key under the recovery code. */
    recovery: protectedKeySchema,
    /** The login password: required when a key is already set up (replace or restore). */
    password: z.string().max(200).optional(),
  })
  .refine((v) => v.passphrase.publicKey === v.publicKey && v.recovery.publicKey === v.publicKey, { message: '受保护私钥与公钥不一致', path: ['publicKey'] });
export type PutSmKey = z.infer<typeof putSmKeySchema>;

export const ownSmKeySchema = z.object({
  publicKey: sm2PublicKeySchema,
  passphrase: protectedKeySchema,
  recovery: protectedKeySchema,
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type OwnSmKey = z.infer<typeof ownSmKeySchema>;
export type ProtectedKeyBlob = z.infer<typeof protectedKeySchema>;

export const smKeyMeSchema = z.object({ key: ownSmKeySchema.nullable() });
export type SmKeyMe = z.infer<typeof smKeyMeSchema>;

export const publicKeyEntrySchema = z.object({
  address: z.string(),
  name: z.string(),
  publicKey: sm2PublicKeySchema,
  /** Earlier keys of the person (replaced), so older mail still verifies. */
  retired: z.array(sm2PublicKeySchema),
});
export type PublicKeyEntry = z.infer<typeof publicKeyEntrySchema>;

export const publicKeysResultSchema = z.object({
  keys: z.array(publicKeyEntrySchema),
  /** Addresses with no key: external, unknown, lists, or people who have not set up a key. */
  missing: z.array(z.string()),
});
export type PublicKeysResult = z.infer<typeof publicKeysResultSchema>;

export const publicKeysQuerySchema = z.object({
  address: z.union([z.string().max(254), z.array(z.string().max(254)).max(500)]).transform((v) => (Array.isArray(v) ? v : [v])),
});
