/**
 * RFC 5322 §3.4 address lists (with the §4.4 obsolete forms: routes, CFWS anywhere) as the
 * address structures of the IMAP ENVELOPE (RFC 3501 §7.4.2): (name adl mailbox host), a group as
 * (NIL NIL "group name" NIL) … (NIL NIL NIL NIL).
 *
 * Octets are reported as written: encoded words stay encoded, raw 8-bit display names stay raw.
 * Parsing is lenient and never fails; like Dovecot, an address without a local part or a domain
 * gets MISSING_MAILBOX / MISSING_DOMAIN, because a NIL host would make a client read it as a group.
 */
import { MAX_ADDRESSES } from './limits.js';

export interface ParsedAddress {
  /** Display name (phrase, quotes removed, whitespace runs as one space), or a trailing comment. */
  name: Buffer | null;
  /** Obsolete source route `@a,@b` (RFC 5322 §4.4 obs-route), without the colon. */
  adl: Buffer | null;
  /** Local part as written (a quoted local part keeps its quotes); group name for a group start. */
  mailbox: Buffer | null;
  /** Domain; null only in group markers. */
  host: Buffer | null;
}

export const MISSING_MAILBOX = 'MISSING_MAILBOX';
export const MISSING_DOMAIN = 'MISSING_DOMAIN';

type Token =
  | { kind: 'atom'; text: Buffer; ws: boolean }
  | { kind: 'quoted'; text: Buffer; raw: Buffer; ws: boolean }
  | { kind: 'comment'; text: Buffer; ws: boolean }
  | { kind: 'literal'; text: Buffer; ws: boolean }
  | { kind: 'special'; ch: number; text: Buffer; ws: boolean };

const SP = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
const LPAREN = 0x28;
const RPAREN = 0x29;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LT = 0x3c;
const GT = 0x3e;
const COLON = 0x3a;
const SEMI = 0x3b;
const AT = 0x40;
const COMMA = 0x2c;
const DOT = 0x2e;

const SPECIALS = new Set([LT, GT, COLON, SEMI, AT, COMMA, DOT]);

function isWsp(b: number): boolean {
  return b === SP || b === TAB || b === CR || b === LF;
}

function tokenize(src: Buffer): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let ws = false;
  while (pos < src.length) {
    const b = src[pos]!;
    if (isWsp(b)) {
      ws = true;
      pos++;
    } else if (b === DQUOTE) {
      const start = pos;
      const out: number[] = [];
      pos++;
      while (pos < src.length && src[pos] !== DQUOTE) {
        if (src[pos] === BACKSLASH && pos + 1 < src.length) pos++;
        const c = src[pos]!;
        // folding inside a quoted string is unfolded; the WSP after it stays
        if (c !== CR && c !== LF) out.push(c);
        pos++;
      }
      pos = Math.min(pos + 1, src.length);
      tokens.push({ kind: 'quoted', text: Buffer.from(out), raw: src.subarray(start, pos), ws });
      ws = false;
    } else if (b === LPAREN) {
      let depth = 0;
      const out: number[] = [];
      while (pos < src.length) {
        const c = src[pos]!;
        if (c === BACKSLASH && pos + 1 < src.length) {
          out.push(src[pos + 1]!);
          pos += 2;
          continue;
        }
        pos++;
        if (c === LPAREN && ++depth === 1) continue;
        if (c === RPAREN && --depth === 0) break;
        out.push(c);
      }
      tokens.push({ kind: 'comment', text: Buffer.from(out), ws });
      ws = true; // a comment separates the words around it like whitespace
    } else if (b === LBRACKET) {
      const start = pos;
      while (pos < src.length && src[pos] !== RBRACKET) pos += src[pos] === BACKSLASH ? 2 : 1;
      pos = Math.min(pos + 1, src.length);
      tokens.push({ kind: 'literal', text: src.subarray(start, pos), ws });
      ws = false;
    } else if (SPECIALS.has(b)) {
      tokens.push({ kind: 'special', ch: b, text: src.subarray(pos, pos + 1), ws });
      pos++;
      ws = false;
    } else if (b === RPAREN) {
      pos++; // stray
    } else {
      const start = pos;
      while (pos < src.length) {
        const c = src[pos]!;
        if (isWsp(c) || c === DQUOTE || c === LPAREN || c === RPAREN || c === LBRACKET || SPECIALS.has(c)) break;
        pos++;
      }
      tokens.push({ kind: 'atom', text: src.subarray(start, pos), ws });
      ws = false;
    }
  }
  return tokens;
}

const isSpecial = (t: Token | undefined, ch: number) => t?.kind === 'special' && t.ch === ch;

/** A display name: the words without comments, quotes removed, one space where there was any. */
function phrase(tokens: readonly Token[]): Buffer | null {
  const parts: Buffer[] = [];
  for (const t of tokens) {
    if (t.kind === 'comment') continue;
    if (parts.length > 0 && t.ws) parts.push(Buffer.from(' '));
    parts.push(t.text);
  }
  return humanText(Buffer.concat(parts));
}

/** Whitespace runs (tabs, folding) as one space, trimmed; null when nothing is left. */
function humanText(bytes: Buffer): Buffer | null {
  const text = bytes.toString('latin1').replace(/[ \t\r\n]+/g, ' ').trim();
  return text === '' ? null : Buffer.from(text, 'latin1');
}

function joinRaw(tokens: readonly Token[]): Buffer {
  return Buffer.concat(tokens.filter((t) => t.kind !== 'comment').map((t) => (t.kind === 'quoted' ? t.raw : t.text)));
}

/** `local@domain` from tokens with no angle brackets; a comment may stand in for the name. */
function addrSpec(tokens: readonly Token[], name: Buffer | null): ParsedAddress {
  let at = -1;
  for (let i = tokens.length - 1; i >= 0; i--) {
    if (isSpecial(tokens[i], AT)) {
      at = i;
      break;
    }
  }
  const local = at < 0 ? tokens : tokens.slice(0, at);
  const domain = at < 0 ? [] : tokens.slice(at + 1);
  const mailbox = joinRaw(local);
  const host = joinRaw(domain);
  return {
    name,
    adl: null,
    mailbox: mailbox.length > 0 ? mailbox : Buffer.from(MISSING_MAILBOX),
    host: host.length > 0 ? host : Buffer.from(MISSING_DOMAIN),
  };
}

/** Inside `<…>`: an optional obsolete route `@a,@b:` then an addr-spec. */
function angleAddr(inner: readonly Token[], name: Buffer | null): ParsedAddress {
  const tokens = inner.filter((t) => t.kind !== 'comment');
  let adl: Buffer | null = null;
  let rest = tokens;
  if (isSpecial(tokens[0], AT)) {
    const colon = tokens.findIndex((t) => isSpecial(t, COLON));
    if (colon > 0) {
      adl = joinRaw(tokens.slice(0, colon));
      rest = tokens.slice(colon + 1);
    }
  }
  return { ...addrSpec(rest, null), name, adl };
}

/** The first comment's text, used as the name of a bare `addr (Name)` (as Dovecot does). */
function commentName(tokens: readonly Token[]): Buffer | null {
  const comment = tokens.find((t) => t.kind === 'comment');
  return comment ? humanText(comment.text) : null;
}

/**
 * Parse an address header value (unfolded octets). Returns an empty list when there is no
 * address at all; the caller turns that into NIL.
 */
export function parseAddressList(value: Buffer): ParsedAddress[] {
  const tokens = tokenize(value);
  const out: ParsedAddress[] = [];
  let pending: Token[] = [];
  let inGroup = false;
  const flush = () => {
    const words = pending.filter((t) => t.kind !== 'comment');
    if (words.length > 0) out.push(addrSpec(words, commentName(pending)));
    pending = [];
  };
  for (let i = 0; i < tokens.length && out.length < MAX_ADDRESSES; i++) {
    const t = tokens[i]!;
    if (isSpecial(t, COMMA)) {
      flush();
    } else if (isSpecial(t, SEMI)) {
      flush();
      if (inGroup) {
        out.push({ name: null, adl: null, mailbox: null, host: null });
        inGroup = false;
      }
    } else if (isSpecial(t, COLON) && !inGroup && !pending.some((p) => isSpecial(p, AT))) {
      // RFC 5322 §3.4 group: display-name ":" [group-list] ";"
      out.push({ name: null, adl: null, mailbox: phrase(pending) ?? Buffer.alloc(0), host: null });
      pending = [];
      inGroup = true;
    } else if (isSpecial(t, LT)) {
      let j = i + 1;
      while (j < tokens.length && !isSpecial(tokens[j], GT)) j++;
      out.push(angleAddr(tokens.slice(i + 1, j), phrase(pending)));
      pending = [];
      // anything after '>' up to the next separator is junk (a comment, a stray word)
      i = j;
      while (i + 1 < tokens.length && !isSpecial(tokens[i + 1], COMMA) && !isSpecial(tokens[i + 1], SEMI)) i++;
    } else {
      pending.push(t);
    }
  }
  flush();
  if (inGroup) out.push({ name: null, adl: null, mailbox: null, host: null });
  return out;
}

