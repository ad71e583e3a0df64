/**
 * RFC 3501 §6.4.4 SEARCH and UID SEARCH, RFC 4731 ESEARCH (RETURN MIN MAX COUNT ALL), RFC 7162
 * MODSEQ. Text keys (BODY, TEXT, and SUBJECT/FROM/TO/CC with Chinese words) go through the
 * full-text index that understands Chinese; everything else is evaluated on the stored rows, one
 * batch at a time. Dates compare in Asia/Shanghai, the city's time zone (RFC 3501 leaves the
 * zone to the server).
 */
import type { CommandContext, CommandHandler } from '../command-context.js';
import { bad } from '../imap-error.js';
import { formatUidSet } from '../message-set.js';
import type { MessageView, SearchableFields, SelectedMailbox } from '../session.js';
import { parseSearch, type ImapDate, type SearchKey } from '../wire/search-parser.js';
import { resolveSequenceSet } from '../wire/sequence-set.js';
import { toRanges } from '../message-set.js';

const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

/** Start of the day in Asia/Shanghai, as epoch milliseconds. */
function dayStart(date: ImapDate): number {
  return Date.UTC(date.year, date.month - 1, date.day) - SHANGHAI_OFFSET_MS;
}

function dayOf(ms: number): number {
  return Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS);
}

type Row = MessageView & { fields: SearchableFields };

interface Prepared {
  /** UIDs matched by each text key, resolved before the scan. */
  text: Map<SearchKey, Set<number> | null>;
  /** Header-field keys that need the raw header. */
  needsRaw: boolean;
  /** Keys that read the stored header fields (SUBJECT/FROM/TO/CC, SENT*): else flags and dates suffice. */
  needsFields: boolean;
}

const FIELD_COLUMN: Record<string, keyof SearchableFields | undefined> = { SUBJECT: 'subject', FROM: 'from', TO: 'to', CC: 'cc' };

function walk(key: SearchKey, visit: (k: SearchKey) => void): void {
  visit(key);
  if (key.type === 'and') key.keys.forEach((k) => walk(k, visit));
  else if (key.type === 'or') {
    walk(key.left, visit);
    walk(key.right, visit);
  } else if (key.type === 'not') walk(key.key, visit);
}

async function prepare(mailbox: SelectedMailbox, criteria: SearchKey): Promise<Prepared> {
  const prepared: Prepared = { text: new Map(), needsRaw: false, needsFields: false };
  const keys: SearchKey[] = [];
  walk(criteria, (k) => keys.push(k));
  for (const key of keys) {
    if (key.type === 'body' || key.type === 'text') {
      prepared.text.set(key, await mailbox.fullText(key.type, key.value));
      if (prepared.text.get(key) === null) prepared.needsRaw = true;
    } else if (key.type === 'date' && key.field !== 'internal') {
      prepared.needsFields = true;
    } else if (key.type === 'header') {
      const column = FIELD_COLUMN[key.field];
      if (column) prepared.needsFields = true;
      if (column && /[\u3400-\u9fff]/.test(key.value)) {
        prepared.text.set(key, await mailbox.fullText(key.field.toLowerCase() as 'subject' | 'from' | 'to' | 'cc', key.value));
      }
      if (!column) prepared.needsRaw = true;
    }
  }
  return prepared;
}

function headerValues(raw: Buffer, field: string): string[] {
  const end = raw.indexOf('\r\n\r\n');
  const header = raw.subarray(0, end < 0 ? raw.length : end).toString('utf8').replace(/\r\n[ \t]+/g, ' ');
  const out: string[] = [];
  for (const line of header.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toUpperCase() === field) out.push(line.slice(colon + 1).trim());
  }
  return out;
}

const contains = (haystack: string, needle: string) => haystack.toLowerCase().includes(needle.toLowerCase());

function matches(key: SearchKey, row: Row, seq: number, ctx: { mailbox: SelectedMailbox; prepared: Prepared; raw: Buffer | null; maxSeq: number; maxUid: number }): boolean {
  switch (key.type) {
    case 'all':
      return true;
    case 'and':
      return key.keys.every((k) => matches(k, row, seq, ctx));
    case 'or':
      return matches(key.left, row, seq, ctx) || matches(key.right, row, seq, ctx);
    case 'not':
      return !matches(key.key, row, seq, ctx);
    case 'flag':
      if (key.flag === '\\Recent') return row.recent === key.set;
      return row.flags.some((f) => f.toLowerCase() === key.flag.toLowerCase()) === key.set;
    case 'size':
      return key.comparison === 'larger' ? row.size > key.size : row.size < key.size;
    case 'sequence':
      return resolveSequenceSet(key.set, ctx.maxSeq).has(seq);
    case 'uid':
      return resolveSequenceSet(key.set, ctx.maxUid).has(row.uid);
    case 'modseq':
      return BigInt(row.modseq) >= key.modseq;
    case 'date': {
      const when = key.field === 'internal' ? row.internalDate : (row.fields.sentDate ?? row.internalDate);
      const start = dayStart(key.date);
      if (key.comparison === 'on') return dayOf(when) === dayOf(start);
      if (key.comparison === 'before') return when < start;
      return when >= start;
    }
    case 'body':
    case 'text': {
      const hits = ctx.prepared.text.get(key);
      if (hits) return hits.has(row.uid);
      const raw = ctx.raw?.toString('utf8') ?? '';
      if (key.type === 'text') return contains(raw, key.value);
      const end = raw.indexOf('\r\n\r\n');
      return contains(end < 0 ? '' : raw.slice(end + 4), key.value);
    }
    case 'header': {
      const hits = ctx.prepared.text.get(key);
      const column = FIELD_COLUMN[key.field];
      if (column) {
        const value = String(row.fields[column] ?? '');
        return contains(value, key.value) || Boolean(hits?.has(row.uid));
      }
      const values = ctx.raw ? headerValues(ctx.raw, key.field) : [];
      return key.value === '' ? values.length > 0 : values.some((v) => contains(v, key.value));
    }
  }
}

async function runSearch(ctx: CommandContext): Promise<void> {
  const mailbox = ctx.selected();
  const parsed = parseSearch(ctx.command.args);
  if (!parsed.ok) throw bad(parsed.error.text, parsed.error.code === 'BADCHARSET' ? 'BADCHARSET' : null);
  const program = parsed.value;
  if (program.usesModseq) ctx.enabled.add('CONDSTORE');
  const prepared = await prepare(mailbox, program.criteria);
  const known = mailbox.uids();
  const maxUid = known.length ? known[known.length - 1]! : 0;
  const hits: { uid: number; seq: number; modseq: number }[] = [];
  for await (const row of mailbox.searchable(toRanges(known), { fields: prepared.needsFields })) {
    const seq = mailbox.seqOf(row.uid);
    if (seq === undefined) continue;
    const raw = prepared.needsRaw ? await row.readRaw() : null;
    if (matches(program.criteria, row, seq, { mailbox, prepared, raw, maxSeq: known.length, maxUid })) hits.push({ uid: row.uid, seq, modseq: row.modseq });
  }
  const ids = hits.map((h) => (ctx.byUid ? h.uid : h.seq));
  const highestModseq = hits.reduce((max, h) => Math.max(max, h.modseq), 0);

  if (program.returnOptions) {
    // RFC 4731 §3.1 ESEARCH.
    const parts = [`ESEARCH (TAG "${ctx.tag.replace(/["\\]/g, '')}")`];
    if (ctx.byUid) parts.push('UID');
    const options = program.returnOptions;
    if (ids.length > 0) {
      if (options.includes('MIN')) parts.push(`MIN ${Math.min(...ids)}`);
      if (options.includes('MAX')) parts.push(`MAX ${Math.max(...ids)}`);
      if (options.includes('ALL')) parts.push(`ALL ${formatUidSet([...ids].sort((a, b) => a - b))}`);
    }
    if (options.includes('COUNT')) parts.push(`COUNT ${ids.length}`);
    if (program.usesModseq && ids.length > 0) parts.push(`MODSEQ ${highestModseq}`);
    await ctx.untagged(parts.join(' '));
    return;
  }
  const modseq = program.usesModseq && ids.length > 0 ? ` (MODSEQ ${highestModseq})` : '';
  await ctx.untagged(`SEARCH${ids.map((id) => ' ' + id).join('')}${modseq}`);
}

export const search: CommandHandler = {
  states: ['selected'],
  expungeAllowed: (ctx) => ctx.byUid,
  run: runSearch,
};
