/**
 * SKETCH, NOT WIRED, NOT PART OF ANY TEST RUN: full-text search on PostgreSQL, for the issue
 * that adds PostgreSQL as a dialect. `searchDialectFor` does not return it and no migration
 * creates its table. It exists so the SearchDialect seam is shaped by two implementations, and
 * so that issue starts from a worked design rather than a blank page. (It was tried once, by
 * hand, on a throw-away PostgreSQL 15 with the corpus and gave SQLite's answers; that proves
 * the SQL parses, nothing more — the wiring issue must bring it under the dialect test loop.)
 *
 * Same tokens as SQLite (mail/search/tokenize.ts), stored verbatim: `array_to_tsvector` builds
 * the tsvector straight from our token array, bypassing PostgreSQL's text parser (whose
 * `simple` configuration would still re-split or re-join `haining.gov.cn`, hyphenated words and
 * so on), and queries are built as tsquery text and cast with `::tsquery`, which normalises
 * nothing. The `simple` configuration is therefore never involved at all.
 *
 * DDL for its own dated migration (the SQLite one, 2026-11-28-search-index, deliberately leaves
 * PostgreSQL out):
 *
 *   CREATE TABLE search_fts (
 *     doc_id      bigint PRIMARY KEY REFERENCES search_documents (id) ON DELETE CASCADE,
 *     subject     tsvector NOT NULL,
 *     from_addr   tsvector NOT NULL,
 *     to_addr     tsvector NOT NULL,
 *     cc_addr     tsvector NOT NULL,
 *     body        tsvector NOT NULL,
 *     attachments tsvector NOT NULL,
 *     all_text    tsvector GENERATED ALWAYS AS
 *                   (subject || from_addr || to_addr || cc_addr || body || attachments) STORED
 *   );
 *   CREATE INDEX search_fts_all ON search_fts USING gin (all_text);
 *
 * One GIN index, on `all_text`: a token in any one field is in `all_text`, so every query is
 * answered from that index and a column-restricted key (SUBJECT, FROM …) is rechecked on the
 * few candidate rows instead of costing a GIN index per field on every insert.
 *
 * Known limits to settle when wiring it: a tsvector holds at most 1 MB, which a body of a
 * million CJK characters (MAX_INDEXED_CHARS) can exceed in distinct bigrams — cap the distinct
 * tokens per field before inserting; and a lexeme must be shorter than 2 KB (MAX_TOKEN_CHARS
 * keeps ours far below).
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../database.js';
import type { MatchTerm, MatchToken, SearchColumn, SearchDialect, SearchDocumentTokens } from '../search-dialect.js';

/** A tsquery lexeme: quoted, with `'` doubled and `\` escaped (PostgreSQL docs §8.11.2). */
function lexeme(token: MatchToken): string {
  return `'${token.text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'${token.prefix ? ':*' : ''}`;
}

export function tsqueryText(tokens: readonly MatchToken[]): string {
  return tokens.map(lexeme).join(' & ');
}

function columnsVector(columns: readonly SearchColumn[]): RawBuilder<unknown> {
  return sql`(${sql.join(columns.map((c) => sql.ref(c)), sql` || `)})`;
}

export const postgresSearch: SearchDialect = {
  async index(db: Kysely<Database>, docId: number, tokens: SearchDocumentTokens): Promise<void> {
    const vector = (column: SearchColumn) => sql`array_to_tsvector(${[...tokens[column]]}::text[])`;
    await sql`insert into search_fts (doc_id, subject, from_addr, to_addr, cc_addr, body, attachments)
      values (${docId}, ${vector('subject')}, ${vector('from_addr')}, ${vector('to_addr')}, ${vector('cc_addr')}, ${vector('body')}, ${vector('attachments')})`.execute(db);
  },

  async remove(db: Kysely<Database>, docId: number): Promise<void> {
    await sql`delete from search_fts where doc_id = ${docId}`.execute(db);
  },

  match(terms: readonly MatchTerm[]): RawBuilder<number> {
    if (terms.length === 0) throw new Error('a search needs at least one term');
    const all = tsqueryText(terms.flatMap((t) => t.tokens));
    const rechecks = terms.filter((t) => t.columns).map((t) => sql` and ${columnsVector(t.columns!)} @@ ${tsqueryText(t.tokens)}::tsquery`);
    return sql<number>`(select doc_id from search_fts where all_text @@ ${all}::tsquery${sql.join(rechecks, sql``)})`;
  },
};
