/**
 * Onboarding (SPEC Art. 2): public applications, the unit admin's review, allocation by the
 * department, one-time activation links and activation itself. Every state change goes through
 * the life-cycle module (history + audit); permissions are asked by the callers (HTTP routes,
 * CLI) through policy.ts before they call in here.
 *
 * Activation links: a random 32-byte token; the database keeps only its SHA-256, so a copy of
 * the database yields no usable link. A new link revokes the earlier ones of the account. The
 * applicant has no mailbox yet, so the link is shown to the administrator who allocated (to
 * hand over, recorded in the audit log) and mailed to the unit's administrators.
 */
import { ID_HASH_SCHEME, type IdCardHasher } from './id-card-hash.js';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { AuthService } from '../../auth/auth-service.js';
import type { GovmailConfig } from '../../config/schema.js';
import type { DeliveryService } from '../../delivery/delivery-service.js';
import type { Clock } from '../../platform/clock.js';
import { randomToken, sha256Hex } from '../../platform/crypto.js';
import type { Account, AccountApplication, AccountState, Database, Role } from '../../storage/database.js';
import type { AuditLog } from '../audit/audit-log.js';
import { checkRoleSeparation, DirectoryError, pinyinOf, type DirectoryService } from '../directory/directory-service.js';
import type { ApplicationDocuments, DocumentType } from './application-documents.js';
import { sniffDocumentType } from './application-documents.js';
import { isMobile } from './id-card.js';
import { IllegalTransition, type AccountLifecycle, type LifecycleActor } from './lifecycle.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Unambiguous characters for tracking codes (no 0/O, 1/I/L). */
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

export class ActivationError extends Error {
  override name = 'ActivationError';
  constructor(readonly code: 'invalid' | 'expired' | 'work_id') {
    super(`activation refused: ${code}`);
  }
}

export interface ApplyInput {
  displayName: string;
  unitId: number;
  title: string;
  workId: string;
  mobile: string;
  reason: string;
  regulationVersion: string;
  document: { content: Buffer; name: string };
  ip: string | null;
}

export interface ActivationLink {
  /** `/activate/<token>`: works on whichever host the person opens. */
  path: string;
  url: string;
  expiresAt: number;
}

export interface PendingAccountInput {
  displayName: string;
  unitId: number;
  address: string;
  title?: string | null;
  workId: string;
  mobile?: string | null;
  idCardHash?: string | null;
  quotaBytes?: number;
  roles?: Role[];
  applicationId?: number | null;
}

export function trackingCode(): string {
  const bytes = randomBytes(12);
  const chars = [...bytes].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
}


export class OnboardingService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly directory: DirectoryService,
    private readonly auth: AuthService,
    private readonly lifecycle: AccountLifecycle,
    private readonly audit: AuditLog,
    private readonly delivery: DeliveryService,
    private readonly documents: ApplicationDocuments,
    private readonly clock: Clock,
    private readonly config: Pick<GovmailConfig, 'domains' | 'hostname' | 'defaultQuotaBytes' | 'onboarding'>,
    /** ID-card numbers, keyed hash under the server secret (id-card-hash.ts). */
    readonly idCards: IdCardHasher,
  ) {}

  get primaryDomain(): string {
    return this.config.domains[0]!;
  }

  // ── applications ───────────────────────────────────────────────────────────────────

  /** Files a public application (SPEC Art. 2.1–2.2). Returns its tracking code. */
  async apply(input: ApplyInput): Promise<{ trackingCode: string; id: number }> {
    const unit = await this.db.selectFrom('units').select(['id', 'code']).where('id', '=', input.unitId).executeTakeFirst();
    if (!unit) throw new DirectoryError('INVALID', '请选择所在单位');
    if (!isMobile(input.mobile)) throw new DirectoryError('INVALID', '手机号码格式不正确');
    if (input.document.content.length > this.config.onboarding.maxDocumentBytes) throw new DirectoryError('INVALID', `证明文件不能超过 ${Math.floor(this.config.onboarding.maxDocumentBytes / 1024 / 1024)} MB`);
    const type: DocumentType | null = sniffDocumentType(input.document.content);
    if (!type) throw new DocumentTypeError();
    const file = await this.documents.save(input.document.content, type);
    const now = this.clock.now();
    const code = trackingCode();
    const row = await this.db
      .insertInto('account_applications')
      .values({
        tracking_code: code,
        state: 'applied',
        display_name: input.displayName.trim(),
        unit_id: unit.id,
        title: input.title.trim(),
        work_id: input.workId.trim(),
        mobile: input.mobile.trim(),
        reason: input.reason.trim(),
        document_file: file,
        document_type: type,
        document_name: input.document.name.slice(0, 200),
        document_size: input.document.content.length,
        regulation_version: input.regulationVersion,
        regulation_accepted_at: now,
        reviewed_by: null,
        reviewed_at: null,
        reject_reason: null,
        account_id: null,
        ip: input.ip,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await this.lifecycle.recordCreation(
      { applicationId: row.id, target: `application:${code}`, state: 'applied' },
      'apply',
      { actor: { address: 'applicant', ip: input.ip, via: 'web' }, details: { unit: unit.code, regulationVersion: input.regulationVersion } },
    );
    return { trackingCode: code, id: row.id };
  }

  async applicationByCode(code: string): Promise<(AccountApplication & { unit_name: string; address: string | null }) | undefined> {
    const normalised = code.trim().toUpperCase();
    return this.db
      .selectFrom('account_applications')
      .innerJoin('units', 'units.id', 'account_applications.unit_id')
      .leftJoin('accounts', 'accounts.id', 'account_applications.account_id')
      .selectAll('account_applications')
      .select(['units.name as unit_name', 'accounts.address as address'])
      .where('tracking_code', '=', normalised)
      .executeTakeFirst();
  }

  async getApplication(id: number): Promise<(AccountApplication & { unit_name: string; address: string | null }) | undefined> {
    return this.db
      .selectFrom('account_applications')
      .innerJoin('units', 'units.id', 'account_applications.unit_id')
      .leftJoin('accounts', 'accounts.id', 'account_applications.account_id')
      .selectAll('account_applications')
      .select(['units.name as unit_name', 'accounts.address as address'])
      .where('account_applications.id', '=', id)
      .executeTakeFirst();
  }

  async listApplications(filter: { unitIds: number[]; state?: string; offset: number; limit: number }) {
    if (filter.unitIds.length === 0) return { total: 0, items: [] };
    let query = this.db.selectFrom('account_applications').where('account_applications.unit_id', 'in', filter.unitIds);
    if (filter.state) query = query.where('account_applications.state', '=', filter.state as AccountApplication['state']);
    const total = Number((await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
    const items = await query
      .innerJoin('units', 'units.id', 'account_applications.unit_id')
      .leftJoin('accounts', 'accounts.id', 'account_applications.account_id')
      .selectAll('account_applications')
      .select(['units.name as unit_name', 'accounts.address as address'])
      .orderBy('account_applications.id', 'desc')
      .offset(filter.offset)
      .limit(filter.limit)
      .execute();
    return { total, items };
  }

  readDocument(application: AccountApplication): Promise<Buffer> {
    if (!application.document_file) throw new DirectoryError('NOT_FOUND', 'no document');
    return this.documents.read(application.document_file);
  }

  async approve(application: AccountApplication, who: LifecycleActor, note?: string | null): Promise<void> {
    await this.lifecycle.transitionApplication(application, 'approve', {
      actor: who,
      reason: note ?? null,
      within: async (trx) => {
        await trx.updateTable('account_applications').set({ reviewed_by: who.accountId ?? null, reviewed_at: this.clock.now() }).where('id', '=', application.id).execute();
      },
    });
  }

  async reject(application: AccountApplication, who: LifecycleActor, reason: string): Promise<void> {
    if (!reason.trim()) throw new DirectoryError('INVALID', '请填写驳回理由');
    await this.lifecycle.transitionApplication(application, 'reject', {
      actor: who,
      reason,
      within: async (trx) => {
        await trx.updateTable('account_applications').set({ reviewed_by: who.accountId ?? null, reviewed_at: this.clock.now(), reject_reason: reason.trim() }).where('id', '=', application.id).execute();
      },
    });
  }

  // ── allocation ─────────────────────────────────────────────────────────────────────

  addressTaken(address: string): Promise<boolean> {
    return this.directory.addressTaken(address);
  }

  /** 张伟 → zhangwei@<domain>; taken (or in `reserved`) → zhangwei2, zhangwei3 … */
  async proposeAddress(displayName: string, reserved: ReadonlySet<string> = new Set()): Promise<string> {
    const base = pinyinOf(displayName).full.replace(/[^a-z0-9]/g, '').slice(0, 40) || 'user';
    for (let n = 1; n < 1000; n++) {
      const address = `${base}${n === 1 ? '' : n}@${this.primaryDomain}`;
      if (!reserved.has(address) && !(await this.directory.addressTaken(address))) return address;
    }
    throw new DirectoryError('CONFLICT', `no free address for ${base}`);
  }

  /** Department admin allocates an approved application: account in pending_activation + link. */
  async allocate(application: AccountApplication, input: { address: string; quotaBytes?: number; roles?: Role[] }, who: LifecycleActor): Promise<{ account: Account; link: ActivationLink }> {
    if (application.state !== 'approved') throw new IllegalTransition(application.state, 'allocate');
    const account = await this.createPendingAccount(
      { displayName: application.display_name, unitId: application.unit_id, address: input.address, title: application.title, workId: application.work_id, mobile: application.mobile, quotaBytes: input.quotaBytes, roles: input.roles, applicationId: application.id },
      who,
    );
    await this.lifecycle.transitionApplication(application, 'allocate', {
      actor: who,
      accountId: account.id,
      details: { address: account.address },
      within: async (trx) => {
        await trx.updateTable('account_applications').set({ account_id: account.id }).where('id', '=', application.id).execute();
      },
    });
    const link = await this.issueActivation(account, who);
    return { account, link };
  }

  /** Creates an account in pending_activation with its profile (allocation and bulk import). */
  async createPendingAccount(input: PendingAccountInput, who: LifecycleActor, creation: 'create' | 'import' | null = null): Promise<Account> {
    const roles = input.roles?.length ? input.roles : (['staff'] as Role[]);
    checkRoleSeparation(roles);
    const unit = await this.db.selectFrom('units').select('code').where('id', '=', input.unitId).executeTakeFirst();
    if (!unit) throw new DirectoryError('INVALID', 'unknown unit');
    const account = await this.directory.createAccount(
      { address: input.address, displayName: input.displayName, unitCode: unit.code, roles, title: input.title ?? null, state: 'pending_activation', quotaBytes: input.quotaBytes ?? this.config.defaultQuotaBytes },
      { address: who.address, accountId: who.accountId ?? null, ip: who.ip ?? null, via: who.via === 'cli' ? 'cli' : who.via === 'system' ? 'system' : 'web' },
    );
    await this.db
      .insertInto('account_profiles')
      .values({ account_id: account.id, work_id: input.workId.trim(), mobile: input.mobile ?? null, id_card_hash: input.idCardHash ?? null, id_card_hash_scheme: input.idCardHash ? ID_HASH_SCHEME : null, application_id: input.applicationId ?? null, aup_version: null, aup_accepted_at: null, activated_at: null, updated_at: this.clock.now() })
      .execute();
    if (creation) await this.lifecycle.recordCreation({ accountId: account.id, target: account.address, state: 'pending_activation' }, creation, { actor: who });
    return account;
  }

  // ── activation links ───────────────────────────────────────────────────────────────

  /** A new one-time link for a pending account; earlier unused links stop working. */
  async issueActivation(account: Pick<Account, 'id' | 'address' | 'display_name' | 'unit_id'>, who: LifecycleActor, options: { notify?: boolean } = {}): Promise<ActivationLink> {
    const token = randomToken(32);
    const now = this.clock.now();
    const expiresAt = now + this.config.onboarding.activationLinkDays * DAY_MS;
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('activation_tokens').set({ revoked_at: now }).where('account_id', '=', account.id).where('used_at', 'is', null).where('revoked_at', 'is', null).execute();
      await trx.insertInto('activation_tokens').values({ account_id: account.id, token_hash: sha256Hex(token), issued_by: who.address, created_at: now, expires_at: expiresAt, used_at: null, revoked_at: null }).execute();
    });
    const link = { path: `/activate/${token}`, url: `${this.publicUrl()}/activate/${token}`, expiresAt };
    // Bulk import hands every link to the importer in its report instead of one mail per person.
    const notified = options.notify === false ? [] : await this.mailUnitAdmins(account, link);
    await this.audit.append({
      actor: who.address,
      actorAccountId: who.accountId ?? null,
      action: 'account.activation_link_issued',
      target: account.address,
      ip: who.ip ?? null,
      protocol: who.via,
      // Handed over by the issuing admin and mailed to these unit admins; the token itself is never logged.
      details: { expiresAt, handedTo: who.address, mailedTo: notified },
    });
    return link;
  }

  /** Re-issues the link of an account still pending activation (expired or lost). */
  async reissueActivation(account: Account, who: LifecycleActor): Promise<ActivationLink> {
    await this.lifecycle.transition(account, 'reissue_activation', { actor: who });
    return this.issueActivation(account, who);
  }

  private publicUrl(): string {
    return (this.config.onboarding.publicUrl ?? `https://${this.config.hostname}`).replace(/\/+$/, '');
  }

  /** The unit's administrators (nearest unit up the tree that has one). */
  async unitAdmins(unitId: number): Promise<Pick<Account, 'id' | 'address'>[]> {
    const units = await this.db.selectFrom('units').select(['id', 'parent_id']).execute();
    const parent = new Map(units.map((u) => [u.id, u.parent_id]));
    const seen = new Set<number>();
    for (let id: number | null = unitId; id !== null && !seen.has(id); id = parent.get(id) ?? null) {
      seen.add(id);
      const admins = await this.db.selectFrom('accounts').select(['id', 'address', 'roles']).where('unit_id', '=', id).where('state', '=', 'active').where('roles', 'like', '%"unit_admin"%').execute();
      if (admins.length > 0) return admins.map(({ id: accountId, address }) => ({ id: accountId, address }));
    }
    return [];
  }

  private async mailUnitAdmins(account: Pick<Account, 'address' | 'display_name' | 'unit_id'>, link: ActivationLink): Promise<string[]> {
    const admins = await this.unitAdmins(account.unit_id);
    if (admins.length === 0) return [];
    const until = new Date(link.expiresAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
    const text = [
      `${account.display_name}（${account.address}）的公务邮箱账号已分配，尚待本人激活。`,
      '',
      `激活链接（一次有效，${until} 前使用）：`,
      link.url,
      '',
      '请将链接当面或通过可靠渠道转交本人；激活时须核对工作证号并设置符合要求的密码。',
      '链接过期后可在管理控制台“账号管理”中重新发放。',
    ].join('\r\n');
    const raw = await new MailComposer({
      from: { name: '公务邮箱系统', address: `postmaster@${this.primaryDomain}` },
      to: admins.map((a) => a.address),
      subject: `账号激活链接：${account.display_name}（${account.address}）`,
      text,
      newline: 'win',
    })
      .compile()
      .build();
    await this.delivery.deliver({ envelopeFrom: `postmaster@${this.primaryDomain}`, recipients: admins.map((a) => a.address), raw, submittedBy: null, remoteIp: null, protocol: 'web' });
    return admins.map((a) => a.address);
  }

  // ── activation ─────────────────────────────────────────────────────────────────────

  /** The pending account a link belongs to, or ActivationError (invalid / expired). */
  async activationTarget(token: string): Promise<{ account: Account; expiresAt: number; unitName: string }> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw new ActivationError('invalid');
    const row = await this.db.selectFrom('activation_tokens').selectAll().where('token_hash', '=', sha256Hex(token)).executeTakeFirst();
    if (!row || row.used_at !== null || row.revoked_at !== null) throw new ActivationError('invalid');
    if (row.expires_at <= this.clock.now()) throw new ActivationError('expired');
    const account = await this.db.selectFrom('accounts').selectAll().where('id', '=', row.account_id).executeTakeFirst();
    if (!account || account.state !== 'pending_activation') throw new ActivationError('invalid');
    const unit = await this.db.selectFrom('units').select('name').where('id', '=', account.unit_id).executeTakeFirst();
    return { account, expiresAt: row.expires_at, unitName: unit?.name ?? '' };
  }

  /**
   * Activates (SPEC Art. 2.3): the work-ID number must match, the password must meet the policy,
   * the acceptable-use statement must be accepted. The link is used up in the same transaction.
   */
  async activate(token: string, input: { workId: string; password: string; aupVersion: string }, client: { ip: string | null }): Promise<Account> {
    const { account } = await this.activationTarget(token);
    const profile = await this.db.selectFrom('account_profiles').select('work_id').where('account_id', '=', account.id).executeTakeFirst();
    if (!profile?.work_id || profile.work_id.trim().toUpperCase() !== input.workId.trim().toUpperCase()) {
      await this.audit.append({ actor: account.address, actorAccountId: account.id, action: 'account.activate', outcome: 'failure', target: account.address, ip: client.ip, protocol: 'web', details: { reason: 'work_id' } });
      throw new ActivationError('work_id');
    }
    const violations = await this.auth.checkNewPassword(account, input.password);
    if (violations.length > 0) throw new DirectoryError('POLICY', violations.map((v) => v.message).join('；'));
    const hash = await this.auth.hash(input.password);
    const tokenHash = sha256Hex(token);
    await this.lifecycle.transition(account, 'activate', {
      actor: { address: account.address, accountId: account.id, ip: client.ip, via: 'web' },
      details: { aupVersion: input.aupVersion },
      within: async (trx) => {
        const now = this.clock.now();
        const used = await trx.updateTable('activation_tokens').set({ used_at: now }).where('token_hash', '=', tokenHash).where('used_at', 'is', null).where('revoked_at', 'is', null).executeTakeFirst();
        if (Number(used.numUpdatedRows) !== 1) throw new ActivationError('invalid');
        await trx.updateTable('accounts').set({ password_hash: hash, password_changed_at: now, updated_at: now }).where('id', '=', account.id).execute();
        await this.auth.rememberPassword(account.id, hash, trx);
        await trx.updateTable('account_profiles').set({ aup_version: input.aupVersion, aup_accepted_at: now, activated_at: now, updated_at: now }).where('account_id', '=', account.id).execute();
      },
    });
    return { ...account, state: 'active' satisfies AccountState };
  }
}

/** The uploaded file is not a PDF, JPEG or PNG by its content. */
export class DocumentTypeError extends Error {
  override name = 'DocumentTypeError';
  constructor() {
    super('证明文件须为 PDF、JPG 或 PNG 格式');
  }
}
