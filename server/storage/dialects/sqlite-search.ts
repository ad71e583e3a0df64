/**
 * Full-text search on SQLite: an FTS5 table whose rowid is `search_documents.id`, holding each
 * field's pre-computed tokens joined by spaces. The table is created by the frozen migration
 * `2026-11-28-search-index` as
 *
 *   CREATE VIRTUAL TABLE search_fts USING fts5(
 *     subject, from_addr, to_addr, cc_addr, body, attachments,
 *     tokenize = "ascii tokenchars '.-_+'",  -- split on spaces only: our tokens are kept verbatim
 *     detail = column,                       -- which fields hold a token, no positions
 *     content = '', contentless_delete = 1)  -- index only; the text is never read back
 *
 * Why these options:
 * - `ascii` treats every non-ASCII character as part of a token and the four listed ASCII
 *   characters too, so the only separators left are characters our tokens never contain
 *   (tokenize.ts, "token alphabet"): FTS5 stores exactly the tokens TypeScript made. `unicode61`
 *   would re-split `haining.gov.cn` and has its own, older, idea of which characters are letters.
 * - `detail=column`: queries are ANDs of single tokens, with column filters and prefixes,
 *   never phrases, so positions would be dead weight (they are most of an FTS index).
 * - contentless: the token text is of no use to read back; `contentless_delete` (SQLite ≥ 3.43)
 *   lets `DELETE … WHERE rowid = ?` work without supplying the old values.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../database.js';
import { SEARCH_COLUMNS, type MatchTerm, type SearchDialect, type SearchDocumentTokens } from '../search-dialect.js';

/** An FTS5 string: tokens hold no `"`, but quoting stays correct whatever they hold. */
function quote(token: string): string {
  return `"${token.replace(/"/g, '""')}"`;
}

/** FTS5 query syntax (https://sqlite.org/fts5.html §3): `{subject body} : ("会议" AND "gov"*)`. */
export function fts5Query(terms: readonly MatchTerm[]): string {
  if (terms.length === 0) throw new Error('fts5Query needs at least one term');
  return terms
    .map((term) => {
      if (term.tokens.length === 0) throw new Error('a search term needs at least one token');
      const body = `(${term.tokens.map((t) => quote(t.text) + (t.prefix ? '*' : '')).join(' AND ')})`;
      return term.columns ? `{${term.columns.join(' ')}} : ${body}` : body;
    })
    .join(' AND ');
}

export const sqliteSearch: SearchDialect = {
  async index(db: Kysely<Database>, docId: number, tokens: SearchDocumentTokens): Promise<void> {
    const values = SEARCH_COLUMNS.map((column) => tokens[column].join(' '));
    await sql`insert into search_fts (rowid, ${sql.join(SEARCH_COLUMNS.map((c) => sql.id(c)))}) values (${docId}, ${sql.join(values)})`.execute(db);
  },

  async remove(db: Kysely<Database>, docId: number): Promise<void> {
    await sql`delete from search_fts where rowid = ${docId}`.execute(db);
  },

  match(terms: readonly MatchTerm[]): RawBuilder<number> {
    return sql<number>`(select rowid from search_fts where search_fts match ${fts5Query(terms)})`;
  },
};
