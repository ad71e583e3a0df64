/**
 * ENVELOPE, BODY and BODYSTRUCTURE (RFC 3501 §7.4.2) of every message in the shared corpus, as
 * they come over the wire, against the hand-checked fixtures in test/fixtures/imap-structure.
 * The server/mail/mime tests check the structure builder; this checks that what the client gets
 * — after APPEND (RFC 3501 §6.3.11) over a real socket, the FETCH command and our response
 * encoder — is the same thing. Values are compared after parsing, so a string sent quoted on one
 * side and as a literal on the other still matches (RFC 3501 §4.3 allows either).
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusDir, fixturePath, loadManifest, readMessage, type ManifestEntry, type StructureFixture } from '../fixtures/imap-structure/corpus-fixtures.js';
import { SEED_PASSWORD, startTestGovmail, type TestGovmail } from '../helpers/start-govmail.js';
import { ImapLineClient } from './imap-line-client.js';
import { parseFetchResponse, parseWireValues, wireToJson, type WireValue } from './imap-value-parser.js';

const USER = 'wangfang@haining.gov.cn';

function manifestOrNull(): ManifestEntry[] | null {
  try {
    return loadManifest();
  } catch {
    return null;
  }
}

const manifest = manifestOrNull();
const fixturesReady = manifest !== null && manifest.length > 0 && manifest.every((entry) => existsSync(fixturePath(entry)));
if (!manifest) console.warn(`corpus structure test skipped: no corpus manifest under ${corpusDir()} (set GOVMAIL_CORPUS_DIR)`);
else if (!fixturesReady) console.warn('corpus structure test skipped: fixtures missing in test/fixtures/imap-structure (npx tsx test/fixtures/imap-structure/generate.ts)');

let gm: TestGovmail;
let client: ImapLineClient;
/** FETCH items by corpus file. */
const fetched = new Map<string, Map<string, WireValue>>();
const appendFailures: string[] = [];

/**
 * The fixture text back to octets: imapText() wrote valid UTF-8 as UTF-8 and anything else as
 * latin1, one character per octet.
 */
function fixtureBytes(text: string): Buffer {
  if ([...text].some((ch) => ch.codePointAt(0)! > 0xff)) return Buffer.from(text, 'utf8');
  const latin1 = Buffer.from(text, 'latin1');
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(latin1);
    // Valid UTF-8 as latin1 would have been written as UTF-8 text: so this text was UTF-8.
    return /[\x80-\xff]/.test(text) ? Buffer.from(text, 'utf8') : latin1;
  } catch {
    return latin1;
  }
}

function fixtureValue(text: string): WireValue {
  const values = parseWireValues(fixtureBytes(text));
  expect(values).toHaveLength(1);
  return values[0]!;
}

beforeAll(async () => {
  if (!fixturesReady) return;
  gm = await startTestGovmail();
  client = await ImapLineClient.connect(gm.ports.imaps!, { tls: true });
  expect((await client.login(USER, SEED_PASSWORD)).status).toBe('OK');
  expect((await client.command('CREATE corpus')).status).toBe('OK');
  const uidToFile = new Map<number, string>();
  for (const entry of manifest!) {
    const raw = readMessage(entry);
    // LITERAL+ (RFC 7888): no round trip per message. A message with NUL bytes can only go
    // as a literal8 (RFC 3516 §4.4; RFC 3501 §4.3 literals carry no NUL).
    const literal = raw.includes(0) ? `~{${raw.length}+}` : `{${raw.length}+}`;
    const result = await client.command(Buffer.concat([Buffer.from(`APPEND corpus ${literal}\r\n`), raw]));
    const uid = /\[APPENDUID \d+ (\d+)\]/.exec(result.tagged)?.[1];
    if (result.status !== 'OK' || !uid) appendFailures.push(`${entry.file}: ${result.tagged}`);
    else uidToFile.set(Number(uid), entry.file);
  }
  expect((await client.command('EXAMINE corpus')).status).toBe('OK');
  const fetch = await client.command('UID FETCH 1:* (UID ENVELOPE BODY BODYSTRUCTURE)', { timeoutMs: 30_000 });
  expect(fetch.status, fetch.tagged).toBe('OK');
  for (const bytes of fetch.untaggedBytes) {
    const { items } = parseFetchResponse(bytes);
    const file = uidToFile.get(Number(items.get('UID')));
    if (file) fetched.set(file, items);
  }
});

afterAll(async () => {
  await client?.logout();
  await gm?.stop();
});

describe.skipIf(!fixturesReady)('corpus ENVELOPE / BODY / BODYSTRUCTURE over the wire (RFC 3501 §7.4.2)', () => {
  it('every corpus message is accepted by APPEND and answered by one FETCH', () => {
    expect(appendFailures).toEqual([]);
    expect(fetched.size).toBe(manifest!.length);
  });

  for (const entry of manifest ?? []) {
    it(`${entry.file}`, () => {
      const fixture = JSON.parse(readFileSync(fixturePath(entry), 'utf8')) as StructureFixture;
      expect(fixture.sha256, 'the fixture was made from another version of this corpus message').toBe(entry.sha256);
      const items = fetched.get(entry.file);
      expect(items, 'no FETCH response').toBeDefined();
      expect(wireToJson(items!.get('ENVELOPE')!)).toEqual(wireToJson(fixtureValue(fixture.envelope)));
      expect(wireToJson(items!.get('BODYSTRUCTURE')!)).toEqual(wireToJson(fixtureValue(fixture.bodystructure)));
      expect(wireToJson(items!.get('BODY')!)).toEqual(wireToJson(fixtureValue(fixture.body)));
    });
  }
});
