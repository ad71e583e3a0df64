/**
 * Keys for encrypting the blob store at rest (SM4-CTR + HMAC-SM3, see blob-store.ts).
 *
 * The keyring is kept apart from the data: a JSON file outside the data directory
 * (`blobEncryption.keyFile`, mode 0600) or an environment secret (`blobEncryption.keyring`,
 * i.e. GOVMAIL_BLOB_ENCRYPTION_KEYRING holding the same JSON). It holds
 *   - `addressKey`: the key of the keyed hash that names blobs (HMAC-SM3 of the plaintext), so
 *     equal messages still share one file but a file name reveals nothing about the content.
 *     It is never rotated (rotating it would split every later copy of a stored message);
 *   - `keys`: every data key ever used, by id (old ones stay to read old blobs);
 *   - `current`: the id new blobs are written under.
 * Each data key is a 32-byte master from which the SM4 key and the HMAC key are derived.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';

export interface KeyringJson {
  version: 1;
  current: string;
  addressKey: string;
  keys: Record<string, string>;
}

const ID_RE = /^[A-Za-z0-9_-]{1,32}$/;
const HEX64 = /^[0-9a-f]{64}$/;

export class KeyringError extends Error {}

/** How a secret sealed by BlobKeyring.sealSecret starts (anything else is stored in the clear). */
export const SEALED_PREFIX = 'govmail-sealed:v1:';

export class BlobKeyring {
  private readonly derived = new Map<string, { enc: Buffer; mac: Buffer }>();
  private readonly addressKey: Buffer;

  constructor(readonly json: KeyringJson) {
    if (json.version !== 1) throw new KeyringError('blob keyring: unsupported version');
    if (!HEX64.test(json.addressKey)) throw new KeyringError('blob keyring: addressKey must be 64 hex digits');
    for (const [id, hex] of Object.entries(json.keys)) {
      if (!ID_RE.test(id)) throw new KeyringError(`blob keyring: bad key id ${JSON.stringify(id)}`);
      if (!HEX64.test(hex)) throw new KeyringError(`blob keyring: key ${id} must be 64 hex digits`);
    }
    if (!json.keys[json.current]) throw new KeyringError(`blob keyring: current key ${json.current} missing`);
    this.addressKey = Buffer.from(json.addressKey, 'hex');
  }

  get currentId(): string {
    return this.json.current;
  }

  has(id: string): boolean {
    return Object.hasOwn(this.json.keys, id);
  }

  /** The SM4 key (16 bytes) and HMAC-SM3 key (32 bytes) of a key id. */
  keysOf(id: string): { enc: Buffer; mac: Buffer } {
    let keys = this.derived.get(id);
    if (!keys) {
      const master = this.json.keys[id];
      if (!master || !this.has(id)) throw new KeyringError(`blob keyring: no key ${id} (was it removed after rotation?)`);
      const m = Buffer.from(master, 'hex');
      keys = {
        enc: createHmac('sm3', m).update('govmail blob sm4-ctr').digest().subarray(0, 16),
        mac: createHmac('sm3', m).update('govmail blob hmac-sm3').digest(),
      };
      this.derived.set(id, keys);
    }
    return keys;
  }

  /** The blob's name: HMAC-SM3 of the plaintext under the address key (64 hex digits). */
  addressOf(data: Buffer): string {
    return createHmac('sm3', this.addressKey).update(data).digest('hex');
  }

  /**
   * A secret for another purpose derived from the address key (never rotated, so the derived
   * secret is stable): HMAC-SM3(addressKey, label). Used for the ID-card keyed hash.
   */
  deriveSecret(label: string): Buffer {
    return createHmac('sm3', this.addressKey).update(`govmail derived secret: ${label}`).digest();
  }

  /**
   * Seals a small secret (a DKIM private key) under the current data key: SM4-CBC under a key
   * derived for `purpose`, authenticated by HMAC-SM3 over key id, purpose, IV and ciphertext.
   * Text form `govmail-sealed:v1:<keyId>:<base64(iv | ciphertext | tag)>`; openSecret reverses it.
   */
  sealSecret(plaintext: string, purpose: string): string {
    const keyId = this.currentId;
    const { enc, mac } = this.secretKeys(keyId, purpose);
    const iv = randomBytes(16);
    const cipher = createCipheriv('sm4-cbc', enc, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = createHmac('sm3', mac).update(`${keyId}\0${purpose}\0`).update(iv).update(body).digest();
    return `${SEALED_PREFIX}${keyId}:${Buffer.concat([iv, body, tag]).toString('base64')}`;
  }

  openSecret(sealed: string, purpose: string): string {
    const match = /^govmail-sealed:v1:([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/=]+)$/.exec(sealed.trim());
    if (!match) throw new KeyringError('sealed secret: not in the govmail-sealed:v1 form');
    const keyId = match[1]!;
    const raw = Buffer.from(match[2]!, 'base64');
    if (raw.length < 16 + 16 + 32) throw new KeyringError('sealed secret: too short');
    const iv = raw.subarray(0, 16);
    const body = raw.subarray(16, raw.length - 32);
    const tag = raw.subarray(raw.length - 32);
    const { enc, mac } = this.secretKeys(keyId, purpose);
    const expected = createHmac('sm3', mac).update(`${keyId}\0${purpose}\0`).update(iv).update(body).digest();
    if (!timingSafeEqual(expected, tag)) throw new KeyringError('sealed secret: integrity check failed (tampered, or another keyring)');
    const decipher = createDecipheriv('sm4-cbc', enc, iv);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  }

  private secretKeys(keyId: string, purpose: string): { enc: Buffer; mac: Buffer } {
    const master = this.json.keys[keyId];
    if (!master || !this.has(keyId)) throw new KeyringError(`blob keyring: no key ${keyId} (was it removed after rotation?)`);
    const m = Buffer.from(master, 'hex');
    return {
      enc: createHmac('sm3', m).update(`govmail secret sm4-cbc: ${purpose}`).digest().subarray(0, 16),
      mac: createHmac('sm3', m).update(`govmail secret hmac-sm3: ${purpose}`).digest(),
    };
  }

  static generate(id = 'k1'): KeyringJson {
    return { version: 1, current: id, addressKey: randomBytes(32).toString('hex'), keys: { [id]: randomBytes(32).toString('hex') } };
  }

  /** A new keyring with one more key, made current; every old key kept. */
  static rotated(json: KeyringJson): KeyringJson {
    let n = Object.keys(json.keys).length + 1;
    while (json.keys[`k${n}`]) n++;
    const id = `k${n}`;
    return { ...json, current: id, keys: { ...json.keys, [id]: randomBytes(32).toString('hex') } };
  }

  static parse(text: string, where: string): BlobKeyring {
    let json: KeyringJson;
    try {
      json = JSON.parse(text) as KeyringJson;
    } catch {
      throw new KeyringError(`blob keyring in ${where} is not JSON`);
    }
    return new BlobKeyring(json);
  }
}

export interface BlobEncryptionConfig {
  keyFile: string;
  keyring: string;
}

/**
 * The keyring the configuration names, or null (plaintext store). The key file must not lie
 * inside the data directory: a copy of the data alone must not be enough to read it.
 */
export function keyringFromConfig(config: BlobEncryptionConfig, dataDir: string): BlobKeyring | null {
  if (config.keyring) return BlobKeyring.parse(config.keyring, 'the environment (blobEncryption.keyring)');
  if (!config.keyFile) return null;
  assertOutside(config.keyFile, dataDir);
  return BlobKeyring.parse(readFileSync(config.keyFile, 'utf8'), config.keyFile);
}

export function assertOutside(keyFile: string, dataDir: string): void {
  const rel = path.relative(path.resolve(dataDir), path.resolve(keyFile));
  if (!rel.startsWith('..') && !path.isAbsolute(rel)) throw new KeyringError(`blob key file ${keyFile} lies inside the data directory; keep it apart from the data`);
}

/** Writes a keyring file atomically with mode 0600. */
export async function writeKeyringFile(file: string, json: KeyringJson): Promise<void> {
  await fs.mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await fs.open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(JSON.stringify(json, null, 2) + '\n');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temp, file);
}
