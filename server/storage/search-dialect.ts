/**
 * What the full-text index needs from a database, and nothing more: store one document's
 * tokens, forget them, and find the documents that hold a set of tokens. Tokenisation happens
 * before (mail/search/tokenize.ts), so every dialect stores the same tokens verbatim and answers
 * the same question; only the index structure differs (SQLite: FTS5, see
 * dialects/sqlite-search.ts; PostgreSQL: tsvector + GIN, sketched in dialects/postgres-search.ts).
 *
 * A document is the searchable content of one blob (`search_documents`, keyed by blob hash): a
 * notice delivered to 100 mailboxes is indexed once.
 */
import { SqliteAdapter, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from './database.js';
import { sqliteSearch } from './dialects/sqlite-search.js';

/** The indexed fields of a document, in this order on every dialect. */
export const SEARCH_COLUMNS = ['subject', 'from_addr', 'to_addr', 'cc_addr', 'body', 'attachments'] as const;
export type SearchColumn = (typeof SEARCH_COLUMNS)[number];

/** A document's tokens per field. Tokens hold no white space (see tokenize.ts, "token alphabet"). */
export type SearchDocumentTokens = Record<SearchColumn, readonly string[]>;

export interface MatchToken {
  text: string;
  /** Also match indexed tokens that start with `text`. */
  prefix: boolean;
}

/**
 * One condition: every token must occur in the document, each in any of `columns` (in any
 * column when `columns` is absent). Tokens may be found in different columns of the set.
 */
export interface MatchTerm {
  columns?: readonly SearchColumn[];
  /** Not empty. */
  tokens: readonly MatchToken[];
}

export interface SearchDialect {
  /** Stores the tokens of document `docId` (a `search_documents.id` with nothing indexed yet). */
  index(db: Kysely<Database>, docId: number, tokens: SearchDocumentTokens): Promise<void>;
  /** Forgets document `docId`; a no-op when nothing was stored for it. */
  remove(db: Kysely<Database>, docId: number): Promise<void>;
  /**
   * A parenthesised subquery of the `search_documents.id`s matching every term (AND), for use
   * as `where('search_documents.id', 'in', match(terms))`.
   */
  match(terms: readonly MatchTerm[]): RawBuilder<number>;
}

/** The implementation for the database behind `db` (a transaction works too). */
export function searchDialectFor(db: Kysely<Database>): SearchDialect {
  if (db.getExecutor().adapter instanceof SqliteAdapter) return sqliteSearch;
  throw new Error('full-text search is implemented for SQLite only (PostgreSQL: see storage/dialects/postgres-search.ts)');
}
