/**
 * The mail domain: every operation on mailboxes and messages, written once and called by
 * IMAP, POP3, SMTP delivery and the webmail alike (the mox model). Each operation runs in one
 * transaction, returns the changes it made, and — after the commit — publishes them on the
 * change feed and removes blob files whose last reference went away.
 *
 * Concurrency: UIDs and MODSEQs are taken with `UPDATE … RETURNING` on the mailbox row, which
 * is atomic on SQLite (one writer) and row-locks on PostgreSQL, so two deliveries never get the
 * same UID (RFC 3501 §2.3.1.1) and MODSEQ only grows (RFC 7162 §3.1).
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Clock } from '../platform/clock.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { Database, Mailbox, MessageRow } from '../storage/database.js';
import type { MailChange } from './changes.js';
import type { ChangeFeed } from './change-feed.js';
import { MailError } from './errors.js';
import { applyFlags, columnsToFlags, flagsToColumns, sameFlags, type FlagMode } from './flags.js';
import { DEFAULT_MAILBOXES, isInbox, normalizeMailboxName, parentNames, SEPARATOR } from './mailbox-names.js';
import type { MessageFields } from './message-fields.js';
import { indexBlob, removeBlob } from './search/search-index.js';
import { uidInRanges, type UidRange } from './uid-ranges.js';

type Tx = Transaction<Database>;

/** `settings` key holding the highest UIDVALIDITY ever handed out. */
const UID_VALIDITY_MARK = 'mail.uid_validity_mark';

export interface Result<T> {
  value: T;
  changes: MailChange[];
}

/** A message ready to be stored: bytes already durable in the blob store, fields parsed once. */
export interface PreparedMessage {
  blobHash: string;
  size: number;
  fields: MessageFields;
}

export interface AppendTarget {
  accountId: number;
  mailboxId: number;
  flags?: readonly string[];
  internalDate?: number;
}

/**
 * Further writes that must commit atomically with an append — the outbound queue rows of a
 * message that also goes to other domains. Each such row holds one blob reference.
 */
export interface AlsoInTransaction {
  extraBlobRefs: number;
  work: (tx: Transaction<Database>) => Promise<void>;
}

export interface AppendedMessage {
  accountId: number;
  mailboxId: number;
  uid: number;
  modseq: number;
  messageRowId: number;
  uidValidity: number;
}

export interface StoreFlagsRequest {
  accountId: number;
  mailboxId: number;
  uids: readonly UidRange[];
  flags: readonly string[];
  mode: FlagMode;
  /** CONDSTORE (RFC 7162 §3.1.3): only change messages whose modseq is not above this. */
  unchangedSince?: number;
}

export interface StoreFlagsOutcome {
  updated: { uid: number; modseq: number; flags: string[] }[];
  /** UIDs left alone because they changed since `unchangedSince` (the MODIFIED response code). */
  modified: number[];
  /** How many of the requested messages exist (fewer than asked: some were expunged meanwhile). */
  matched: number;
}

export interface CopyOutcome {
  uidValidity: number;
  /** Source UID → destination UID, in source order (UIDPLUS COPYUID). */
  mapping: { sourceUid: number; targetUid: number }[];
}

export class MailStore {
  constructor(
    readonly db: Kysely<Database>,
    readonly blobs: BlobStore,
    readonly feed: ChangeFeed,
    readonly clock: Clock,
  ) {}

  // ── running operations ────────────────────────────────────────────────────────────────

  /** Runs `work` in one transaction; after commit publishes changes and frees unreferenced blobs. */
  private async run<T>(work: (tx: Tx, released: string[]) => Promise<Result<T>>): Promise<Result<T>> {
    const released: string[] = [];
    const result = await this.db.transaction().execute((tx) => work(tx, released));
    if (result.changes.length > 0) this.feed.publish(result.changes);
    for (const hash of released) await this.blobs.remove(hash).catch(() => undefined);
    return result;
  }

  // ── blobs ────────────────────────────────────────────────────────────────────────────

  private async addBlobRef(tx: Tx, hash: string, size: number, count = 1): Promise<void> {
    const updated = await tx.updateTable('blobs').set({ ref_count: sql`ref_count + ${count}` }).where('hash', '=', hash).executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) {
      await tx.insertInto('blobs').values({ hash, size, ref_count: count, created_at: this.clock.now() }).execute();
    }
  }

  private async releaseBlobRef(tx: Tx, hash: string, released: string[], count = 1): Promise<void> {
    const row = await tx.updateTable('blobs').set({ ref_count: sql`ref_count - ${count}` }).where('hash', '=', hash).returning('ref_count').executeTakeFirst();
    if (row && row.ref_count <= 0) {
      await removeBlob(tx, hash);
      await tx.deleteFrom('blobs').where('hash', '=', hash).execute();
      released.push(hash);
    }
  }

  // ── mailboxes ───────────────────────────────────────────────────────────────────────

  async listMailboxes(accountId: number): Promise<Mailbox[]> {
    return this.db.selectFrom('mailboxes').selectAll().where('account_id', '=', accountId).orderBy('name').execute();
  }

  async getMailbox(accountId: number, name: string): Promise<Mailbox> {
    const mailbox = await this.findMailbox(this.db, accountId, name);
    if (!mailbox) throw new MailError('NONEXISTENT', `Mailbox does not exist: ${name}`);
    return mailbox;
  }

  async getMailboxById(accountId: number, mailboxId: number): Promise<Mailbox> {
    const mailbox = await this.db.selectFrom('mailboxes').selectAll().where('id', '=', mailboxId).where('account_id', '=', accountId).executeTakeFirst();
    if (!mailbox) throw new MailError('NONEXISTENT', 'Mailbox does not exist');
    return mailbox;
  }

  async findSpecialUse(accountId: number, specialUse: string): Promise<Mailbox | undefined> {
    return this.db.selectFrom('mailboxes').selectAll().where('account_id', '=', accountId).where('special_use', '=', specialUse).executeTakeFirst();
  }

  private async findMailbox(db: Kysely<Database> | Tx, accountId: number, name: string): Promise<Mailbox | undefined> {
    const normalized = normalizeMailboxName(name);
    return db.selectFrom('mailboxes').selectAll().where('account_id', '=', accountId).where('name', '=', normalized).executeTakeFirst();
  }

  private newUidValidity(): number {
    // Seconds since the epoch, as Dovecot does: a re-created mailbox gets a larger value.
    return Math.floor(this.clock.now() / 1000);
  }

  private async insertMailbox(tx: Tx, accountId: number, name: string, specialUse: string | null, changes: MailChange[]): Promise<Mailbox> {
    const existingMax = await tx.selectFrom('mailboxes').select((eb) => eb.fn.max('uid_validity').as('max')).where('account_id', '=', accountId).executeTakeFirst();
    // UIDVALIDITY must differ from any earlier mailbox of the same name (RFC 3501 §2.3.1.1),
    // including a deleted one, which no longer shows in `mailboxes`: a mailbox deleted and
    // re-created in the same second (or after the clock stepped back) would otherwise get the
    // old value back. So every value handed out is recorded, and the next one is above it.
    const mark = await tx.selectFrom('settings').select('value').where('key', '=', UID_VALIDITY_MARK).executeTakeFirst();
    const uidValidity = Math.max(this.newUidValidity(), Number(existingMax?.max ?? 0) + 1, Number(mark?.value ?? 0) + 1);
    await tx
      .insertInto('settings')
      .values({ key: UID_VALIDITY_MARK, value: String(uidValidity) })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(uidValidity) }))
      .execute();
    const mailbox = await tx
      .insertInto('mailboxes')
      .values({ account_id: accountId, name, special_use: specialUse, uid_validity: uidValidity, uid_next: 1, highest_modseq: 1, subscribed: 1, created_at: this.clock.now() })
      .returningAll()
      .executeTakeFirstOrThrow();
    changes.push({ kind: 'mailbox-created', accountId, mailboxId: mailbox.id, name });
    return mailbox;
  }

  /** Creates INBOX and the special-use folders an account needs (idempotent). */
  async ensureDefaultMailboxes(accountId: number): Promise<Result<Mailbox[]>> {
    return this.run(async (tx) => {
      const changes: MailChange[] = [];
      const out: Mailbox[] = [];
      for (const def of DEFAULT_MAILBOXES) {
        const existing = await this.findMailbox(tx, accountId, def.name);
        out.push(existing ?? (await this.insertMailbox(tx, accountId, def.name, def.specialUse, changes)));
      }
      return { value: out, changes };
    });
  }

  /** RFC 3501 §6.3.3 CREATE: missing parents are created too. */
  async createMailbox(accountId: number, name: string, specialUse: string | null = null): Promise<Result<Mailbox>> {
    const normalized = normalizeMailboxName(name.endsWith(SEPARATOR) ? name.slice(0, -1) : name);
    return this.run(async (tx) => {
      const changes: MailChange[] = [];
      if (await this.findMailbox(tx, accountId, normalized)) throw new MailError('ALREADYEXISTS', 'Mailbox already exists');
      for (const parent of parentNames(normalized)) {
        if (!(await this.findMailbox(tx, accountId, parent))) await this.insertMailbox(tx, accountId, parent, null, changes);
      }
      const mailbox = await this.insertMailbox(tx, accountId, normalized, specialUse, changes);
      return { value: mailbox, changes };
    });
  }

  /**
   * RFC 3501 §6.3.4 DELETE. INBOX cannot be deleted; a mailbox with children is refused (as
   * Dovecot does) rather than silently turned into a \Noselect placeholder.
   */
  async deleteMailbox(accountId: number, name: string): Promise<Result<void>> {
    return this.run(async (tx, released) => {
      const mailbox = await this.findMailbox(tx, accountId, name);
      if (!mailbox) throw new MailError('NONEXISTENT', 'Mailbox does not exist');
      if (isInbox(mailbox.name)) throw new MailError('CANNOT', 'INBOX cannot be deleted');
      const children = await this.childrenOf(tx, accountId, mailbox.name);
      if (children.length > 0) throw new MailError('CANNOT', 'Mailbox has children; delete them first');
      const changes: MailChange[] = [];
      await this.removeMessages(tx, mailbox, await tx.selectFrom('messages').selectAll().where('mailbox_id', '=', mailbox.id).execute(), released, changes, false);
      await tx.deleteFrom('mailboxes').where('id', '=', mailbox.id).execute();
      changes.push({ kind: 'mailbox-deleted', accountId, mailboxId: mailbox.id, name: mailbox.name });
      return { value: undefined, changes };
    });
  }

  /**
   * RFC 3501 §6.3.5 RENAME: inferiors move with it. Renaming INBOX moves its messages to a new
   * mailbox and leaves INBOX empty.
   */
  async renameMailbox(accountId: number, from: string, to: string): Promise<Result<Mailbox>> {
    const target = normalizeMailboxName(to);
    return this.run(async (tx) => {
      const changes: MailChange[] = [];
      const source = await this.findMailbox(tx, accountId, from);
      if (!source) throw new MailError('NONEXISTENT', 'Mailbox does not exist');
      if (await this.findMailbox(tx, accountId, target)) throw new MailError('ALREADYEXISTS', 'Target mailbox already exists');
      if (isInbox(target)) throw new MailError('CANNOT', 'Cannot rename to INBOX');
      if (target.startsWith(source.name + SEPARATOR)) throw new MailError('CANNOT', 'Cannot rename a mailbox into itself');
      for (const parent of parentNames(target)) {
        if (!(await this.findMailbox(tx, accountId, parent))) await this.insertMailbox(tx, accountId, parent, null, changes);
      }
      if (isInbox(source.name)) {
        const created = await this.insertMailbox(tx, accountId, target, null, changes);
        const rows = await tx.selectFrom('messages').selectAll().where('mailbox_id', '=', source.id).orderBy('uid').execute();
        await this.copyRows(tx, rows, created, changes, false);
        await this.removeMessages(tx, source, rows, [], changes, true, false, false);
        return { value: created, changes };
      }
      const children = await this.childrenOf(tx, accountId, source.name);
      for (const mailbox of [source, ...children]) {
        const newName = target + mailbox.name.slice(source.name.length);
        await tx.updateTable('mailboxes').set({ name: newName }).where('id', '=', mailbox.id).execute();
        changes.push({ kind: 'mailbox-renamed', accountId, mailboxId: mailbox.id, oldName: mailbox.name, name: newName });
      }
      return { value: { ...source, name: target }, changes };
    });
  }

  async setSubscribed(accountId: number, name: string, subscribed: boolean): Promise<Result<void>> {
    return this.run(async (tx) => {
      const mailbox = await this.findMailbox(tx, accountId, name);
      if (!mailbox) throw new MailError('NONEXISTENT', 'Mailbox does not exist');
      await tx.updateTable('mailboxes').set({ subscribed: subscribed ? 1 : 0 }).where('id', '=', mailbox.id).execute();
      return { value: undefined, changes: [{ kind: 'mailbox-subscribed', accountId, mailboxId: mailbox.id, subscribed }] };
    });
  }

  private async childrenOf(tx: Tx, accountId: number, name: string): Promise<Mailbox[]> {
    const prefix = name + SEPARATOR;
    const rows = await tx.selectFrom('mailboxes').selectAll().where('account_id', '=', accountId).where('name', 'like', likePrefix(prefix)).execute();
    return rows.filter((m) => m.name.startsWith(prefix));
  }

  // ── messages ────────────────────────────────────────────────────────────────────────

  /** Takes `count` UIDs and one MODSEQ for a mailbox, atomically. */
  private async allocate(tx: Tx, mailboxId: number, count: number): Promise<{ firstUid: number; modseq: number; uidValidity: number }> {
    const row = await tx
      .updateTable('mailboxes')
      .set({ uid_next: sql`uid_next + ${count}`, highest_modseq: sql`highest_modseq + 1` })
      .where('id', '=', mailboxId)
      .returning(['uid_next', 'highest_modseq', 'uid_validity'])
      .executeTakeFirst();
    if (!row) throw new MailError('NONEXISTENT', 'Mailbox does not exist');
    return { firstUid: Number(row.uid_next) - count, modseq: Number(row.highest_modseq), uidValidity: Number(row.uid_validity) };
  }

  private async chargeQuota(tx: Tx, accountId: number, bytes: number): Promise<void> {
    if (bytes <= 0) {
      await tx.updateTable('accounts').set({ used_bytes: sql`used_bytes + ${bytes}` }).where('id', '=', accountId).execute();
      return;
    }
    const updated = await tx
      .updateTable('accounts')
      .set({ used_bytes: sql`used_bytes + ${bytes}` })
      .where('id', '=', accountId)
      .where(sql<boolean>`used_bytes + ${bytes} <= quota_bytes`)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw new MailError('OVERQUOTA', 'Mailbox is over its quota');
  }

  /**
   * Stores one prepared message into many mailboxes in one transaction: all or nothing. This
   * is how SMTP delivery to 100 recipients commits before it answers 250.
   */
  async appendMany(message: PreparedMessage, targets: readonly AppendTarget[], also?: AlsoInTransaction): Promise<Result<AppendedMessage[]>> {
    return this.run(async (tx) => {
      const changes: MailChange[] = [];
      const out: AppendedMessage[] = [];
      const extraRefs = also?.extraBlobRefs ?? 0;
      if (targets.length + extraRefs > 0) await this.addBlobRef(tx, message.blobHash, message.size, targets.length + extraRefs);
      if (targets.length > 0) await indexBlob(tx, message.blobHash, message.fields);
      for (const target of targets) {
        out.push(await this.insertMessage(tx, message, target, changes));
      }
      if (also) await also.work(tx);
      return { value: out, changes };
    });
  }

  /** Drops references held outside mailboxes (an outbound queue row that was sent or failed). */
  async releaseExternalRef(hash: string): Promise<void> {
    await this.run(async (tx, released) => {
      await this.releaseBlobRef(tx, hash, released);
      return { value: undefined, changes: [] };
    });
  }

  /** RFC 3501 §6.3.11 APPEND. */
  async append(message: PreparedMessage, target: AppendTarget): Promise<Result<AppendedMessage>> {
    const result = await this.appendMany(message, [target]);
    return { value: result.value[0]!, changes: result.changes };
  }

  private async insertMessage(tx: Tx, message: PreparedMessage, target: AppendTarget, changes: MailChange[]): Promise<AppendedMessage> {
    const owner = await tx.selectFrom('mailboxes').select('account_id').where('id', '=', target.mailboxId).executeTakeFirst();
    if (!owner || owner.account_id !== target.accountId) throw new MailError('NONEXISTENT', 'Mailbox does not exist');
    await this.chargeQuota(tx, target.accountId, message.size);
    const { firstUid: uid, modseq, uidValidity } = await this.allocate(tx, target.mailboxId, 1);
    const f = message.fields;
    const now = this.clock.now();
    const row = await tx
      .insertInto('messages')
      .values({
        mailbox_id: target.mailboxId,
        uid,
        modseq,
        ...flagsToColumns(target.flags ?? []),
        internal_date: target.internalDate ?? now,
        size: message.size,
        blob_hash: message.blobHash,
        from_address: f.fromAddress,
        from_name: f.fromName,
        to_json: JSON.stringify(f.to),
        cc_json: JSON.stringify(f.cc),
        subject: f.subject,
        sent_date: f.sentDate,
        message_id: f.messageId,
        in_reply_to: f.inReplyTo,
        references_json: JSON.stringify(f.references),
        has_attachments: f.attachmentNames.length > 0 ? 1 : 0,
        attachment_names_json: JSON.stringify(f.attachmentNames),
        classification: f.classification,
        importance: f.importance,
        preview: f.preview,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    changes.push({ kind: 'message-added', accountId: target.accountId, mailboxId: target.mailboxId, uid, modseq, messageRowId: row.id });
    return { accountId: target.accountId, mailboxId: target.mailboxId, uid, modseq, messageRowId: row.id, uidValidity };
  }

  async listMessages(accountId: number, mailboxId: number, uids?: readonly UidRange[]): Promise<MessageRow[]> {
    await this.getMailboxById(accountId, mailboxId);
    let query = this.db.selectFrom('messages').selectAll().where('mailbox_id', '=', mailboxId);
    if (uids) query = query.where(uidInRanges(uids));
    return query.orderBy('uid').execute();
  }

  /** RFC 3501 §6.4.6 STORE (and RFC 7162 UNCHANGEDSINCE). */
  async storeFlags(request: StoreFlagsRequest): Promise<Result<StoreFlagsOutcome>> {
    return this.run(async (tx) => {
      const mailbox = await tx.selectFrom('mailboxes').selectAll().where('id', '=', request.mailboxId).where('account_id', '=', request.accountId).executeTakeFirst();
      if (!mailbox) throw new MailError('NONEXISTENT', 'Mailbox does not exist');
      const rows = await tx.selectFrom('messages').selectAll().where('mailbox_id', '=', mailbox.id).where(uidInRanges(request.uids)).orderBy('uid').execute();
      const outcome: StoreFlagsOutcome = { updated: [], modified: [], matched: rows.length };
      const toChange: { row: MessageRow; flags: string[] }[] = [];
      for (const row of rows) {
        if (request.unchangedSince !== undefined && row.modseq > request.unchangedSince) {
          outcome.modified.push(row.uid);
          continue;
        }
        const current = columnsToFlags(row);
        const next = applyFlags(current, request.flags, request.mode);
        if (!sameFlags(current, next)) toChange.push({ row, flags: next });
      }
      const changes: MailChange[] = [];
      if (toChange.length > 0) {
        const { modseq } = await this.allocate(tx, mailbox.id, 0);
        for (const { row, flags } of toChange) {
          await tx.updateTable('messages').set({ ...flagsToColumns(flags), modseq }).where('id', '=', row.id).execute();
          outcome.updated.push({ uid: row.uid, modseq, flags });
          changes.push({ kind: 'flags-changed', accountId: request.accountId, mailboxId: mailbox.id, uid: row.uid, modseq, flags });
        }
      }
      return { value: outcome, changes };
    });
  }

  /** `chargeQuota` is false for a move within one account: its usage does not change. */
  private async copyRows(tx: Tx, rows: readonly MessageRow[], target: Mailbox, changes: MailChange[], chargeQuota = true): Promise<CopyOutcome> {
    const mapping: CopyOutcome['mapping'] = [];
    if (rows.length === 0) return { uidValidity: Number(target.uid_validity), mapping };
    const total = rows.reduce((sum, r) => sum + Number(r.size), 0);
    if (chargeQuota) await this.chargeQuota(tx, target.account_id, total);
    const { firstUid, modseq, uidValidity } = await this.allocate(tx, target.id, rows.length);
    let uid = firstUid;
    for (const row of rows) {
      const { id: _id, mailbox_id: _m, uid: sourceUid, modseq: _s, created_at: _c, ...rest } = row;
      await this.addBlobRef(tx, row.blob_hash, Number(row.size));
      const inserted = await tx
        .insertInto('messages')
        .values({ ...rest, mailbox_id: target.id, uid, modseq, created_at: this.clock.now() })
        .returning('id')
        .executeTakeFirstOrThrow();
      changes.push({ kind: 'message-added', accountId: target.account_id, mailboxId: target.id, uid, modseq, messageRowId: inserted.id });
      mapping.push({ sourceUid, targetUid: uid });
      uid++;
    }
    return { uidValidity, mapping };
  }

  private async loadPair(tx: Tx, accountId: number, sourceId: number, targetId: number): Promise<[Mailbox, Mailbox]> {
    const source = await tx.selectFrom('mailboxes').selectAll().where('id', '=', sourceId).where('account_id', '=', accountId).executeTakeFirst();
    const target = await tx.selectFrom('mailboxes').selectAll().where('id', '=', targetId).where('account_id', '=', accountId).executeTakeFirst();
    if (!source) throw new MailError('NONEXISTENT', 'Mailbox does not exist');
    // RFC 3501 §6.4.7: a missing destination gets NO [TRYCREATE].
    if (!target) throw new MailError('NONEXISTENT', 'Destination mailbox does not exist');
    return [source, target];
  }

  /** RFC 3501 §6.4.7 COPY / RFC 4315 COPYUID. */
  async copyMessages(accountId: number, sourceId: number, uids: readonly UidRange[], targetId: number): Promise<Result<CopyOutcome>> {
    return this.run(async (tx) => {
      const [source, target] = await this.loadPair(tx, accountId, sourceId, targetId);
      const rows = await tx.selectFrom('messages').selectAll().where('mailbox_id', '=', source.id).where(uidInRanges(uids)).orderBy('uid').execute();
      const changes: MailChange[] = [];
      const value = await this.copyRows(tx, rows, target, changes);
      return { value, changes };
    });
  }

  /** RFC 6851 MOVE: copy, then expunge the originals, in one transaction. */
  async moveMessages(accountId: number, sourceId: number, uids: readonly UidRange[], targetId: number): Promise<Result<CopyOutcome>> {
    return this.run(async (tx, released) => {
      const [source, target] = await this.loadPair(tx, accountId, sourceId, targetId);
      const rows = await tx.selectFrom('messages').selectAll().where('mailbox_id', '=', source.id).where(uidInRanges(uids)).orderBy('uid').execute();
      const changes: MailChange[] = [];
      if (source.id === target.id) return { value: { uidValidity: Number(target.uid_validity), mapping: [] }, changes };
      // Quota is per account and both mailboxes are this account's: a move must not need room
      // for a second copy (an account at 60% could otherwise not file its mail).
      const value = await this.copyRows(tx, rows, target, changes, false);
      await this.removeMessages(tx, source, rows, released, changes, true, true, false);
      return { value, changes };
    });
  }

  /**
   * RFC 3501 §6.4.3 EXPUNGE / RFC 4315 UID EXPUNGE: removes messages flagged \Deleted (only
   * those in `uids` when given). Returns the expunged UIDs in ascending order.
   */
  async expunge(accountId: number, mailboxId: number, uids?: readonly UidRange[]): Promise<Result<number[]>> {
    return this.run(async (tx, released) => {
      const mailbox = await tx.selectFrom('mailboxes').selectAll().where('id', '=', mailboxId).where('account_id', '=', accountId).executeTakeFirst();
      if (!mailbox) throw new MailError('NONEXISTENT', 'Mailbox does not exist');
      let query = tx.selectFrom('messages').selectAll().where('mailbox_id', '=', mailbox.id).where('deleted', '=', 1);
      if (uids) query = query.where(uidInRanges(uids));
      const rows = await query.orderBy('uid').execute();
      const changes: MailChange[] = [];
      await this.removeMessages(tx, mailbox, rows, released, changes, true);
      return { value: rows.map((r) => r.uid), changes };
    });
  }

  /**
   * Removes every copy of one message from every mailbox of every account (an incident's purge,
   * SPEC Art. 4.3), selected by its Message-ID header or by its blob hash. One transaction:
   * each mailbox gets a new MODSEQ and `message-expunged` changes (IMAP sessions see EXPUNGE,
   * the webmail's live updates drop it), quotas are credited and blob references released, the
   * file going when the last reference does. Returns the removed rows (accounts, mailboxes, UIDs).
   */
  async purgeEverywhere(selector: { messageId: string } | { blobHash: string }): Promise<Result<{ accountId: number; mailboxId: number; uid: number; messageRowId: number }[]>> {
    return this.run(async (tx, released) => {
      let query = tx.selectFrom('messages').selectAll();
      query = 'messageId' in selector ? query.where('message_id', '=', selector.messageId) : query.where('blob_hash', '=', selector.blobHash);
      const rows = await query.orderBy('mailbox_id').orderBy('uid').execute();
      const byMailbox = new Map<number, MessageRow[]>();
      for (const row of rows) byMailbox.set(row.mailbox_id, [...(byMailbox.get(row.mailbox_id) ?? []), row]);
      const changes: MailChange[] = [];
      const removed: { accountId: number; mailboxId: number; uid: number; messageRowId: number }[] = [];
      for (const [mailboxId, list] of byMailbox) {
        const mailbox = await tx.selectFrom('mailboxes').selectAll().where('id', '=', mailboxId).executeTakeFirstOrThrow();
        await this.removeMessages(tx, mailbox, list, released, changes, true);
        for (const row of list) removed.push({ accountId: mailbox.account_id, mailboxId, uid: row.uid, messageRowId: row.id });
      }
      return { value: removed, changes };
    });
  }

  private async removeMessages(tx: Tx, mailbox: Mailbox, rows: readonly MessageRow[], released: string[], changes: MailChange[], report: boolean, freeBlobs = true, creditQuota = true): Promise<void> {
    if (rows.length === 0) return;
    const { modseq } = await this.allocate(tx, mailbox.id, 0);
    let bytes = 0;
    for (const row of rows) {
      await tx.deleteFrom('messages').where('id', '=', row.id).execute();
      bytes += Number(row.size);
      await this.releaseBlobRef(tx, row.blob_hash, freeBlobs ? released : []);
      if (report) changes.push({ kind: 'message-expunged', accountId: mailbox.account_id, mailboxId: mailbox.id, uid: row.uid, modseq });
    }
    if (creditQuota) await this.chargeQuota(tx, mailbox.account_id, -bytes);
  }

  /** Reads a message's raw bytes, checking that it belongs to the account. */
  async readRaw(accountId: number, messageRowId: number): Promise<Buffer> {
    const row = await this.db
      .selectFrom('messages')
      .innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id')
      .select('messages.blob_hash')
      .where('messages.id', '=', messageRowId)
      .where('mailboxes.account_id', '=', accountId)
      .executeTakeFirst();
    if (!row) throw new MailError('NONEXISTENT', 'Message does not exist');
    return this.blobs.get(row.blob_hash);
  }

  /**
   * Deletes every mailbox and message of an account (SPEC Art. 3.6: the purge after the retention
   * period), INBOX included. Blob references are released like any expunge, so a notice others
   * still hold stays and a file nobody holds goes. Returns what went (for the audit row).
   */
  async purgeAccountMail(accountId: number): Promise<Result<{ mailboxes: number; messages: number; bytes: number; blobsReleased: number }>> {
    return this.run(async (tx, released) => {
      const mailboxes = await tx.selectFrom('mailboxes').selectAll().where('account_id', '=', accountId).execute();
      const changes: MailChange[] = [];
      let messages = 0;
      let bytes = 0;
      for (const mailbox of mailboxes) {
        const rows = await tx.selectFrom('messages').selectAll().where('mailbox_id', '=', mailbox.id).execute();
        messages += rows.length;
        for (const row of rows) bytes += Number(row.size);
        await this.removeMessages(tx, mailbox, rows, released, changes, false);
        await tx.deleteFrom('mailboxes').where('id', '=', mailbox.id).execute();
        changes.push({ kind: 'mailbox-deleted', accountId, mailboxId: mailbox.id, name: mailbox.name });
      }
      await tx.updateTable('accounts').set({ used_bytes: 0 }).where('id', '=', accountId).execute();
      return { value: { mailboxes: mailboxes.length, messages, bytes, blobsReleased: released.length }, changes };
    });
  }

  async quota(accountId: number): Promise<{ usedBytes: number; quotaBytes: number }> {
    const row = await this.db.selectFrom('accounts').select(['used_bytes', 'quota_bytes']).where('id', '=', accountId).executeTakeFirstOrThrow();
    return { usedBytes: Number(row.used_bytes), quotaBytes: Number(row.quota_bytes) };
  }
}

/** Turns `%` and `_` into single-character wildcards; callers re-check matches exactly. */
function likePrefix(value: string): string {
  return value.replace(/[%_]/g, '_') + '%';
}
