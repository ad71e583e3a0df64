/**
 * Malformed mail over a raw socket to the MX: each message gets a clear reply (250, or a 5xx
 * that names the problem), the server stays up, and nothing is half-stored — a 250 means a
 * complete row and blob, a refusal means no row, no blob row and no blob file.
 *
 * RFC 5321 §2.3.8 (CRLF; bare LF is tolerated and stored as CRLF), §4.5.3.1.6 (998-octet
 * lines), RFC 6532 (raw 8-bit headers).
 */
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpWire, type SmtpReply } from '../helpers/smtp-wire.js';
import { integrityProblems, startTestGovmail, type StoreCounts, type TestGovmail } from '../helpers/start-govmail.js';

let gm: TestGovmail;
const TO = 'lina@haining.gov.cn';

beforeAll(async () => {
  gm = await startTestGovmail();
});

afterAll(async () => {
  await gm?.stop();
});

const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n'), 'utf8');

interface Case {
  name: string;
  raw: Buffer;
  /** What must hold of the stored row when the server accepted the message. */
  stored?: { subject?: string | null; bodyIncludes?: Buffer };
  /** Refusal expected (5xx) rather than acceptance. */
  refused?: { code: number; enhanced: string };
}

const cases: Case[] = [
  {
    name: 'bare LF line endings',
    raw: Buffer.from('From: sender@example.com\nTo: lina@haining.gov.cn\nSubject: bare LF\n\nline one\n.leading dot\nline three\n', 'utf8'),
    stored: { subject: 'bare LF', bodyIncludes: Buffer.from('line one\r\n.leading dot\r\nline three\r\n') },
  },
  {
    name: 'a header line over 998 characters',
    raw: crlf(['From: sender@example.com', 'To: lina@haining.gov.cn', `X-Long: ${'a'.repeat(3000)}`, 'Subject: long header', '', 'body', '']),
    stored: { subject: 'long header', bodyIncludes: Buffer.from(`X-Long: ${'a'.repeat(3000)}\r\n`) },
  },
  {
    name: 'NUL bytes in headers and body',
    raw: Buffer.concat([crlf(['From: sender@example.com', 'To: lina@haining.gov.cn', 'Subject: nul\0here', '', 'before']), Buffer.from([0, 0, 0]), Buffer.from('after\r\n')]),
    stored: { subject: 'nul\0here', bodyIncludes: Buffer.from('before\0\0\0after\r\n') },
  },
  {
    name: 'raw UTF-8 headers (RFC 6532)',
    raw: crlf(['From: 张伟 <sender@example.com>', 'To: 李娜 <lina@haining.gov.cn>', 'Subject: 关于报送防汛物资清单的通知', 'Content-Type: text/plain; charset=utf-8', '', '请于今日报送。', '']),
    stored: { subject: '关于报送防汛物资清单的通知' },
  },
  {
    name: 'raw GBK headers without a label',
    raw: Buffer.concat([
      Buffer.from('From: sender@example.com\r\nTo: lina@haining.gov.cn\r\nSubject: '),
      iconv.encode('关于报送防汛物资清单的通知', 'gbk'),
      Buffer.from('\r\n\r\nbody\r\n'),
    ]),
    // Accepted and kept byte for byte. The decoded subject is not checked here: the parser reads
    // unlabelled 8-bit header bytes as UTF-8 only (reported to the lead; server/mail).
    stored: { bodyIncludes: iconv.encode('Subject: 关于报送防汛物资清单的通知\r\n', 'gbk') },
  },
  {
    name: 'no header/body separator, only headers',
    raw: crlf(['From: sender@example.com', 'To: lina@haining.gov.cn', 'Subject: headers only', '']),
    stored: { subject: 'headers only' },
  },
  {
    name: 'no headers at all',
    raw: crlf(['just some text', 'and more', '']),
    stored: { subject: null },
  },
  { name: 'an empty DATA', raw: Buffer.alloc(0), refused: { code: 554, enhanced: '5.6.0' } },
  { name: 'DATA with only blank lines', raw: Buffer.from('\r\n\r\n\r\n'), refused: { code: 554, enhanced: '5.6.0' } },
];

async function delta(before: StoreCounts): Promise<Record<keyof StoreCounts, number>> {
  const after = await gm.counts();
  return { messages: after.messages - before.messages, blobs: after.blobs - before.blobs, blobFiles: after.blobFiles - before.blobFiles, outbound: after.outbound - before.outbound };
}

describe('malformed input over a raw socket', () => {
  for (const c of cases) {
    it(`${c.name}: ${c.refused ? `${c.refused.code} ${c.refused.enhanced}` : '250'}, nothing half-stored`, async () => {
      const before = await gm.counts();
      const wire = await SmtpWire.connect(gm.ports.smtp);
      let reply: SmtpReply & { stage: string };
      try {
        await wire.ehlo();
        reply = await wire.sendMail({ from: 'sender@example.com', to: [TO] }, c.raw);
        // The session is still in order after the reply.
        expect((await wire.command('NOOP')).code).toBe(250);
      } finally {
        await wire.quit();
      }
      if (c.refused) {
        expect(reply.stage).toBe('data');
        expect(reply.code).toBe(c.refused.code);
        expect(reply.enhanced).toBe(c.refused.enhanced);
        expect(await delta(before)).toEqual({ messages: 0, blobs: 0, blobFiles: 0, outbound: 0 });
        return;
      }
      expect(reply.code).toBe(250);
      expect(await delta(before)).toEqual({ messages: 1, blobs: 1, blobFiles: 1, outbound: 0 });
      const row = (await gm.inbox(TO)).at(-1)!;
      const stored = await gm.services.blobs.get(row.blob_hash);
      expect(stored.length).toBe(row.size);
      // Every line ends in CRLF once stored (IMAP RFC822.SIZE counts those octets).
      expect(/(^|[^\r])\n/.test(stored.toString('latin1'))).toBe(false);
      if (c.stored) {
        if (c.stored.subject !== undefined) expect(row.subject).toBe(c.stored.subject);
        if (c.stored.bodyIncludes) expect(stored.includes(c.stored.bodyIncludes)).toBe(true);
      }
    });
  }

  it('the server is still up and the store is consistent afterwards', async () => {
    const wire = await SmtpWire.connect(gm.ports.smtp);
    try {
      expect(wire.greeting.code).toBe(220);
      expect(wire.greeting.text).toBe('mail.haining.gov.cn ESMTP govmail');
      expect((await wire.ehlo()).code).toBe(250);
    } finally {
      await wire.quit();
    }
    expect(await integrityProblems(gm.services)).toEqual([]);
  });

  it('a client that vanishes in the middle of DATA leaves nothing behind', async () => {
    const before = await gm.counts();
    const wire = await SmtpWire.connect(gm.ports.smtp);
    await wire.ehlo();
    expect((await wire.command('MAIL FROM:<sender@example.com>')).code).toBe(250);
    expect((await wire.command(`RCPT TO:<${TO}>`)).code).toBe(250);
    expect((await wire.command('DATA')).code).toBe(354);
    wire.write('From: sender@example.com\r\nSubject: cut off\r\n\r\nhalf a messa');
    wire.destroy();
    await new Promise((r) => setTimeout(r, 200));
    expect(await delta(before)).toEqual({ messages: 0, blobs: 0, blobFiles: 0, outbound: 0 });
  });
});
