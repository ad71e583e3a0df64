/**
 * The IMAP session interface (session.ts) implemented over the mail domain. This is the only
 * IMAP file that imports server/mail: commands stay protocol code, and the mail domain knows
 * nothing of IMAP.
 */
import type { Services } from '../services.js';
import type { Account } from '../storage/database.js';
import type { MailChange } from '../mail/changes.js';
import { MailError } from '../mail/errors.js';
import { columnsToFlags } from '../mail/flags.js';
import { iterateMessages, listUids, mailboxCounts, MESSAGE_SEARCH_COLUMNS, MESSAGE_VIEW_COLUMNS, type MessageViewRow } from '../mail/message-queries.js';
import { claimRecent } from '../mail/recent.js';
import { uidRangesOf, type UidRange } from '../mail/uid-ranges.js';
import { isInbox } from '../mail/mailbox-names.js';
import { parseMessageFields } from '../mail/message-fields.js';
import { searchMessages } from '../mail/search/search-index.js';
import { parseMimeTree, type MimePart } from '../mail/mime/mime-tree.js';
import { buildEnvelope, envelopeNode } from '../mail/mime/envelope.js';
import { buildBodyStructure } from '../mail/mime/bodystructure.js';
import { decodePartBody, extractSection, findPart } from '../mail/mime/sections.js';
import type { BodySection } from './wire/fetch-parser.js';
import { ImapError, no } from './imap-error.js';
import type {
  AuthenticatedSession,
  CopyOutcomeView,
  LoginContext,
  MailboxListing,
  MailboxStatus,
  MailboxUpdate,
  MessageView,
  NotAuthenticatedSession,
  SearchableFields,
  SelectedMailbox,
} from './session.js';
import type { Mailbox } from '../storage/database.js';

/** Mail-domain errors → IMAP response codes (RFC 5530). */
function mapMailError(err: unknown): never {
  if (err instanceof MailError) {
    switch (err.code) {
      case 'NONEXISTENT':
        throw no('NONEXISTENT', err.message);
      case 'ALREADYEXISTS':
        throw no('ALREADYEXISTS', err.message);
      case 'OVERQUOTA':
        throw no('OVERQUOTA', '邮箱空间已满 (mailbox is over quota)');
      case 'TOOBIG':
        throw no('TOOBIG', err.message);
      case 'CANNOT':
      case 'INVALID_NAME':
        throw no('CANNOT', err.message);
      case 'MODIFIED':
        throw no(null, err.message);
    }
  }
  throw err;
}

async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    return mapMailError(err);
  }
}

export class MailNotAuthenticatedSession implements NotAuthenticatedSession {
  constructor(private readonly services: Services) {}

  async login(username: string, password: string, context: LoginContext): Promise<AuthenticatedSession> {
    const result = await this.services.auth.authenticate({ login: username, password, protocol: 'imap', ip: context.ip, client: context.client });
    if (!result.ok) {
      // RFC 5530: say why in words people can act on, with [ALERT] when it is not a typo.
      if (result.reason === 'invalid') throw no('AUTHENTICATIONFAILED', result.message);
      throw no('ALERT', result.message);
    }
    return new MailAuthenticatedSession(this.services, result.account);
  }
}

export class MailAuthenticatedSession implements AuthenticatedSession {
  readonly accountId: number;
  readonly address: string;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: () => void;
  /** Changes for this account, consumed by the selected mailbox. */
  readonly changeSinks = new Set<(changes: readonly MailChange[]) => void>();

  constructor(
    readonly services: Services,
    account: Account,
  ) {
    this.accountId = account.id;
    this.address = account.address;
    this.unsubscribe = services.feed.subscribe(account.id, (changes) => {
      for (const sink of this.changeSinks) sink(changes);
      for (const listener of this.listeners) listener();
    });
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async listMailboxes(): Promise<MailboxListing[]> {
    const mailboxes = await this.services.mail.listMailboxes(this.accountId);
    const names = new Set(mailboxes.map((m) => m.name));
    const hasChild = (name: string) => mailboxes.some((m) => m.name.startsWith(name + '/'));
    // INBOX first, then the rest by name: clients show the list in this order.
    const ordered = [...mailboxes].sort((a, b) => (a.name === 'INBOX' ? -1 : b.name === 'INBOX' ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return ordered
      .filter((m) => names.has(m.name))
      .map((m) => ({ name: m.name, specialUse: m.special_use, subscribed: m.subscribed === 1, hasChildren: hasChild(m.name) }));
  }

  async createMailbox(name: string): Promise<void> {
    await guard(() => this.services.mail.createMailbox(this.accountId, name));
  }

  async deleteMailbox(name: string): Promise<void> {
    await guard(() => this.services.mail.deleteMailbox(this.accountId, name));
  }

  async renameMailbox(from: string, to: string): Promise<void> {
    await guard(() => this.services.mail.renameMailbox(this.accountId, from, to));
  }

  async setSubscribed(name: string, subscribed: boolean): Promise<void> {
    await guard(() => this.services.mail.setSubscribed(this.accountId, name, subscribed));
  }

  private async mailbox(name: string): Promise<Mailbox> {
    return guard(() => this.services.mail.getMailbox(this.accountId, name));
  }

  async status(name: string): Promise<MailboxStatus> {
    const mailbox = await this.mailbox(name);
    const counts = await mailboxCounts(this.services.db, mailbox.id);
    const recent = await this.services.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('mailbox_id', '=', mailbox.id)
      .where('uid', '>=', Number(mailbox.first_recent_uid))
      .executeTakeFirst();
    return {
      messages: counts.messages,
      recent: Number(recent?.n ?? 0),
      uidNext: Number(mailbox.uid_next),
      uidValidity: Number(mailbox.uid_validity),
      unseen: counts.unseen,
      highestModseq: Number(mailbox.highest_modseq),
      sizeBytes: counts.sizeBytes,
    };
  }

  async append(name: string, raw: Buffer, flags: string[], internalDate: number | null): Promise<{ uidValidity: number; uid: number }> {
    const mailbox = await guard(() => this.services.mail.getMailbox(this.accountId, name)).catch((err: unknown) => {
      // RFC 3501 §6.3.11: a missing target mailbox gets NO [TRYCREATE].
      if (err instanceof ImapError && err.code === 'NONEXISTENT') throw no('TRYCREATE', 'Mailbox does not exist');
      throw err;
    });
    const quota = await this.services.mail.quota(this.accountId);
    if (quota.usedBytes + raw.length > quota.quotaBytes) throw no('OVERQUOTA', '邮箱空间已满 (mailbox is over quota)');
    // Durable before the tagged OK: the blob is fsynced, then the row commits.
    const blobHash = await this.services.blobs.put(raw);
    const fields = await parseMessageFields(raw);
    const result = await guard(() =>
      this.services.mail.append({ blobHash, size: raw.length, fields }, { accountId: this.accountId, mailboxId: mailbox.id, flags, internalDate: internalDate ?? this.services.clock.now() }),
    );
    return { uidValidity: result.value.uidValidity, uid: result.value.uid };
  }

  async select(name: string, readOnly: boolean): Promise<SelectedMailbox> {
    const mailbox = await this.mailbox(name);
    const selected = new MailSelectedMailbox(this, mailbox, readOnly);
    await selected.open();
    return selected;
  }

  async quota(): Promise<{ usedBytes: number; quotaBytes: number }> {
    return this.services.mail.quota(this.accountId);
  }

  async logout(): Promise<void> {
    this.unsubscribe();
    this.listeners.clear();
    this.changeSinks.clear();
  }
}

function binarySearch(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (v === value) return mid;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export class MailSelectedMailbox implements SelectedMailbox {
  readonly name: string;
  readonly uidValidity: number;
  private uidList: number[] = [];
  private recent = new Set<number>();
  private pending: MailChange[] = [];
  private readonly own = new WeakSet<MailChange>();
  private nextUid: number;
  private modseq: number;
  private readonly sink: (changes: readonly MailChange[]) => void;

  constructor(
    private readonly session: MailAuthenticatedSession,
    private readonly mailbox: Mailbox,
    readonly readOnly: boolean,
  ) {
    this.name = mailbox.name;
    this.uidValidity = Number(mailbox.uid_validity);
    this.nextUid = Number(mailbox.uid_next);
    this.modseq = Number(mailbox.highest_modseq);
    this.sink = (changes) => {
      for (const change of changes) {
        if ('mailboxId' in change && change.mailboxId === this.mailbox.id) this.pending.push(change);
      }
    };
  }

  private get services() {
    return this.session.services;
  }

  async open(): Promise<void> {
    // Subscribe before reading the UID list so no change falls between the two; changes
    // already reflected in the list are recognised and skipped in takeUpdates.
    this.session.changeSinks.add(this.sink);
    const fresh = await this.services.db.selectFrom('mailboxes').selectAll().where('id', '=', this.mailbox.id).executeTakeFirstOrThrow();
    this.uidList = await listUids(this.services.db, this.mailbox.id);
    this.nextUid = Number(fresh.uid_next);
    this.modseq = Number(fresh.highest_modseq);
    if (!this.readOnly) {
      const first = await claimRecent(this.services.db, this.mailbox.id, this.nextUid);
      if (first !== null) for (const uid of this.uidList) if (uid >= first) this.recent.add(uid);
    }
  }

  uidNext = () => this.nextUid;
  highestModseq = () => this.modseq;
  count = () => this.uidList.length;
  uidAt = (seq: number) => this.uidList[seq - 1];
  uids = (): readonly number[] => this.uidList;
  recentCount = () => this.recent.size;
  isRecent = (uid: number) => this.recent.has(uid);

  seqOf(uid: number): number | undefined {
    const index = binarySearch(this.uidList, uid);
    return index < 0 ? undefined : index + 1;
  }

  async firstUnseenSeq(): Promise<number | null> {
    const counts = await mailboxCounts(this.services.db, this.mailbox.id);
    return counts.firstUnseenUid === null ? null : (this.seqOf(counts.firstUnseenUid) ?? null);
  }

  async permanentKeywords(): Promise<string[]> {
    return [];
  }

  private view(row: MessageViewRow): MessageView {
    const blobs = this.services.blobs;
    // Raw bytes and the MIME tree are read at most once per message per command.
    let raw: Promise<Buffer> | undefined;
    let tree: Promise<{ bytes: Buffer; tree: MimePart }> | undefined;
    const readRaw = () => (raw ??= blobs.get(row.blob_hash));
    const parsed = () => (tree ??= readRaw().then((bytes) => ({ bytes, tree: parseMimeTree(bytes) })));
    return {
      uid: Number(row.uid),
      flags: columnsToFlags(row),
      internalDate: Number(row.internal_date),
      size: Number(row.size),
      modseq: Number(row.modseq),
      recent: this.recent.has(Number(row.uid)),
      blobHash: row.blob_hash,
      readRaw,
      envelope: async () => {
        const { bytes, tree: t } = await parsed();
        return envelopeNode(t.envelope ?? buildEnvelope(bytes, t));
      },
      bodyStructure: async (extended: boolean) => buildBodyStructure((await parsed()).tree, { extended }),
      section: async (section: BodySection) => {
        const { bytes, tree: t } = await parsed();
        return extractSection(bytes, t, { part: section.part, text: section.text ?? null, fields: (section.fields ?? []).map((f) => f.toLowerCase()) });
      },
      binary: async (part: number[]) => {
        const { bytes, tree: t } = await parsed();
        const found = findPart(t, part);
        if (!found) return Buffer.alloc(0);
        const encoding = (found.encoding ?? '7bit').toLowerCase();
        if (!['7bit', '8bit', 'binary', 'base64', 'quoted-printable'].includes(encoding)) return null;
        return decodePartBody(bytes, found);
      },
    };
  }

  async *messages(uids: readonly UidRange[]): AsyncIterable<MessageView> {
    for await (const row of iterateMessages(this.services.db, this.mailbox.id, uids, MESSAGE_VIEW_COLUMNS)) yield this.view(row);
  }

  async *searchable(uids: readonly UidRange[], options: { fields: boolean }): AsyncIterable<MessageView & { fields: SearchableFields }> {
    if (!options.fields) {
      const none: SearchableFields = { subject: '', from: '', to: '', cc: '', sentDate: null };
      for await (const row of iterateMessages(this.services.db, this.mailbox.id, uids, MESSAGE_VIEW_COLUMNS)) yield { ...this.view(row), fields: none };
      return;
    }
    const joinAddresses = (json: string) =>
      (JSON.parse(json) as { name: string; address: string }[]).map((a) => `${a.name} <${a.address}>`).join(', ');
    for await (const row of iterateMessages(this.services.db, this.mailbox.id, uids, MESSAGE_SEARCH_COLUMNS)) {
      yield {
        ...this.view(row),
        fields: {
          subject: row.subject ?? '',
          from: `${row.from_name ?? ''} <${row.from_address ?? ''}>`,
          to: joinAddresses(row.to_json),
          cc: joinAddresses(row.cc_json),
          sentDate: row.sent_date === null ? null : Number(row.sent_date),
        },
      };
    }
  }

  /**
   * SEARCH text keys through the Chinese-aware full-text index (server/mail/search): BODY and
   * TEXT, and SUBJECT/FROM/TO/CC with Chinese words. BCC is not indexed: null means "scan".
   */
  async fullText(field: 'text' | 'body' | 'subject' | 'from' | 'to' | 'cc' | 'bcc', query: string): Promise<Set<number> | null> {
    if (field === 'bcc') return null;
    const rows = await searchMessages(this.services.db, { accountId: this.session.accountId, mailboxId: this.mailbox.id, [field]: query });
    return new Set(rows.map((r) => Number(r.uid)));
  }

  private assertWritable(): void {
    if (this.readOnly) throw no(null, 'Mailbox is read-only (selected with EXAMINE)');
  }

  async store(uids: readonly UidRange[], flags: string[], mode: 'set' | 'add' | 'remove', unchangedSince?: number) {
    this.assertWritable();
    const result = await guard(() =>
      this.services.mail.storeFlags({ accountId: this.session.accountId, mailboxId: this.mailbox.id, uids, flags, mode, ...(unchangedSince !== undefined ? { unchangedSince } : {}) }),
    );
    for (const change of result.changes) this.own.add(change);
    for (const u of result.value.updated) this.modseq = Math.max(this.modseq, u.modseq);
    return result.value;
  }

  async markSeen(uids: readonly number[]): Promise<void> {
    if (this.readOnly || uids.length === 0) return;
    const result = await guard(() =>
      this.services.mail.storeFlags({ accountId: this.session.accountId, mailboxId: this.mailbox.id, uids: uidRangesOf(uids), flags: ['\\Seen'], mode: 'add' }),
    );
    // The FETCH response that caused it already carries FLAGS; others learn from the feed.
    for (const change of result.changes) this.own.add(change);
  }

  private async target(name: string): Promise<Mailbox> {
    try {
      return await this.services.mail.getMailbox(this.session.accountId, name);
    } catch (err) {
      if (err instanceof MailError && err.code === 'NONEXISTENT') throw no('TRYCREATE', 'Destination mailbox does not exist');
      return mapMailError(err);
    }
  }

  async copy(uids: readonly UidRange[], targetName: string): Promise<CopyOutcomeView> {
    const target = await this.target(targetName);
    const result = await guard(() => this.services.mail.copyMessages(this.session.accountId, this.mailbox.id, uids, target.id));
    return result.value;
  }

  async move(uids: readonly UidRange[], targetName: string): Promise<CopyOutcomeView> {
    this.assertWritable();
    const target = await this.target(targetName);
    const result = await guard(() => this.services.mail.moveMessages(this.session.accountId, this.mailbox.id, uids, target.id));
    return result.value;
  }

  async expunge(uids?: readonly UidRange[]): Promise<number[]> {
    this.assertWritable();
    const result = await guard(() => this.services.mail.expunge(this.session.accountId, this.mailbox.id, uids));
    return result.value;
  }

  /**
   * Turns pending changes into what the client must hear, in an order that keeps its view
   * consistent: EXPUNGEs (each numbered against the list as it is at that point), then EXISTS
   * with the final count, then flag updates numbered against the final list.
   */
  async takeUpdates(allowExpunge: boolean): Promise<MailboxUpdate[]> {
    const expunges: MailboxUpdate[] = [];
    const flagChanges = new Map<number, { flags: string[]; modseq: number }>();
    const kept: MailChange[] = [];
    let expungeWithheld = false;
    const newUids: number[] = [];
    for (const change of this.pending) {
      switch (change.kind) {
        case 'message-added':
          this.modseq = Math.max(this.modseq, change.modseq);
          if (change.uid >= this.nextUid) this.nextUid = change.uid + 1;
          // Already in the list when the change raced with open().
          if (this.uidList.length === 0 || change.uid > this.uidList[this.uidList.length - 1]!) {
            this.uidList.push(change.uid);
            newUids.push(change.uid);
          }
          break;
        case 'flags-changed':
          this.modseq = Math.max(this.modseq, change.modseq);
          // Our own STORE (or \Seen from FETCH) was answered with the flags it produced. It
          // also supersedes an older change from elsewhere that is still pending: sending that
          // one after our answer would tell the client a stale state (RFC 3501 §7.4.2: FLAGS
          // is the whole set). Report the newer whole set instead, as .SILENT may have hidden it.
          if (!this.own.has(change) || flagChanges.has(change.uid)) flagChanges.set(change.uid, { flags: change.flags, modseq: change.modseq });
          break;
        case 'message-expunged': {
          this.modseq = Math.max(this.modseq, change.modseq);
          // RFC 3501 §7.4.1: no EXPUNGE during FETCH, STORE or SEARCH; once one is withheld,
          // later ones wait too so their order is kept.
          if (!allowExpunge || expungeWithheld) {
            kept.push(change);
            expungeWithheld = true;
            // Its flags no longer matter: the EXPUNGE that follows later says all there is.
            flagChanges.delete(change.uid);
            break;
          }
          const index = binarySearch(this.uidList, change.uid);
          if (index >= 0) {
            this.uidList.splice(index, 1);
            this.recent.delete(change.uid);
            flagChanges.delete(change.uid);
            expunges.push({ kind: 'expunge', seq: index + 1, uid: change.uid });
          }
          break;
        }
        default:
          break;
      }
    }
    this.pending = kept;
    const updates: MailboxUpdate[] = [...expunges];
    if (newUids.length > 0) {
      if (!this.readOnly) {
        const first = await claimRecent(this.services.db, this.mailbox.id, newUids[newUids.length - 1]! + 1);
        if (first !== null) for (const uid of newUids) if (uid >= first) this.recent.add(uid);
      }
      updates.push({ kind: 'exists', count: this.uidList.length }, { kind: 'recent', count: this.recent.size });
    }
    for (const [uid, change] of flagChanges) {
      const seq = this.seqOf(uid);
      // \Recent belongs to this session, not to the store: add it, or the client drops it.
      if (seq !== undefined) updates.push({ kind: 'flags', seq, uid, flags: this.recent.has(uid) ? [...change.flags, '\\Recent'] : change.flags, modseq: change.modseq });
    }
    return updates;
  }

  async close(): Promise<void> {
    this.session.changeSinks.delete(this.sink);
    this.pending = [];
  }
}

export function isInboxName(name: string): boolean {
  return isInbox(name);
}

export { type NotAuthenticatedSession, type AuthenticatedSession };
