/**
 * Server secrets other than the blob keyring, kept apart from the database.
 *
 * The ID-card keyed hash (HMAC-SM3) needs a secret that a copy of the database alone does not
 * contain. Where it comes from, first match wins:
 *   1. `idHmac.key` — 64 hex digits as an environment secret (GOVMAIL_ID_HMAC_KEY);
 *   2. `idHmac.keyFile` — a file holding 64 hex digits (created, mode 0600, when missing);
 *   3. the blob keyring, when encryption at rest is configured — derived from its address key,
 *      which is never rotated (BlobKeyring.deriveSecret), so it lives wherever the keyring does;
 *   4. `<dataDir>/secrets/id-hmac.key`, generated on first use with mode 0600 (directory 0700):
 *      apart from the database file, though inside the data directory — configure 1–3 to keep it
 *      out of the data directory's backups.
 * A key of the data directory's file that is no longer the current one (a keyring configured
 * later) stays available as an older key, so rows hashed under it still match and are
 * re-hashed under the current key (id-card-hash.ts).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BlobKeyring } from './blob-keyring.js';
import { KeyringError } from './blob-keyring.js';

export interface IdHmacConfig {
  key: string;
  keyFile: string;
}

export interface IdHmacKeys {
  current: Buffer;
  /** Keys of earlier sources still available (rows hashed under them are upgraded on a match). */
  older: Buffer[];
  source: 'env' | 'keyFile' | 'blobKeyring' | 'dataDir';
}

const HEX64 = /^[0-9a-f]{64}$/i;

function readKeyFile(file: string): Buffer {
  const text = readFileSync(file, 'utf8').trim();
  if (!HEX64.test(text)) throw new KeyringError(`${file}: the ID-card HMAC key must be 64 hex digits`);
  return Buffer.from(text, 'hex');
}

/** Reads the key file, creating it (0600, parent 0700) with a random key when it is missing. */
export function ensureKeyFile(file: string): Buffer {
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  }
  return readKeyFile(file);
}

export function dataDirIdKeyFile(dataDir: string): string {
  return path.join(dataDir, 'secrets', 'id-hmac.key');
}

export function idHmacKeys(config: IdHmacConfig, dataDir: string, keyring: BlobKeyring | null): IdHmacKeys {
  const dataDirFile = dataDirIdKeyFile(dataDir);
  const olderFromDataDir = (current: Buffer) => (existsSync(dataDirFile) ? [readKeyFile(dataDirFile)].filter((k) => !k.equals(current)) : []);
  if (config.key) {
    if (!HEX64.test(config.key.trim())) throw new KeyringError('idHmac.key (GOVMAIL_ID_HMAC_KEY) must be 64 hex digits');
    const current = Buffer.from(config.key.trim(), 'hex');
    return { current, older: olderFromDataDir(current), source: 'env' };
  }
  if (config.keyFile) {
    const current = ensureKeyFile(config.keyFile);
    return { current, older: path.resolve(config.keyFile) === path.resolve(dataDirFile) ? [] : olderFromDataDir(current), source: 'keyFile' };
  }
  if (keyring) {
    const current = keyring.deriveSecret('id-card hmac-sm3 v1');
    return { current, older: olderFromDataDir(current), source: 'blobKeyring' };
  }
  return { current: ensureKeyFile(dataDirFile), older: [], source: 'dataDir' };
}
