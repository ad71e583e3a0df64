/**
 * 工作秘密 encrypted mail on the server (issue 6; NAME=crypto): over real SMTP submission, an
 * encrypted message to an external address (or a forward of it) is refused; to colleagues it is
 * delivered; the blob on disk (store encrypted at rest) holds neither the secret nor the notice
 * in plaintext; IMAP clients FETCH the readable notice.
 */
import { promises as fs } from 'node:fs';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { sm2 } from 'sm-crypto-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENVELOPE_MEDIA_TYPE, openEnvelope, sealEnvelope, type SecretEnvelope } from '../../common/secret-envelope.js';
import { BlobKeyring } from '../../server/storage/blob-keyring.js';
import { SEED_PASSWORD, startTestGovmail, type TestGovmail } from '../helpers/start-govmail.js';

let gm: TestGovmail;
const SECRET = '工作秘密：海宁市防汛物资调拨方案（第三稿）调拨编号HN-2026-0917';
const NOTICE = '这是一封工作秘密加密邮件，请登录政务邮箱网页版查看';
const FROM = 'wangfang@haining.gov.cn';
const TO = 'zhangwei@haining.gov.cn';

beforeAll(async () => {
  gm = await startTestGovmail({ overrides: { blobEncryption: { keyring: JSON.stringify(BlobKeyring.generate()) } } });
});

afterAll(async () => {
  await gm?.stop();
});

const sender = { address: FROM, ...sm2.generateKeyPairHex() };
const reader = { address: TO, ...sm2.generateKeyPairHex() };

function envelopeFor(recipients: { address: string; publicKey: string }[]): SecretEnvelope {
  return sealEnvelope({ content: new TextEncoder().encode(`Content-Type: text/plain; charset=utf-8\r\n\r\n${SECRET}\r\n`), sender, recipients });
}

async function send(to: string, envelope: SecretEnvelope) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: gm.ports.submission, requireTLS: true, auth: { user: FROM, pass: SEED_PASSWORD }, tls: { rejectUnauthorized: false } });
  try {
    return await transport.sendMail({
      from: FROM,
      to,
      subject: '工作秘密邮件',
      text: NOTICE,
      attachments: [{ filename: 'secret.gmenc', contentType: ENVELOPE_MEDIA_TYPE, content: Buffer.from(JSON.stringify(envelope)) }],
    });
  } finally {
    transport.close();
  }
}

describe('工作秘密 encrypted mail on the server', () => {
  it('refuses an external recipient (also among internal ones) with 550 and stores nothing', async () => {
    const before = await gm.services.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    await expect(send('someone@example.com', envelopeFor([{ address: 'someone@example.com', publicKey: reader.publicKey }]))).rejects.toMatchObject({ responseCode: 550 });
    await expect(send(`${TO}, someone@example.com`, envelopeFor([reader]))).rejects.toThrow(/外部地址/);
    const after = await gm.services.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('delivers to a colleague; the blob on disk holds no plaintext; IMAP FETCH shows the notice; the payload opens for the reader', async () => {
    const info = await send(TO, envelopeFor([reader]));
    expect(info.accepted).toEqual([TO]);
    const row = await gm.services.db.selectFrom('messages').innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id').innerJoin('accounts', 'accounts.id', 'mailboxes.account_id').where('accounts.address', '=', TO).select('messages.blob_hash').orderBy('messages.id', 'desc').executeTakeFirstOrThrow();
    const onDisk = await fs.readFile(gm.services.blobs.pathOf(row.blob_hash));
    for (const text of [SECRET, '防汛物资', 'HN-2026-0917', ENVELOPE_MEDIA_TYPE]) expect(onDisk.includes(Buffer.from(text))).toBe(false);
    // Even decrypted at rest, the stored message holds only the notice and ciphertext.
    const stored = await gm.services.blobs.get(row.blob_hash);
    expect(stored.includes(Buffer.from(SECRET))).toBe(false);
    expect(stored.includes(Buffer.from('防汛物资'))).toBe(false);

    const client = new ImapFlow({ host: '127.0.0.1', port: gm.ports.imaps!, secure: true, tls: { rejectUnauthorized: false }, auth: { user: TO, pass: SEED_PASSWORD }, logger: false });
    await client.connect();
    try {
      const lock = await client.getMailboxLock('INBOX');
      try {
        const message = await client.fetchOne('*', { bodyStructure: true, source: true });
        expect(message).toBeTruthy();
        const text = await client.download('*', '1');
        const chunks: Buffer[] = [];
        for await (const c of text.content!) chunks.push(c as Buffer);
        expect(Buffer.concat(chunks).toString('utf8')).toContain(NOTICE);
        const parts = JSON.stringify(message && message.bodyStructure);
        expect(parts).toContain(ENVELOPE_MEDIA_TYPE);
        const attachment = await client.download('*', '2');
        const raw: Buffer[] = [];
        for await (const c of attachment.content!) raw.push(c as Buffer);
        const envelope = JSON.parse(Buffer.concat(raw).toString('utf8')) as SecretEnvelope;
        expect(new TextDecoder().decode(openEnvelope(envelope, reader))).toContain(SECRET);
      } finally {
        lock.release();
      }
    } finally {
      await client.logout();
    }
  });

  it('refuses a forward to an external address that carries the encrypted mail as a base64 attached message', async () => {
    const original = Buffer.from(`From: ${FROM}\r\nTo: ${TO}\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${NOTICE}\r\n--b\r\nContent-Type: ${ENVELOPE_MEDIA_TYPE}\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.from(JSON.stringify(envelopeFor([reader]))).toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n--b--\r\n`);
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: gm.ports.submission, requireTLS: true, auth: { user: TO, pass: SEED_PASSWORD }, tls: { rejectUnauthorized: false } });
    try {
      const forward = (to: string) => transport.sendMail({ from: TO, to, subject: '转发：工作秘密邮件', text: '请阅', attachments: [{ filename: 'fwd.eml', contentType: 'message/rfc822', content: original, contentTransferEncoding: 'base64' }] });
      await expect(forward('friend@example.com')).rejects.toMatchObject({ responseCode: 550 });
      expect((await forward('lina@haining.gov.cn')).accepted).toEqual(['lina@haining.gov.cn']);
    } finally {
      transport.close();
    }
  });
});
