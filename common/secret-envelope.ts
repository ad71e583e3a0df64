/**
 * 工作秘密 end-to-end envelope (issue 6; NAME=crypto). Isomorphic (browser and Node), on
 * sm-crypto-v2: the MIME content is SM4-GCM encrypted under a random 128-bit content key; the
 * key is wrapped with SM2 (C1C3C2) for each recipient and for the sender; the sender signs with
 * SM2 the SM3 digest of the canonical envelope (everything but the signature). The private key
 * is kept wrapped (SM4-GCM) under a key derived by PBKDF2-HMAC-SM3 from the user's 加密口令.
 *
 * Used by: the webmail (web/src/webmail/sm-keyring.ts, compose-page.tsx, secret-mail-panel.tsx),
 * the server's check of sealed web submissions (server/governance/security/sm-keys.ts) and the
 * rule keeping such mail internal (server/delivery/secret-mail.ts). MIME shapes: secret-mime.ts.
 */
import { sm2, sm3, sm4 } from 'sm-crypto-v2';
import { pbkdf2Sm3Fast } from './sm3-pbkdf2.js';

export const ENVELOPE_MEDIA_TYPE = 'application/x-govmail-sm-encrypted';

export interface SecretEnvelope {
  v: 1;
  alg: 'SM4-GCM+SM2+SM3';
  from: string;
  iv: string;
  ct: string;
  tag: string;
  /** Content key wrapped with SM2 for each address (recipients and the sender). */
  keys: Record<string, string>;
  /** SM2 signature (hex) of SM3(canonical envelope without sig). */
  sig: string;
}

export class EnvelopeError extends Error {}

const toHex = (a: Uint8Array) => Array.from(a, (b) => b.toString(16).padStart(2, '0')).join('');
const fromHex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));

function canonical(e: Omit<SecretEnvelope, 'sig'>): string {
  const keys = Object.keys(e.keys)
    .sort()
    .map((k) => [k, e.keys[k]]);
  return JSON.stringify([e.v, e.alg, e.from, e.iv, e.ct, e.tag, keys]);
}

export function sealEnvelope(input: {
  content: Uint8Array;
  sender: { address: string; publicKey: string; privateKey: string };
  recipients: { address: string; publicKey: string }[];
}): SecretEnvelope {
  const key = random(16);
  const iv = random(12);
  const { output, tag } = sm4.encrypt(input.content, key, { mode: 'gcm', iv, output: 'array', outputTag: true });
  const keys: Record<string, string> = {};
  for (const r of [...input.recipients, { address: input.sender.address, publicKey: input.sender.publicKey }]) {
    keys[r.address.toLowerCase()] = sm2.doEncrypt(key, r.publicKey, 1);
  }
  const body = { v: 1 as const, alg: 'SM4-GCM+SM2+SM3' as const, from: input.sender.address.toLowerCase(), iv: toHex(iv), ct: toHex(output), tag: toHex(tag!), keys };
  const sig = sm2.doSignature(sm3(canonical(body)), input.sender.privateKey, { hash: true, publicKey: input.sender.publicKey });
  return { ...body, sig };
}

export function verifyEnvelope(envelope: SecretEnvelope, senderPublicKey: string): boolean {
  const { sig, ...body } = envelope;
  return sm2.doVerifySignature(sm3(canonical(body)), sig, senderPublicKey, { hash: true });
}

/** Decrypts for one holder; throws EnvelopeError when not addressed to them or tampered with. */
export function openEnvelope(envelope: SecretEnvelope, holder: { address: string; privateKey: string }): Uint8Array {
  const wrapped = envelope.keys[holder.address.toLowerCase()];
  if (!wrapped) throw new EnvelopeError('not addressed to this user');
  const key = sm2.doDecrypt(wrapped, holder.privateKey, 1, { output: 'array' });
  if (key.length !== 16) throw new EnvelopeError('content key does not unwrap');
  try {
    return sm4.decrypt(fromHex(envelope.ct), key, { mode: 'gcm', iv: fromHex(envelope.iv), tag: fromHex(envelope.tag), output: 'array' });
  } catch {
    throw new EnvelopeError('content does not authenticate (tampered)');
  }
}

/** PBKDF2 (RFC 8018) with HMAC-SM3, 32-byte output. */
export function pbkdf2Sm3(passphrase: string, salt: Uint8Array, iterations: number): Uint8Array {
  // The fast path (same output) for the salts this module makes; the plain loop otherwise.
  if (salt.length % 4 === 0 && salt.length <= 48) return pbkdf2Sm3Fast(passphrase, salt, iterations);
  const pass = new TextEncoder().encode(passphrase);
  const block = new Uint8Array([...salt, 0, 0, 0, 1]);
  let u = fromHex(sm3(block, { key: pass, mode: 'hmac' }));
  const out = Uint8Array.from(u);
  for (let i = 1; i < iterations; i++) {
    u = fromHex(sm3(u, { key: pass, mode: 'hmac' }));
    for (let j = 0; j < out.length; j++) out[j]! ^= u[j]!;
  }
  return out;
}

export interface ProtectedKey {
  publicKey: string;
  salt: string;
  iterations: number;
  iv: string;
  ct: string;
  tag: string;
}

export function protectPrivateKey(privateKey: string, publicKey: string, passphrase: string, iterations: number): ProtectedKey {
  const salt = random(16);
  const iv = random(12);
  const kek = pbkdf2Sm3(passphrase, salt, iterations).subarray(0, 16);
  const { output, tag } = sm4.encrypt(fromHex(privateKey), kek, { mode: 'gcm', iv, output: 'array', outputTag: true, associatedData: new TextEncoder().encode(publicKey) });
  return { publicKey, salt: toHex(salt), iterations, iv: toHex(iv), ct: toHex(output), tag: toHex(tag!) };
}

export function unlockPrivateKey(p: ProtectedKey, passphrase: string): string {
  const kek = pbkdf2Sm3(passphrase, fromHex(p.salt), p.iterations).subarray(0, 16);
  let key: Uint8Array;
  try {
    key = sm4.decrypt(fromHex(p.ct), kek, { mode: 'gcm', iv: fromHex(p.iv), tag: fromHex(p.tag), output: 'array', associatedData: new TextEncoder().encode(p.publicKey) });
  } catch {
    throw new EnvelopeError('wrong 加密口令');
  }
  const hex = toHex(key);
  if (sm2.getPublicKeyFromPrivateKey(hex) !== p.publicKey) throw new EnvelopeError('wrong 加密口令');
  return hex;
}
