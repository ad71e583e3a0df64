/**
 * Content-addressed store of raw messages on disk.
 *
 * A message is written once however many mailboxes hold it (a notice to 100 people is one
 * file): its name is the SHA-256 of its bytes. `put` writes to a temporary file, fsyncs it,
 * renames it into place and fsyncs the directory, so when it returns the bytes survive a crash;
 * only then may the caller commit the database rows that reference it and acknowledge the
 * sender. Reference counts live in the `blobs` table (see mail/blob-refs.ts); a file whose
 * count reaches zero is removed after the transaction that released it commits. A crash between
 * writing the file and committing leaves an unreferenced file, which `sweepOrphans` removes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fs, type ReadStream } from 'node:fs';
import path from 'node:path';

const HASH_RE = /^[0-9a-f]{64}$/;

export class BlobStore {
  constructor(readonly root: string) {}

  static hashOf(data: Buffer): string {
    return createHash('sha256').update(data).digest('hex');
  }

  pathOf(hash: string): string {
    if (!HASH_RE.test(hash)) throw new Error(`invalid blob hash: ${hash}`);
    return path.join(this.root, hash.slice(0, 2), hash.slice(2, 4), hash);
  }

  /** Writes the bytes durably (unless already stored) and returns their hash. */
  async put(data: Buffer): Promise<string> {
    const hash = BlobStore.hashOf(data);
    const target = this.pathOf(hash);
    if (await exists(target)) return hash;
    const dir = path.dirname(target);
    await fs.mkdir(dir, { recursive: true });
    const temp = path.join(dir, `.${hash}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await fs.open(temp, 'wx', 0o640);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, target);
    await syncDirectory(dir);
    return hash;
  }

  async get(hash: string): Promise<Buffer> {
    return fs.readFile(this.pathOf(hash));
  }

  /** Streams a blob (FETCH of large bodies never loads them whole). */
  stream(hash: string, range?: { start: number; end: number }): ReadStream {
    return createReadStream(this.pathOf(hash), range);
  }

  async has(hash: string): Promise<boolean> {
    return exists(this.pathOf(hash));
  }

  async remove(hash: string): Promise<void> {
    await fs.rm(this.pathOf(hash), { force: true });
  }

  /** All stored hashes (for orphan sweeps and backups). */
  async *list(): AsyncGenerator<string> {
    let level1: string[];
    try {
      level1 = await fs.readdir(this.root);
    } catch {
      return;
    }
    for (const a of level1) {
      for (const b of await fs.readdir(path.join(this.root, a)).catch(() => [] as string[])) {
        for (const name of await fs.readdir(path.join(this.root, a, b)).catch(() => [] as string[])) {
          if (HASH_RE.test(name)) yield name;
        }
      }
    }
  }

  /** Removes files that no database row references (left by a crash before commit). */
  async sweepOrphans(isReferenced: (hash: string) => Promise<boolean>, olderThanMs = 60 * 60 * 1000): Promise<number> {
    let removed = 0;
    const cutoff = Date.now() - olderThanMs;
    for await (const hash of this.list()) {
      const stat = await fs.stat(this.pathOf(hash)).catch(() => null);
      if (!stat || stat.mtimeMs > cutoff) continue;
      if (!(await isReferenced(hash))) {
        await this.remove(hash);
        removed++;
      }
    }
    return removed;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
