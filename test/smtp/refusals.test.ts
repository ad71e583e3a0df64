/**
 * What the SMTP listeners refuse, and with which reply: unknown recipients (RFC 5321 §3.3,
 * RFC 3463 5.1.1), size (RFC 1870: 552, 5.3.4 after DATA), AUTH only after STARTTLS (RFC 3207
 * §4, RFC 4954 §4 — smtp-server answers 538), bad credentials (RFC 4954 §6: 535 5.7.8),
 * sending as someone else (RFC 6409 §6.1: 553 5.7.1), relaying (554 5.7.1). A refused message
 * leaves nothing behind.
 */
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rfc5322 } from '../helpers/temp-services.js';
import { SmtpWire } from '../helpers/smtp-wire.js';
import { integrityProblems, SEED_PASSWORD, startTestGovmail, type TestGovmail } from '../helpers/start-govmail.js';

const LIMIT = 64 * 1024;
let gm: TestGovmail;

beforeAll(async () => {
  gm = await startTestGovmail({
    overrides: { smtp: { maxMessageBytes: LIMIT } },
    people: [
      { address: 'zhangwei@haining.gov.cn', displayName: '张伟' },
      { address: 'lina@haining.gov.cn', displayName: '李娜' },
      // Only the wrong-password test logs in as this one, so its failures lock nobody else.
      { address: 'chenjing@haining.gov.cn', displayName: '陈静' },
    ],
  });
});

afterAll(async () => {
  await gm?.stop();
});

async function mx(): Promise<SmtpWire> {
  const wire = await SmtpWire.connect(gm.ports.smtp);
  expect((await wire.ehlo('mx.example.com')).code).toBe(250);
  return wire;
}

function submit(user = 'zhangwei@haining.gov.cn', pass = SEED_PASSWORD) {
  return nodemailer.createTransport({ host: '127.0.0.1', port: gm.ports.submission, requireTLS: true, auth: { user, pass }, tls: { rejectUnauthorized: false } });
}

interface SmtpFailure {
  responseCode?: number;
  response?: string;
  command?: string;
}

async function refusal(promise: Promise<unknown>): Promise<SmtpFailure> {
  try {
    await promise;
  } catch (err) {
    return err as SmtpFailure;
  }
  throw new Error('expected the server to refuse');
}

describe('MX refusals', () => {
  it('an unknown local recipient gets 550 5.1.1 at RCPT', async () => {
    const wire = await mx();
    try {
      expect((await wire.command('MAIL FROM:<sender@example.com>')).code).toBe(250);
      const reply = await wire.command('RCPT TO:<nobody@haining.gov.cn>');
      expect(reply.code).toBe(550);
      expect(reply.enhanced).toBe('5.1.1');
      expect(reply.text).toContain('nobody@haining.gov.cn');
      // The transaction goes on for the recipients that exist.
      expect((await wire.command('RCPT TO:<lina@haining.gov.cn>')).code).toBe(250);
      expect((await wire.command('RSET')).code).toBe(250);
    } finally {
      await wire.quit();
    }
  });

  it('relaying to another domain through the MX is refused with 554 5.7.1', async () => {
    const wire = await mx();
    try {
      expect((await wire.command('MAIL FROM:<sender@example.com>')).code).toBe(250);
      const reply = await wire.command('RCPT TO:<someone@example.org>');
      expect(reply.code).toBe(554);
      expect(reply.enhanced).toBe('5.7.1');
    } finally {
      await wire.quit();
    }
  });

  // Reported to the lead: postmaster@ is refused with 550 5.1.1 unless someone creates it.
  it('postmaster@ a local domain is accepted and reaches the department admins (RFC 5321 §4.5.1)', async () => {
    await gm.addPerson({ address: 'admin@haining.gov.cn', displayName: '系统管理员', roles: ['dept_admin'] });
    const wire = await mx();
    try {
      const reply = await wire.sendMail({ from: 'ops@example.com', to: ['postmaster@haining.gov.cn'] }, rfc5322({ to: 'postmaster@haining.gov.cn', subject: 'postmaster test' }));
      expect(reply.code, reply.text).toBe(250);
    } finally {
      await wire.quit();
    }
    expect((await gm.inbox('admin@haining.gov.cn')).map((r) => r.subject)).toContain('postmaster test');
  });

  it('the MX offers no AUTH', async () => {
    const wire = await SmtpWire.connect(gm.ports.smtp);
    try {
      const ehlo = await wire.ehlo();
      expect(ehlo.lines.some((l) => /AUTH/i.test(l))).toBe(false);
      expect(ehlo.lines.some((l) => l.includes(`SIZE ${LIMIT}`))).toBe(true);
      expect((await wire.command('AUTH PLAIN AGxpbmEAeA==')).code).toBeGreaterThanOrEqual(500);
    } finally {
      await wire.quit();
    }
  });

  it('a declared SIZE over the limit gets 552 at MAIL FROM (RFC 1870)', async () => {
    const wire = await mx();
    try {
      const reply = await wire.command(`MAIL FROM:<sender@example.com> SIZE=${LIMIT + 1}`);
      expect(reply.code).toBe(552);
      expect(reply.enhanced).toBe('5.3.4');
      expect((await wire.command(`MAIL FROM:<sender@example.com> SIZE=${LIMIT - 1}`)).code).toBe(250);
    } finally {
      await wire.quit();
    }
  });

  it('a message over the limit without SIZE gets 552 5.3.4 after DATA and is not stored', async () => {
    const before = await gm.counts();
    const wire = await mx();
    try {
      const big = rfc5322({ to: 'lina@haining.gov.cn', subject: 'too big', body: ('x'.repeat(76) + '\r\n').repeat(Math.ceil((LIMIT * 1.5) / 78)) });
      expect(big.length).toBeGreaterThan(LIMIT);
      const reply = await wire.sendMail({ from: 'sender@example.com', to: ['lina@haining.gov.cn'] }, big);
      expect(reply.stage).toBe('data');
      expect(reply.code).toBe(552);
      expect(reply.enhanced).toBe('5.3.4');
      // The connection is still usable, and a message under the limit goes through.
      const small = await wire.sendMail({ from: 'sender@example.com', to: ['lina@haining.gov.cn'] }, rfc5322({ to: 'lina@haining.gov.cn', subject: 'small enough' }));
      expect(small.code).toBe(250);
    } finally {
      await wire.quit();
    }
    const after = await gm.counts();
    expect(after.messages - before.messages).toBe(1);
    expect(after.blobFiles - before.blobFiles).toBe(1);
    expect((await gm.inbox('lina@haining.gov.cn')).at(-1)!.subject).toBe('small enough');
  });
});

describe('submission refusals', () => {
  it('AUTH before STARTTLS is refused (538) and no mail is taken without AUTH (530)', async () => {
    const wire = await SmtpWire.connect(gm.ports.submission);
    try {
      const ehlo = await wire.ehlo();
      expect(ehlo.lines.some((l) => /STARTTLS/.test(l))).toBe(true);
      const auth = await wire.command(`AUTH PLAIN ${Buffer.from(`\0zhangwei@haining.gov.cn\0${SEED_PASSWORD}`).toString('base64')}`);
      expect([530, 538]).toContain(auth.code);
      const mail = await wire.command('MAIL FROM:<zhangwei@haining.gov.cn>');
      expect(mail.code).toBe(530);
      // After STARTTLS the same credentials work.
      expect((await wire.startTls()).code).toBe(220);
      expect((await wire.ehlo()).lines.some((l) => /AUTH PLAIN LOGIN/.test(l))).toBe(true);
      const ok = await wire.command(`AUTH PLAIN ${Buffer.from(`\0zhangwei@haining.gov.cn\0${SEED_PASSWORD}`).toString('base64')}`);
      expect(ok.code).toBe(235);
    } finally {
      await wire.quit();
    }
  });

  it('a wrong password gets 535 5.7.8', async () => {
    const t = submit('chenjing@haining.gov.cn', 'Wrong#Password2026');
    try {
      const err = await refusal(t.verify());
      expect(err.responseCode).toBe(535);
      expect(err.response).toMatch(/^535 5\.7\.8 /);
    } finally {
      t.close();
    }
  });

  it('MAIL FROM another person gets 553 5.7.1', async () => {
    const t = submit();
    try {
      const err = await refusal(t.sendMail({ envelope: { from: 'lina@haining.gov.cn', to: ['lina@haining.gov.cn'] }, raw: rfc5322({ from: 'zhangwei@haining.gov.cn', to: 'lina@haining.gov.cn' }) }));
      expect(err.responseCode).toBe(553);
      expect(err.response).toMatch(/^553 5\.7\.1 /);
    } finally {
      t.close();
    }
  });

  it('a From header of another person gets 553 5.7.1 after DATA, and nothing is stored', async () => {
    const before = await gm.counts();
    const t = submit();
    try {
      const err = await refusal(
        t.sendMail({ envelope: { from: 'zhangwei@haining.gov.cn', to: ['lina@haining.gov.cn'] }, raw: rfc5322({ from: '"张伟" <lina@haining.gov.cn>', to: 'lina@haining.gov.cn', subject: '冒名' }) }),
      );
      expect(err.responseCode).toBe(553);
      expect(err.response).toMatch(/^553 5\.7\.1 /);
    } finally {
      t.close();
    }
    expect(await gm.counts()).toEqual(before);
  });

  it('a display name that looks like another address does not count as that address', async () => {
    const t = submit();
    try {
      const info = await t.sendMail({ envelope: { from: 'zhangwei@haining.gov.cn', to: ['lina@haining.gov.cn'] }, raw: rfc5322({ from: '"lina@haining.gov.cn" <zhangwei@haining.gov.cn>', to: 'lina@haining.gov.cn' }) });
      expect(info.accepted).toEqual(['lina@haining.gov.cn']);
    } finally {
      t.close();
    }
  });

  it('an unknown local recipient is refused on submission too', async () => {
    const t = submit();
    try {
      const err = await refusal(t.sendMail({ from: 'zhangwei@haining.gov.cn', to: 'nobody@haining.gov.cn', subject: 'x', text: 'x' }));
      expect(err.responseCode).toBe(550);
      expect(err.response).toMatch(/^550 5\.1\.1 /);
    } finally {
      t.close();
    }
  });

  it('leaves the store consistent', async () => {
    expect(await integrityProblems(gm.services)).toEqual([]);
  });
});
