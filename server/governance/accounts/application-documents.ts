/**
 * The scan of a work ID or unit certificate filed with an application (SPEC Art. 2.1): PDF, JPEG
 * or PNG, recognised by the file's first bytes (never by its name or the browser's claimed type),
 * stored under `<dataDir>/applications/` — outside the web root, served only through the
 * console's authorised route to reviewers of the applicant's unit.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const DOCUMENT_TYPES = {
  'application/pdf': { ext: 'pdf', magic: [Buffer.from('%PDF-', 'latin1')] },
  'image/jpeg': { ext: 'jpg', magic: [Buffer.from([0xff, 0xd8, 0xff])] },
  'image/png': { ext: 'png', magic: [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])] },
} as const;
export type DocumentType = keyof typeof DOCUMENT_TYPES;

/** The type the content's magic bytes show, or null for anything else. */
export function sniffDocumentType(content: Buffer): DocumentType | null {
  for (const [type, { magic }] of Object.entries(DOCUMENT_TYPES) as [DocumentType, (typeof DOCUMENT_TYPES)[DocumentType]][]) {
    if (magic.some((m) => content.length >= m.length && content.subarray(0, m.length).equals(m))) return type;
  }
  return null;
}

export class ApplicationDocuments {
  constructor(private readonly dir: string) {}

  /** Writes the file (temp name, then rename) and returns its stored name. */
  async save(content: Buffer, type: DocumentType): Promise<string> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const name = `${randomBytes(16).toString('hex')}.${DOCUMENT_TYPES[type].ext}`;
    const temp = path.join(this.dir, `.${name}.tmp`);
    await writeFile(temp, content, { mode: 0o600 });
    await rename(temp, path.join(this.dir, name));
    return name;
  }

  read(name: string): Promise<Buffer> {
    // Names are ours (hex + extension); anything else never reaches the file system.
    if (!/^[0-9a-f]{32}\.(pdf|jpg|png)$/.test(name)) throw new Error('not a document name');
    return readFile(path.join(this.dir, name));
  }
}
