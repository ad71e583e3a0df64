/**
 * parseMessageFields against the shared corpus (../shared/corpus beside the checkout, or
 * GOVMAIL_CORPUS_DIR): RFC 2047 encoded words, RFC 2231 parameters, legacy Chinese charsets,
 * and malformed mail. Driven from manifest.json: no file, person or name is special-cased here.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseMessageFields } from './message-fields.js';

interface ManifestEntry {
  file: string;
  category: string;
  malformed: boolean;
  expected: {
    subject: string;
    from_name: string;
    from_address: string;
    attachments: { filename: string }[];
    text_contains: string[];
  };
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const corpusDir = process.env.GOVMAIL_CORPUS_DIR ? path.resolve(process.env.GOVMAIL_CORPUS_DIR) : path.resolve(repoRoot, '../shared/corpus');
const manifestFile = path.join(corpusDir, 'manifest.json');
if (!existsSync(manifestFile)) {
  throw new Error(`corpus manifest not found at ${manifestFile}: check out ../shared beside the repository or set GOVMAIL_CORPUS_DIR`);
}
const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as ManifestEntry[];

describe('the corpus', () => {
  it('has messages to test (a manifest read as empty must not pass silently)', () => {
    expect(manifest.length).toBeGreaterThanOrEqual(100);
  });
});

describe.each(manifest.map((entry) => [entry.file, entry] as const))('%s', (_file, entry) => {
  const load = async () => parseMessageFields(readFileSync(path.join(corpusDir, entry.file)));

  it('RFC 2047: subject decoded exactly', async () => {
    expect((await load()).subject).toBe(entry.expected.subject);
  });

  it('RFC 5322 §3.6.2: From address (lower-case) and display name', async () => {
    const fields = await load();
    expect(fields.fromAddress).toBe(entry.expected.from_address.toLowerCase());
    expect(fields.fromName ?? '').toBe(entry.expected.from_name);
  });

  it('RFC 2183/2231: attachment file names, in order', async () => {
    expect((await load()).attachmentNames).toEqual(entry.expected.attachments.map((a) => a.filename));
  });

  it('body text contains the phrases a search must find', async () => {
    const fields = await load();
    for (const phrase of entry.expected.text_contains) expect(fields.text, phrase).toContain(phrase);
  });
});

describe('never throws', () => {
  it('empty input, garbage and a lone header give empty fields', async () => {
    for (const raw of [Buffer.alloc(0), Buffer.from([0xff, 0x00, 0xfe, 0x0d, 0x0a]), Buffer.from('Subject: only\r\n')]) {
      const fields = await parseMessageFields(raw);
      expect(fields.attachmentNames).toEqual([]);
      expect(typeof fields.text).toBe('string');
    }
  });
});
