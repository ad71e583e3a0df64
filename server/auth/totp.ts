/**
 * TOTP (RFC 6238, via otpauth): 6 digits, 30-second steps, SHA-1 (what every authenticator app
 * reads from an otpauth:// URI), one step of drift either way. A code is accepted once: the
 * last accepted step is remembered and earlier or equal steps are refused (replay).
 */
import * as OTPAuth from 'otpauth';
import { randomBytes } from 'node:crypto';

const PERIOD = 30;

export function newTotpSecret(): string {
  return new OTPAuth.Secret({ size: 20 }).base32;
}

function totpFor(secret: string, label = 'govmail', issuer = 'govmail'): OTPAuth.TOTP {
  return new OTPAuth.TOTP({ issuer, label, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: OTPAuth.Secret.fromBase32(secret) });
}

export function totpUri(secret: string, address: string, issuer: string): string {
  return totpFor(secret, address, issuer).toString();
}

/** The code for `timestamp` (ms): for tests and for nothing else. */
export function totpCode(secret: string, timestamp: number): string {
  return totpFor(secret).generate({ timestamp });
}

/** The time step the code belongs to, or null when it is wrong (or not newer than `lastStep`). */
export function verifyTotp(secret: string, code: string, now: number, lastStep: number | null): number | null {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totpFor(secret).validate({ token, timestamp: now, window: 1 });
  if (delta === null) return null;
  const step = Math.floor(now / 1000 / PERIOD) + delta;
  if (lastStep !== null && step <= lastStep) return null;
  return step;
}

/** Ten recovery codes `xxxx-xxxx` (lower-case letters and digits without look-alikes). */
export function newRecoveryCodes(count = 10): string[] {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  return Array.from({ length: count }, () => {
    const bytes = randomBytes(8);
    const chars = [...bytes].map((b) => alphabet[b % alphabet.length]!);
    return `${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`;
  });
}

export function looksLikeRecoveryCode(code: string): boolean {
  return /^[a-z0-9]{4}-?[a-z0-9]{4}$/i.test(code.trim());
}

export function normaliseRecoveryCode(code: string): string {
  const c = code.trim().toLowerCase().replace('-', '');
  return `${c.slice(0, 4)}-${c.slice(4)}`;
}

/** App passwords: 16 lower-case letters, shown in groups of four (`abcd efgh ijkl mnop`). */
export function newAppPassword(): string {
  const alphabet = 'abcdefghijkmnopqrstuvwxyz';
  const chars = [...randomBytes(16)].map((b) => alphabet[b % alphabet.length]!);
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join(' ');
}

/** Clients may paste an app password with or without the spaces. */
export function normaliseAppPassword(password: string): string | null {
  const compact = password.replace(/\s+/g, '').toLowerCase();
  return /^[a-z]{16}$/.test(compact) ? compact : null;
}
