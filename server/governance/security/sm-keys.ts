/**
 * 工作秘密 key directory and the server's check of end-to-end encrypted submissions (SPEC 3.2;
 * NAME=smcrypto). The server stores per account the SM2 public key and two protected copies of
 * the private key (under the 加密口令, under the recovery code) as opaque JSON: it cannot open
 * them, so neither it nor an administrator can read 工作秘密 mail. A replaced key pair stays,
 * flagged retired, so older mail still verifies.
 *
 * HTTP (server/http/routes/sm-keys/) and the web send path call this module; the policy and the
 * password re-check are the route's, the rules about keys are here.
 */
import { sm2 } from 'sm-crypto-v2';
import { ApiError } from '../../../common/errors.js';
import type { OwnSmKey, PublicKeysResult, PutSmKey } from '../../../common/schemas/sm-keys.js';
import { verifyEnvelope, type SecretEnvelope } from '../../../common/secret-envelope.js';
import { buildSecretBody, parseSecretBody } from '../../../common/secret-mime.js';
import { carriesSecretPayload } from '../../delivery/secret-mail.js';
import type { Clock } from '../../platform/clock.js';
import type { Kysely } from 'kysely';
import type { Account, Database } from '../../storage/database.js';

/** States in which a person still receives mail (and so can be an encrypted mail's recipient). */
const RECEIVING = ['active', 'locked', 'suspended', 'deactivating'] as const;

export class SmKeyDirectory {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async own(accountId: number): Promise<OwnSmKey | null> {
    const row = await this.db.selectFrom('sm_keys').selectAll().where('account_id', '=', accountId).where('retired_at', 'is', null).executeTakeFirst();
    if (!row) return null;
    return { publicKey: row.public_key, passphrase: JSON.parse(row.passphrase_blob), recovery: JSON.parse(row.recovery_blob), createdAt: row.created_at, updatedAt: row.updated_at };
  }

  /**
   * Sets up, restores or replaces the account's key. Same public key as the current one: the
   * protected copies are replaced (a new 口令 after a restore with the recovery code). Another
   * public key: the current key is retired and the new one becomes current.
   * Returns what happened, for the audit row.
   */
  async put(accountId: number, input: Omit<PutSmKey, 'password'>): Promise<'setup' | 'restore' | 'replace'> {
    if (!validPublicKey(input.publicKey)) throw new ApiError('validation', 'SM2 公钥不在曲线上', { issues: [{ path: 'publicKey', message: 'SM2 公钥不在曲线上' }] });
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      const current = await trx.selectFrom('sm_keys').select(['id', 'public_key']).where('account_id', '=', accountId).where('retired_at', 'is', null).executeTakeFirst();
      const blobs = { passphrase_blob: JSON.stringify(input.passphrase), recovery_blob: JSON.stringify(input.recovery) };
      if (current && current.public_key === input.publicKey) {
        await trx.updateTable('sm_keys').set({ ...blobs, updated_at: now }).where('id', '=', current.id).execute();
        return 'restore';
      }
      if (current) await trx.updateTable('sm_keys').set({ retired_at: now }).where('id', '=', current.id).execute();
      await trx.insertInto('sm_keys').values({ account_id: accountId, public_key: input.publicKey, ...blobs, created_at: now, updated_at: now, retired_at: null }).execute();
      return current ? 'replace' : 'setup';
    });
  }

  /**
   * Public keys of internal people by address. Anything else — external, unknown, a list or an
   * alias, someone who left, someone without a key — is listed as missing.
   */
  async publicKeys(addresses: readonly string[]): Promise<PublicKeysResult> {
    const wanted = [...new Set(addresses.map((a) => a.trim().toLowerCase()).filter((a) => a.length > 0))];
    if (wanted.length === 0) return { keys: [], missing: [] };
    const rows = await this.db
      .selectFrom('sm_keys')
      .innerJoin('accounts', 'accounts.id', 'sm_keys.account_id')
      .select(['accounts.address', 'accounts.display_name', 'sm_keys.public_key', 'sm_keys.retired_at', 'sm_keys.id'])
      .where('accounts.address', 'in', wanted)
      .where('accounts.state', 'in', [...RECEIVING])
      .orderBy('sm_keys.id', 'desc')
      .execute();
    const keys: PublicKeysResult['keys'] = [];
    for (const address of wanted) {
      const own = rows.filter((r) => r.address === address);
      const current = own.find((r) => r.retired_at === null);
      if (current) keys.push({ address, name: current.display_name, publicKey: current.public_key, retired: own.filter((r) => r.retired_at !== null).map((r) => r.public_key) });
    }
    return { keys, missing: wanted.filter((a) => !keys.some((k) => k.address === a)) };
  }

  /**
   * The web send path's check of an end-to-end encrypted submission: signed by the sender's
   * current key, and the content key wrapped for every recipient and the sender. Whether those
   * wrapped keys were made with the recipients' public keys cannot be checked without their
   * private keys; the sender's browser used the directory, and a wrong one only hurts the sender.
   */
  async checkSubmission(sender: Pick<Account, 'address'>, envelope: SecretEnvelope, recipients: readonly string[]): Promise<void> {
    const { keys, missing } = await this.publicKeys(recipients);
    if (missing.length > 0) throw new ApiError('secret.keys_missing', `以下收件人尚未设置加密证书或不是内部地址，不能发送工作秘密邮件：${missing.join('，')}`, { issues: missing.map((m) => ({ path: 'to', message: m })) });
    const senderKey = (await this.publicKeys([sender.address])).keys[0];
    if (!senderKey) throw new ApiError('secret.keys_missing', '您尚未设置加密证书，请先在 安全设置 → 加密证书 中设置');
    if (envelope.from !== sender.address.toLowerCase()) throw new ApiError('secret.invalid_envelope', '加密邮件的发件人与当前用户不符');
    if (!verifyEnvelope(envelope, senderKey.publicKey)) throw new ApiError('secret.invalid_envelope', '加密邮件的签名无法用您的加密证书验证');
    const uncovered = [...keys.map((k) => k.address), sender.address.toLowerCase()].filter((a) => !envelope.keys[a]);
    if (uncovered.length > 0) throw new ApiError('secret.invalid_envelope', `加密邮件缺少以下收件人的密钥：${uncovered.join('，')}`);
  }
}

/** What the web send path knows of a submission, for the 工作秘密 rules. */
export interface WebSubmission {
  classification: string;
  html: string;
  attachments: readonly unknown[];
  draftParts: readonly unknown[];
  attachMessages: readonly unknown[];
  secretBody?: string | undefined;
}

/**
 * The encrypted body of a web submission, checked (shape rebuilt byte for byte, sender,
 * signature, every recipient covered); undefined when the submission is not encrypted.
 */
export async function checkedSecretBody(directory: SmKeyDirectory, sender: Pick<Account, 'address'>, input: WebSubmission, recipients: readonly string[]): Promise<string | undefined> {
  if (input.secretBody === undefined) return undefined;
  if (input.classification !== '工作秘密') throw new ApiError('validation', '只有工作秘密邮件使用端到端加密');
  const stripped = input.html.replace(/<[^>]*>|&nbsp;|\s/g, '');
  if (stripped !== '' || input.attachments.length + input.draftParts.length + input.attachMessages.length > 0) {
    throw new ApiError('validation', '加密邮件的正文和附件须放在加密内容中');
  }
  let envelope: SecretEnvelope;
  try {
    envelope = parseSecretBody(input.secretBody);
  } catch {
    throw new ApiError('secret.invalid_envelope');
  }
  if (buildSecretBody(envelope) !== input.secretBody) throw new ApiError('secret.invalid_envelope', '加密邮件的格式不符');
  await directory.checkSubmission(sender, envelope, recipients);
  return input.secretBody;
}

/**
 * 工作秘密 from the webmail must be end-to-end encrypted: either the browser sealed it, or it
 * forwards encrypted mail as an attached message (the payload is inside; secret-mail.ts keeps it
 * internal). Anything else would put the secret on the server in plaintext.
 */
export function assertWorkSecretEncrypted(classification: string, raw: Buffer, encrypted: boolean): void {
  if (classification !== '工作秘密' || encrypted || carriesSecretPayload(raw)) return;
  throw new ApiError('secret.encryption_required');
}

function validPublicKey(hex: string): boolean {
  try {
    return sm2.verifyPublicKey(hex);
  } catch {
    return false;
  }
}
