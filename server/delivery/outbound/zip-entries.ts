/**
 * Just enough of a ZIP reader (PKWARE APPNOTE 6.3, §4.3) to take the XML text out of Office
 * Open XML and OpenDocument files (docx, xlsx, pptx, odt …) for content inspection: the end of
 * central directory record, the central directory, local headers, methods 0 (stored) and
 * 8 (deflate). No ZIP64, no encryption, no multi-disk: such files are reported as not inspected.
 *
 * Limits protect against zip bombs: an entry is inflated with a hard cap on its output.
 */
import { inflateRawSync } from 'node:zlib';

/** Largest decompressed entry we read (XML of a very long document). */
export const MAX_ENTRY_BYTES = 20 * 1024 * 1024;
/** Entries looked at in one archive. */
const MAX_ENTRIES = 5000;

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

export class ZipError extends Error {
  override name = 'ZipError';
}

/** The central directory of a ZIP archive; throws ZipError when it is not one we can read. */
export function zipEntries(data: Buffer): ZipEntry[] {
  const EOCD = 0x06054b50;
  let eocd = -1;
  // The EOCD record is 22 bytes plus a comment of at most 65535 bytes.
  for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 65535); i--) {
    if (data.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError('no end of central directory');
  const count = data.readUInt16LE(eocd + 10);
  const cdSize = data.readUInt32LE(eocd + 12);
  const cdOffset = data.readUInt32LE(eocd + 16);
  if (cdOffset === 0xffffffff || count === 0xffff) throw new ZipError('ZIP64 not supported');
  if (cdOffset + cdSize > data.length) throw new ZipError('central directory out of range');
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let n = 0; n < Math.min(count, MAX_ENTRIES); n++) {
    if (p + 46 > data.length || data.readUInt32LE(p) !== 0x02014b50) throw new ZipError('bad central directory entry');
    const method = data.readUInt16LE(p + 10);
    const compressedSize = data.readUInt32LE(p + 20);
    const size = data.readUInt32LE(p + 24);
    const nameLength = data.readUInt16LE(p + 28);
    const extraLength = data.readUInt16LE(p + 30);
    const commentLength = data.readUInt16LE(p + 32);
    const localOffset = data.readUInt32LE(p + 42);
    const name = data.subarray(p + 46, p + 46 + nameLength).toString('utf8');
    entries.push({ name, method, compressedSize, size, localOffset });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The decompressed bytes of one entry. */
export function readZipEntry(data: Buffer, entry: ZipEntry): Buffer {
  const p = entry.localOffset;
  if (p + 30 > data.length || data.readUInt32LE(p) !== 0x04034b50) throw new ZipError('bad local header');
  const flags = data.readUInt16LE(p + 6);
  if (flags & 0x1) throw new ZipError('encrypted entry');
  const start = p + 30 + data.readUInt16LE(p + 26) + data.readUInt16LE(p + 28);
  const end = start + entry.compressedSize;
  if (end > data.length) throw new ZipError('entry out of range');
  const body = data.subarray(start, end);
  if (entry.method === 0) return body.subarray(0, MAX_ENTRY_BYTES);
  if (entry.method === 8) {
    try {
      return inflateRawSync(body, { maxOutputLength: MAX_ENTRY_BYTES });
    } catch (err) {
      throw new ZipError(`cannot inflate ${entry.name}: ${(err as Error).message}`);
    }
  }
  throw new ZipError(`compression method ${entry.method} not supported`);
}
