import { randomBytes, randomInt } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTempServices, makeTempDir, rfc5322, seedPerson } from '../../test/helpers/temp-services.js';
import { BlobKeyring, keyringFromConfig, KeyringError } from './blob-keyring.js';
import { BLOB_MAGIC, BlobIntegrityError, BlobStore } from './blob-store.js';

let dir: string;
let keyring: BlobKeyring;
let store: BlobStore;

beforeEach(() => {
  dir = makeTempDir('govmail-blobcrypt-');
  keyring = new BlobKeyring(BlobKeyring.generate());
  store = new BlobStore(path.join(dir, 'blobs'), keyring);
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const SECRET = '关于防汛物资调拨的工作秘密事项：调拨编号HN-2026-0917';

describe('encrypted BlobStore', () => {
  it('writes SM4 ciphertext under a keyed name: no plaintext and no SHA-256 on disk, same bytes back', async () => {
    const data = Buffer.from(`Subject: test\r\n\r\n${SECRET}\r\n`);
    const hash = await store.put(data);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toBe(BlobStore.hashOf(data));
    expect(hash).toBe(keyring.addressOf(data));
    const onDisk = await fs.readFile(store.pathOf(hash));
    expect(onDisk.subarray(0, BLOB_MAGIC.length).equals(BLOB_MAGIC)).toBe(true);
    expect(onDisk.includes(Buffer.from(SECRET))).toBe(false);
    expect(onDisk.includes(Buffer.from('调拨编号'))).toBe(false);
    expect(onDisk.includes(Buffer.from('Subject: test'))).toBe(false);
    expect((await store.get(hash)).equals(data)).toBe(true);
    expect((await collect(store.stream(hash))).equals(data)).toBe(true);
    // A store with another address key names the same bytes differently.
    expect(new BlobStore(store.root, new BlobKeyring(BlobKeyring.generate())).addressOf(data)).not.toBe(hash);
  });

  it('decrypts any byte range by seeking the CTR counter (random offsets, block edges, 1-byte and whole)', async () => {
    const data = randomBytes(300_000 + randomInt(1000));
    const hash = await store.put(data);
    const ranges: { start: number; end: number }[] = [
      { start: 0, end: 0 },
      { start: 15, end: 16 },
      { start: 16, end: 31 },
      { start: 65_535, end: 65_537 },
      { start: data.length - 1, end: data.length - 1 },
      { start: 0, end: data.length - 1 },
      { start: 100, end: data.length + 500 }, // past the end: truncated like fs streams
    ];
    for (let i = 0; i < 40; i++) {
      const start = randomInt(data.length);
      ranges.push({ start, end: Math.min(data.length - 1, start + randomInt(200_000)) });
    }
    for (const range of ranges) {
      const got = await collect(store.stream(hash, range));
      expect(got.equals(data.subarray(range.start, range.end + 1)), `range ${range.start}-${range.end}`).toBe(true);
    }
  });

  it('counters carry across bytes: an IV ending in 0xff… still decrypts later blocks', async () => {
    // Many puts give many random IVs; check a far range for each.
    for (let i = 0; i < 20; i++) {
      const data = randomBytes(5000 + i);
      const hash = await store.put(data);
      expect((await collect(store.stream(hash, { start: 4099, end: 4999 }))).equals(data.subarray(4099, 5000))).toBe(true);
    }
  });

  it('detects tampering on whole reads (get and whole stream); the empty blob round-trips', async () => {
    const data = Buffer.from(`Subject: x\r\n\r\n${SECRET}`);
    const hash = await store.put(data);
    const file = store.pathOf(hash);
    const bytes = await fs.readFile(file);
    bytes[bytes.length - 40]! ^= 0x01;
    await fs.writeFile(file, bytes);
    await expect(store.get(hash)).rejects.toBeInstanceOf(BlobIntegrityError);
    await expect(collect(store.stream(hash))).rejects.toBeInstanceOf(BlobIntegrityError);
    const empty = await store.put(Buffer.alloc(0));
    expect((await store.get(empty)).length).toBe(0);
    expect((await collect(store.stream(empty))).length).toBe(0);
  });

  it('a missing blob fails the stream before data (so POP3 can answer -ERR)', async () => {
    const s = store.stream('a'.repeat(64));
    await expect(collect(s)).rejects.toThrow(/ENOENT/);
  });

  it('rotation: old blobs stay readable under the old key, new ones use the new key, re-encryption moves all', async () => {
    const old = Buffer.from(`old ${SECRET}`);
    const oldHash = await store.put(old);
    expect(await store.keyIdOf(oldHash)).toBe('k1');
    const rotated = new BlobStore(store.root, new BlobKeyring(BlobKeyring.rotated(keyring.json)));
    expect(rotated.keyring!.currentId).toBe('k2');
    expect((await rotated.get(oldHash)).equals(old)).toBe(true);
    expect(await rotated.put(old)).toBe(oldHash); // same address key: still deduplicated
    const fresh = await rotated.put(Buffer.from('new message'));
    expect(await rotated.keyIdOf(fresh)).toBe('k2');
    expect(await rotated.reencryptAll()).toEqual({ seen: 2, rewritten: 1 });
    expect(await rotated.keyIdOf(oldHash)).toBe('k2');
    expect((await rotated.get(oldHash)).equals(old)).toBe(true);
    expect((await collect(rotated.stream(oldHash, { start: 4, end: 10 }))).equals(old.subarray(4, 11))).toBe(true);
    // The keyring without the old key could no longer read k1 blobs, which is why rotate keeps it.
    await expect(store.get(fresh)).rejects.toThrow(/no key k2/);
  });

  it('migration: plaintext blobs of an older data dir are readable, then encrypted in place by reencryptAll', async () => {
    const plainStore = new BlobStore(store.root);
    const legacy = Buffer.from(`Subject: legacy\r\n\r\n${SECRET}`);
    const legacyHash = await plainStore.put(legacy);
    expect(await store.keyIdOf(legacyHash)).toBe('plaintext');
    expect((await store.get(legacyHash)).equals(legacy)).toBe(true);
    expect((await collect(store.stream(legacyHash, { start: 9, end: 14 }))).toString()).toBe('legacy');
    expect(await store.reencryptAll()).toEqual({ seen: 1, rewritten: 1 });
    expect(await store.keyIdOf(legacyHash)).toBe('k1');
    expect((await fs.readFile(store.pathOf(legacyHash))).includes(Buffer.from(SECRET))).toBe(false);
    expect((await store.get(legacyHash)).equals(legacy)).toBe(true);
    expect((await collect(store.stream(legacyHash))).equals(legacy)).toBe(true);
    // A plaintext store refuses to hand out ciphertext as if it were mail.
    await expect(plainStore.get(legacyHash)).rejects.toThrow(/no blob keyring/);
  });

  it('the key is kept apart: a key file inside the data dir is refused; the environment secret wins', async () => {
    const inside = path.join(dir, 'data', 'keys.json');
    await fs.mkdir(path.dirname(inside), { recursive: true });
    await fs.writeFile(inside, JSON.stringify(keyring.json));
    expect(() => keyringFromConfig({ keyFile: inside, keyring: '' }, path.join(dir, 'data'))).toThrow(KeyringError);
    const outside = path.join(dir, 'keys.json');
    await fs.writeFile(outside, JSON.stringify(keyring.json));
    expect(keyringFromConfig({ keyFile: outside, keyring: '' }, path.join(dir, 'data'))!.currentId).toBe('k1');
    const env = BlobKeyring.generate('e1');
    expect(keyringFromConfig({ keyFile: outside, keyring: JSON.stringify(env) }, path.join(dir, 'data'))!.currentId).toBe('e1');
    expect(keyringFromConfig({ keyFile: '', keyring: '' }, path.join(dir, 'data'))).toBeNull();
    expect(() => keyringFromConfig({ keyFile: '', keyring: '{"version":1}' }, dir)).toThrow(KeyringError);
  });

  it('with the real services: a message to 100 people is one encrypted file holding no plaintext, read back by the mail store', async () => {
    const temp = await createTempServices({ overrides: { blobEncryption: { keyring: JSON.stringify(BlobKeyring.generate()) } } });
    try {
      const { services } = temp;
      const recipients: string[] = [];
      for (let i = 0; i < 100; i++) {
        const address = `user${i}@haining.gov.cn`;
        await seedPerson(services, { address, displayName: `用户${i}` });
        recipients.push(address);
      }
      const raw = Buffer.concat([rfc5322({ to: 'user0@haining.gov.cn' }), Buffer.from(`\r\n${SECRET}\r\n`)]);
      const report = await services.delivery.deliver({ envelopeFrom: 'sender@example.com', recipients, raw, submittedBy: null, remoteIp: null, protocol: 'smtp-mx' });
      const rows = await services.db.selectFrom('messages').select('blob_hash').execute();
      expect(rows.length).toBeGreaterThanOrEqual(100);
      expect(new Set(rows.map((r) => r.blob_hash))).toEqual(new Set([report.blobHash]));
      const files = (await fs.readdir(services.blobs.root, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
      expect(files.map((f) => f.name)).toEqual([report.blobHash]);
      const onDisk = await fs.readFile(services.blobs.pathOf(report.blobHash));
      expect(onDisk.includes(Buffer.from(SECRET))).toBe(false);
      expect((await services.blobs.get(report.blobHash)).includes(Buffer.from(SECRET))).toBe(true);
    } finally {
      await temp.cleanup();
    }
  });
});
