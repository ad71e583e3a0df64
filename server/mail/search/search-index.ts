/**
 * The full-text index of mail and the one search over it, for IMAP SEARCH (RFC 3501 §6.4.4,
 * RFC 9051 §6.4.4) and the webmail alike.
 *
 * Documents are blobs, not message rows: a notice delivered to 100 mailboxes is tokenised and
 * indexed once (`indexBlob` when the first copy is stored, `removeBlob` when the blob row goes),
 * and copy or move never re-index. A search finds the matching documents in the index, then the
 * account's message rows that hold those blobs, so it can never return another account's mail.
 *
 * Matching (tokenize.ts): all of a query's tokens must be in the document — CJK as bigrams,
 * Latin and digit words as prefixes. That is a superset of the substring match RFC 3501 asks
 * for, except inside words: `wei` does not find `zhangwei`. For the address and subject keys,
 * where IMAP clients do send fragments of names and addresses, a query without CJK also
 * matches by `LIKE` on the message row's own columns (from_address, from_name, to_json, cc_json,
 * subject); a query with CJK does not need it, since its bigrams already match any substring of
 * two or more characters. `LIKE` scans the account's messages, which is affordable per account
 * but not for the body, so TEXT and BODY use the index only.
 */
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { BlobStore } from '../../storage/blob-store.js';
import type { Database, MessageRow } from '../../storage/database.js';
import { searchDialectFor, type MatchTerm, type SearchColumn, type SearchDocumentTokens } from '../../storage/search-dialect.js';
import { parseMessageFields, type AddressField, type MessageFields } from '../message-fields.js';
import { hasCjk, tokenizeDocument, tokenizeQuery, TOKENIZER_VERSION } from './tokenize.js';

/**
 * Text beyond this many characters per field is not indexed: it bounds the time one message
 * holds the write transaction and the index it adds (a million characters is a 500-page
 * report; what is past that is still in the message, just not searchable).
 */
export const MAX_INDEXED_CHARS = 1_000_000;

/** A search: every given key must match (AND). An empty string matches every message. */
export interface SearchCriteria {
  accountId: number;
  /** Limit to one mailbox of the account (IMAP searches the selected mailbox). */
  mailboxId?: number;
  /** RFC 3501 TEXT: subject, sender, recipients, body or attachment names. */
  text?: string;
  subject?: string;
  /** Sender's display name or address. */
  from?: string;
  to?: string;
  cc?: string;
  /** RFC 3501 BODY: the decoded text of the body (attachment names excluded). */
  body?: string;
  /** Attachment file names. */
  attachment?: string;
}

type TextKey = Exclude<keyof SearchCriteria, 'accountId' | 'mailboxId'>;

/** Which indexed fields each key searches; `undefined` is all of them. */
const KEY_COLUMNS: Record<TextKey, readonly SearchColumn[] | undefined> = {
  text: undefined,
  subject: ['subject'],
  from: ['from_addr'],
  to: ['to_addr'],
  cc: ['cc_addr'],
  body: ['body'],
  attachment: ['attachments'],
};
const TEXT_KEYS = Object.keys(KEY_COLUMNS) as TextKey[];

type Db = Kysely<Database>;
type MessageEb = ExpressionBuilder<Database, 'messages' | 'mailboxes'>;

// ── indexing ────────────────────────────────────────────────────────────────────────────

function people(list: readonly AddressField[]): string {
  return list.map((a) => `${a.name} ${a.address}`).join('\n');
}

/** The tokens of each indexed field of a parsed message. */
export function documentTokens(fields: MessageFields): SearchDocumentTokens {
  const tokens = (text: string) => tokenizeDocument(text.length > MAX_INDEXED_CHARS ? text.slice(0, MAX_INDEXED_CHARS) : text);
  // message-fields.ts appends the attachment names to the body text; they have their own field.
  const names = fields.attachmentNames.join('\n');
  const body = fields.text.endsWith(`\n${names}`) ? fields.text.slice(0, fields.text.length - names.length - 1) : fields.text;
  return {
    subject: tokens(fields.subject ?? ''),
    from_addr: tokens(`${fields.fromName ?? ''} ${fields.fromAddress ?? ''}`),
    to_addr: tokens(people(fields.to)),
    cc_addr: tokens(people(fields.cc)),
    body: tokens(body),
    attachments: tokens(names),
  };
}

/**
 * Indexes a blob's content unless it is indexed already; call it in the transaction that
 * stores a message, after the blob row exists. Returns whether it indexed anything.
 */
export async function indexBlob(tx: Db, blobHash: string, fields: MessageFields): Promise<boolean> {
  const inserted = await tx
    .insertInto('search_documents')
    .values({ blob_hash: blobHash, tokenizer_version: TOKENIZER_VERSION })
    .onConflict((oc) => oc.column('blob_hash').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return false;
  await searchDialectFor(tx).index(tx, inserted.id, documentTokens(fields));
  return true;
}

/** Drops a blob's index entry; call it in the transaction that deletes the blob row, before. */
export async function removeBlob(tx: Db, blobHash: string): Promise<boolean> {
  const removed = await tx.deleteFrom('search_documents').where('blob_hash', '=', blobHash).returning('id').executeTakeFirst();
  if (!removed) return false;
  await searchDialectFor(tx).remove(tx, removed.id);
  return true;
}

/**
 * Indexes every blob held by a message that has no index entry, or one made by an older
 * tokenisation: mail stored before the index existed, or after TOKENIZER_VERSION changed.
 * One short transaction per blob, so it can run beside live traffic. Returns how many it
 * (re-)indexed; blobs whose file is missing are skipped.
 */
export async function catchUpSearchIndex(db: Db, blobs: BlobStore, options: { batchSize?: number } = {}): Promise<number> {
  const batchSize = options.batchSize ?? 500;
  let done = 0;
  let after = '';
  for (;;) {
    const batch = await db
      .selectFrom('blobs')
      .leftJoin('search_documents', 'search_documents.blob_hash', 'blobs.hash')
      .select('blobs.hash')
      .where('blobs.hash', '>', after)
      .where((eb) => eb.or([eb('search_documents.id', 'is', null), eb('search_documents.tokenizer_version', '<', TOKENIZER_VERSION)]))
      .where((eb) => eb.exists(eb.selectFrom('messages').select('messages.id').whereRef('messages.blob_hash', '=', 'blobs.hash')))
      .orderBy('blobs.hash')
      .limit(batchSize)
      .execute();
    for (const { hash } of batch) {
      const raw = await blobs.get(hash).catch(() => null);
      if (!raw) continue;
      const fields = await parseMessageFields(raw);
      await db.transaction().execute(async (tx) => {
        const stillThere = await tx.selectFrom('blobs').select('hash').where('hash', '=', hash).executeTakeFirst();
        if (!stillThere) return;
        await removeBlob(tx, hash);
        await indexBlob(tx, hash, fields);
        done++;
      });
    }
    const last = batch.at(-1);
    if (!last || batch.length < batchSize) return done;
    after = last.hash;
  }
}

// ── searching ───────────────────────────────────────────────────────────────────────────

/** `%value%` for LIKE … ESCAPE '\', matching the characters of `value` literally. */
function containsPattern(value: string): string {
  return `%${value.replace(/[\\%_]/g, '\\$&')}%`;
}

function lowerLike(column: 'messages.subject' | 'messages.from_address' | 'messages.from_name' | 'messages.to_json' | 'messages.cc_json', needle: string): Expression<SqlBool> {
  return sql<SqlBool>`lower(${sql.ref(column)}) like ${containsPattern(needle)} escape '\\'`;
}

/**
 * to_json/cc_json are `[{"name":"…","address":"…"}]`. A needle matches inside a name or an
 * address exactly when it matches the JSON text, unless it could match the JSON's own
 * structure: it holds a quote or backslash (escaped inside values, delimiting outside them),
 * consists only of `[]{},:`, or is part of the key `name` or `address`. Those needles use the
 * index alone rather than match every message.
 */
function likeOnJsonIsExact(needle: string): boolean {
  return !/["\\]/.test(needle) && !/^[[\]{},:]*$/.test(needle) && !'name'.includes(needle) && !'address'.includes(needle);
}

/** The substring fallback of a header key for a query without CJK, or null (see the file comment). */
function substringFallback(key: TextKey, query: string): Expression<SqlBool> | null {
  if (hasCjk(query)) return null;
  // SQLite's lower() and case-insensitive LIKE fold ASCII only; non-ASCII case is the index's job.
  const needle = query.toLowerCase();
  switch (key) {
    case 'subject':
      return lowerLike('messages.subject', needle);
    case 'from':
      return sql<SqlBool>`(${lowerLike('messages.from_address', needle)} or ${lowerLike('messages.from_name', needle)})`;
    case 'to':
      return likeOnJsonIsExact(needle) ? lowerLike('messages.to_json', needle) : null;
    case 'cc':
      return likeOnJsonIsExact(needle) ? lowerLike('messages.cc_json', needle) : null;
    default:
      return null;
  }
}

/**
 * The account's messages matching every given key, in mailbox and UID order. The caller
 * (IMAP SEARCH, the webmail) applies flags, dates and UID sets itself.
 */
export async function searchMessages(db: Db, criteria: SearchCriteria): Promise<MessageRow[]> {
  const dialect = searchDialectFor(db);
  let query = db
    .selectFrom('messages')
    .innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id')
    .selectAll('messages')
    .where('mailboxes.account_id', '=', criteria.accountId);
  if (criteria.mailboxId !== undefined) query = query.where('messages.mailbox_id', '=', criteria.mailboxId);

  const inIndex = (terms: readonly MatchTerm[]) => (eb: MessageEb) =>
    eb('messages.blob_hash', 'in', eb.selectFrom('search_documents').select('search_documents.blob_hash').where('search_documents.id', 'in', dialect.match(terms)));

  const indexOnly: MatchTerm[] = [];
  for (const key of TEXT_KEYS) {
    const value = criteria[key];
    // RFC 3501 §6.4.4: matching is by substring, and the empty string is in every string.
    if (value === undefined || value === '') continue;
    const tokens = tokenizeQuery(value);
    const term: MatchTerm | null = tokens.length > 0 ? { ...(KEY_COLUMNS[key] ? { columns: KEY_COLUMNS[key] } : {}), tokens } : null;
    const fallback = substringFallback(key, value);
    if (fallback) {
      query = query.where((eb) => (term ? eb.or([inIndex([term])(eb), fallback]) : fallback));
    } else if (term) {
      indexOnly.push(term);
    } else {
      // Nothing searchable (punctuation only) and no substring fallback: nothing can match.
      return [];
    }
  }
  // One index query for all keys that need only the index.
  if (indexOnly.length > 0) query = query.where(inIndex(indexOnly));
  return query.orderBy('messages.mailbox_id').orderBy('messages.uid').execute();
}
