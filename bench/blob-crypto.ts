/**
 * Cost of the blob store's encryption at rest (issue 6): MB/s of put (address + seal + fsync),
 * whole get (tag check + decrypt), and range reads of 64 KiB at random offsets, on a plaintext
 * store and on an SM4-CTR + HMAC-SM3 store, with the same messages.
 *
 *   npx tsx bench/blob-crypto.ts [--mb 64] [--size 1048576]
 *
 * Everything lives in a temporary directory that is removed at the end.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BlobKeyring } from '../server/storage/blob-keyring.js';
import { BlobStore } from '../server/storage/blob-store.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const totalMb = arg('mb', 64);
const size = arg('size', 1024 * 1024);
const count = Math.max(1, Math.floor((totalMb * 1024 * 1024) / size));
const messages = Array.from({ length: count }, () => randomBytes(size));
const dir = mkdtempSync(path.join(os.tmpdir(), 'govmail-blob-bench-'));

async function drain(stream: NodeJS.ReadableStream): Promise<number> {
  let n = 0;
  for await (const chunk of stream) n += (chunk as Buffer).length;
  return n;
}

async function run(label: string, store: BlobStore): Promise<void> {
  const mb = (count * size) / (1024 * 1024);
  let t = performance.now();
  const hashes: string[] = [];
  for (const m of messages) hashes.push(await store.put(m));
  const put = mb / ((performance.now() - t) / 1000);
  t = performance.now();
  for (const h of hashes) await store.get(h);
  const get = mb / ((performance.now() - t) / 1000);
  t = performance.now();
  let streamed = 0;
  for (const h of hashes) streamed += await drain(store.stream(h));
  const stream = streamed / (1024 * 1024) / ((performance.now() - t) / 1000);
  t = performance.now();
  let ranged = 0;
  for (let i = 0; i < 200; i++) {
    const start = randomInt(Math.max(1, size - 65536));
    ranged += await drain(store.stream(hashes[i % hashes.length]!, { start, end: start + 65535 }));
  }
  const range = ranged / (1024 * 1024) / ((performance.now() - t) / 1000);
  console.log(`${label.padEnd(22)} put ${put.toFixed(0).padStart(5)} MB/s   get ${get.toFixed(0).padStart(5)} MB/s   stream ${stream.toFixed(0).padStart(5)} MB/s   64 KiB ranges ${range.toFixed(0).padStart(5)} MB/s`);
}

try {
  console.log(`${count} blobs of ${size} bytes (${totalMb} MB), fsync on put`);
  await run('plaintext', new BlobStore(path.join(dir, 'plain')));
  await run('SM4-CTR + HMAC-SM3', new BlobStore(path.join(dir, 'enc'), new BlobKeyring(BlobKeyring.generate())));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
