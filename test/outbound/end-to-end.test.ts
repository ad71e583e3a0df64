/**
 * The whole outbound path in a running govmail: a user submits over SMTP (nodemailer, STARTTLS,
 * AUTH) to an address of another domain; the queue sender started by main.ts (polling every
 * 50 ms) looks the domain up in the injected DNS and delivers to a local SMTP sink; stop() ends
 * the sender cleanly.
 */
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SEED_PASSWORD, startTestGovmail, type TestGovmail } from '../helpers/start-govmail.js';

let gm: TestGovmail;
let sink: SMTPServer;
const received: { to: string[]; raw: string }[] = [];

beforeAll(async () => {
  sink = new SMTPServer({
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const port = (sink as unknown as { server: { address(): { port: number } } }).server.address().port;
  gm = await startTestGovmail({
    overrides: { outbound: { senderEnabled: true, pollIntervalMs: 50, remotePort: port } },
    start: { mailDns: { resolveMx: async () => [{ exchange: 'mx.partner.test', priority: 10 }], resolveAddresses: async () => ['127.0.0.1'] } },
  });
});

afterAll(async () => {
  await gm?.stop();
  await new Promise<void>((resolve) => sink.close(() => resolve()));
});

it('a submitted message to another domain is delivered by the running sender', async () => {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: gm.ports.submission, requireTLS: true, auth: { user: 'zhangwei@haining.gov.cn', pass: SEED_PASSWORD }, tls: { rejectUnauthorized: false } });
  try {
    await transport.sendMail({ from: 'zhangwei@haining.gov.cn', to: 'colleague@partner.test', subject: '联合发文会签', text: '请会签。' });
  } finally {
    transport.close();
  }
  const rows = () => gm.services.db.selectFrom('outbound_queue').select(['status', 'attempts']).execute();
  const deadline = Date.now() + 10_000;
  while ((await rows())[0]?.status !== 'sent' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(await rows()).toEqual([{ status: 'sent', attempts: 1 }]);
  expect(received.map((r) => r.to)).toEqual([['colleague@partner.test']]);
  expect(received[0]!.raw).toContain('Subject: =?UTF-8?');
});
