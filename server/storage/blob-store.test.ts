import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTempServices, makeTempDir, rfc5322, seedPerson } from '../../test/helpers/temp-services.js';
import { BlobStore } from './blob-store.js';

let dir: string;
let store: BlobStore;

beforeEach(() => {
  dir = makeTempDir('govmail-blobs-');
  store = new BlobStore(path.join(dir, 'blobs'));
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function listAll(): Promise<string[]> {
  const out: string[] = [];
  for await (const hash of store.list()) out.push(hash);
  return out.sort();
}

/** Every file under the store root, temporary ones included. */
async function filesOnDisk(root: string): Promise<string[]> {
  const entries = await fs.readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => e.name);
}

async function ageFile(file: string, ms: number): Promise<void> {
  const then = new Date(Date.now() - ms);
  await fs.utimes(file, then, then);
}

describe('BlobStore.put', () => {
  it('names the file by the SHA-256 of its bytes, in two levels of fan-out', async () => {
    const data = Buffer.from('关于召开全市防汛防台工作会议的通知\r\n');
    const hash = await store.put(data);
    expect(hash).toBe(createHash('sha256').update(data).digest('hex'));
    expect(BlobStore.hashOf(data)).toBe(hash);
    expect(store.pathOf(hash)).toBe(path.join(dir, 'blobs', hash.slice(0, 2), hash.slice(2, 4), hash));
  });

  it('after put the file exists with exactly the bytes given, and no temporary file is left', async () => {
    const data = Buffer.concat([Buffer.from('binary\0with NUL and '), Buffer.from([0xff, 0xfe, 0x80])]);
    const hash = await store.put(data);
    expect(await store.has(hash)).toBe(true);
    expect(Buffer.compare(await fs.readFile(store.pathOf(hash)), data)).toBe(0);
    expect(Buffer.compare(await store.get(hash), data)).toBe(0);
    expect(await filesOnDisk(store.root)).toEqual([hash]);
  });

  it('is idempotent: the same bytes twice are one file, not rewritten', async () => {
    const data = Buffer.from('same message to 100 people');
    const first = await store.put(data);
    const before = await fs.stat(store.pathOf(first));
    const second = await store.put(Buffer.from(data));
    const after = await fs.stat(store.pathOf(first));
    expect(second).toBe(first);
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(await listAll()).toEqual([first]);
  });

  it('concurrent puts of the same bytes leave one intact file', async () => {
    const data = Buffer.alloc(256 * 1024, 'x');
    const hashes = await Promise.all(Array.from({ length: 10 }, () => store.put(data)));
    expect(new Set(hashes).size).toBe(1);
    expect(await filesOnDisk(store.root)).toEqual([hashes[0]]);
    expect(Buffer.compare(await store.get(hashes[0]!), data)).toBe(0);
  });

  it('different bytes are different files', async () => {
    const a = await store.put(Buffer.from('a'));
    const b = await store.put(Buffer.from('b'));
    expect(a).not.toBe(b);
    expect(await listAll()).toEqual([a, b].sort());
  });

  it('an empty message is stored too', async () => {
    const hash = await store.put(Buffer.alloc(0));
    expect((await store.get(hash)).length).toBe(0);
  });
});

describe('BlobStore reads and removal', () => {
  it('stream returns the bytes, or an inclusive range of them', async () => {
    const data = Buffer.from('0123456789abcdef');
    const hash = await store.put(data);
    const read = async (range?: { start: number; end: number }) => {
      const chunks: Buffer[] = [];
      for await (const chunk of store.stream(hash, range)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString();
    };
    expect(await read()).toBe('0123456789abcdef');
    expect(await read({ start: 2, end: 5 })).toBe('2345');
  });

  it('remove deletes the file; removing again or a missing blob is not an error', async () => {
    const hash = await store.put(Buffer.from('to be removed'));
    await store.remove(hash);
    expect(await store.has(hash)).toBe(false);
    await expect(fs.access(store.pathOf(hash))).rejects.toThrow();
    await expect(store.remove(hash)).resolves.toBeUndefined();
    await expect(store.get(hash)).rejects.toThrow();
  });

  it('refuses names that are not a SHA-256 hex (no path traversal)', async () => {
    for (const bad of ['../../etc/passwd', 'ABCDEF'.padEnd(64, '0'), 'a'.repeat(63), `${'a'.repeat(64)}/..`]) {
      expect(() => store.pathOf(bad)).toThrow(/invalid blob hash/);
    }
    await expect(store.get('../../etc/passwd')).rejects.toThrow(/invalid blob hash/);
  });

  it('list of a store that was never written is empty', async () => {
    expect(await listAll()).toEqual([]);
  });

  it('list ignores stray files (temporary files of an interrupted put)', async () => {
    const hash = await store.put(Buffer.from('kept'));
    const dirOf = path.dirname(store.pathOf(hash));
    await fs.writeFile(path.join(dirOf, `.${hash}.abcdef.tmp`), 'partial');
    expect(await listAll()).toEqual([hash]);
  });
});

describe('BlobStore.sweepOrphans', () => {
  it('removes old unreferenced files, keeps referenced and recent ones', async () => {
    const referenced = await store.put(Buffer.from('referenced'));
    const orphan = await store.put(Buffer.from('orphan: the crash came before commit'));
    const fresh = await store.put(Buffer.from('fresh: its transaction may still be running'));
    await ageFile(store.pathOf(referenced), 2 * 60 * 60 * 1000);
    await ageFile(store.pathOf(orphan), 2 * 60 * 60 * 1000);
    const asked: string[] = [];
    const removed = await store.sweepOrphans(async (hash) => {
      asked.push(hash);
      return hash === referenced;
    });
    expect(removed).toBe(1);
    expect(await store.has(orphan)).toBe(false);
    expect(await store.has(referenced)).toBe(true);
    expect(await store.has(fresh)).toBe(true);
    // A file younger than the grace period is not even looked up.
    expect(asked).not.toContain(fresh);
  });

  it('with the blobs table as the reference: delivered mail is kept, an orphan is removed', async () => {
    const temp = await createTempServices();
    try {
      const { services } = temp;
      await seedPerson(services, { address: 'zhangwei@haining.gov.cn', displayName: '张伟' });
      const report = await services.delivery.deliver({
        envelopeFrom: 'sender@example.com',
        recipients: ['zhangwei@haining.gov.cn'],
        raw: rfc5322({ to: 'zhangwei@haining.gov.cn' }),
        submittedBy: null,
        remoteIp: null,
        protocol: 'smtp-mx',
      });
      const orphan = await services.blobs.put(Buffer.from('written, then the process died before commit'));
      const isReferenced = async (hash: string) => Boolean(await services.db.selectFrom('blobs').select('hash').where('hash', '=', hash).executeTakeFirst());
      expect(await services.blobs.sweepOrphans(isReferenced, 0)).toBe(1);
      expect(await services.blobs.has(orphan)).toBe(false);
      expect(await services.blobs.has(report.blobHash)).toBe(true);
    } finally {
      await temp.cleanup();
    }
  });
});
