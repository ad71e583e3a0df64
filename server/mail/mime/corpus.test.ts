/**
 * The whole shared corpus (../shared/corpus, or GOVMAIL_CORPUS_DIR) through the MIME module:
 * - the ENVELOPE / BODY / BODYSTRUCTURE of every message equal the reviewed fixtures in
 *   test/fixtures/imap-structure (regenerate with `npx tsx test/fixtures/imap-structure/generate.ts`);
 * - invariants that hold for any message: attachments as the manifest lists them (names decoded
 *   after RFC 2231/2047, decoded sizes), every numbered body's extracted octets have the size and
 *   line count BODYSTRUCTURE claims (RFC 3501 §6.4.5 numbering, walked the way a client walks it),
 *   BODY is BODYSTRUCTURE without the extension data, the envelope decodes to the manifest's
 *   subject and addresses.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildFixture, fixturePath, loadManifest, readMessage, type ManifestEntry } from '../../../test/fixtures/imap-structure/corpus-fixtures.js';
import { imapText } from '../../../test/fixtures/imap-structure/imap-text.js';
import { buildBodyStructure } from './bodystructure.js';
import { decodeEncodedWords } from './charset.js';
import { buildEnvelope, type ImapAddress } from './envelope.js';
import type { ImapNode } from './imap-node.js';
import { attachmentParts, parseMimeTree, partFilename, walkParts } from './mime-tree.js';
import { decodePartBody, extractSection } from './sections.js';

const manifest = loadManifest();

type Body = ImapNode[];

function isMultipart(body: Body): boolean {
  const first = body[0];
  return first !== null && typeof first === 'object' && !Array.isArray(first) && !Buffer.isBuffer(first);
}

function parts(body: Body): Body[] {
  return (body[0] as { concat: Body[] }).concat;
}

function str(node: ImapNode | undefined): string {
  if (typeof node === 'string') return node;
  if (Buffer.isBuffer(node)) return node.toString('utf8');
  throw new Error(`not a string: ${String(node)}`);
}

/** Number the bodies of a BODYSTRUCTURE the way a client does (RFC 3501 §6.4.5). */
function numberBodies(body: Body, section: string, out: Array<{ section: string; body: Body }>): void {
  if (isMultipart(body)) {
    parts(body).forEach((child, i) => numberBodies(child, section === '' ? `${i + 1}` : `${section}.${i + 1}`, out));
    return;
  }
  const number = section === '' ? '1' : section;
  out.push({ section: number, body });
  if (str(body[0]) === 'MESSAGE' && str(body[1]) === 'RFC822') {
    const inner = body[8] as Body;
    numberBodies(inner, isMultipart(inner) ? number : `${number}.1`, out);
  }
}

/** BODYSTRUCTURE less its extension data is BODY (RFC 3501 §7.4.2). */
function stripExtensions(body: Body): Body {
  if (isMultipart(body)) return [{ concat: parts(body).map(stripExtensions) }, body[1]!];
  const basic = body.slice(0, 7);
  if (str(body[0]) === 'TEXT') return [...basic, body[7]!];
  if (str(body[0]) === 'MESSAGE' && str(body[1]) === 'RFC822') return [...basic, body[7]!, stripExtensions(body[8] as Body), body[9]!];
  return basic;
}

const countLf = (b: Buffer) => b.reduce((n, c) => (c === 0x0a ? n + 1 : n), 0);
const addrSpec = (a: ImapAddress) => `${str(a.mailbox)}@${str(a.host)}`.toLowerCase();

describe('corpus: structure fixtures', () => {
  it.each(manifest.map((e) => [e.file, e] as [string, ManifestEntry]))('%s matches its fixture', (_file, entry) => {
    const raw = readMessage(entry);
    const path = fixturePath(entry);
    expect(existsSync(path), `missing ${path}: run npx tsx test/fixtures/imap-structure/generate.ts`).toBe(true);
    const stored = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    expect(buildFixture(entry, raw)).toEqual(stored);
  });
});

describe('corpus: invariants', () => {
  it.each(manifest.map((e) => [e.file, e] as [string, ManifestEntry]))('%s', (_file, entry) => {
    const raw = readMessage(entry);
    expect(raw.length).toBe(entry.size_bytes);
    const tree = parseMimeTree(raw);

    // attachments: every Content-Disposition: attachment part, not inside attached messages
    const attachments = attachmentParts(tree);
    expect(attachments.map((p) => partFilename(p))).toEqual(entry.expected.attachments.map((a) => a.filename));
    expect(attachments.map((p) => `${p.type}/${p.subtype}`)).toEqual(entry.expected.attachments.map((a) => a.content_type));
    expect(attachments.map((p) => decodePartBody(raw, p).length)).toEqual(entry.expected.attachments.map((a) => a.size_bytes));

    for (const inline of entry.expected.inline ?? []) {
      const part = [...walkParts(tree)].find((p) => p.id === `<${inline.content_id}>`);
      expect(part, inline.content_id).toBeDefined();
      expect(`${part!.type}/${part!.subtype}`).toBe(inline.content_type);
      expect(partFilename(part!)).toBe(inline.filename);
      expect(decodePartBody(raw, part!).length).toBe(inline.size_bytes);
    }

    // every numbered body: extracted size and lines are what BODYSTRUCTURE says
    const structure = buildBodyStructure(tree, { extended: true });
    const numbered: Array<{ section: string; body: Body }> = [];
    numberBodies(structure, '', numbered);
    expect(numbered.length).toBeGreaterThan(0);
    for (const { section, body } of numbered) {
      const octets = extractSection(raw, tree, section);
      expect(octets.length, `BODY[${section}] size`).toBe(body[6]);
      if (str(body[0]) === 'TEXT') expect(countLf(octets), `BODY[${section}] lines`).toBe(body[7]);
      if (str(body[0]) === 'MESSAGE' && str(body[1]) === 'RFC822') {
        expect(countLf(octets), `BODY[${section}] lines`).toBe(body[9]);
        const header = extractSection(raw, tree, `${section}.HEADER`);
        const text = extractSection(raw, tree, `${section}.TEXT`);
        expect(Buffer.concat([header, text]).equals(octets), `${section}.HEADER + ${section}.TEXT`).toBe(true);
      }
    }
    expect(Buffer.concat([extractSection(raw, tree, 'HEADER'), extractSection(raw, tree, 'TEXT')]).equals(raw)).toBe(true);

    // BODY is BODYSTRUCTURE without extension data
    expect(imapText(buildBodyStructure(tree, { extended: false }))).toBe(imapText(stripExtensions(structure)));

    // the envelope carries the header as written: decoded, it is what the manifest expects
    const envelope = buildEnvelope(raw, tree);
    expect(decodeEncodedWords(Buffer.from(envelope.subject ?? ''))).toBe(entry.expected.subject);
    if (entry.expected.from_address !== null) expect(envelope.from?.map(addrSpec)).toEqual([entry.expected.from_address.toLowerCase()]);
    expect((envelope.to ?? []).filter((a) => a.host !== null).map(addrSpec)).toEqual(entry.expected.to.map((t) => t.toLowerCase()));

    // forwarded messages: the envelope of each message/rfc822 part is the embedded message's
    const embedded = [...walkParts(tree)].filter((p) => p.kind === 'message').map((p) => p.children[0]!.envelope!);
    for (const [i, expected] of (entry.expected.embedded ?? []).entries()) {
      expect(decodeEncodedWords(Buffer.from(embedded[i]!.subject ?? ''))).toBe(expected.subject);
      expect(embedded[i]!.from?.map(addrSpec)).toEqual([expected.from_address]);
    }

    if (entry.expected.multipart_depth !== undefined) {
      const deepest = Math.max(...[...walkParts(tree)].filter((p) => p.kind === 'multipart').map((p) => p.depth));
      expect(deepest + 1).toBe(entry.expected.multipart_depth);
    }
  });
});
