/**
 * DKIM (RFC 6376) for mail leaving govmail: one RSA-2048 key per domain (and selector) in the
 * `dkim_keys` table, so every node signs with the same key; the queue sender signs each message
 * just before it is sent, with mailauth's `dkimSign` (relaxed/relaxed, rsa-sha256). A domain
 * without a key is sent unsigned (and logged), never held up.
 *
 * `govmail dkim generate <domain> [--selector s]` makes a key and prints the TXT record to
 * publish at `<selector>._domainkey.<domain>`.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { Kysely } from 'kysely';
import { dkimSign } from 'mailauth';
import type { Clock } from '../../platform/clock.js';
import type { Database } from '../../storage/database.js';
import { SEALED_PREFIX, type BlobKeyring } from '../../storage/blob-keyring.js';

/**
 * Private keys at rest (issue 6): with encryption at rest configured (a blob keyring), the PEM is
 * stored sealed under the keyring's current data key (SM4-CBC + HMAC-SM3, BlobKeyring.sealSecret;
 * the key stays outside the database), `govmail-sealed:v1:<keyId>:…`. A plain PEM from before is
 * still read, and `govmail keys migrate` (sealDkimKeys) seals it.
 */
const DKIM_PURPOSE = 'dkim private key';

export function sealDkimKey(pem: string, keyring: BlobKeyring | null): string {
  return keyring ? keyring.sealSecret(pem, DKIM_PURPOSE) : pem;
}

export function openDkimKey(stored: string, keyring: BlobKeyring | null): string {
  if (!stored.startsWith(SEALED_PREFIX)) return stored;
  if (!keyring) throw new DkimError('the DKIM private key is encrypted at rest but no blob keyring is configured (blobEncryption.keyFile / keyring)');
  return keyring.openSecret(stored, DKIM_PURPOSE);
}

/** Seals every plain (or older-key) DKIM private key under the current key; returns how many. */
export async function sealDkimKeys(db: Kysely<Database>, keyring: BlobKeyring): Promise<number> {
  const rows = await db.selectFrom('dkim_keys').select(['id', 'private_key_pem']).execute();
  let sealed = 0;
  for (const row of rows) {
    if (row.private_key_pem.startsWith(`${SEALED_PREFIX}${keyring.currentId}:`)) continue;
    const next = keyring.sealSecret(openDkimKey(row.private_key_pem, keyring), DKIM_PURPOSE);
    const result = await db.updateTable('dkim_keys').set({ private_key_pem: next }).where('id', '=', row.id).where('private_key_pem', '=', row.private_key_pem).executeTakeFirst();
    sealed += Number(result.numUpdatedRows);
  }
  return sealed;
}

export interface DkimKeyInfo {
  domain: string;
  selector: string;
  publicKeyB64: string;
  /** The DNS name of the record. */
  recordName: string;
  /** The TXT value: `v=DKIM1; k=rsa; p=…`. */
  recordValue: string;
  /** A zone-file line, the value split into strings of at most 255 characters (RFC 1035 §3.3.14). */
  zoneLine: string;
}

export class DkimError extends Error {
  override name = 'DkimError';
}

export function dkimRecord(domain: string, selector: string, publicKeyB64: string): DkimKeyInfo {
  const recordName = `${selector}._domainkey.${domain}`;
  const recordValue = `v=DKIM1; k=rsa; p=${publicKeyB64}`;
  const chunks = recordValue.match(/.{1,255}/g) ?? [];
  return { domain, selector, publicKeyB64, recordName, recordValue, zoneLine: `${recordName}. IN TXT ( ${chunks.map((c) => `"${c}"`).join(' ')} )` };
}

const DOMAIN_RE = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const SELECTOR_RE = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Creates an RSA-2048 key for `domain`/`selector` and makes it the domain's active key. */
export async function generateDkimKey(
  db: Kysely<Database>,
  clock: Clock,
  domainInput: string,
  selectorInput: string,
  options: { replace?: boolean; keyring?: BlobKeyring | null } = {},
): Promise<DkimKeyInfo> {
  const domain = domainInput.trim().toLowerCase();
  const selector = selectorInput.trim().toLowerCase();
  if (!DOMAIN_RE.test(domain)) throw new DkimError(`not a domain name: ${domainInput}`);
  if (!SELECTOR_RE.test(selector)) throw new DkimError(`not a valid selector: ${selectorInput}`);
  const existing = await db.selectFrom('dkim_keys').select('id').where('domain', '=', domain).where('selector', '=', selector).executeTakeFirst();
  if (existing && !options.replace) throw new DkimError(`a key for ${selector}._domainkey.${domain} exists already (use another selector, or --replace)`);
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicB64 = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('dkim_keys').set({ active: 0 }).where('domain', '=', domain).execute();
    if (existing) await tx.deleteFrom('dkim_keys').where('id', '=', existing.id).execute();
    await tx.insertInto('dkim_keys').values({ domain, selector, private_key_pem: sealDkimKey(privatePem, options.keyring ?? null), public_key_b64: publicB64, active: 1, created_at: clock.now() }).execute();
  });
  return dkimRecord(domain, selector, publicB64);
}

export async function listDkimKeys(db: Kysely<Database>): Promise<(DkimKeyInfo & { active: boolean; createdAt: number })[]> {
  const rows = await db.selectFrom('dkim_keys').select(['domain', 'selector', 'public_key_b64', 'active', 'created_at']).orderBy('domain').orderBy('created_at').execute();
  return rows.map((r) => ({ ...dkimRecord(r.domain, r.selector, r.public_key_b64), active: r.active === 1, createdAt: Number(r.created_at) }));
}

export class DkimSigner {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    /** The blob store's keyring: opens sealed private keys (null: plaintext store, plain PEMs only). */
    private readonly keyring: BlobKeyring | null = null,
  ) {}

  /** The message with a DKIM-Signature for `domain` prepended, or unchanged when the domain has no active key. */
  async sign(raw: Buffer, domainInput: string): Promise<{ raw: Buffer; signed: boolean }> {
    const domain = domainInput.toLowerCase();
    const key = await this.db.selectFrom('dkim_keys').selectAll().where('domain', '=', domain).where('active', '=', 1).orderBy('created_at', 'desc').executeTakeFirst();
    if (!key) return { raw, signed: false };
    const signature = { signingDomain: domain, selector: key.selector, privateKey: openDkimKey(key.private_key_pem, this.keyring), algorithm: 'rsa-sha256', canonicalization: 'relaxed/relaxed' };
    // mailauth signs what `signatureData` lists; the top-level fields only set defaults.
    const result = await dkimSign(raw, { ...signature, signTime: new Date(this.clock.now()), signatureData: [signature] });
    if (result.errors.length > 0) throw new DkimError(`DKIM signing failed: ${result.errors.map((e) => e.message).join('; ')}`);
    if (!result.signatures.trim()) throw new DkimError('DKIM signing produced no signature');
    return { raw: Buffer.concat([Buffer.from(result.signatures), raw]), signed: true };
  }
}
