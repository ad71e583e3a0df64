/**
 * The one tokenisation of full-text search, applied alike to what is indexed and to what is
 * searched, by IMAP SEARCH (RFC 3501 §6.4.4, RFC 9051 §6.4.4) and the webmail, on every database.
 *
 * Why our own: `Intl.Segmenter` splits place names (海宁市 → 海|宁|市), SQLite's `trigram`
 * cannot match two-character words (会议), and `unicode61` makes one token of a whole run of
 * Chinese. So, as Lucene's CJKAnalyzer does, every run of CJK characters becomes overlapping
 * character bigrams; everything else becomes lower-cased words of letters and digits.
 *
 * Documents and queries differ on purpose:
 * - a document indexes every CJK character on its own as well as every bigram, so that a
 *   one-character query (税) is one exact token lookup. The alternative — a prefix query `税*`
 *   over bigrams — misses the last character of a run (请于 has no bigram starting with 于)
 *   unless that character is indexed anyway, and costs a merge of every bigram starting with 税,
 *   which grows with the mailbox (FTS5's prefix index for length 1 would store these very
 *   unigrams). bench/search-index.ts measures both, 20 000 notices: unigrams make the FTS index
 *   33 MB instead of 19 MB, and answer 市 in 4 ms instead of 37 ms — the first keystroke of a
 *   webmail search is a single character, so latency wins over disk.
 * - a query uses bigrams only for runs of two or more characters (海宁市会议 → 海宁 宁市 市会
 *   会议, all required), the single character for a one-character run, and marks Latin and
 *   digit words as prefixes (`meet` finds `meeting`), which is as near to RFC 3501's substring
 *   rule as a word index gets.
 * - an e-mail address in a document is indexed as its local part, its domain and the domain's
 *   labels (and the local part's words); in a query it asks for exactly its local part and
 *   domain.
 *
 * Text is NFKC-normalised (full-width ＡＢＣ１２３ and compatibility ideographs become their plain
 * forms) and lower-cased before anything else; punctuation and spaces only separate tokens.
 *
 * The token alphabet is part of the contract with the storage dialects: a token never contains
 * white space, and its only ASCII characters are `a-z 0-9 . - _ +`. The index stores tokens
 * verbatim (SQLite: FTS5's `ascii` tokenizer with those four token characters; PostgreSQL:
 * `array_to_tsvector`), so no database ever re-splits them.
 */

/** Bump when tokenisation changes in a way that needs documents re-indexed (search-index.ts). */
export const TOKENIZER_VERSION = 1;

/**
 * Longer words are cut to this many characters, in documents and queries alike, so matching
 * still works; it keeps base64 debris and pasted hashes from bloating the index.
 */
export const MAX_TOKEN_CHARS = 64;

/** A query keeps its first this-many distinct tokens: each is one more index lookup to intersect. */
export const MAX_QUERY_TOKENS = 64;

export interface QueryToken {
  text: string;
  /** True when the token also matches indexed tokens that merely start with it. */
  prefix: boolean;
}

/** Scripts written without spaces between words, bigrammed as Lucene's CJKBigramFilter does. */
const CJK_CLASS = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}\\u30fc';
const TOKEN_RE = new RegExp(`([${CJK_CLASS}]+)|((?:(?![${CJK_CLASS}])[\\p{L}\\p{N}\\p{M}])+)`, 'gu');
const CJK_RE = new RegExp(`[${CJK_CLASS}]`, 'u');
// Addresses are found from their `@` outwards rather than by one regular expression tried at
// every word, which would cost a 64-character look-ahead per word on hostile input such as a
// megabyte of `a-a-a-a…`. RFC 5321 caps a local part at 64 octets and a label at 63.
const MAX_LOCAL_PART = 64;
const LOCAL_CHAR = /[a-z0-9._+-]/;
const ALNUM = /[a-z0-9]/;
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const DOMAIN_AT = new RegExp(`${LABEL}(?:\\.${LABEL}){1,16}`, 'y');
const SUBWORD_SEPARATORS = /[._+-]+/;

/** NFKC, then lower case: the form in which text is tokenised and LIKE patterns are built. */
export function normalizeForSearch(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** Whether the text holds any character of a script that is bigrammed. */
export function hasCjk(text: string): boolean {
  return CJK_RE.test(normalizeForSearch(text));
}

function cap(token: string): string {
  if (token.length <= MAX_TOKEN_CHARS) return token;
  // Cut by code points, never inside a surrogate pair.
  return Array.from(token).slice(0, MAX_TOKEN_CHARS).join('');
}

interface Visitor {
  address(local: string, domain: string): void;
  cjk(chars: readonly string[]): void;
  word(word: string): void;
}

function scan(text: string, visit: Visitor): void {
  const s = normalizeForSearch(text);
  const words = (part: string) => {
    for (const [, cjk, word] of part.matchAll(TOKEN_RE)) {
      if (cjk !== undefined) visit.cjk(Array.from(cjk));
      else if (word !== undefined) visit.word(word);
    }
  };
  let done = 0;
  for (let at = s.indexOf('@'); at !== -1; at = s.indexOf('@', at + 1)) {
    let start = at;
    while (start > done && at - start < MAX_LOCAL_PART && LOCAL_CHAR.test(s[start - 1]!)) start--;
    while (start < at && !ALNUM.test(s[start]!)) start++;
    if (start === at) continue;
    DOMAIN_AT.lastIndex = at + 1;
    const domain = DOMAIN_AT.exec(s)?.[0];
    if (domain === undefined) continue;
    words(s.slice(done, start));
    visit.address(s.slice(start, at), domain);
    done = at + 1 + domain.length;
    at = done - 1;
  }
  words(s.slice(done));
}

/**
 * The distinct tokens of a document's text, in order of first appearance. A document is a set
 * of tokens: the index keeps neither positions nor counts (see the search migration).
 */
export function tokenizeDocument(text: string): string[] {
  const out = new Set<string>();
  const add = (token: string) => {
    if (token) out.add(cap(token));
  };
  scan(text, {
    address(local, domain) {
      add(local);
      for (const word of local.split(SUBWORD_SEPARATORS)) add(word);
      add(domain);
      for (const label of domain.split('.')) {
        add(label);
        if (label.includes('-')) for (const word of label.split('-')) add(word);
      }
    },
    cjk(chars) {
      for (let i = 0; i < chars.length; i++) {
        add(chars[i]!);
        if (i + 1 < chars.length) add(chars[i]! + chars[i + 1]!);
      }
    },
    word: add,
  });
  return [...out];
}

/**
 * The tokens a document must contain, all of them, to match a search for `text`. Empty when
 * the text has nothing searchable (only punctuation, say): callers decide what that means.
 */
export function tokenizeQuery(text: string): QueryToken[] {
  const out = new Map<string, QueryToken>();
  const add = (raw: string, prefix: boolean) => {
    if (!raw) return;
    const token = cap(raw);
    const seen = out.get(token);
    // `x` AND `x*` is just `x`.
    if (seen) seen.prefix &&= prefix;
    else if (out.size < MAX_QUERY_TOKENS) out.set(token, { text: token, prefix });
  };
  scan(text, {
    address(local, domain) {
      add(local, false);
      add(domain, false);
    },
    cjk(chars) {
      if (chars.length === 1) add(chars[0]!, false);
      for (let i = 0; i + 1 < chars.length; i++) add(chars[i]! + chars[i + 1]!, false);
    },
    word(word) {
      add(word, true);
    },
  });
  return [...out.values()];
}
