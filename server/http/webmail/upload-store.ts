/**
 * Attachments uploaded while writing a message, before it is sent: one directory per account,
 * `<dataDir>/uploads/<accountId>/`, a file `<id>` with the bytes and `<id>.json` with its name
 * and type. The id is random (144 bits) and is only ever looked up inside the directory of the
 * session's account, so another account's id is simply not found — no table, no owner check
 * that could be forgotten. Uploads are removed after the send that uses them, and unused ones
 * after UPLOAD_MAX_AGE_MS (swept when the same account uploads again).
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { UploadView } from '../../../common/schemas/webmail.js';
import type { Clock } from '../../platform/clock.js';
import { randomToken } from '../../platform/crypto.js';
import { UPLOAD_MAX_AGE_MS } from '../limits.js';

const ID_RE = /^[A-Za-z0-9_-]{24}$/;
const MEDIA_TYPE_RE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;
const MAX_FILENAME_CHARS = 200;

export interface StoredUpload extends UploadView {
  createdAt: number;
}

export class UploadTooLargeError extends Error {
  override name = 'UploadTooLargeError';
}

/** A file name as the user's system gave it, without directories or control characters. */
export function cleanFilename(name: string | undefined): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  const base = (name ?? '').split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return [...base].slice(0, MAX_FILENAME_CHARS).join('') || '附件';
}

export class UploadStore {
  constructor(
    private readonly root: string,
    private readonly clock: Clock,
  ) {}

  private dir(accountId: number): string {
    return path.join(this.root, String(accountId));
  }

  /** Streams one file to disk. `stream.truncated` (busboy) set at the end means the size limit cut it. */
  async save(accountId: number, file: { filename: string | undefined; mimetype: string | undefined; stream: Readable & { truncated?: boolean } }): Promise<StoredUpload> {
    const dir = this.dir(accountId);
    await mkdir(dir, { recursive: true });
    const id = randomToken(18);
    const dataPath = path.join(dir, id);
    try {
      await pipeline(file.stream, createWriteStream(dataPath, { flags: 'wx', mode: 0o600 }));
      if (file.stream.truncated) throw new UploadTooLargeError('upload over the size limit');
    } catch (err) {
      await rm(dataPath, { force: true });
      throw err;
    }
    const mimetype = (file.mimetype ?? '').toLowerCase().split(';')[0]!.trim();
    const upload: StoredUpload = {
      id,
      filename: cleanFilename(file.filename),
      contentType: MEDIA_TYPE_RE.test(mimetype) ? mimetype : 'application/octet-stream',
      size: (await stat(dataPath)).size,
      createdAt: this.clock.now(),
    };
    await writeFile(`${dataPath}.json`, JSON.stringify(upload), { mode: 0o600 });
    return upload;
  }

  /** The account's upload, or null (unknown id, another account's id, malformed id). */
  async get(accountId: number, id: string): Promise<{ upload: StoredUpload; content: Buffer } | null> {
    if (!ID_RE.test(id)) return null;
    const dataPath = path.join(this.dir(accountId), id);
    try {
      const upload = JSON.parse(await readFile(`${dataPath}.json`, 'utf8')) as StoredUpload;
      return { upload, content: await readFile(dataPath) };
    } catch {
      return null;
    }
  }

  async exists(accountId: number, id: string): Promise<boolean> {
    if (!ID_RE.test(id)) return false;
    return stat(path.join(this.dir(accountId), `${id}.json`)).then(
      () => true,
      () => false,
    );
  }

  async remove(accountId: number, id: string): Promise<void> {
    if (!ID_RE.test(id)) return;
    const dataPath = path.join(this.dir(accountId), id);
    await rm(dataPath, { force: true });
    await rm(`${dataPath}.json`, { force: true });
  }

  /** Removes the account's uploads older than UPLOAD_MAX_AGE_MS; returns how many. */
  async sweep(accountId: number): Promise<number> {
    const cutoff = this.clock.now() - UPLOAD_MAX_AGE_MS;
    let removed = 0;
    let names: string[];
    try {
      names = await readdir(this.dir(accountId));
    } catch {
      return 0;
    }
    for (const name of names) {
      if (!ID_RE.test(name)) continue;
      const meta = await readFile(path.join(this.dir(accountId), `${name}.json`), 'utf8').catch(() => null);
      // Without its .json the file may be an upload still being written: judged by its mtime.
      const createdAt = meta === null ? ((await stat(path.join(this.dir(accountId), name)).catch(() => null))?.mtimeMs ?? 0) : Number((JSON.parse(meta) as Partial<StoredUpload>).createdAt ?? 0);
      if (createdAt < cutoff) {
        await this.remove(accountId, name);
        removed++;
      }
    }
    return removed;
  }
}
