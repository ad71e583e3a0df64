/**
 * The search index over real services (SQLite file, blob store, delivery): the whole shared
 * corpus (../shared/corpus beside the checkout, or GOVMAIL_CORPUS_DIR) is delivered, and every
 * phrase its manifest says a search must find is found — in GBK, GB18030 and Big5 mail too.
 * Where a query's exact answer is known (a two-character word is a substring), the result is
 * compared with a brute-force substring scan of the parsed fields, so nothing extra is returned
 * either. Driven from manifest.json: no file, person or name is special-cased.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { createServices, type Services } from '../../services.js';
import type { Account, MessageRow } from '../../storage/database.js';
import { searchDialectFor } from '../../storage/search-dialect.js';
import type { MessageFields } from '../message-fields.js';
import { catchUpSearchIndex, removeBlob, searchMessages, type SearchCriteria } from './search-index.js';
import { normalizeForSearch, tokenizeQuery } from './tokenize.js';

interface ManifestEntry {
  file: string;
  category: string;
  expected: { from_name: string; text_contains: string[] };
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const corpusDir = process.env.GOVMAIL_CORPUS_DIR ? path.resolve(process.env.GOVMAIL_CORPUS_DIR) : path.resolve(repoRoot, '../shared/corpus');
const manifestFile = path.join(corpusDir, 'manifest.json');
if (!existsSync(manifestFile)) {
  throw new Error(`corpus manifest not found at ${manifestFile}: check out ../shared beside the repository or set GOVMAIL_CORPUS_DIR`);
}
const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as ManifestEntry[];

const ACTOR = { address: 'system', via: 'cli' } as const;
const PASSWORD = 'Qiantang#River2026';

let services: Services;
let dataDir: string;
let alice: Account;
let bob: Account;
/** What was delivered to alice, by blob hash. */
const aliceMail = new Map<string, MessageFields>();
const corpusBlob = new Map<string, string>();

function message(subject: string, body: string, extra: { from?: string; to?: string; cc?: string } = {}): Buffer {
  const lines = [
    `From: ${extra.from ?? '市财政局 <czj@haining.gov.cn>'}`,
    `To: ${extra.to ?? 'alice@haining.gov.cn'}`,
    ...(extra.cc ? [`Cc: ${extra.cc}`] : []),
    `Subject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`,
    'Date: Tue, 04 Mar 2025 13:48:05 +0800',
    `Message-ID: <${Math.random().toString(36).slice(2)}@haining.gov.cn>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    body,
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

async function deliver(raw: Buffer, recipients: readonly string[]) {
  return services.delivery.deliver({ envelopeFrom: 'sender@example.com', recipients, raw, submittedBy: null, remoteIp: null, protocol: 'smtp-mx' });
}

const hashes = (rows: readonly MessageRow[]) => new Set(rows.map((r) => r.blob_hash));

/** Everything a TEXT search covers, as the index sees it (normalised). */
function haystack(f: MessageFields): string[] {
  return [f.subject ?? '', f.fromName ?? '', f.fromAddress ?? '', ...f.to.flatMap((a) => [a.name, a.address]), ...f.cc.flatMap((a) => [a.name, a.address]), f.text].map(normalizeForSearch);
}

/** Alice's messages whose fields hold `needle` as a substring: the exact answer. */
function oracle(pick: (f: MessageFields) => string[], needle: string): Set<string> {
  const n = normalizeForSearch(needle);
  return new Set([...aliceMail].filter(([, f]) => pick(f).some((s) => normalizeForSearch(s).includes(n))).map(([hash]) => hash));
}

async function search(criteria: Omit<SearchCriteria, 'accountId'>, account: Account = alice) {
  return searchMessages(services.db, { accountId: account.id, ...criteria });
}

async function documentsFor(hash: string): Promise<number> {
  const row = await services.db.selectFrom('search_documents').select((eb) => eb.fn.countAll<number>().as('n')).where('blob_hash', '=', hash).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function inbox(account: Account) {
  return services.mail.getMailbox(account.id, 'INBOX');
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'govmail-search-'));
  const config = loadConfig({ overrides: { dataDir, auth: { argon2MemoryKib: 1024, argon2Iterations: 1 }, logLevel: 'silent', inbound: { enabled: false } }, env: {} });
  services = await createServices(config);
  await services.directory.createUnit({ code: 'hn', name: '海宁市人民政府' }, ACTOR);
  alice = await services.directory.createAccount({ address: 'alice@haining.gov.cn', displayName: '王小丽', unitCode: 'hn', password: PASSWORD }, ACTOR);
  bob = await services.directory.createAccount({ address: 'bob@haining.gov.cn', displayName: '李大海', unitCode: 'hn', password: PASSWORD }, ACTOR);
  // The inbound checks (SPEC 4.2) would hold the phishing samples; this file tests the index only.
  for (const entry of manifest) {
    const report = await deliver(readFileSync(path.join(corpusDir, entry.file)), ['alice@haining.gov.cn']);
    expect(report.deliveredTo, `${entry.file}: ${JSON.stringify(report)}`).toEqual([alice.id]);
    aliceMail.set(report.blobHash, report.fields);
    corpusBlob.set(entry.file, report.blobHash);
  }
});

afterAll(async () => {
  await services?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('the corpus', () => {
  it('was delivered, legacy charsets included', () => {
    expect(manifest.length).toBeGreaterThanOrEqual(100);
    expect(aliceMail.size).toBe(manifest.length);
    expect(manifest.filter((e) => e.category === 'legacy_charset').length).toBeGreaterThan(0);
  });

  it.each(manifest.filter((e) => e.expected.text_contains.length > 0).map((e) => [e.file, e] as const))('%s: every expected phrase is found', async (file, entry) => {
    const hash = corpusBlob.get(file)!;
    for (const phrase of entry.expected.text_contains) {
      expect(hashes(await search({ text: phrase })), `TEXT ${phrase}`).toContain(hash);
      expect(hashes(await search({ body: phrase })), `BODY ${phrase}`).toContain(hash);
    }
  });
});

describe('Chinese words', () => {
  it.each(['会议', '海宁', '通知', '防汛', '觀潮'])('%s finds exactly the messages that contain it', async (word) => {
    const expected = oracle(haystack, word);
    expect(expected.size).toBeGreaterThan(0);
    expect(hashes(await search({ text: word }))).toEqual(expected);
  });

  it('a one-character query finds the character anywhere, the last of a run included', async () => {
    for (const char of ['税', '市', '于']) {
      const expected = oracle(haystack, char);
      expect(expected.size, char).toBeGreaterThan(0);
      expect(hashes(await search({ text: char })), char).toEqual(expected);
    }
  });

  it('a longer query needs all its bigrams, so it finds every message holding the phrase', async () => {
    const phrase = '海宁市人民政府';
    const found = hashes(await search({ text: phrase }));
    for (const hash of oracle(haystack, phrase)) expect(found).toContain(hash);
    for (const hash of found) {
      const text = haystack(aliceMail.get(hash)!).join('\n');
      for (const { text: bigram } of tokenizeQuery(phrase)) expect(text).toContain(bigram);
    }
  });

  it('the subject key searches subjects only', async () => {
    const subjects = (f: MessageFields) => [f.subject ?? ''];
    expect(hashes(await search({ subject: '会议' }))).toEqual(oracle(subjects, '会议'));
  });
});

describe('attachment names', () => {
  const names = (f: MessageFields) => f.attachmentNames;

  it.each(['统计表', '征求意见稿', '纪要', 'xlsx', 'docx', '.pdf'])('%s', async (fragment) => {
    const expected = oracle(names, fragment);
    expect(expected.size).toBeGreaterThan(0);
    const found = hashes(await search({ attachment: fragment }));
    for (const hash of expected) expect(found).toContain(hash);
    for (const hash of found) expect(aliceMail.get(hash)!.attachmentNames.length).toBeGreaterThan(0);
  });

  it('are found by TEXT but not by BODY', async () => {
    const name = [...aliceMail.values()].flatMap((f) => f.attachmentNames).find((n) => n.includes('航拍图'));
    expect(name).toBeDefined();
    const withName = oracle(names, '航拍图');
    expect(hashes(await search({ text: '航拍图' }))).toEqual(withName);
    const bodies = (f: MessageFields) => [f.text.slice(0, f.text.length - f.attachmentNames.join('\n').length)];
    expect(hashes(await search({ body: '航拍图' }))).toEqual(oracle(bodies, '航拍图'));
  });
});

describe('senders and recipients', () => {
  const senders = (f: MessageFields) => [f.fromName ?? '', f.fromAddress ?? ''];
  const recipients = (f: MessageFields) => f.to.flatMap((a) => [a.name, a.address]);

  it('a sender’s Chinese name', async () => {
    const names = new Set(manifest.map((e) => e.expected.from_name).filter((n) => /^[\u4e00-\u9fff]{2,3}$/.test(n)));
    expect(names.size).toBeGreaterThan(3);
    for (const name of names) expect(hashes(await search({ from: name })), name).toEqual(oracle(senders, name));
  });

  it('ASCII fragments of addresses match as substrings (RFC 3501 §6.4.4), not only as words', async () => {
    for (const fragment of ['zhangwei', 'zhang', 'wei@', 'example']) {
      const expected = oracle(senders, fragment.toLowerCase());
      expect(expected.size, fragment).toBeGreaterThan(0);
      expect(hashes(await search({ from: fragment })), fragment).toEqual(expected);
    }
    // Several words: every substring hit, plus senders holding the words apart (haining-gov.cn).
    const found = hashes(await search({ from: 'HAINING.GOV' }));
    for (const hash of oracle(senders, 'haining.gov')) expect(found).toContain(hash);
    for (const hash of found) expect(senders(aliceMail.get(hash)!).join(' ').toLowerCase()).toMatch(/haining.*gov/);
    for (const fragment of ['xsjd', 'caz@', 'gov.cn']) {
      const expected = oracle(recipients, fragment);
      expect(expected.size, fragment).toBeGreaterThan(0);
      expect(hashes(await search({ to: fragment })), fragment).toEqual(expected);
    }
  });

  it('a recipient query never matches the JSON structure of the stored list', async () => {
    for (const fragment of ['name', 'address', '":"', ',', 'ss']) {
      const found = hashes(await search({ to: fragment }));
      expect(found.size, fragment).toBeLessThan(aliceMail.size / 2);
    }
  });

  it('ASCII subject fragments match as substrings', async () => {
    const raw = message('Quarterly REPORT on flood-control drills', '见附件。');
    const report = await deliver(raw, ['alice@haining.gov.cn']);
    aliceMail.set(report.blobHash, report.fields);
    expect(hashes(await search({ subject: 'port on FLOOD' }))).toEqual(new Set([report.blobHash]));
    expect(hashes(await search({ subject: 'quarter' }))).toEqual(new Set([report.blobHash]));
    expect(hashes(await search({ text: 'quarter' }))).toContain(report.blobHash);
  });

  it('Cc is searched on its own', async () => {
    const report = await deliver(message('抄送测试', '正文', { cc: '陈主任 <chenzr@haining.gov.cn>' }), ['alice@haining.gov.cn']);
    aliceMail.set(report.blobHash, report.fields);
    expect(hashes(await search({ cc: '陈主任' }))).toEqual(new Set([report.blobHash]));
    expect(hashes(await search({ cc: 'chenzr' }))).toEqual(new Set([report.blobHash]));
    expect(hashes(await search({ to: '陈主任' }))).not.toContain(report.blobHash);
  });
});

describe('combining keys', () => {
  it('ANDs every key', async () => {
    const both = await search({ text: '会议', from: '张伟' });
    const meetings = hashes(await search({ text: '会议' }));
    const fromZhang = hashes(await search({ from: '张伟' }));
    expect(hashes(both)).toEqual(new Set([...meetings].filter((h) => fromZhang.has(h))));
  });

  it('an empty string matches everything; punctuation alone matches nothing', async () => {
    expect((await search({ text: '' })).length).toBe(aliceMail.size);
    expect(await search({ body: '，。！' })).toEqual([]);
  });

  it('returns full rows in mailbox and UID order, limited to one mailbox when asked', async () => {
    const rows = await search({ text: '会议' });
    const uids = rows.map((r) => r.uid);
    expect(uids).toEqual([...uids].sort((a, b) => a - b));
    const box = await inbox(alice);
    const archive = (await services.mail.createMailbox(alice.id, '归档/2025')).value;
    const first = rows[0]!;
    await services.mail.copyMessages(alice.id, box.id, [{ start: first.uid, end: first.uid }], archive.id);
    expect(await documentsFor(first.blob_hash)).toBe(1);
    const inArchive = await search({ text: '会议', mailboxId: archive.id });
    expect(inArchive.map((r) => [r.mailbox_id, r.blob_hash])).toEqual([[archive.id, first.blob_hash]]);
    expect((await search({ text: '会议' })).length).toBe(rows.length + 1);
  });
});

describe('accounts and blobs', () => {
  it('never returns another account’s messages', async () => {
    const shared = corpusBlob.get(manifest[0]!.file)!;
    // Bob gets one corpus notice (the same blob as Alice's) and a message of his own.
    await deliver(readFileSync(path.join(corpusDir, manifest[0]!.file)), ['bob@haining.gov.cn']);
    const own = await deliver(message('海宁市会议室安排', '下周二会议改在三楼。'), ['bob@haining.gov.cn']);
    const bobBoxes = new Set((await services.mail.listMailboxes(bob.id)).map((m) => m.id));
    const aliceBoxes = new Set((await services.mail.listMailboxes(alice.id)).map((m) => m.id));
    for (const word of ['会议', '海宁', '通知', '防汛']) {
      const bobs = await search({ text: word }, bob);
      for (const row of bobs) expect(bobBoxes).toContain(row.mailbox_id);
      const alices = await search({ text: word }, alice);
      for (const row of alices) expect(aliceBoxes).toContain(row.mailbox_id);
      expect(alices.map((r) => r.blob_hash)).not.toContain(own.blobHash);
    }
    expect(hashes(await search({ text: '会议' }, bob))).toEqual(new Set([own.blobHash, ...(oracle(haystack, '会议').has(shared) ? [shared] : [])]));
    // Searching another account's mailbox id returns nothing.
    const aliceInbox = await inbox(alice);
    expect(await search({ text: '会议', mailboxId: aliceInbox.id }, bob)).toEqual([]);
  });

  it('indexes a blob once however many accounts hold it, and removes it with the last copy', async () => {
    const raw = message('关于硖石街道防台演练的通知', '请各村社区于周五前上报演练方案。独有词：蹒跚');
    const report = await deliver(raw, ['alice@haining.gov.cn', 'bob@haining.gov.cn']);
    await deliver(raw, ['alice@haining.gov.cn']);
    expect(await documentsFor(report.blobHash)).toBe(1);
    expect(hashes(await search({ text: '蹒跚' }, alice))).toEqual(new Set([report.blobHash]));
    expect(hashes(await search({ text: '蹒跚' }, bob))).toEqual(new Set([report.blobHash]));

    const expungeAll = async (account: Account) => {
      const box = await inbox(account);
      const rows = (await services.mail.listMessages(account.id, box.id)).filter((r) => r.blob_hash === report.blobHash);
      for (const row of rows) {
        await services.mail.storeFlags({ accountId: account.id, mailboxId: box.id, uids: [{ start: row.uid, end: row.uid }], flags: ['\\Deleted'], mode: 'add' });
      }
      await services.mail.expunge(account.id, box.id);
    };
    const docId = (await services.db.selectFrom('search_documents').select('id').where('blob_hash', '=', report.blobHash).executeTakeFirstOrThrow()).id;
    const ftsRows = async () => Number((await sql<{ n: number }>`select count(*) as n from search_fts where rowid = ${docId}`.execute(services.db)).rows[0]!.n);
    const indexHits = async () => services.db.selectFrom('search_documents').select('id').where('id', 'in', searchDialectFor(services.db).match([{ tokens: [{ text: '蹒跚', prefix: false }] }])).execute();
    expect(await ftsRows()).toBe(1);

    await expungeAll(alice);
    expect(await documentsFor(report.blobHash)).toBe(1);
    expect(await search({ text: '蹒跚' }, alice)).toEqual([]);
    expect(hashes(await search({ text: '蹒跚' }, bob))).toEqual(new Set([report.blobHash]));

    await expungeAll(bob);
    expect(await documentsFor(report.blobHash)).toBe(0);
    expect(await ftsRows()).toBe(0);
    expect(await indexHits()).toEqual([]);
    expect(await services.db.selectFrom('blobs').select('hash').where('hash', '=', report.blobHash).executeTakeFirst()).toBeUndefined();
  });

  it('deleting a mailbox removes the documents only it held', async () => {
    const report = await deliver(message('临时文件夹测试', '独有词：踟蹰'), ['alice@haining.gov.cn']);
    const box = await inbox(alice);
    const temp = (await services.mail.createMailbox(alice.id, '临时')).value;
    const row = (await services.mail.listMessages(alice.id, box.id)).find((r) => r.blob_hash === report.blobHash)!;
    await services.mail.moveMessages(alice.id, box.id, [{ start: row.uid, end: row.uid }], temp.id);
    expect(await documentsFor(report.blobHash)).toBe(1);
    expect((await search({ text: '踟蹰' })).map((r) => r.mailbox_id)).toEqual([temp.id]);
    await services.mail.deleteMailbox(alice.id, '临时');
    expect(await documentsFor(report.blobHash)).toBe(0);
  });

  it('keeps one document per blob that messages hold, and no other', async () => {
    const held = await services.db.selectFrom('messages').select('blob_hash').distinct().execute();
    const docs = await services.db.selectFrom('search_documents').select('blob_hash').execute();
    expect(new Set(docs.map((d) => d.blob_hash))).toEqual(new Set(held.map((h) => h.blob_hash)));
    expect(docs.length).toBe(held.length);
    const fts = await sql<{ n: number }>`select count(*) as n from search_fts`.execute(services.db);
    expect(Number(fts.rows[0]!.n)).toBe(docs.length);
  });

  it('catchUpSearchIndex indexes blobs stored without an index entry', async () => {
    const hash = corpusBlob.get(manifest[0]!.file)!;
    const phrase = manifest[0]!.expected.text_contains[0]!;
    await services.db.transaction().execute((tx) => removeBlob(tx, hash));
    expect(hashes(await search({ text: phrase }))).not.toContain(hash);
    expect(await catchUpSearchIndex(services.db, services.blobs, { batchSize: 2 })).toBe(1);
    expect(hashes(await search({ text: phrase }))).toContain(hash);
    expect(await catchUpSearchIndex(services.db, services.blobs)).toBe(0);
  });
});
