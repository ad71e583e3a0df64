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
 *
 * Encryption at rest (when a keyring is configured, see blob-keyring.ts): the name is then
 * HMAC-SM3 of the bytes under a secret address key (dedup kept, the name leaks nothing) and the
 * file is
 *     MAGIC(8) | keyIdLength(1) | keyId | IV(16) | SM4-CTR ciphertext | HMAC-SM3 tag(32)
 * where the tag covers everything before it. CTR lets any byte range be decrypted by seeking
 * the counter (partial FETCH, streaming); the tag is checked on whole reads (`get`, and at the
 * end of a whole `stream`). Files without the magic are plaintext blobs from before encryption
 * was turned on: still readable, converted by `reencrypt` (`govmail keys migrate|rotate`).
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual, type Decipher } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { BlobKeyring } from './blob-keyring.js';

const HASH_RE = /^[0-9a-f]{64}$/;
/** Starts every encrypted blob; a stored RFC 5322 message never begins with NUL. */
export const BLOB_MAGIC = Buffer.from('\0GMBLOB\x01', 'latin1');
const IV_BYTES = 16;
const TAG_BYTES = 32;
const CHUNK = 64 * 1024;

/** A blob's bytes as a stream; `bytesRead` counts what was read from disk so far. */
export type BlobStream = Readable & { bytesRead?: number };

export class BlobIntegrityError extends Error {
  constructor(hash: string) {
    super(`blob ${hash}: integrity tag does not match (tampered or wrong key)`);
  }
}

interface Header {
  keyId: string;
  iv: Buffer;
  /** Length of the header = offset of the ciphertext. */
  length: number;
}

function parseHeader(head: Buffer): Header | null {
  if (head.length < BLOB_MAGIC.length + 1 || !head.subarray(0, BLOB_MAGIC.length).equals(BLOB_MAGIC)) return null;
  const idLength = head[BLOB_MAGIC.length]!;
  const length = BLOB_MAGIC.length + 1 + idLength + IV_BYTES;
  if (head.length < length) throw new Error('blob header truncated');
  const keyId = head.subarray(BLOB_MAGIC.length + 1, BLOB_MAGIC.length + 1 + idLength).toString('latin1');
  return { keyId, iv: Buffer.from(head.subarray(length - IV_BYTES, length)), length };
}

/** The CTR counter block `blocks` blocks after `iv` (128-bit big-endian addition). */
function counterAt(iv: Buffer, blocks: number): Buffer {
  const out = Buffer.from(iv);
  let carry = BigInt(blocks);
  for (let i = 15; i >= 0 && carry > 0n; i--) {
    const sum = BigInt(out[i]!) + (carry & 0xffn);
    out[i] = Number(sum & 0xffn);
    carry = (carry >> 8n) + (sum >> 8n);
  }
  return out;
}

export class BlobStore {
  /** With a keyring the store encrypts every blob it writes; without, it stores plaintext. */
  constructor(
    readonly root: string,
    readonly keyring: BlobKeyring | null = null,
  ) {}

  /** SHA-256 of the bytes: the name in a plaintext store. */
  static hashOf(data: Buffer): string {
    return createHash('sha256').update(data).digest('hex');
  }

  /** The name `put` gives these bytes in this store. */
  addressOf(data: Buffer): string {
    return this.keyring ? this.keyring.addressOf(data) : BlobStore.hashOf(data);
  }

  /** The bytes as written to disk: encrypted under the current key when there is a keyring. */
  private seal(data: Buffer): Buffer {
    if (!this.keyring) return data;
    const keyId = this.keyring.currentId;
    const { enc, mac } = this.keyring.keysOf(keyId);
    const iv = randomBytes(IV_BYTES);
    const id = Buffer.from(keyId, 'latin1');
    const header = Buffer.concat([BLOB_MAGIC, Buffer.from([id.length]), id, iv]);
    const cipher = createCipheriv('sm4-ctr', enc, iv);
    const body = Buffer.concat([cipher.update(data), cipher.final()]);
    const tag = createHmac('sm3', mac).update(header).update(body).digest();
    return Buffer.concat([header, body, tag]);
  }

  private open(hash: string, file: Buffer): Buffer {
    const header = parseHeader(file);
    if (!header) return file; // plaintext blob from before encryption
    if (!this.keyring) throw new Error(`blob ${hash} is encrypted but no blob keyring is configured`);
    const { enc, mac } = this.keyring.keysOf(header.keyId);
    const end = file.length - TAG_BYTES;
    const expected = createHmac('sm3', mac).update(file.subarray(0, end)).digest();
    if (end < header.length || !timingSafeEqual(expected, file.subarray(end))) throw new BlobIntegrityError(hash);
    const decipher = createDecipheriv('sm4-ctr', enc, header.iv);
    return Buffer.concat([decipher.update(file.subarray(header.length, end)), decipher.final()]);
  }

  pathOf(hash: string): string {
    if (!HASH_RE.test(hash)) throw new Error(`invalid blob hash: ${hash}`);
    return path.join(this.root, hash.slice(0, 2), hash.slice(2, 4), hash);
  }

  /** Writes the bytes durably (unless already stored) and returns their hash. */
  async put(data: Buffer): Promise<string> {
    const hash = this.addressOf(data);
    const target = this.pathOf(hash);
    if (await exists(target)) return hash;
    await this.writeDurably(target, this.seal(data));
    return hash;
  }

  private async writeDurably(target: string, bytes: Buffer): Promise<void> {
    const dir = path.dirname(target);
    await fs.mkdir(dir, { recursive: true });
    const temp = path.join(dir, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await fs.open(temp, 'wx', 0o640);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, target);
    await syncDirectory(dir);
  }

  /** The whole blob, decrypted; an encrypted blob's integrity tag is checked. */
  async get(hash: string): Promise<Buffer> {
    const file = await fs.readFile(this.pathOf(hash));
    return this.open(hash, file);
  }

  /**
   * Streams a blob (FETCH of large bodies never loads them whole); `range` as for
   * fs.createReadStream (inclusive end), in plaintext offsets. An encrypted blob's range is
   * decrypted by seeking the CTR counter; a whole stream checks the tag at its end.
   */
  stream(hash: string, range?: { start: number; end: number }): BlobStream {
    if (!this.keyring) return createReadStream(this.pathOf(hash), range);
    return new EncryptedBlobStream(this, hash, this.pathOf(hash), range);
  }

  /** @internal for EncryptedBlobStream */
  keysFor(keyId: string): { enc: Buffer; mac: Buffer } {
    if (!this.keyring) throw new Error('no blob keyring configured');
    return this.keyring.keysOf(keyId);
  }

  /** Which key a stored blob is under: a key id, `plaintext`, or null when missing. */
  async keyIdOf(hash: string): Promise<string | null> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(this.pathOf(hash), 'r');
    } catch {
      return null;
    }
    try {
      const head = Buffer.alloc(BLOB_MAGIC.length + 1 + 255 + IV_BYTES);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      return parseHeader(head.subarray(0, bytesRead))?.keyId ?? 'plaintext';
    } catch {
      return 'plaintext';
    } finally {
      await handle.close();
    }
  }

  /**
   * Rewrites a blob under the current key (plaintext blobs from before encryption, or blobs
   * under an older key), keeping its name. Returns whether it rewrote anything. A plaintext
   * blob keeps its SHA-256 name (renaming would touch every row that references it).
   */
  async reencrypt(hash: string): Promise<boolean> {
    if (!this.keyring) throw new Error('no blob keyring configured');
    const keyId = await this.keyIdOf(hash);
    if (keyId === null || keyId === this.keyring.currentId) return false;
    const target = this.pathOf(hash);
    const data = await this.get(hash);
    await this.writeDurably(target + '.re', this.seal(data));
    // Removed meanwhile (its last reference went): do not bring it back.
    if (!(await exists(target))) {
      await fs.rm(target + '.re', { force: true });
      return false;
    }
    await fs.rename(target + '.re', target);
    return true;
  }

  /** Re-encrypts every blob not under the current key; `onProgress` after each one. */
  async reencryptAll(onProgress?: (done: number, rewritten: number) => void): Promise<{ seen: number; rewritten: number }> {
    let seen = 0;
    let rewritten = 0;
    for await (const hash of this.list()) {
      seen++;
      if (await this.reencrypt(hash)) rewritten++;
      onProgress?.(seen, rewritten);
    }
    return { seen, rewritten };
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

/**
 * Decrypting stream of an encrypted blob (or a plaintext legacy blob read through a keyed
 * store). Reads CHUNK bytes at a time on demand, so backpressure reaches the disk; emits
 * 'ready' once the file is open and its header read, like fs.ReadStream.
 */
class EncryptedBlobStream extends Readable {
  bytesRead = 0;
  private handle: fs.FileHandle | null = null;
  private position = 0;
  private last = 0;
  private skip = 0;
  private decipher: Decipher | null = null;
  private mac: ReturnType<typeof createHmac> | null = null;
  private tagAt = 0;

  constructor(
    private readonly store: BlobStore,
    private readonly hash: string,
    private readonly file: string,
    private readonly range?: { start: number; end: number },
  ) {
    super({ highWaterMark: CHUNK });
  }

  override _construct(callback: (error?: Error | null) => void): void {
    this.setup().then(
      () => {
        callback();
        this.emit('ready');
      },
      (err: Error) => callback(err),
    );
  }

  private async setup(): Promise<void> {
    this.handle = await fs.open(this.file, 'r');
    const size = (await this.handle.stat()).size;
    const head = Buffer.alloc(Math.min(size, BLOB_MAGIC.length + 1 + 255 + IV_BYTES));
    await this.handle.read(head, 0, head.length, 0);
    const header = parseHeader(head);
    const start = this.range?.start ?? 0;
    if (!header) {
      this.position = start;
      this.last = Math.min(this.range?.end ?? Infinity, size - 1);
      return;
    }
    const plainSize = size - header.length - TAG_BYTES;
    const end = Math.min(this.range?.end ?? Infinity, plainSize - 1);
    const keys = this.store.keysFor(header.keyId);
    const block = Math.floor(start / 16);
    this.skip = start - block * 16;
    this.position = header.length + block * 16;
    this.last = header.length + end;
    this.decipher = createDecipheriv('sm4-ctr', keys.enc, counterAt(header.iv, block));
    // A whole read is checked against the tag at the end.
    if (start === 0 && end === plainSize - 1) {
      this.mac = createHmac('sm3', keys.mac).update(head.subarray(0, header.length));
      this.tagAt = header.length + plainSize;
    }
  }

  override _read(): void {
    void this.readChunk().catch((err: Error) => this.destroy(err));
  }

  private async readChunk(): Promise<void> {
    const handle = this.handle!;
    if (this.position > this.last) {
      if (this.mac) {
        const tag = Buffer.alloc(TAG_BYTES);
        await handle.read(tag, 0, TAG_BYTES, this.tagAt);
        if (!timingSafeEqual(tag, this.mac.digest())) throw new BlobIntegrityError(this.hash);
      }
      this.push(null);
      return;
    }
    const length = Math.min(CHUNK, this.last - this.position + 1);
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, this.position);
    if (bytesRead === 0) throw new Error(`blob ${this.hash} truncated`);
    this.position += bytesRead;
    this.bytesRead += bytesRead;
    let chunk = buffer.subarray(0, bytesRead);
    if (this.decipher) {
      this.mac?.update(chunk);
      chunk = this.decipher.update(chunk);
      if (this.skip) {
        chunk = chunk.subarray(this.skip);
        this.skip = 0;
      }
    }
    this.push(chunk);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const handle = this.handle;
    this.handle = null;
    if (!handle) return callback(error);
    handle.close().then(
      () => callback(error),
      () => callback(error),
    );
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
