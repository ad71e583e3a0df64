/**
 * PDF attachments in the outbound content checks (SPEC 3.2): the text layer of a PDF printed by
 * Chromium with a CJK font (test/fixtures/pdf, made as an office would make one: HTML → PDF) is
 * read, so a 秘密★ marker in an attached 红头文件 blocks the send while its benign twin
 * (机密性, 秘书处) passes; damaged, text-less and too-slow PDFs are reported as not inspected
 * instead of failing the send, and the reader recovers after a PDF it had to abandon.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import { buildMail } from '../../http/test-webmail.js';
import { runChecks } from '../checks.js';
import { inspectableMessage } from './message-text.js';
import { DEFAULT_PDF_LIMITS, extractPdfText, looksLikePdf, PdfTextError } from './pdf-text.js';
import { OUTBOUND_SEVERITY, outboundChecks } from './pipeline.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/pdf');
const secretPdf = readFileSync(path.join(fixtures, 'secret-marker-notice.pdf'));
const benignPdf = readFileSync(path.join(fixtures, 'benign-notice.pdf'));
const policy = configSchema.parse({}).outbound;

/** A one-page PDF with no text at all (what a scanner without OCR produces, minus the image). */
function textlessPdf(): Buffer {
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>'];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((n) => `${String(n).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

async function check(attachment: { filename: string; content: Buffer; contentType?: string }) {
  const raw = await buildMail({ from: { name: '张伟', address: 'zhangwei@haining.gov.cn' }, to: ['lina@haining.gov.cn'], subject: '转发：材料', text: '请查收附件。', attachments: [attachment] });
  const message = await inspectableMessage(raw);
  const result = await runChecks(outboundChecks(policy), { message, envelopeFrom: 'zhangwei@haining.gov.cn', recipients: ['lina@haining.gov.cn'], externalRecipients: [], rules: [] }, OUTBOUND_SEVERITY);
  return { message, result };
}

describe('PDF text for content inspection', () => {
  it('reads the Chinese text layer of a PDF printed by Chromium', async () => {
    expect(looksLikePdf(secretPdf)).toBe(true);
    const pdf = await extractPdfText(secretPdf);
    expect(pdf.pages).toBe(1);
    expect(pdf.truncated).toBe(false);
    expect(pdf.text).toContain('秘密★5年');
    expect(pdf.text).toContain('关于2027年度重点工程项目选址的通知');
    expect(pdf.text).toContain('海政办发〔2026〕12号');
  });

  it('a 秘密★ marker inside an attached PDF blocks the send, named with the file', async () => {
    const { message, result } = await check({ filename: '关于重点工程项目选址的通知.pdf', content: secretPdf, contentType: 'application/pdf' });
    expect(message.notInspected).toEqual([]);
    expect(result.verdict).toBe('block');
    const finding = result.findings.find((f) => f.check === 'classified-marker');
    expect(finding?.reason).toContain('秘密★');
    expect(JSON.stringify(finding?.details)).toContain('关于重点工程项目选址的通知.pdf');
  });

  it('finds the PDF by its content when the client labels it application/octet-stream', async () => {
    const { result } = await check({ filename: 'scan0001', content: secretPdf, contentType: 'application/octet-stream' });
    expect(result.verdict).toBe('block');
  });

  it('the benign twin (机密性, 秘书处) passes', async () => {
    const { message, result } = await check({ filename: '关于加强政务数据机密性保护的通知.pdf', content: benignPdf, contentType: 'application/pdf' });
    expect(message.pieces.some((p) => p.location === 'attachment_content' && p.text.includes('机密性'))).toBe(true);
    expect(result.findings.filter((f) => f.check === 'classified-marker')).toEqual([]);
  });

  it('a PDF without a text layer is listed as not inspected', async () => {
    const { message } = await check({ filename: '扫描件.pdf', content: textlessPdf(), contentType: 'application/pdf' });
    expect(message.notInspected).toEqual([{ name: '扫描件.pdf', reason: 'PDF without a text layer (scanned?)' }]);
  });

  it('a damaged PDF is listed as not inspected, and the send is not failed by it', async () => {
    const damaged = Buffer.concat([secretPdf.subarray(0, 2000), Buffer.from('garbage')]);
    const { message, result } = await check({ filename: '损坏.pdf', content: damaged, contentType: 'application/pdf' });
    expect(message.notInspected).toHaveLength(1);
    expect(message.notInspected[0]!.name).toBe('损坏.pdf');
    expect(result.verdict).not.toBe('block');
  });

  it('a PDF over its deadline is abandoned, and the next one is read by a fresh worker', async () => {
    await expect(extractPdfText(secretPdf, { ...DEFAULT_PDF_LIMITS, timeoutMs: 1 })).rejects.toThrow(PdfTextError);
    expect((await extractPdfText(benignPdf)).text).toContain('机密性');
  });

  it('stops at the character limit and says so', async () => {
    const pdf = await extractPdfText(secretPdf, { ...DEFAULT_PDF_LIMITS, maxChars: 10 });
    expect(pdf.truncated).toBe(true);
    expect(pdf.text).toHaveLength(10);
  });
});
