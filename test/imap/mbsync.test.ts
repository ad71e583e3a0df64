/**
 * mbsync (Debian's isync) against our IMAP server: a two-way sync of a 500-message INBOX into a
 * local Maildir over implicit TLS, then changes on both sides — flags, a deletion, a new message,
 * a new folder — converge after the next sync. mbsync trusts the UIDs it has seen: it relies on
 * UIDVALIDITY never changing for a live mailbox, UIDs that only grow (RFC 3501 §2.3.1.1) and
 * UIDPLUS APPENDUID (RFC 4315), so this is the test of those promises with a real syncing client.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_PASSWORD, startTestGovmail, type TestGovmail } from '../helpers/start-govmail.js';
import { rfc5322 } from '../helpers/temp-services.js';

const MBSYNC = '/usr/bin/mbsync';
const haveMbsync = existsSync(MBSYNC);
if (!haveMbsync) console.warn(`mbsync tests skipped: ${MBSYNC} is missing (apt-get install -y isync)`);

const USER = 'zhangwei@haining.gov.cn';
const COUNT = 500;

let gm: TestGovmail;
let dir: string;
let maildir: string;

beforeAll(async () => {
  if (!haveMbsync) return;
  // A new-device alert mail would land in the INBOX mbsync is counting (its own test is in server/auth).
  gm = await startTestGovmail({ overrides: { auth: { newDeviceAlerts: false } } });
  dir = mkdtempSync(path.join(os.tmpdir(), 'govmail-mbsync-'));
  maildir = path.join(dir, 'mail');
  mkdirSync(maildir, { recursive: true });
  // Deliver in parallel batches: UIDs then follow commit order, not the subject number, so the
  // tests match messages by subject.
  const numbers = Array.from({ length: COUNT }, (_, i) => i + 1);
  for (let i = 0; i < numbers.length; i += 50) {
    await Promise.all(numbers.slice(i, i + 50).map((n) => deliver(`sync ${n}`, `第${n}号通知\r\n海宁市人民政府办公室`)));
  }
  writeFileSync(
    path.join(dir, 'mbsyncrc'),
    [
      'IMAPAccount govmail',
      'Host 127.0.0.1',
      `Port ${gm.ports.imaps}`,
      `User ${USER}`,
      `Pass "${SEED_PASSWORD}"`,
      'SSLType IMAPS',
      // The server's self-signed certificate, trusted as a host certificate (isync 1.4).
      `CertificateFile ${gm.running.tls.certFile}`,
      'SystemCertificates no',
      '',
      'IMAPStore far',
      'Account govmail',
      '',
      'MaildirStore near',
      `Path ${maildir}/`,
      `Inbox ${maildir}/INBOX`,
      'SubFolders Verbatim',
      '',
      'Channel govmail',
      'Far :far:',
      'Near :near:',
      'Patterns *',
      'Create Both',
      'Expunge Both',
      'SyncState *',
      'Sync All',
      'CopyArrivalDate yes',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await gm?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function deliver(subject: string, body: string): Promise<void> {
  await gm.services.delivery.deliver({ envelopeFrom: 'bgs@haining.gov.cn', recipients: [USER], raw: rfc5322({ subject, body, to: USER }), submittedBy: null, remoteIp: null, protocol: 'smtp-mx' });
}

/** Runs mbsync (asynchronously: the server lives in this process) and returns its output. */
async function mbsync(): Promise<{ code: number | null; output: string }> {
  const child = spawn(MBSYNC, ['-V', '-c', path.join(dir, 'mbsyncrc'), 'govmail'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: dir } });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  return { code, output: output.slice(-6000) };
}

interface LocalMessage {
  file: string;
  subject: string;
  flags: string;
}

/** The Maildir's messages by subject; flags are the letters after `:2,` (maildir.html). */
function local(folder = 'INBOX'): Map<string, LocalMessage> {
  const out = new Map<string, LocalMessage>();
  for (const sub of ['cur', 'new']) {
    const d = path.join(maildir, folder, sub);
    if (!existsSync(d)) continue;
    for (const name of readdirSync(d)) {
      const file = path.join(d, name);
      const subject = /^Subject: (.*)$/m.exec(readFileSync(file, 'utf8'))?.[1]?.trim() ?? '';
      out.set(subject, { file, subject, flags: /:2,([A-Za-z]*)$/.exec(name)?.[1] ?? '' });
    }
  }
  return out;
}

function setLocalFlags(message: LocalMessage, flags: string): void {
  const base = path.basename(message.file).replace(/:2,[A-Za-z]*$/, '');
  const target = path.join(path.dirname(path.dirname(message.file)), 'cur', `${base}:2,${[...flags].sort().join('')}`);
  renameSync(message.file, target);
}

async function imap(): Promise<ImapFlow> {
  const client = new ImapFlow({ host: '127.0.0.1', port: gm.ports.imaps!, secure: true, tls: { rejectUnauthorized: false }, auth: { user: USER, pass: SEED_PASSWORD }, logger: false, disableAutoIdle: true });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** The server's INBOX (or another mailbox) by subject: UID and flags. */
async function remote(mailbox = 'INBOX'): Promise<Map<string, { uid: number; flags: Set<string> }>> {
  const client = await imap();
  try {
    const out = new Map<string, { uid: number; flags: Set<string> }>();
    const lock = await client.getMailboxLock(mailbox, { readOnly: true });
    try {
      if (client.mailbox && client.mailbox.exists === 0) return out;
      for await (const m of client.fetch('1:*', { uid: true, flags: true, envelope: true })) out.set(m.envelope?.subject ?? '', { uid: m.uid, flags: m.flags ?? new Set() });
    } finally {
      lock.release();
    }
    return out;
  } finally {
    await client.logout();
  }
}

describe.skipIf(!haveMbsync)('mbsync two-way sync (RFC 3501 §2.3.1.1 UIDs, RFC 4315 UIDPLUS)', () => {
  it(`the first sync copies all ${COUNT} messages, byte for byte, and every folder`, async () => {
    const run = await mbsync();
    expect(run.code, run.output).toBe(0);
    expect(run.output).not.toMatch(/Warning|Error/i);
    const messages = local();
    expect(messages.size).toBe(COUNT);
    const sample = messages.get('sync 123')!;
    const stored = (await gm.inbox(USER)).find((row) => row.subject === 'sync 123')!;
    // mbsync stores Maildir files with LF line ends and adds its X-TUID tracking header;
    // otherwise the octets are the server's.
    const copy = readFileSync(sample.file).toString('latin1').replace(/^X-TUID: .*\n/m, '').replace(/\r?\n/g, '\r\n');
    expect(copy).toBe((await gm.services.blobs.get(stored.blob_hash)).toString('latin1'));
    for (const folder of ['Sent', 'Drafts', 'Trash', 'Junk', 'Archive']) expect(existsSync(path.join(maildir, folder, 'cur')), folder).toBe(true);
    // A second run with nothing changed changes nothing.
    const again = await mbsync();
    expect(again.code, again.output).toBe(0);
    expect(local().size).toBe(COUNT);
    expect((await remote()).size).toBe(COUNT);
  });

  it('a flag change, a deletion, a new message and a new folder on each side converge after a second sync', async () => {
    const before = await remote();
    const uidValidity = await gm.services.db.selectFrom('mailboxes').select('uid_validity').where('name', '=', 'INBOX').where('account_id', '=', gm.people.get(USER)!.id).executeTakeFirstOrThrow();

    // Far side (the server), through IMAP.
    const client = await imap();
    const lock = await client.getMailboxLock('INBOX');
    try {
      await client.messageFlagsAdd(String(before.get('sync 10')!.uid), ['\\Flagged'], { uid: true });
      await client.messageFlagsAdd(String(before.get('sync 20')!.uid), ['\\Seen', '\\Answered'], { uid: true });
      await client.messageDelete(String(before.get('sync 60')!.uid), { uid: true });
    } finally {
      lock.release();
    }
    await client.logout();
    await deliver('arrived on the server', '服务器端新邮件');

    // Near side (the Maildir), by hand as a mail reader would.
    const near = local();
    setLocalFlags(near.get('sync 30')!, 'S');
    setLocalFlags(near.get('sync 40')!, 'F');
    setLocalFlags(near.get('sync 50')!, 'T');
    writeFileSync(path.join(maildir, 'INBOX', 'new', `${Math.floor(Date.now() / 1000)}.local1.govmail-test`), rfc5322({ subject: 'written locally', body: '本地新邮件' }));
    mkdirSync(path.join(maildir, 'Reports', 'cur'), { recursive: true });
    mkdirSync(path.join(maildir, 'Reports', 'new'), { recursive: true });
    mkdirSync(path.join(maildir, 'Reports', 'tmp'), { recursive: true });
    writeFileSync(path.join(maildir, 'Reports', 'cur', `${Math.floor(Date.now() / 1000)}.local2.govmail-test:2,S`), rfc5322({ subject: 'monthly report', body: '月报' }));

    const run = await mbsync();
    expect(run.code, run.output).toBe(0);
    // mbsync found every message it pushed through APPENDUID (RFC 4315 §3), without searching.
    expect(run.output).not.toMatch(/lost track|Warning|Error/i);

    // The server now has the near side's changes …
    const server = await remote();
    expect(server.get('sync 30')?.flags.has('\\Seen')).toBe(true);
    expect(server.get('sync 40')?.flags.has('\\Flagged')).toBe(true);
    expect(server.has('sync 50')).toBe(false);
    expect(server.has('sync 60')).toBe(false);
    expect(server.has('written locally')).toBe(true);
    expect(server.size).toBe(COUNT - 2 + 2);
    const reports = await remote('Reports');
    expect([...reports.keys()]).toEqual(['monthly report']);
    expect(reports.get('monthly report')?.flags.has('\\Seen')).toBe(true);
    // … with UIDs that only grew and UIDVALIDITY unchanged (RFC 3501 §2.3.1.1).
    const maxBefore = Math.max(...[...before.values()].map((m) => m.uid));
    expect(server.get('written locally')!.uid).toBeGreaterThan(maxBefore);
    expect(server.get('sync 1')!.uid).toBe(before.get('sync 1')!.uid);
    const uidValidityAfter = await gm.services.db.selectFrom('mailboxes').select('uid_validity').where('name', '=', 'INBOX').where('account_id', '=', gm.people.get(USER)!.id).executeTakeFirstOrThrow();
    expect(uidValidityAfter.uid_validity).toBe(uidValidity.uid_validity);

    // … and the Maildir has the server's.
    const mine = local();
    expect(mine.get('sync 10')?.flags).toContain('F');
    expect(mine.get('sync 20')?.flags).toContain('S');
    expect(mine.get('sync 20')?.flags).toContain('R');
    expect(mine.has('sync 60')).toBe(false);
    expect(mine.has('sync 50')).toBe(false);
    expect(mine.has('arrived on the server')).toBe(true);
    expect(mine.size).toBe(server.size);

    // A third run finds both sides equal and changes nothing.
    const third = await mbsync();
    expect(third.code, third.output).toBe(0);
    expect(local().size).toBe(server.size);
    expect((await remote()).size).toBe(server.size);
  });
});
