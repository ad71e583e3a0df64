/**
 * MIME structure for IMAP FETCH and the webmail: a pure module (no I/O, nothing of ours imported).
 *
 *   const tree = parseMimeTree(raw);                          // offsets only, never throws
 *   buildEnvelope(raw, tree)                                  // ENVELOPE      (envelopeNode → ImapNode)
 *   buildBodyStructure(tree, { extended: true })              // BODYSTRUCTURE (false: BODY)
 *   extractSection(raw, tree, '2.HEADER.FIELDS (FROM)')       // BODY[...] octets (resolveSection: ranges)
 *   decodePartBody(raw, part)                                 // BINARY / attachment download
 *
 * RFC 3501 §6.4.5, §7.4.2; RFC 2045–2047, RFC 2231, RFC 3516, RFC 5322.
 */
export { buildBodyStructure, type BodyStructureOptions } from './bodystructure.js';
export { buildEnvelope, envelopeNode, type Envelope, type ImapAddress } from './envelope.js';
export type { ImapConcat, ImapNode, ImapString } from './imap-node.js';
export { MAX_ADDRESSES, MAX_HEADER_FIELDS, MAX_MIME_DEPTH, MAX_MIME_PARAMS, MAX_MIME_PARTS } from './limits.js';
export type { WireParam } from './mime-params.js';
export {
  attachmentParts,
  bodySection,
  parseMimeTree,
  partFilename,
  walkParts,
  type ContentDisposition,
  type MimePart,
  type MimePartKind,
  type ParseOptions,
} from './mime-tree.js';
export {
  applyPartial,
  decodePartBody,
  extractSection,
  findPart,
  parseSection,
  partialRange,
  resolveSection,
  sectionBytes,
  sectionSpec,
  type Segment,
  type SectionContent,
  type SectionSpec,
  type SectionText,
} from './sections.js';
