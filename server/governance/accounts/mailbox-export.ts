/**
 * The whole mailbox of an account as one mbox file (SPEC Art. 3.6: "a final export made"; the
 * format of Art. 3.5). The file is written to `<dataDir>/exports/` (outside the web root, mode
 * 0600), fsynced, and only then recorded in `mailbox_exports`: a row means a complete file.
 *
 * Format: mboxrd (the variant whose quoting is reversible: every line matching /^>*From / gets
 * one more `>`), LF line ends, every message preceded by `From <sender> <asctime UTC>`. Each
 * message gets two headers prepended so nothing is lost on import: `X-Govmail-Folder` (the folder
 * it was in, RFC 2047 encoded when not ASCII) and `Status` (RO for read, O for unread: the
 * convention of mutt, Thunderbird and Dovecot's mbox). The raw bytes are otherwise untouched.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fs, type ReadStream } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { BlobStore } from '../../storage/blob-store.js';
import type { Database, MailboxExport } from '../../storage/database.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The date of an mbox `From ` line: asctime(3) in UTC, `Sat Nov 28 22:13:07 2026`. */
export function asctime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

function headerValue(text: string): string {
   
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

/** One message as an mboxrd entry (From line, extra headers, quoted body, blank line). */
export function mboxEntry(raw: Buffer, meta: { sender: string | null; date: number; folder: string; seen: boolean }): Buffer {
  const text = raw.toString('latin1').replace(/\r\n/g, '\n');
  const quoted = text.replace(/^(>*From )/gm, '>$1');
  const sender = (meta.sender ?? '').replace(/\s+/g, '') || 'MAILER-DAEMON';
  const head = `From ${sender} ${asctime(meta.date)}\nX-Govmail-Folder: ${headerValue(meta.folder)}\nStatus: ${meta.seen ? 'RO' : 'O'}\n`;
  const body = quoted.endsWith('\n') ? quoted : `${quoted}\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(body, 'latin1'), Buffer.from('\n', 'latin1')]);
}

export class MailboxExporter {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly blobs: BlobStore,
    private readonly clock: Clock,
    readonly dir: string,
  ) {}

  /** Writes the whole mailbox of `accountId` and records it; returns the record. */
  async exportAll(accountId: number, requestedBy: string): Promise<MailboxExport> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const file = `${accountId}-${this.clock.now()}-${randomBytes(8).toString('hex')}.mbox`;
    const target = path.join(this.dir, file);
    const temp = `${target}.part`;
    const hash = createHash('sha256');
    let size = 0;
    let count = 0;
    const handle = await fs.open(temp, 'wx', 0o600);
    try {
      const mailboxes = await this.db.selectFrom('mailboxes').select(['id', 'name']).where('account_id', '=', accountId).orderBy('name').execute();
      for (const mailbox of mailboxes) {
        // Page through by UID so a 100k-message folder never sits in memory at once.
        let after = 0;
        for (;;) {
          const rows = await this.db
            .selectFrom('messages')
            .select(['uid', 'blob_hash', 'from_address', 'internal_date', 'seen'])
            .where('mailbox_id', '=', mailbox.id)
            .where('uid', '>', after)
            .orderBy('uid')
            .limit(200)
            .execute();
          if (rows.length === 0) break;
          for (const row of rows) {
            const entry = mboxEntry(await this.blobs.get(row.blob_hash), { sender: row.from_address, date: row.internal_date, folder: mailbox.name, seen: row.seen === 1 });
            await handle.write(entry);
            hash.update(entry);
            size += entry.length;
            count++;
          }
          after = rows[rows.length - 1]!.uid;
        }
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, target);
    return this.db
      .insertInto('mailbox_exports')
      .values({ account_id: accountId, format: 'mbox', file, messages: count, size, sha256: hash.digest('hex'), requested_by: requestedBy, created_at: this.clock.now(), downloaded_at: null, deleted_at: null })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** The export of `accountId` with this id, if its file still exists. */
  async find(accountId: number, exportId: number): Promise<MailboxExport | undefined> {
    const row = await this.db.selectFrom('mailbox_exports').selectAll().where('id', '=', exportId).where('account_id', '=', accountId).executeTakeFirst();
    return row && row.file ? row : undefined;
  }

  list(accountId: number): Promise<MailboxExport[]> {
    return this.db.selectFrom('mailbox_exports').selectAll().where('account_id', '=', accountId).orderBy('id', 'desc').execute();
  }

  open(row: MailboxExport): ReadStream {
    if (!row.file) throw new Error('export file deleted');
    return createReadStream(path.join(this.dir, row.file));
  }

  async markDownloaded(row: MailboxExport): Promise<void> {
    await this.db.updateTable('mailbox_exports').set({ downloaded_at: this.clock.now() }).where('id', '=', row.id).where('downloaded_at', 'is', null).execute();
  }

  /** Deletes every export file of the account (the purge); rows stay as the record. */
  async deleteAll(accountId: number): Promise<number> {
    const rows = await this.db.selectFrom('mailbox_exports').select(['id', 'file']).where('account_id', '=', accountId).where('file', 'is not', null).execute();
    for (const row of rows) await fs.rm(path.join(this.dir, row.file!), { force: true });
    await this.db.updateTable('mailbox_exports').set({ file: null, deleted_at: this.clock.now() }).where('account_id', '=', accountId).where('file', 'is not', null).execute();
    return rows.length;
  }
}
