/**
 * SEARCH arguments → a typed program (RFC 3501 §6.4.4 search keys; RFC 4731 §3.1 ESEARCH
 * `RETURN (…)`; RFC 7162 §3.1.5 CONDSTORE `MODSEQ`; RFC 9051 §6.4.4 for the charset rules).
 *
 * The result is normalised so that the evaluator has fewer cases: the flag keys (ANSWERED,
 * UNSEEN, KEYWORD x, NEW, OLD…) become `flag` tests, the address and subject keys become
 * `header` tests, a list of keys becomes `and`. Strings arrive decoded from the command's
 * CHARSET (UTF-8 when none is named, which also covers the RFC 3501 default US-ASCII).
 */
import { TextDecoder } from 'node:util';
import { MAX_SEARCH_DEPTH } from './limits.js';
import { ImapParseError, type WireResult, describeWord, ok } from './parse-error.js';
import { type SequenceSet, parseSequenceSet } from './sequence-set.js';
import { type ImapValue, atomText, isWord } from './values.js';

/** A calendar date: IMAP date comparisons ignore time and zone (RFC 3501 §6.4.4). */
export interface ImapDate {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
}

export type SearchKey =
  | { type: 'all' }
  | { type: 'and'; keys: SearchKey[] }
  | { type: 'or'; left: SearchKey; right: SearchKey }
  | { type: 'not'; key: SearchKey }
  /** A system flag (`\Seen`, `\Recent`…) or a keyword; `set` false for the UN… keys. */
  | { type: 'flag'; flag: string; set: boolean }
  /**
   * Header `field` (upper-cased) contains `value`, case-insensitively; BCC, CC, FROM, SUBJECT
   * and TO are this with their field name. An empty value matches every message that has the
   * field at all (RFC 3501 §6.4.4 HEADER).
   */
  | { type: 'header'; field: string; value: string }
  | { type: 'body'; value: string }
  | { type: 'text'; value: string }
  /** internal = INTERNALDATE (BEFORE, ON, SINCE); sent = the Date: header (SENT…). */
  | { type: 'date'; field: 'internal' | 'sent'; comparison: 'before' | 'on' | 'since'; date: ImapDate }
  | { type: 'size'; comparison: 'larger' | 'smaller'; size: number }
  | { type: 'sequence'; set: SequenceSet }
  | { type: 'uid'; set: SequenceSet }
  /** Messages with a mod-sequence ≥ `modseq` (RFC 7162 §3.1.5); `entry` narrows it to one flag. */
  | { type: 'modseq'; modseq: bigint; entry: { name: string; kind: 'priv' | 'shared' | 'all' } | undefined };

export type SearchReturnOption = 'MIN' | 'MAX' | 'COUNT' | 'ALL';

export interface SearchProgram {
  /** Upper-cased CHARSET name, undefined when the client named none. */
  charset: string | undefined;
  /**
   * ESEARCH result options (RFC 4731 §3.1); undefined for a plain `* SEARCH` reply. `RETURN ()`
   * is given as ['ALL'], which is what the RFC says it means.
   */
  returnOptions: SearchReturnOption[] | undefined;
  /** True when any key is MODSEQ: the reply then carries `(MODSEQ n)` (RFC 7162 §3.1.5). */
  usesModseq: boolean;
  criteria: SearchKey;
}

export interface SearchParserOptions {
  /**
   * Charsets the server accepts, upper-case. Default: any charset the platform's TextDecoder
   * knows (UTF-8, US-ASCII, GB2312, GBK, GB18030, BIG5…). Others fail with code BADCHARSET.
   */
  charsets?: readonly string[];
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DATE = /^([0-9]{1,2})-([A-Za-z]{3})-([0-9]{4})$/;
/** mod-sequence-valzer: 0 … 2^63-1 (RFC 7162 §7). */
const MAX_MODSEQ = 2n ** 63n - 1n;
const RETURN_OPTIONS = new Set<string>(['MIN', 'MAX', 'COUNT', 'ALL']);
const SYSTEM_FLAG_KEYS: Record<string, { flag: string; set: boolean }> = {
  ANSWERED: { flag: '\\Answered', set: true },
  DELETED: { flag: '\\Deleted', set: true },
  DRAFT: { flag: '\\Draft', set: true },
  FLAGGED: { flag: '\\Flagged', set: true },
  RECENT: { flag: '\\Recent', set: true },
  SEEN: { flag: '\\Seen', set: true },
  UNANSWERED: { flag: '\\Answered', set: false },
  UNDELETED: { flag: '\\Deleted', set: false },
  UNDRAFT: { flag: '\\Draft', set: false },
  UNFLAGGED: { flag: '\\Flagged', set: false },
  UNSEEN: { flag: '\\Seen', set: false },
  OLD: { flag: '\\Recent', set: false },
};
const ADDRESS_KEYS = new Set(['BCC', 'CC', 'FROM', 'SUBJECT', 'TO']);
const DATE_KEYS: Record<string, { field: 'internal' | 'sent'; comparison: 'before' | 'on' | 'since' }> = {
  BEFORE: { field: 'internal', comparison: 'before' },
  ON: { field: 'internal', comparison: 'on' },
  SINCE: { field: 'internal', comparison: 'since' },
  SENTBEFORE: { field: 'sent', comparison: 'before' },
  SENTON: { field: 'sent', comparison: 'on' },
  SENTSINCE: { field: 'sent', comparison: 'since' },
};
/** RFC 5322 field-name: printable ASCII except ":". */
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

/** Thrown inside this module only, turned into a WireResult by parseSearch. */
class SearchSyntaxError extends Error {
  constructor(readonly parseError: ImapParseError) {
    super(parseError.text);
  }
}

function syntax(text: string, code?: 'BADCHARSET'): never {
  throw new SearchSyntaxError(new ImapParseError(text, { code }));
}

/** Parses an IMAP date `d-Mon-yyyy` (RFC 3501 §9 date), refusing days the month does not have. */
export function parseImapDate(text: string): ImapDate | undefined {
  const match = DATE.exec(text);
  if (!match?.[1] || !match[2] || !match[3]) return undefined;
  const month = MONTHS.indexOf(match[2].toUpperCase()) + 1;
  const day = Number(match[1]);
  const year = Number(match[3]);
  if (month === 0 || day < 1) return undefined;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth ? { year, month, day } : undefined;
}

/** An unsigned decimal up to `max`, as bigint. */
function parseBigDecimal(text: string | undefined, max: bigint): bigint | undefined {
  if (text === undefined || !/^[0-9]{1,19}$/.test(text)) return undefined;
  const value = BigInt(text);
  return value <= max ? value : undefined;
}

class SearchParser {
  private i = 0;
  private decoder: TextDecoder;
  usesModseq = false;

  constructor(private readonly args: readonly ImapValue[]) {
    this.decoder = new TextDecoder('utf-8', { fatal: true });
  }

  parse(options: SearchParserOptions): SearchProgram {
    let returnOptions: SearchReturnOption[] | undefined;
    let charset: string | undefined;
    if (isWord(this.args[this.i], 'RETURN')) {
      this.i++;
      returnOptions = this.returnOptions();
    }
    if (isWord(this.args[this.i], 'CHARSET')) {
      this.i++;
      charset = this.charset(options);
    }
    const keys: SearchKey[] = [];
    do keys.push(this.key(0));
    while (this.i < this.args.length);
    const criteria = keys.length === 1 && keys[0] ? keys[0] : { type: 'and' as const, keys };
    return { charset, returnOptions, usesModseq: this.usesModseq, criteria };
  }

  private returnOptions(): SearchReturnOption[] {
    const list = this.args[this.i++];
    if (list?.type !== 'list') syntax('RETURN needs a parenthesised list');
    const options = new Set<SearchReturnOption>();
    for (const item of list.items) {
      const word = atomText(item)?.toUpperCase();
      if (word === undefined || !RETURN_OPTIONS.has(word)) syntax(`Unknown SEARCH RETURN option ${describeWord(word ?? '')}`);
      options.add(word as SearchReturnOption);
    }
    return options.size === 0 ? ['ALL'] : [...options];
  }

  private charset(options: SearchParserOptions): string {
    const name = this.astring(this.args[this.i++], 'CHARSET needs a name').toUpperCase();
    const allowed = options.charsets === undefined || options.charsets.includes(name);
    let decoder: TextDecoder | undefined;
    try {
      decoder = allowed ? new TextDecoder(name, { fatal: true }) : undefined;
    } catch {
      decoder = undefined;
    }
    if (!decoder) syntax(`Unsupported charset ${describeWord(name)}`, 'BADCHARSET');
    this.decoder = decoder;
    return name;
  }

  private key(depth: number): SearchKey {
    if (depth > MAX_SEARCH_DEPTH) syntax('SEARCH program nested too deeply');
    const value = this.args[this.i++];
    if (value === undefined) syntax('Search key expected');
    if (value.type === 'list') {
      if (value.items.length === 0) syntax('Empty parenthesised search key');
      const inner = new SearchParser(value.items);
      inner.decoder = this.decoder;
      const keys: SearchKey[] = [];
      while (inner.i < value.items.length) keys.push(inner.key(depth + 1));
      this.usesModseq ||= inner.usesModseq;
      return keys.length === 1 && keys[0] ? keys[0] : { type: 'and', keys };
    }
    const word = atomText(value);
    if (word === undefined) syntax('Search key expected');
    const upper = word.toUpperCase();
    const flag = SYSTEM_FLAG_KEYS[upper];
    if (flag) return { type: 'flag', ...flag };
    const date = DATE_KEYS[upper];
    if (date) return { type: 'date', ...date, date: this.date() };
    if (ADDRESS_KEYS.has(upper)) return { type: 'header', field: upper, value: this.text() };
    switch (upper) {
      case 'ALL':
        return { type: 'all' };
      case 'NEW':
        return {
          type: 'and',
          keys: [
            { type: 'flag', flag: '\\Recent', set: true },
            { type: 'flag', flag: '\\Seen', set: false },
          ],
        };
      case 'KEYWORD':
      case 'UNKEYWORD':
        return { type: 'flag', flag: this.keyword(), set: upper === 'KEYWORD' };
      case 'BODY':
        return { type: 'body', value: this.text() };
      case 'TEXT':
        return { type: 'text', value: this.text() };
      case 'HEADER': {
        const field = this.astring(this.args[this.i++], 'HEADER needs a field name');
        if (!FIELD_NAME.test(field)) syntax('Invalid header field name');
        return { type: 'header', field: field.toUpperCase(), value: this.text() };
      }
      case 'LARGER':
      case 'SMALLER': {
        const size = this.args[this.i++];
        if (size?.type !== 'number') syntax(`${upper} needs a number`);
        return { type: 'size', comparison: upper === 'LARGER' ? 'larger' : 'smaller', size: size.value };
      }
      case 'NOT':
        return { type: 'not', key: this.key(depth + 1) };
      case 'OR': {
        const left = this.key(depth + 1);
        return { type: 'or', left, right: this.key(depth + 1) };
      }
      case 'UID':
        return { type: 'uid', set: this.sequenceSet(atomText(this.args[this.i++]) ?? '') };
      case 'MODSEQ':
        return this.modseq();
    }
    if (/^[0-9*]/.test(word)) return { type: 'sequence', set: this.sequenceSet(word) };
    return syntax(`Unknown search key ${describeWord(word)}`);
  }

  private modseq(): SearchKey {
    this.usesModseq = true;
    let entry: { name: string; kind: 'priv' | 'shared' | 'all' } | undefined;
    const first = this.args[this.i];
    if (first?.type === 'quoted' || first?.type === 'literal') {
      // entry-name SP entry-type-req: `"/flags/\\draft" all` (RFC 7162 §3.1.5)
      const name = this.string(first, 'MODSEQ needs an entry name');
      const kind = atomText(this.args[this.i + 1])?.toLowerCase();
      if (!name.startsWith('/flags/') || (kind !== 'priv' && kind !== 'shared' && kind !== 'all')) syntax('Invalid MODSEQ entry');
      entry = { name, kind };
      this.i += 2;
    }
    const modseq = parseBigDecimal(atomText(this.args[this.i++]), MAX_MODSEQ);
    if (modseq === undefined) syntax('MODSEQ needs a mod-sequence value');
    return { type: 'modseq', modseq, entry };
  }

  private sequenceSet(text: string): SequenceSet {
    const parsed = parseSequenceSet(text);
    if (!parsed.ok) throw new SearchSyntaxError(parsed.error);
    return parsed.value;
  }

  private date(): ImapDate {
    const value = this.args[this.i++];
    const text = value?.type === 'quoted' ? value.value : atomText(value);
    const date = text === undefined ? undefined : parseImapDate(text);
    if (!date) syntax('Date expected as d-Mon-yyyy');
    return date;
  }

  private keyword(): string {
    const word = atomText(this.args[this.i++]);
    // flag-keyword = atom (RFC 3501 §9); `\Seen` is not a keyword.
    if (word === undefined || word.startsWith('\\') || /[%*\]]/.test(word)) syntax('Keyword expected');
    return word;
  }

  private text(): string {
    return this.astring(this.args[this.i++], 'Search string expected');
  }

  /** astring in the command's charset. */
  private astring(value: ImapValue | undefined, missing: string): string {
    const word = atomText(value);
    if (word !== undefined) return word;
    return this.string(value, missing);
  }

  private string(value: ImapValue | undefined, missing: string): string {
    if (value?.type === 'quoted') return value.value;
    if (value?.type !== 'literal') syntax(missing);
    try {
      return this.decoder.decode(value.value);
    } catch {
      return syntax(`Search string is not valid ${this.decoder.encoding.toUpperCase()}`);
    }
  }
}

/**
 * Parses the arguments of SEARCH / UID SEARCH (everything after the command name). Errors are
 * BAD, except code BADCHARSET: `NO [BADCHARSET (UTF-8 …)]` (RFC 3501 §6.4.4, §7.1).
 */
export function parseSearch(args: readonly ImapValue[], options: SearchParserOptions = {}): WireResult<SearchProgram> {
  try {
    return ok(new SearchParser(args).parse(options));
  } catch (err) {
    if (err instanceof SearchSyntaxError) return { ok: false, error: err.parseError };
    throw err;
  }
}
