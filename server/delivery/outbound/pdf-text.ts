/**
 * The text of a PDF attachment, for content inspection (SPEC 3.2: a classified marker such as
 * 秘密★ in an attached 红头文件 must block the send like one in the body). pdf.js (pdfjs-dist)
 * reads the text layer, CJK fonts included (ToUnicode maps, and the predefined Adobe-GB1/CNS1
 * CMaps it ships for PDFs without them). Scanned PDFs have no text layer: nothing is found, and
 * the caller lists them as not inspected.
 *
 * A PDF is hostile input parsed before the sender gets an answer, so it is parsed in a worker
 * thread with a memory cap and a deadline: a PDF that is too slow or too big for it is
 * abandoned (the worker terminated), never allowed to stall the SMTP server's event loop.
 * The worker's code is plain JavaScript given to `new Worker` as a string, so it runs the same
 * under tsx, vitest and a compiled build.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface PdfTextLimits {
  /** Pages read; later pages are not inspected (reported as truncated). */
  maxPages: number;
  /** Characters kept. */
  maxChars: number;
  /** Wall-clock budget for one PDF, worker start included. */
  timeoutMs: number;
  /** Heap cap of the worker. */
  maxHeapMb: number;
}

export const DEFAULT_PDF_LIMITS: PdfTextLimits = { maxPages: 200, maxChars: 2_000_000, timeoutMs: 20_000, maxHeapMb: 256 };

export interface PdfText {
  text: string;
  pages: number;
  /** True when pages or characters beyond the limits were not read. */
  truncated: boolean;
}

export class PdfTextError extends Error {}

export function looksLikePdf(content: Buffer): boolean {
  // The header may follow a little junk (the spec allows it within the first 1024 bytes).
  return content.subarray(0, 1024).includes('%PDF-');
}

const require = createRequire(import.meta.url);
let pdfjsDir: string | null = null;
function pdfjsLocation(): { module: string; cmaps: string; fonts: string } {
  pdfjsDir ??= path.dirname(require.resolve('pdfjs-dist/package.json'));
  return {
    module: pathToFileURL(path.join(pdfjsDir, 'legacy', 'build', 'pdf.mjs')).href,
    cmaps: path.join(pdfjsDir, 'cmaps') + path.sep,
    fonts: path.join(pdfjsDir, 'standard_fonts') + path.sep,
  };
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { module, cmaps, fonts } = workerData;
const loading = import(module);
async function read(data, maxPages, maxChars) {
  const pdfjs = await loading;
  const doc = await pdfjs.getDocument({
    data, cMapUrl: cmaps, cMapPacked: true, standardFontDataUrl: fonts,
    isEvalSupported: false, disableFontFace: true, useSystemFonts: false, stopAtErrors: false, verbosity: 0,
  }).promise;
  try {
    const pages = doc.numPages;
    let text = '';
    let truncated = pages > maxPages;
    for (let i = 1; i <= Math.min(pages, maxPages); i++) {
      const page = await doc.getPage(i);
      const content = await page.getTextContent();
      for (const item of content.items) if (typeof item.str === 'string') text += item.str + (item.hasEOL ? '\\n' : '');
      text += '\\n';
      page.cleanup();
      if (text.length > maxChars) { text = text.slice(0, maxChars); truncated = true; break; }
    }
    return { text, pages, truncated };
  } finally {
    await doc.destroy();
  }
}
parentPort.on('message', ({ id, data, maxPages, maxChars }) => {
  read(data, maxPages, maxChars).then(
    (result) => parentPort.postMessage({ id, ok: true, ...result }),
    (err) => parentPort.postMessage({ id, ok: false, error: String((err && err.message) || err).slice(0, 200) }),
  );
});
`;

type Reply = { id: number; ok: true; text: string; pages: number; truncated: boolean } | { id: number; ok: false; error: string };

/**
 * One warm worker reads PDFs one at a time (pdf.js takes most of a second to load; a mail with
 * attachments should not pay that each time). A PDF over its deadline terminates the worker;
 * the next job starts a new one. An idle worker does not keep the process alive.
 */
class PdfReader {
  private worker: Worker | null = null;
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();
  private idleTimer: NodeJS.Timeout | null = null;

  read(content: Buffer, limits: PdfTextLimits): Promise<PdfText> {
    const job = this.queue.then(() => this.run(content, limits));
    this.queue = job.catch(() => undefined);
    return job;
  }

  private start(limits: PdfTextLimits): Worker {
    const where = pdfjsLocation();
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { module: where.module, cmaps: where.cmaps, fonts: where.fonts },
      resourceLimits: { maxOldGenerationSizeMb: limits.maxHeapMb },
      stdout: true,
      stderr: true,
    });
    worker.on('error', () => undefined);
    return worker;
  }

  private stop(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    void this.worker?.terminate();
    this.worker = null;
  }

  private run(content: Buffer, limits: PdfTextLimits): Promise<PdfText> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const worker = (this.worker ??= this.start(limits));
    worker.ref();
    const id = this.nextId++;
    return new Promise<PdfText>((resolve, reject) => {
      const done = (fn: () => void, healthy: boolean) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        if (!healthy) this.stop();
        else {
          worker.unref();
          this.idleTimer = setTimeout(() => this.stop(), IDLE_MS).unref();
        }
        fn();
      };
      const onMessage = (reply: Reply) => {
        if (reply.id !== id) return;
        done(() => (reply.ok ? resolve({ text: reply.text, pages: reply.pages, truncated: reply.truncated }) : reject(new PdfTextError(`unreadable PDF: ${reply.error}`))), true);
      };
      const onExit = (code: number) => done(() => reject(new PdfTextError(`PDF reader stopped (exit ${code}): the PDF is too large or damaged`)), false);
      const timer = setTimeout(() => done(() => reject(new PdfTextError(`PDF not read within ${limits.timeoutMs} ms`)), false), limits.timeoutMs);
      worker.on('message', onMessage);
      worker.on('exit', onExit);
      // A copy, so the caller's buffer stays usable (the copy's memory moves to the worker).
      const data = new Uint8Array(content);
      worker.postMessage({ id, data, maxPages: limits.maxPages, maxChars: limits.maxChars }, [data.buffer]);
    });
  }
}

/** An idle worker is let go after this long. */
const IDLE_MS = 60_000;
const reader = new PdfReader();

/** Extracts the text layer; throws PdfTextError for an unreadable, too slow or too big PDF. */
export function extractPdfText(content: Buffer, limits: PdfTextLimits = DEFAULT_PDF_LIMITS): Promise<PdfText> {
  return reader.read(content, limits);
}
