/**
 * FETCH arguments → typed attributes (RFC 3501 §6.4.5 and §9 fetch-att, section; RFC 3516 §4.2
 * BINARY, BINARY.PEEK, BINARY.SIZE; RFC 7162 §3.1.3 MODSEQ, §3.1.4.1 CHANGEDSINCE).
 *
 * `fetchResponseName` gives the name an attribute takes in the reply (`BODY.PEEK[1]<0.100>`
 * is answered as `BODY[1]<0>`, RFC 3501 §7.4.2), so the command handler never rebuilds it.
 */
import { type WireResult, describeWord, fail, ok } from './parse-error.js';
import { type SequenceSet, sequenceSetArgument } from './sequence-set.js';
import { type ImapSection, type ImapValue, astringValue, atomText } from './values.js';

/** Attributes without a section. BODY alone is BODYSTRUCTURE without extension data. */
export type SimpleFetchName =
  | 'ENVELOPE'
  | 'FLAGS'
  | 'INTERNALDATE'
  | 'RFC822.SIZE'
  | 'UID'
  | 'BODYSTRUCTURE'
  | 'BODY'
  | 'RFC822'
  | 'RFC822.HEADER'
  | 'RFC822.TEXT'
  | 'MODSEQ';

export interface FetchPartial {
  offset: number;
  length: number;
}

/**
 * section-spec (RFC 3501 §9): `part` is the MIME part path (`1.2` → [1, 2]; [] for the whole
 * message); `text` what of it; `fields` the header names for HEADER.FIELDS[.NOT], as sent.
 */
export interface BodySection {
  part: number[];
  text: 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME' | undefined;
  fields: string[] | undefined;
}

export type FetchAttribute =
  | { type: SimpleFetchName }
  /** BODY[section]<partial>; `peek` for BODY.PEEK, which leaves \Seen alone. */
  | { type: 'BODY[]'; peek: boolean; section: BodySection; partial: FetchPartial | undefined }
  /** BINARY[part]<partial> (RFC 3516 §4.2): the part with its transfer encoding undone. */
  | { type: 'BINARY[]'; peek: boolean; part: number[]; partial: FetchPartial | undefined }
  | { type: 'BINARY.SIZE[]'; part: number[] };

export interface FetchRequest {
  set: SequenceSet;
  attributes: FetchAttribute[];
  /** CHANGEDSINCE modifier (RFC 7162 §3.1.4.1): only messages with a greater mod-sequence. */
  changedSince: bigint | undefined;
  /** Some attribute sets \Seen as a side effect (RFC 3501 §6.4.5: BODY[…], BINARY[…], RFC822, RFC822.TEXT). */
  setsSeen: boolean;
}

export interface FetchParserOptions {
  /** UID FETCH: UID is added to the attributes, the reply must carry it (RFC 3501 §6.4.8). */
  uid?: boolean;
}

const SIMPLE = new Set<string>(['ENVELOPE', 'FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'UID', 'BODYSTRUCTURE', 'BODY', 'RFC822', 'RFC822.HEADER', 'RFC822.TEXT', 'MODSEQ']);

/** RFC 3501 §6.4.5 macros; only valid on their own, never inside a list. */
const MACROS: Record<string, SimpleFetchName[]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};

const PART_NUMBER = /^[1-9][0-9]{0,9}$/;
/** RFC 5322 field-name: printable ASCII except ":". */
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
const MAX_MODSEQ = 2n ** 63n - 1n;

/** `1.2.HEADER` → part [1, 2], rest 'HEADER'. */
function splitSection(text: string): { part: number[]; rest: string } | undefined {
  const pieces = text.split('.');
  const part: number[] = [];
  let i = 0;
  for (; i < pieces.length && /^[0-9]+$/.test(pieces[i] ?? ''); i++) {
    const piece = pieces[i] ?? '';
    if (!PART_NUMBER.test(piece) || Number(piece) > 4_294_967_295) return undefined;
    part.push(Number(piece));
  }
  return { part, rest: pieces.slice(i).join('.').toUpperCase() };
}

function parsePartial(value: ImapSection): WireResult<FetchPartial | undefined> {
  if (!value.partial) return ok(undefined);
  // "<" number "." nz-number ">" (RFC 3501 §9): a command must give both.
  if (value.partial.length === undefined || value.partial.length === 0) return fail('Partial fetch needs <offset.length> with length > 0');
  return ok({ offset: value.partial.offset, length: value.partial.length });
}

function parseBodySection(value: ImapSection): WireResult<BodySection> {
  const [spec, fieldList, ...extra] = value.section;
  if (spec === undefined) return ok({ part: [], text: undefined, fields: undefined });
  const text = atomText(spec);
  const split = text === undefined ? undefined : splitSection(text);
  if (!split || extra.length > 0) return fail('Invalid section specification');
  const { part, rest } = split;
  switch (rest) {
    case '':
      if (part.length === 0 || fieldList) return fail('Invalid section specification');
      return ok({ part, text: undefined, fields: undefined });
    case 'HEADER':
    case 'TEXT':
    case 'MIME':
      // MIME describes a body part, so it needs a part number (RFC 3501 §6.4.5).
      if (fieldList || (rest === 'MIME' && part.length === 0)) return fail('Invalid section specification');
      return ok({ part, text: rest, fields: undefined });
    case 'HEADER.FIELDS':
    case 'HEADER.FIELDS.NOT': {
      if (fieldList?.type !== 'list' || fieldList.items.length === 0) return fail(`${rest} needs a list of header names`);
      const fields: string[] = [];
      for (const item of fieldList.items) {
        const name = astringValue(item);
        if (name === undefined || !FIELD_NAME.test(name)) return fail('Invalid header field name');
        fields.push(name);
      }
      return ok({ part, text: rest, fields });
    }
    default:
      return fail(`Invalid section specification ${describeWord(rest)}`);
  }
}

/** `BINARY[1.2]`: a part path only (RFC 3516 §4.2 section-binary). */
function parseBinaryPart(value: ImapSection): WireResult<number[]> {
  if (value.section.length === 0) return ok([]);
  const text = value.section.length === 1 ? atomText(value.section[0]) : undefined;
  const split = text === undefined ? undefined : splitSection(text);
  if (!split || split.rest !== '') return fail('BINARY takes a part number only');
  return ok(split.part);
}

/** One fetch-att. */
export function parseFetchAttribute(value: ImapValue): WireResult<FetchAttribute> {
  if (value.type === 'section') {
    if (value.name === 'BODY' || value.name === 'BODY.PEEK') {
      const section = parseBodySection(value);
      if (!section.ok) return section;
      const partial = parsePartial(value);
      if (!partial.ok) return partial;
      return ok({ type: 'BODY[]', peek: value.name === 'BODY.PEEK', section: section.value, partial: partial.value });
    }
    const part = parseBinaryPart(value);
    if (!part.ok) return part;
    if (value.name === 'BINARY.SIZE') {
      if (value.partial) return fail('BINARY.SIZE takes no partial range');
      return ok({ type: 'BINARY.SIZE[]', part: part.value });
    }
    const partial = parsePartial(value);
    if (!partial.ok) return partial;
    return ok({ type: 'BINARY[]', peek: value.name === 'BINARY.PEEK', part: part.value, partial: partial.value });
  }
  const word = atomText(value)?.toUpperCase();
  if (word !== undefined && SIMPLE.has(word)) return ok({ type: word as SimpleFetchName });
  return fail(`Unknown FETCH attribute ${describeWord(word ?? '')}`);
}

/** The attribute list of FETCH: one attribute, a macro, or a parenthesised list. */
export function parseFetchAttributes(value: ImapValue | undefined): WireResult<FetchAttribute[]> {
  if (value === undefined) return fail('FETCH needs attributes');
  const macro = MACROS[atomText(value)?.toUpperCase() ?? ''];
  if (value.type !== 'list' && macro) return ok(macro.map((type) => ({ type })));
  const items = value.type === 'list' ? value.items : [value];
  // `FETCH 1 ()` is not in the grammar (RFC 3501 §9: "(" fetch-att *(SP fetch-att) ")").
  if (items.length === 0) return fail('Empty FETCH attribute list');
  const attributes: FetchAttribute[] = [];
  for (const item of items) {
    const parsed = parseFetchAttribute(item);
    if (!parsed.ok) return parsed;
    attributes.push(parsed.value);
  }
  return ok(attributes);
}

/** fetch-modifiers (RFC 4466 §2.4), of which we know CHANGEDSINCE (RFC 7162 §3.1.4.1). */
function parseModifiers(value: ImapValue | undefined): WireResult<{ changedSince: bigint | undefined }> {
  if (value === undefined) return ok({ changedSince: undefined });
  if (value.type !== 'list' || value.items.length === 0) return fail('FETCH modifiers must be a parenthesised list');
  let changedSince: bigint | undefined;
  for (let i = 0; i < value.items.length; i += 2) {
    const name = atomText(value.items[i])?.toUpperCase();
    if (name !== 'CHANGEDSINCE' || changedSince !== undefined) return fail(`Unknown or repeated FETCH modifier ${describeWord(name ?? '')}`);
    const text = atomText(value.items[i + 1]);
    // mod-sequence-value (RFC 7162 §7); 0 is accepted too and means "everything".
    if (text === undefined || !/^[0-9]{1,19}$/.test(text) || BigInt(text) > MAX_MODSEQ) return fail('CHANGEDSINCE needs a mod-sequence value');
    changedSince = BigInt(text);
  }
  return ok({ changedSince });
}

/** Whether this attribute sets \Seen when the mailbox is read-write (RFC 3501 §6.4.5). */
function setsSeen(attribute: FetchAttribute): boolean {
  switch (attribute.type) {
    case 'BODY[]':
    case 'BINARY[]':
      return !attribute.peek;
    case 'RFC822':
    case 'RFC822.TEXT':
      return true;
    default:
      return false;
  }
}

/** Parses the arguments of FETCH / UID FETCH: `sequence-set SP attributes [SP modifiers]`. */
export function parseFetch(args: readonly ImapValue[], options: FetchParserOptions = {}): WireResult<FetchRequest> {
  if (args.length < 2 || args.length > 3) return fail('FETCH needs a sequence set and attributes');
  const set = sequenceSetArgument(args[0]);
  if (!set.ok) return set;
  const attributes = parseFetchAttributes(args[1]);
  if (!attributes.ok) return attributes;
  const modifiers = parseModifiers(args[2]);
  if (!modifiers.ok) return modifiers;
  const list = attributes.value;
  const ensure = (type: SimpleFetchName): void => {
    if (!list.some((a) => a.type === type)) list.push({ type });
  };
  if (options.uid) ensure('UID');
  // CHANGEDSINCE implies MODSEQ in every reply (RFC 7162 §3.1.4.1).
  if (modifiers.value.changedSince !== undefined) ensure('MODSEQ');
  return ok({ set: set.value, attributes: list, changedSince: modifiers.value.changedSince, setsSeen: list.some(setsSeen) });
}

function sectionText(section: BodySection): string {
  const parts: string[] = section.part.map(String);
  if (section.text) parts.push(section.text);
  let text = parts.join('.');
  if (section.fields) {
    const names = section.fields.map((name) => (/^[A-Za-z0-9-]+$/.test(name) ? name : `"${name.replace(/["\\]/g, '\\$&')}"`));
    text += ` (${names.join(' ')})`;
  }
  return text;
}

/**
 * The name under which the reply carries an attribute (RFC 3501 §7.4.2, RFC 3516 §4.2): PEEK
 * dropped, the partial range shortened to `<offset>`. Simple attributes keep their name.
 */
export function fetchResponseName(attribute: FetchAttribute): string {
  switch (attribute.type) {
    case 'BODY[]':
      return `BODY[${sectionText(attribute.section)}]${attribute.partial ? `<${attribute.partial.offset}>` : ''}`;
    case 'BINARY[]':
      return `BINARY[${attribute.part.join('.')}]${attribute.partial ? `<${attribute.partial.offset}>` : ''}`;
    case 'BINARY.SIZE[]':
      return `BINARY.SIZE[${attribute.part.join('.')}]`;
    default:
      return attribute.type;
  }
}
