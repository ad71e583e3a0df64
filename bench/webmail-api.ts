/**
 * Webmail API benchmark (issue 4: message list p95 < 50 ms on a 100k-message folder, opening a
 * message p95 < 50 ms). Seeds one INBOX with N messages, then measures through `app.inject`
 * (the whole Fastify path: session lookup, validation, SQL, presenters, JSON):
 *
 *  - GET /api/mailboxes (folder tree with total/unread counts of the 100k folder);
 *  - GET /api/mailboxes/:id/messages, 100 rows at random offsets, for each sort order;
 *  - GET /api/messages/:id (parse, sanitise, present), with ?peek=1 and marking \Seen;
 *  - the peer in the same run: the same page read the naive way — `SELECT *` ordered by an
 *    expression no index holds — to show what the indexes of the webmail migration buy.
 *
 *   npx tsx bench/webmail-api.ts [--messages 100000] [--runs 200]
 *
 * BENCH SHORTCUT: the folder is seeded by inserting message rows directly, in one transaction,
 * over a handful of shared blobs (each blob row's ref_count set to match), instead of delivering
 * 100k messages through DeliveryService (which would take many minutes of parsing and fsyncs and
 * measure delivery, not the API). The rows carry realistic, varied list fields (sender, subject,
 * size, dates, flags); the bodies come from the shared corpus.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { parseMessageFields, type MessageFields } from '../server/mail/message-fields.js';
import { createTestHttp } from '../server/http/test-app.js';
import { signIn } from '../server/http/test-webmail.js';

const { values } = parseArgs({ options: { messages: { type: 'string', default: '100000' }, runs: { type: 'string', default: '200' } } });
const N = Number(values.messages);
const RUNS = Number(values.runs);
const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const corpusDir = process.env.GOVMAIL_CORPUS_DIR ? path.resolve(process.env.GOVMAIL_CORPUS_DIR) : path.resolve(repoRoot, '../shared/corpus');

let seed = 20261128;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measure(label: string, runs: number, fn: (i: number) => Promise<void>): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < Math.min(10, runs); i++) await fn(i); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn(i);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  const result = { p50: percentile(times, 50), p95: percentile(times, 95) };
  console.log(`  ${label.padEnd(58)} p50 ${result.p50.toFixed(2).padStart(7)} ms   p95 ${result.p95.toFixed(2).padStart(7)} ms`);
  return result;
}

const t = await createTestHttp();
try {
  const client = await signIn(t);
  const { db, blobs } = t.services;
  const inbox = await t.services.mail.getMailbox(client.account.id, 'INBOX');

  // ── seed ─────────────────────────────────────────────────────────────────────────────
  const files = ['001', '040', '043', '051', '113', '025'].map((prefix) => readdirSync(path.join(corpusDir, 'messages')).find((f) => f.startsWith(prefix))!);
  const bodies: { raw: Buffer; hash: string; fields: MessageFields }[] = [];
  for (const file of files) {
    const raw = readFileSync(path.join(corpusDir, 'messages', file));
    bodies.push({ raw, hash: await blobs.put(raw), fields: await parseMessageFields(raw) });
  }
  const senders = bodies.map((b) => ({ name: b.fields.fromName, address: b.fields.fromAddress })).concat([{ name: null, address: 'office@example.com' }, { name: '陈静', address: 'chenjing@haining.gov.cn' }]);
  const subjects = bodies.map((b) => b.fields.subject ?? '');
  const seedStart = performance.now();
  const uses = new Map<string, number>();
  await db.transaction().execute(async (tx) => {
    for (const body of bodies) await tx.insertInto('blobs').values({ hash: body.hash, size: body.raw.length, ref_count: 0, created_at: Date.now() }).execute();
    const base = Date.UTC(2020, 0, 1);
    const BATCH = 500;
    for (let start = 0; start < N; start += BATCH) {
      const rows = [];
      for (let i = start; i < Math.min(N, start + BATCH); i++) {
        const body = pick(bodies);
        const sender = pick(senders);
        uses.set(body.hash, (uses.get(body.hash) ?? 0) + 1);
        const date = base + i * 30 * 60_000 + Math.floor(random() * 600_000);
        rows.push({
          mailbox_id: inbox.id,
          uid: i + 1,
          modseq: 2,
          seen: random() < 0.8 ? (1 as const) : (0 as const),
          answered: 0 as const,
          flagged: random() < 0.05 ? (1 as const) : (0 as const),
          deleted: 0 as const,
          draft: 0 as const,
          keywords: '[]',
          internal_date: date,
          size: body.raw.length + Math.floor(random() * 50_000),
          blob_hash: body.hash,
          from_address: sender.address,
          from_name: sender.name,
          to_json: JSON.stringify(body.fields.to),
          cc_json: '[]',
          subject: `${pick(subjects)}（${i}）`,
          sent_date: date - 2000,
          message_id: `<bench-${i}@haining.gov.cn>`,
          in_reply_to: null,
          references_json: '[]',
          has_attachments: body.fields.attachmentNames.length > 0 ? (1 as const) : (0 as const),
          attachment_names_json: JSON.stringify(body.fields.attachmentNames),
          classification: '内部',
          importance: 'normal',
          preview: body.fields.preview,
          created_at: date,
        });
      }
      await tx.insertInto('messages').values(rows).execute();
    }
    for (const [hash, count] of uses) {
      await tx.updateTable('blobs').set({ ref_count: count }).where('hash', '=', hash).execute();
    }
    await tx.updateTable('mailboxes').set({ uid_next: N + 1, highest_modseq: 2 }).where('id', '=', inbox.id).execute();
  });
  await sql`ANALYZE`.execute(db);
  console.log(`webmail API benchmark: ${N} messages in one INBOX (seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s), ${RUNS} runs each\n`);

  // ── measure ──────────────────────────────────────────────────────────────────────────
  const get = async (url: string) => {
    const response = await client.get(url);
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
    return response;
  };
  const randomOffset = () => Math.floor(random() * Math.max(1, N - 100));
  const ids = (await db.selectFrom('messages').select('id').where('mailbox_id', '=', inbox.id).execute()).map((r) => r.id);

  const results: Record<string, { p50: number; p95: number }> = {};
  results['tree'] = await measure('GET /api/mailboxes (counts over the folder)', RUNS, async () => void (await get('/api/mailboxes')));
  results['list-first'] = await measure('GET …/messages first page (date desc)', RUNS, async () => void (await get(`/api/mailboxes/${inbox.id}/messages?limit=100`)));
  for (const sort of ['date', 'from', 'subject', 'size'] as const) {
    results[`list-${sort}`] = await measure(`GET …/messages random page, sort=${sort}`, RUNS, async () => void (await get(`/api/mailboxes/${inbox.id}/messages?limit=100&sort=${sort}&offset=${randomOffset()}`)));
  }
  results['list-deep'] = await measure('GET …/messages last page (offset ≈ N)', RUNS, async () => void (await get(`/api/mailboxes/${inbox.id}/messages?limit=100&order=desc&offset=${N - 100}`)));
  results['detail-peek'] = await measure('GET /api/messages/:id?peek=1', RUNS, async () => void (await get(`/api/messages/${pick(ids)}?peek=1`)));
  results['detail-seen'] = await measure('GET /api/messages/:id (marks \\Seen: a write)', RUNS, async () => void (await get(`/api/messages/${pick(ids)}`)));

  console.log('\n  peer, same run: the page read naively (SELECT *, ORDER BY an unindexed expression)');
  results['peer'] = await measure('SQL only: ORDER BY coalesce(sent_date, internal_date)', Math.min(RUNS, 30), async () => {
    await db.selectFrom('messages').selectAll().where('mailbox_id', '=', inbox.id).orderBy(sql`coalesce(sent_date, internal_date)`, 'desc').limit(100).offset(randomOffset()).execute();
  });

  const listP95 = Math.max(...['list-first', 'list-date', 'list-from', 'list-subject', 'list-size', 'list-deep'].map((k) => results[k]!.p95));
  const openP95 = Math.max(results['detail-peek']!.p95, results['detail-seen']!.p95);
  console.log(`\n  target (issue 4): list p95 < 50 ms — worst ${listP95.toFixed(2)} ms ${listP95 < 50 ? 'OK' : 'MISSED'}; open p95 < 50 ms — worst ${openP95.toFixed(2)} ms ${openP95 < 50 ? 'OK' : 'MISSED'}`);
} finally {
  await t.close();
}
