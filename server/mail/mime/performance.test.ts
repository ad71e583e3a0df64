/**
 * The tree is offsets only: a large message parses in one native-speed pass without copying any
 * body, and hostile shapes (lines that look like delimiters, a huge header) stay linear.
 */
import { describe, expect, it } from 'vitest';
import { buildBodyStructure } from './bodystructure.js';
import { parseMimeTree, walkParts } from './mime-tree.js';
import { decodePartBody, extractSection } from './sections.js';

const CRLF = '\r\n';

/** Octets of Buffers reachable from `value` (what the tree keeps beside offsets). */
function bufferBytes(value: unknown, seen = new Set<unknown>()): number {
  if (value === null || typeof value !== 'object' || seen.has(value)) return 0;
  seen.add(value);
  if (Buffer.isBuffer(value)) return value.length;
  return Object.values(value as Record<string, unknown>).reduce<number>((n, v) => n + bufferBytes(v, seen), 0);
}

function bigMessage(attachments: number, attachmentSize: number): Buffer {
  const pieces: Buffer[] = [Buffer.from(`From: a@x.cn${CRLF}Subject: big${CRLF}Content-Type: multipart/mixed; boundary="=_big"${CRLF}${CRLF}--=_big${CRLF}Content-Type: text/plain${CRLF}${CRLF}see attachments${CRLF}`)];
  const data = Buffer.alloc(attachmentSize);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31 + 7) & 0xff;
  const encoded = Buffer.from(data.toString('base64').replace(/.{76}/g, `$&${CRLF}`));
  for (let n = 0; n < attachments; n++) {
    pieces.push(Buffer.from(`--=_big${CRLF}Content-Type: application/octet-stream; name="f${n}.bin"${CRLF}Content-Transfer-Encoding: base64${CRLF}Content-Disposition: attachment; filename="f${n}.bin"${CRLF}${CRLF}`), encoded, Buffer.from(CRLF));
  }
  pieces.push(Buffer.from(`--=_big--${CRLF}`));
  return Buffer.concat(pieces);
}

describe('performance', () => {
  it('parses a 10 MB message with 20 attachments well under a second, copying no body', () => {
    const raw = bigMessage(20, 370_000); // 20 × ~500 KB of base64 ≈ 10 MB
    expect(raw.length).toBeGreaterThan(10_000_000);
    const started = performance.now();
    const tree = parseMimeTree(raw);
    const structure = buildBodyStructure(tree, { extended: true });
    const parsedIn = performance.now() - started;
    expect(tree.children).toHaveLength(21);
    expect(structure).toHaveLength(6);
    expect(parsedIn).toBeLessThan(500);
    // offsets, not copies: what the tree holds in Buffers is a few header values
    expect(bufferBytes(tree)).toBeLessThan(4096);
    // a section is a view of the raw message
    expect(extractSection(raw, tree, '21').buffer).toBe(raw.buffer);
    expect(decodePartBody(raw, tree.children[20]!).length).toBe(370_000);
  });

  it('stays linear on lines that look like delimiters and on a huge header', () => {
    const started = performance.now();
    // 4 MB of lines starting with "--" that are not delimiters, inside a multipart
    const fake = `--not-the-boundary${CRLF}`.repeat(200_000);
    const raw1 = Buffer.from(`Content-Type: multipart/mixed; boundary=b${CRLF}${CRLF}--b${CRLF}${CRLF}${fake}--b--${CRLF}`);
    expect(parseMimeTree(raw1).children).toHaveLength(1);
    // 300 000 header lines without a colon, then a body
    const raw2 = Buffer.from(`${'x'.repeat(10)}${CRLF}`.repeat(300_000) + `${CRLF}body`);
    expect(parseMimeTree(raw2).bodyEnd).toBe(raw2.length);
    // 100 000 empty parts: capped, not a million objects
    const raw3 = Buffer.from(`Content-Type: multipart/mixed; boundary=b${CRLF}${CRLF}${`--b${CRLF}${CRLF}`.repeat(100_000)}`);
    const tree3 = parseMimeTree(raw3);
    expect([...walkParts(tree3)].length).toBe(10_000);
    expect(performance.now() - started).toBeLessThan(3000);
  });
});
