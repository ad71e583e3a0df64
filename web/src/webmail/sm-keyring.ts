/**
 * The browser side of 工作秘密 end-to-end mail (SPEC 3.2; smcrypto): the key directory API,
 * key set-up (SM2 pair generated here, private key protected under the 加密口令 and under a
 * recovery code before it leaves the page), restore with the recovery code, and the unlocked
 * private key — kept in this module's memory only, for the session of the page (never in
 * storage; a reload asks for the 口令 again).
 */
import { sm2 } from 'sm-crypto-v2';
import { EnvelopeError, protectPrivateKey, unlockPrivateKey } from '../../../common/secret-envelope.js';
import { newRecoveryCode, normaliseRecoveryCode } from '../../../common/secret-mime.js';
import { publicKeysResultSchema, smKeyMeSchema, type PublicKeysResult, type PutSmKey, type SmKeyMe } from '../../../common/schemas/sm-keys.js';
import { call, required } from '../api/client.js';

/**
 * PBKDF2-HMAC-SM3 iterations for a new protected key: ≈ 350–380 ms in Chromium on the reference
 * machine (bench/pbkdf2-chromium.ts: ~3.5 ms per 1,000 with common/sm3-pbkdf2.ts, under load).
 * Stored in each protected key, so it can rise later without breaking older keys.
 */
export const PBKDF2_ITERATIONS = 100_000;

export interface UnlockedKey {
  address: string;
  publicKey: string;
  privateKey: string;
}

let unlocked: UnlockedKey | null = null;

export const smKeysApi = {
  async me(): Promise<SmKeyMe> {
    return required(await call('GET', '/api/sm-keys/me', smKeyMeSchema));
  },
  async put(body: PutSmKey): Promise<SmKeyMe> {
    return required(await call('PUT', '/api/sm-keys/me', smKeyMeSchema, body));
  },
  async publicKeys(addresses: readonly string[]): Promise<PublicKeysResult> {
    const query = addresses.map((a) => `address=${encodeURIComponent(a)}`).join('&');
    return required(await call('GET', `/api/sm-keys/public?${query}`, publicKeysResultSchema));
  },
};

/** The unlocked key of this address, if the 口令 was entered in this page already. */
export function unlockedKey(address: string): UnlockedKey | null {
  return unlocked && unlocked.address === address.toLowerCase() ? unlocked : null;
}

export function forgetKey(): void {
  unlocked = null;
}

export class WrongPassphrase extends Error {}
export class NoKey extends Error {}

/** Opens the private key with the 口令 (throws WrongPassphrase, or NoKey when none is set up). */
export async function unlock(address: string, passphrase: string): Promise<UnlockedKey> {
  const { key } = await smKeysApi.me();
  if (!key) throw new NoKey();
  try {
    unlocked = { address: address.toLowerCase(), publicKey: key.publicKey, privateKey: unlockPrivateKey(key.passphrase, passphrase) };
  } catch (err) {
    if (err instanceof EnvelopeError) throw new WrongPassphrase();
    throw err;
  }
  return unlocked;
}

/** New key pair: returns the recovery code, to be shown once. `password` when replacing a key. */
export async function setUpKey(address: string, passphrase: string, password?: string): Promise<string> {
  const pair = sm2.generateKeyPairHex();
  const recoveryCode = newRecoveryCode();
  await smKeysApi.put({
    publicKey: pair.publicKey,
    passphrase: protectPrivateKey(pair.privateKey, pair.publicKey, passphrase, PBKDF2_ITERATIONS),
    recovery: protectPrivateKey(pair.privateKey, pair.publicKey, normaliseRecoveryCode(recoveryCode), PBKDF2_ITERATIONS),
    ...(password ? { password } : {}),
  });
  unlocked = { address: address.toLowerCase(), ...pair };
  return recoveryCode;
}

/** Restore: the recovery code opens the private key, which is protected again under a new 口令. */
export async function restoreKey(address: string, recoveryCode: string, passphrase: string, password: string): Promise<void> {
  const { key } = await smKeysApi.me();
  if (!key) throw new NoKey();
  let privateKey: string;
  try {
    privateKey = unlockPrivateKey(key.recovery, normaliseRecoveryCode(recoveryCode));
  } catch (err) {
    if (err instanceof EnvelopeError) throw new WrongPassphrase();
    throw err;
  }
  await smKeysApi.put({ publicKey: key.publicKey, passphrase: protectPrivateKey(privateKey, key.publicKey, passphrase, PBKDF2_ITERATIONS), recovery: key.recovery, password });
  unlocked = { address: address.toLowerCase(), publicKey: key.publicKey, privateKey };
}
