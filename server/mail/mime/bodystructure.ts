/**
 * BODY and BODYSTRUCTURE (RFC 3501 §7.4.2, §9 `body`) from a parsed tree.
 *
 * body-type-1part: type subtype (params) id description encoding size, then the line count for
 * text/*, and for message/rfc822 the envelope, body and line count of the encapsulated message;
 * BODYSTRUCTURE adds md5, disposition, language, location. body-type-mpart: the parts, the
 * subtype, and for BODYSTRUCTURE params, disposition, language, location.
 *
 * Case: type, subtype, parameter names, encoding and disposition type are case-insensitive
 * tokens; we send them upper case, as RFC 3501's examples and Cyrus do (Dovecot echoes the
 * header's case). Parameter values and the other strings are sent as written. Defaults follow
 * RFC 2045 §5.2 and RFC 3501: no Content-Type is "TEXT" "PLAIN" ("CHARSET" "US-ASCII"), a text
 * part without a charset gets ("CHARSET" "US-ASCII") (RFC 2046 §4.1.2, as Dovecot), no
 * Content-Transfer-Encoding is "7BIT". Size is the body's octets as stored, lines its LF count
 * (both as Dovecot counts them for mail stored with CRLF).
 */
import { envelopeNode } from './envelope.js';
import { asciiUpper } from './header-fields.js';
import { toImapString, type ImapNode } from './imap-node.js';
import type { WireParam } from './mime-params.js';
import type { MimePart } from './mime-tree.js';

export interface BodyStructureOptions {
  /** true for BODYSTRUCTURE (with extension data), false for BODY. */
  extended: boolean;
}


function upper(token: string): ImapNode {
  return toImapString(Buffer.from(asciiUpper(token), 'latin1'));
}

function paramsNode(params: readonly WireParam[]): ImapNode[] | null {
  if (params.length === 0) return null;
  return params.flatMap((p) => [upper(p.name), toImapString(p.value)]);
}

function contentParams(part: MimePart): ImapNode {
  // RFC 2045 §5.2, RFC 2046 §4.1.2: a text part without a charset is US-ASCII. Said explicitly, as
  // Dovecot does, for every text part (also when no Content-Type applies at all).
  if (part.type === 'text' && !part.wireParams.some((p) => p.name === 'charset' || p.name === 'charset*')) {
    return [...(paramsNode(part.wireParams) ?? []), 'CHARSET', 'US-ASCII'];
  }
  return paramsNode(part.wireParams);
}

function extension(part: MimePart): ImapNode[] {
  const d = part.disposition;
  return [d === null ? null : [upper(d.type), paramsNode(d.wireParams)], part.language === null ? null : [...part.language], part.location];
}

function body(part: MimePart, extended: boolean): ImapNode[] {
  if (part.kind === 'multipart') {
    // RFC 3501 §9 body-type-mpart: 1*body SP media-subtype (the parts without spaces between)
    const node: ImapNode[] = [{ concat: part.children.map((child) => body(child, extended)) }, upper(part.subtype)];
    if (extended) node.push(paramsNode(part.wireParams), ...extension(part));
    return node;
  }
  const node: ImapNode[] = [
    upper(part.type),
    upper(part.subtype),
    contentParams(part),
    part.id,
    part.description,
    part.encoding === null ? '7BIT' : upper(part.encoding),
    part.bodyEnd - part.bodyStart,
  ];
  if (part.kind === 'message') {
    const inner = part.children[0]!;
    node.push(inner.envelope === null ? Array<ImapNode>(10).fill(null) : envelopeNode(inner.envelope), body(inner, extended), part.lines ?? 0);
  } else if (part.type === 'text') {
    node.push(part.lines ?? 0);
  }
  if (extended) node.push(part.md5, ...extension(part));
  return node;
}

/** BODY (`extended: false`) or BODYSTRUCTURE (`extended: true`) of the message `tree`. */
export function buildBodyStructure(tree: MimePart, options: BodyStructureOptions): ImapNode[] {
  return body(tree, options.extended);
}
