/**
 * Search index benchmark: indexes N generated Chinese notices (sentences, subjects, senders and
 * attachment names recombined from the shared corpus, seeded so runs compare) through
 * `indexBlob`, then prints the index size and the latency of typical queries. In the same run,
 * on the same text:
 *
 *  - the tokenisation choice for one-character queries: the same index without CJK unigrams,
 *    answering `税` by the prefix query `税*` over bigrams (tokenize.ts explains the choice);
 *  - the peers the index replaces: `LIKE '%…%'` over the plain text, and FTS5's own `trigram`
 *    tokenizer (which cannot answer a two-character query at all).
 *
 *   npx tsx bench/search-index.ts [--messages 20000] [--runs 20]
 *
 * Everything lives in a temporary directory that is removed at the end.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { parseMessageFields, type MessageFields } from '../server/mail/message-fields.js';
import { documentTokens, indexBlob } from '../server/mail/search/search-index.js';
import { tokenizeQuery } from '../server/mail/search/tokenize.js';
import { migrate } from '../server/storage/connect.js';
import { createSqliteDatabase } from '../server/storage/dialects/sqlite.js';
import { fts5Query } from '../server/storage/dialects/sqlite-search.js';
import { SEARCH_COLUMNS } from '../server/storage/search-dialect.js';

const { values } = parseArgs({ options: { messages: { type: 'string', default: '20000' }, runs: { type: 'string', default: '20' } } });
const N = Number(values.messages);
const RUNS = Number(values.runs);
const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const corpusDir = process.env.GOVMAIL_CORPUS_DIR ? path.resolve(process.env.GOVMAIL_CORPUS_DIR) : path.resolve(repoRoot, '../shared/corpus');

// ── material ─────────────────────────────────────────────────────────────────────────

let seed = 20261128;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

const parsed: MessageFields[] = [];
for (const file of readdirSync(path.join(corpusDir, 'messages')).sort()) parsed.push(await parseMessageFields(readFileSync(path.join(corpusDir, 'messages', file))));
const sentences = parsed.flatMap((f) => f.text.split(/[。！？\n]+/).map((s) => s.trim()).filter((s) => s.length >= 6));
const subjects = parsed.map((f) => f.subject).filter((s): s is string => Boolean(s));
const senders = parsed.filter((f) => f.fromAddress).map((f) => ({ name: f.fromName ?? '', address: f.fromAddress! }));
const attachmentNames = parsed.flatMap((f) => f.attachmentNames);

function generate(i: number): MessageFields {
  const body = Array.from({ length: 15 + Math.floor(random() * 30) }, () => pick(sentences)).join('。');
  const names = random() < 0.3 ? [pick(attachmentNames)] : [];
  const from = pick(senders);
  return {
    ...parsed[0]!,
    subject: `${pick(subjects)}（第${i}号）`,
    fromName: from.name,
    fromAddress: from.address,
    to: Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(senders)),
    cc: [],
    attachmentNames: names,
    text: `${body}\n${names.join('\n')}`,
  };
}

// ── helpers ──────────────────────────────────────────────────────────────────────────

const dir = mkdtempSync(path.join(os.tmpdir(), 'govmail-bench-search-'));
const db = createSqliteDatabase({ file: path.join(dir, 'bench.sqlite'), busyTimeoutMs: 5000 });

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function time(work: () => Promise<unknown>): Promise<{ ms: number; result: unknown }> {
  let result: unknown;
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    result = await work();
    samples.push(performance.now() - start);
  }
  return { ms: median(samples), result };
}

async function sizes(prefixes: string[]): Promise<Record<string, number>> {
  const rows = await sql<{ name: string; bytes: number }>`select name, sum(pgsize) as bytes from dbstat group by name`.execute(db);
  const out: Record<string, number> = {};
  for (const prefix of prefixes) out[prefix] = rows.rows.filter((r) => r.name.startsWith(prefix)).reduce((sum, r) => sum + Number(r.bytes), 0);
  return out;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const count = async (query: string, table = 'search_fts') => Number((await sql.raw<{ n: number }>(`select count(*) as n from ${table} where ${table} match '${query.replace(/'/g, "''")}'`).execute(db)).rows[0]!.n);

// ── run ──────────────────────────────────────────────────────────────────────────────

try {
  await migrate(db);
  await sql`create table plain (id integer primary key, text text not null)`.execute(db);
  await sql`create virtual table bigrams_only using fts5(subject, from_addr, to_addr, cc_addr, body, attachments, tokenize = "ascii tokenchars '.-_+'", detail = column, content = '', contentless_delete = 1)`.execute(db);
  await sql`create virtual table trigram using fts5(text, tokenize = 'trigram', content = '')`.execute(db);

  const isCjkUnigram = (token: string) => Array.from(token).length === 1 && /\p{Script=Han}/u.test(token);
  let textChars = 0;
  let indexMs = 0;
  const BATCH = 500;
  for (let start = 0; start < N; start += BATCH) {
    const docs = Array.from({ length: Math.min(BATCH, N - start) }, (_, k) => generate(start + k));
    await db.transaction().execute(async (tx) => {
      for (const [k, fields] of docs.entries()) {
        const hash = createHash('sha256').update(`bench-${start + k}`).digest('hex');
        await tx.insertInto('blobs').values({ hash, size: fields.text.length, ref_count: 1, created_at: 0 }).execute();
        const t0 = performance.now();
        await indexBlob(tx, hash, fields);
        indexMs += performance.now() - t0;
        const id = start + k + 1;
        const all = [fields.subject, fields.fromName, fields.fromAddress, ...fields.to.map((a) => `${a.name} ${a.address}`), fields.text].join('\n');
        textChars += all.length;
        await sql`insert into plain (id, text) values (${id}, ${all})`.execute(tx);
        await sql`insert into trigram (rowid, text) values (${id}, ${all})`.execute(tx);
        const tokens = documentTokens(fields);
        await sql`insert into bigrams_only (rowid, ${sql.join(SEARCH_COLUMNS.map((c) => sql.id(c)))}) values (${id}, ${sql.join(SEARCH_COLUMNS.map((c) => tokens[c].filter((t) => !isCjkUnigram(t)).join(' ')))})`.execute(tx);
      }
    });
  }

  const size = await sizes(['search_fts', 'search_documents', 'bigrams_only', 'trigram', 'plain']);
  console.log(`${N} messages, ${(textChars / N).toFixed(0)} characters each on average (${mb(textChars * 3)} of UTF-8 text)`);
  console.log(`indexBlob: ${(indexMs / N).toFixed(2)} ms per message (tokenise + insert, in batches of ${BATCH} per transaction)`);
  console.log('\nsize on disk');
  console.log(`  search_fts (bigrams + CJK unigrams, chosen)   ${mb(size.search_fts!)}  + search_documents ${mb(size.search_documents!)}`);
  console.log(`  same without CJK unigrams                      ${mb(size.bigrams_only!)}  (unigrams add ${((size.search_fts! / size.bigrams_only! - 1) * 100).toFixed(0)}%)`);
  console.log(`  peer: FTS5 trigram (contentless; phrases need detail=full) ${mb(size.trigram!)}`);
  console.log(`  peer: the plain text, for LIKE                  ${mb(size.plain!)}`);

  console.log(`\nquery latency, median of ${RUNS} (count of matching documents)`);
  const row = (label: string, ms: number, n: unknown) => console.log(`  ${label.padEnd(46)} ${ms.toFixed(2).padStart(8)} ms  ${String(n).padStart(6)}`);
  for (const q of ['会议', '海宁', '海宁市会议', '统计表', '税', '市', 'zhangwei', 'haining.gov.cn']) {
    const match = fts5Query([{ tokens: tokenizeQuery(q) }]);
    const ours = await time(() => count(match));
    row(`index  ${q}`, ours.ms, ours.result);
    if (Array.from(q).length === 1) {
      const prefix = await time(() => count(`"${q}"*`, 'bigrams_only'));
      row(`  no-unigram index, prefix ${q}*`, prefix.ms, `${String(prefix.result)}*`);
    }
    const like = await time(async () => Number((await sql<{ n: number }>`select count(*) as n from plain where text like ${`%${q}%`}`.execute(db)).rows[0]!.n));
    row(`  peer LIKE %${q}%`, like.ms, like.result);
    if (Array.from(q).length >= 3) {
      const tri = await time(() => count(`"${q}"`, 'trigram'));
      row(`  peer trigram "${q}"`, tri.ms, tri.result);
    }
  }
  console.log('\n(* the prefix query misses a character that ends a CJK run, e.g. 于 in 请于3日内: the count can be lower)');
  console.log('(LIKE can count fewer than the index: SQLite stops comparing text at a NUL character, which some mail holds)');
} finally {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
}
