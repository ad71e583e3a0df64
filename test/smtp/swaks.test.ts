/**
 * swaks (the Swiss Army Knife for SMTP, Debian package `swaks`) against our listeners: plain
 * delivery to the MX as another server would, and submission with STARTTLS + AUTH PLAIN
 * (RFC 6409, RFC 3207, RFC 4954). swaks exit codes: 0 ok, 23 MAIL refused, 24 all RCPT refused,
 * 28 AUTH failed (swaks(1) "EXIT CODES").
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_PASSWORD, startTestGovmail, type TestGovmail } from '../helpers/start-govmail.js';

const SWAKS = process.env.SWAKS ?? '/usr/bin/swaks';
const hasSwaks = existsSync(SWAKS);

let gm: TestGovmail;

/** Runs swaks without blocking the event loop (the server under test runs in this process). */
function swaks(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    execFile(SWAKS, ['--server', '127.0.0.1', '--timeout', '20', '--hide-informational', ...args], { timeout: 30_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: err ? Number(err.code) : 0, out: stdout + stderr });
    });
  });
}

/** RFC 2047 B encoding, as a mail client writes a Chinese subject. */
const encodedWord = (text: string) => `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;

describe.skipIf(!hasSwaks)(`swaks${hasSwaks ? '' : ` (skipped: ${SWAKS} is not installed — apt-get install swaks)`}`, () => {
  beforeAll(async () => {
    gm = await startTestGovmail();
  });

  afterAll(async () => {
    await gm?.stop();
  });

  it('delivers to the MX port like another server', async () => {
    const subject = '关于做好汛期值班工作的通知';
    const { code, out } = await swaks([
      '--port', String(gm.ports.smtp),
      '--ehlo', 'mx.example.org',
      '--from', 'notice@example.org',
      '--to', 'lina@haining.gov.cn',
      '--header', `Subject: ${encodedWord(subject)}`,
      '--header', 'Content-Type: text/plain; charset=utf-8',
      '--body', '请各单位落实汛期值班制度。',
    ]);
    expect(code, out).toBe(0);
    expect(out).toMatch(/<[-~] +250 2\.6\.0 Ok: queued as /);
    const row = (await gm.inbox('lina@haining.gov.cn')).at(-1)!;
    expect(row.subject).toBe(subject);
    expect(row.from_address).toBe('notice@example.org');
    expect(row.preview).toBe('请各单位落实汛期值班制度。');
  });

  it('submits with STARTTLS and AUTH PLAIN', async () => {
    const subject = '关于召开全市防汛防台工作会议的通知';
    const { code, out } = await swaks([
      '--port', String(gm.ports.submission),
      '-tls',
      '--auth', 'PLAIN',
      '--auth-user', 'zhangwei@haining.gov.cn',
      '--auth-password', SEED_PASSWORD,
      '--from', 'zhangwei@haining.gov.cn',
      '--to', 'wangfang@haining.gov.cn',
      '--header', `Subject: ${encodedWord(subject)}`,
      '--body', 'Meeting at 9:00.',
    ]);
    expect(code, out).toBe(0);
    expect(out).toMatch(/235 2\.7\.0 /);
    const row = (await gm.inbox('wangfang@haining.gov.cn')).at(-1)!;
    expect(row.subject).toBe(subject);
    expect(row.from_address).toBe('zhangwei@haining.gov.cn');
  });

  it('sees 550 5.1.1 for an unknown recipient and 535 for a wrong password', async () => {
    const unknown = await swaks(['--port', String(gm.ports.smtp), '--from', 'a@example.org', '--to', 'nobody@haining.gov.cn']);
    expect(unknown.code, unknown.out).toBe(24);
    expect(unknown.out).toMatch(/550 5\.1\.1 /);
    const badAuth = await swaks(['--port', String(gm.ports.submission), '-tls', '--auth', 'PLAIN', '--auth-user', 'lina@haining.gov.cn', '--auth-password', 'Not#The2026Password', '--from', 'lina@haining.gov.cn', '--to', 'wangfang@haining.gov.cn']);
    expect(badAuth.code, badAuth.out).toBe(28);
    expect(badAuth.out).toMatch(/535 5\.7\.8 /);
  });
});
