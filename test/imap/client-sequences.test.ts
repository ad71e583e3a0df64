/**
 * Exact command sequences that real clients send (CLIENTS.md), replayed over a raw TLS socket:
 * Thunderbird (ID, NAMESPACE, LIST-EXTENDED with SPECIAL-USE, UTF8=ACCEPT), Outlook (XLIST,
 * IDLE with no mailbox selected), Apple Mail (SELECT … (CONDSTORE), CHANGEDSINCE 0); then
 * hostile input — wrong state, unknown commands, huge literals, unterminated quotes, 8-bit
 * garbage, deep parentheses — which must get BAD/NO and leave the server serving; and the
 * RFC 3501 §7.4.1 rule that EXPUNGE is never sent during FETCH, STORE or SEARCH.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { IMAP_LIMITS } from '../../server/imap/limits.js';
import { SEED_PASSWORD, startTestGovmail, type TestGovmail } from '../helpers/start-govmail.js';
import { rfc5322 } from '../helpers/temp-services.js';
import { ImapLineClient } from './imap-line-client.js';

let gm: TestGovmail;
const clients: ImapLineClient[] = [];

beforeAll(async () => {
  gm = await startTestGovmail({
    people: [
      { address: 'zhangwei@haining.gov.cn', displayName: '张伟' },
      { address: 'lina@haining.gov.cn', displayName: '李娜' },
      { address: 'wangfang@haining.gov.cn', displayName: '王芳' },
      { address: 'chenjing@haining.gov.cn', displayName: '陈静' },
    ],
  });
  for (let i = 1; i <= 5; i++) await deliver('lina@haining.gov.cn', `message ${i}`);
  for (let i = 1; i <= 3; i++) await deliver('wangfang@haining.gov.cn', `apple ${i}`);
});

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

afterAll(async () => {
  await gm?.stop();
});

async function deliver(to: string, subject: string): Promise<void> {
  await gm.services.delivery.deliver({ envelopeFrom: 'x@example.com', recipients: [to], raw: rfc5322({ subject, to }), submittedBy: null, remoteIp: null, protocol: 'smtp-mx' });
}

async function connect(options: { tls?: boolean } = {}): Promise<ImapLineClient> {
  const tls = options.tls ?? true;
  const client = await ImapLineClient.connect(tls ? gm.ports.imaps! : gm.ports.imap!, { tls });
  clients.push(client);
  return client;
}

async function loggedIn(user: string): Promise<ImapLineClient> {
  const client = await connect();
  const login = await client.login(user, SEED_PASSWORD);
  expect(login.status, login.tagged).toBe('OK');
  return client;
}

/** A second connection logs in and selects INBOX: the server survived what came before. */
async function expectServerServing(): Promise<void> {
  const client = await loggedIn('chenjing@haining.gov.cn');
  const select = await client.command('SELECT INBOX');
  expect(select.status).toBe('OK');
  await client.logout();
}

describe('Thunderbird (RFC 2971 ID, RFC 2342 NAMESPACE, RFC 5258 LIST-EXTENDED, RFC 6154 SPECIAL-USE)', () => {
  it('ID before LOGIN is answered and recorded in the login audit', async () => {
    const client = await connect();
    expect(client.greeting).toMatch(/^\* OK \[CAPABILITY [^\]]*IMAP4rev1[^\]]*\]/);
    const id = await client.command('ID ("name" "Thunderbird" "version" "128.5.0")');
    expect(id.status).toBe('OK');
    expect(id.untagged).toEqual([expect.stringMatching(/^\* ID \("name" "govmail"/)]);
    expect((await client.login('zhangwei@haining.gov.cn', SEED_PASSWORD)).status).toBe('OK');
    const row = await gm.services.db
      .selectFrom('audit_log')
      .select(['details', 'protocol'])
      .where('action', '=', 'auth.login')
      .where('actor', '=', 'zhangwei@haining.gov.cn')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(row.protocol).toBe('imap');
    expect(JSON.parse(row.details).client).toMatch(/Thunderbird/);
  });

  it('the login sequence: CAPABILITY, ID, NAMESPACE, LIST (SPECIAL-USE), LIST … RETURN (SPECIAL-USE), LSUB', async () => {
    const client = await loggedIn('zhangwei@haining.gov.cn');
    const capability = await client.command('CAPABILITY');
    expect(capability.untagged[0]).toMatch(/^\* CAPABILITY .*\bIDLE\b.*/);
    for (const cap of ['NAMESPACE', 'SPECIAL-USE', 'LIST-EXTENDED', 'UIDPLUS', 'MOVE', 'ID', 'QUOTA', 'UTF8=ACCEPT', 'XLIST']) expect(capability.untagged[0]).toContain(` ${cap}`);

    expect((await client.command('ID ("name" "Thunderbird" "version" "128.5.0")')).status).toBe('OK');

    const namespace = await client.command('NAMESPACE');
    expect(namespace.untagged).toEqual(['* NAMESPACE (("" "/")) NIL NIL']);

    // RFC 6154 §3: the SPECIAL-USE selection option lists only the special folders.
    const special = await client.command('LIST (SPECIAL-USE) "" "*"');
    expect(special.status).toBe('OK');
    expect(special.untagged.sort()).toEqual(
      ['* LIST (\\HasNoChildren \\Archive) "/" Archive', '* LIST (\\HasNoChildren \\Drafts) "/" Drafts', '* LIST (\\HasNoChildren \\Junk) "/" Junk', '* LIST (\\HasNoChildren \\Sent) "/" Sent', '* LIST (\\HasNoChildren \\Trash) "/" Trash']
        .map((line) => line.replace(/ "\/" (\w+)$/, ' "/" "$1"'))
        .sort(),
    );

    const all = await client.command('LIST "" "*" RETURN (SPECIAL-USE)');
    expect(all.status).toBe('OK');
    expect(all.untagged).toContain('* LIST (\\HasNoChildren) "/" "INBOX"');
    expect(all.untagged).toContain('* LIST (\\HasNoChildren \\Sent) "/" "Sent"');

    // Thunderbird then asks about subscriptions; the default folders are subscribed.
    const lsub = await client.command('LSUB "" "*"');
    expect(lsub.status).toBe('OK');
    expect(lsub.untagged.some((l) => /^\* LSUB \([^)]*\) "\/" "?INBOX"?$/.test(l))).toBe(true);

    // RFC 5258 §6: LIST-STATUS (RFC 5819) in one round trip.
    const withStatus = await client.command('LIST "" "INBOX" RETURN (STATUS (MESSAGES UNSEEN))');
    expect(withStatus.untagged).toEqual(['* LIST (\\HasNoChildren) "/" "INBOX"', expect.stringMatching(/^\* STATUS "INBOX" \(MESSAGES \d+ UNSEEN \d+\)$/)]);

    // RFC 3501 §6.3.8: an empty pattern returns the hierarchy delimiter.
    expect((await client.command('LIST "" ""')).untagged).toEqual(['* LIST (\\Noselect) "/" ""']);
  });

  it('Chinese mailbox names travel as modified UTF-7 (RFC 3501 §5.1.3), as UTF-8 after ENABLE UTF8=ACCEPT (RFC 6855 §3)', async () => {
    const client = await loggedIn('zhangwei@haining.gov.cn');
    // 收文/2026年 = &ZTZlhw-/2026&XnQ-
    expect((await client.command('CREATE "&ZTZlhw-/2026&XnQ-"')).status).toBe('OK');
    const list = await client.command('LIST "" "&ZTZlhw-*"');
    expect(list.untagged).toEqual(['* LIST (\\HasChildren) "/" "&ZTZlhw-"', '* LIST (\\HasNoChildren) "/" "&ZTZlhw-/2026&XnQ-"']);
    // `&` itself is `&-` in modified UTF-7.
    expect((await client.command('CREATE "R&-D"')).status).toBe('OK');
    expect((await client.command('LIST "" "R*"')).untagged).toEqual(['* LIST (\\HasNoChildren) "/" "R&-D"']);
    // An invalid modified UTF-7 name is a client error, not a crash.
    expect((await client.command('CREATE "&Jjo!"')).status).toBe('BAD');

    const enable = await client.command('ENABLE UTF8=ACCEPT');
    expect(enable.untagged).toEqual(['* ENABLED UTF8=ACCEPT']);
    const utf8 = await client.command('LIST "" "收文*"');
    expect(utf8.untagged.map((l) => Buffer.from(l, 'utf8').toString('utf8'))).toEqual(['* LIST (\\HasChildren) "/" {6}\r\n收文', '* LIST (\\HasNoChildren) "/" {14}\r\n收文/2026年'].map((l) => l));
    // Thunderbird sends `&` unencoded once UTF8=ACCEPT is on.
    const select = await client.command('SELECT "R&D"');
    expect(select.status, select.tagged).toBe('OK');
  });
});

describe('connections per account (limits.ts connectionsPerUser = 20; Thunderbird opens 5)', () => {
  it('20 sessions of one account work at once, the 21st is refused [LIMIT], and closing one frees a place', async () => {
    const sessions: ImapLineClient[] = [];
    for (let i = 0; i < 20; i++) sessions.push(await loggedIn('wangfang@haining.gov.cn'));
    const extra = await connect();
    const refused = await extra.login('wangfang@haining.gov.cn', SEED_PASSWORD);
    expect(refused.tagged).toMatch(/^t\d+ NO \[LIMIT\] /);
    // Another account is not affected.
    await expectServerServing();
    sessions[0]!.close();
    await new Promise((r) => setTimeout(r, 200));
    const retry = await connect();
    expect((await retry.login('wangfang@haining.gov.cn', SEED_PASSWORD)).status).toBe('OK');
    for (const session of sessions) session.close();
  });
});

describe('Outlook (XLIST, RFC 2177 IDLE without a selected mailbox)', () => {
  it('XLIST answers with the special folders and \\Inbox', async () => {
    const client = await loggedIn('zhangwei@haining.gov.cn');
    const xlist = await client.command('XLIST "" "*"');
    expect(xlist.status).toBe('OK');
    expect(xlist.untagged).toContain('* XLIST (\\HasNoChildren \\Inbox) "/" "INBOX"');
    expect(xlist.untagged).toContain('* XLIST (\\HasNoChildren \\Sent) "/" "Sent"');
    expect(xlist.untagged).toContain('* XLIST (\\HasNoChildren \\Trash) "/" "Trash"');
    expect(xlist.untagged.every((l) => l.startsWith('* XLIST '))).toBe(true);
  });

  it('IDLE is advertised before login and accepted with no mailbox selected; DONE ends it', async () => {
    const client = await connect();
    expect(client.greeting).toMatch(/\bIDLE\b/);
    expect((await client.login('zhangwei@haining.gov.cn', SEED_PASSWORD)).status).toBe('OK');
    client.write('o1 IDLE\r\n');
    expect((await client.next()).text).toMatch(/^\+ /);
    // Mail arriving meanwhile does not confuse a session with nothing selected.
    await deliver('zhangwei@haining.gov.cn', 'while idling');
    expect(await client.drain(200)).toEqual([]);
    client.write('DONE\r\n');
    const done = await client.until('o1');
    expect(done.tagged).toBe('o1 OK IDLE completed');
    expect((await client.command('NOOP')).status).toBe('OK');
  });

  it('an IDLE outlives the 30-minute autologout, with keep-alives; after DONE the autologout applies again (RFC 3501 §5.4, RFC 2177 §3)', async () => {
    const client = await loggedIn('zhangwei@haining.gov.cn');
    await client.command('SELECT INBOX');
    // Fake only the timer functions: sockets and the database keep running for real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'], shouldClearNativeTimers: true });
    try {
      client.write('k1 IDLE\r\n');
      expect((await client.next()).text).toMatch(/^\+ /);
      await vi.advanceTimersByTimeAsync(IMAP_LIMITS.idleTimeoutMs + 5 * 60_000);
      client.write('DONE\r\n');
      const idle = await client.until('k1');
      expect(idle.tagged).toBe('k1 OK IDLE completed');
      expect(idle.untagged.filter((l) => l.startsWith('* BYE'))).toEqual([]);
      // NAT boxes and phones see traffic at least every idleKeepaliveMs.
      expect(idle.untagged.filter((l) => l === '* OK Still here').length).toBeGreaterThanOrEqual(Math.floor(IMAP_LIMITS.idleTimeoutMs / IMAP_LIMITS.idleKeepaliveMs));
      // Not in IDLE any more: 30 minutes of silence end the session.
      await vi.advanceTimersByTimeAsync(IMAP_LIMITS.idleTimeoutMs + 1000);
      expect((await client.next()).text).toMatch(/^\* BYE Autologout/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('IDLE with a mailbox selected pushes EXISTS at once; a bad line instead of DONE is BAD', async () => {
    const client = await loggedIn('zhangwei@haining.gov.cn');
    const select = await client.command('SELECT INBOX');
    const exists = Number(/\* (\d+) EXISTS/.exec(select.untagged.join('\n'))![1]);
    client.write('o2 IDLE\r\n');
    expect((await client.next()).text).toMatch(/^\+ /);
    const started = Date.now();
    await deliver('zhangwei@haining.gov.cn', 'pushed');
    expect((await client.next(1000)).text).toBe(`* ${exists + 1} EXISTS`);
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await client.next(1000)).text).toMatch(/^\* \d+ RECENT$/);
    client.write('NOT-DONE\r\n');
    expect((await client.until('o2')).status).toBe('BAD');
    expect((await client.command('NOOP')).status).toBe('OK');
  });
});

describe('Apple Mail and iOS (RFC 7162 CONDSTORE)', () => {
  it('SELECT INBOX (CONDSTORE), then UID FETCH 1:* (FLAGS) (CHANGEDSINCE 0) returns every message with MODSEQ', async () => {
    const client = await loggedIn('wangfang@haining.gov.cn');
    const select = await client.command('SELECT INBOX (CONDSTORE)');
    expect(select.status).toBe('OK');
    expect(select.tagged).toMatch(/\[READ-WRITE\]/);
    const highest = /\[HIGHESTMODSEQ (\d+)\]/.exec(select.untagged.join('\n'));
    expect(highest).not.toBeNull();
    expect(select.untagged).toContain('* 3 EXISTS');

    const fetch = await client.command('UID FETCH 1:* (FLAGS) (CHANGEDSINCE 0)');
    expect(fetch.status).toBe('OK');
    expect(fetch.untagged).toHaveLength(3);
    // RFC 3501 §7.4.2: the order of items within a FETCH response is free.
    fetch.untagged.forEach((line, i) => {
      expect(line).toMatch(new RegExp(`^\\* ${i + 1} FETCH \\(.*\\)$`));
      expect(line).toMatch(new RegExp(`[( ]UID ${i + 1}[ )]`));
      expect(line).toMatch(/[( ]FLAGS \([^)]*\)[ )]/);
      expect(line).toMatch(/[( ]MODSEQ \(\d+\)[ )]/);
    });
    const modseqs = fetch.untagged.map((l) => Number(/MODSEQ \((\d+)\)/.exec(l)![1]));
    expect(Math.max(...modseqs)).toBeLessThanOrEqual(Number(highest![1]));

    // A flag change raises the message's MODSEQ; CHANGEDSINCE the old highest returns only it.
    const store = await client.command('UID STORE 2 +FLAGS.SILENT (\\Seen)');
    expect(store.status).toBe('OK');
    const since = await client.command(`UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${highest![1]})`);
    expect(since.untagged).toHaveLength(1);
    expect(since.untagged[0]).toMatch(/^\* 2 FETCH \(.*\bUID 2\b.*\)$/);
    expect(since.untagged[0]).toMatch(/FLAGS \(\\Seen( \\Recent)?\)/);

    // The polling that Apple Mail does instead of IDLE.
    const status = await client.command('STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ)');
    expect(status.untagged[0]).toMatch(/^\* STATUS "INBOX" \(MESSAGES 3 UIDNEXT 4 UIDVALIDITY \d+ UNSEEN 2 HIGHESTMODSEQ \d+\)$/);
  });

  it('STORE (UNCHANGEDSINCE) on a message changed meanwhile answers [MODIFIED] (RFC 7162 §3.1.3)', async () => {
    const client = await loggedIn('wangfang@haining.gov.cn');
    await client.command('SELECT INBOX (CONDSTORE)');
    const fetch = await client.command('UID FETCH 3 (MODSEQ)');
    const modseq = Number(/MODSEQ \((\d+)\)/.exec(fetch.untagged[0]!)![1]);
    expect((await client.command(`UID STORE 3 (UNCHANGEDSINCE ${modseq}) +FLAGS (\\Flagged)`)).status).toBe('OK');
    const conflict = await client.command(`UID STORE 3 (UNCHANGEDSINCE ${modseq}) +FLAGS (\\Answered)`);
    expect(conflict.tagged).toMatch(/^t\d+ OK \[MODIFIED 3\]/);
  });
});

describe('hostile and broken input: BAD/NO, never a crash (RFC 3501 §7.1.3, §9)', () => {
  it('commands in the wrong state (RFC 3501 §6: each command lists its states)', async () => {
    const client = await connect();
    expect((await client.command('SELECT INBOX')).status).toBe('BAD');
    expect((await client.command('FETCH 1 FLAGS')).status).toBe('BAD');
    expect((await client.command('LIST "" "*"')).status).toBe('BAD');
    expect((await client.command('APPEND INBOX {5}')).status).toMatch(/NO|BAD/);
    expect((await client.login('lina@haining.gov.cn', SEED_PASSWORD)).status).toBe('OK');
    expect((await client.command('FETCH 1 FLAGS')).status).toBe('BAD');
    expect((await client.command('EXPUNGE')).status).toBe('BAD');
    expect((await client.login('lina@haining.gov.cn', SEED_PASSWORD)).status).toBe('BAD');
    expect((await client.command('SELECT "no such mailbox"')).status).toBe('NO');
    // A failed SELECT leaves no mailbox selected (RFC 3501 §6.3.1).
    expect((await client.command('FETCH 1 FLAGS')).status).toBe('BAD');
    await client.command('SELECT INBOX');
    expect((await client.command('FETCH 99 FLAGS')).status).toBe('BAD');
    expect((await client.command('FETCH 1 (NOSUCHITEM)')).status).toBe('BAD');
    expect((await client.command('STORE 1 +FLAGS (\\Recent)')).status).toBe('BAD');
    expect((await client.command('UID FETCH 1:* FLAGS')).status).toBe('OK');
  });

  it('unknown commands, missing tags, empty lines', async () => {
    const client = await connect();
    expect((await client.command('XYZZY')).tagged).toMatch(/^t\d+ BAD /);
    expect((await client.command('UID XYZZY 1')).status).toBe('BAD');
    // An empty line is ignored (as Dovecot does); a line with no valid tag gets an untagged BAD.
    client.write('\r\n');
    expect(await client.drain(200)).toEqual([]);
    client.write('   \r\n');
    expect((await client.next()).text).toMatch(/^\* BAD /);
    client.write('NOTAG\r\n');
    expect((await client.next()).text).toMatch(/BAD/);
    expect((await client.command('NOOP')).status).toBe('OK');
  });

  it('huge literal announcements are refused without a continuation (RFC 7888 §4, RFC 7889 APPENDLIMIT)', async () => {
    const client = await loggedIn('lina@haining.gov.cn');
    // A synchronising literal far over the limit: refused, the client sends nothing more.
    const append = await client.command('APPEND INBOX {99999999999}');
    expect(append.untagged).toEqual([]);
    expect(append.tagged).toMatch(/^t\d+ NO \[TOOBIG\]/);
    // Non-APPEND arguments are capped far lower.
    const login = await client.command('SEARCH TEXT {1000000}');
    expect(login.untagged).toEqual([]);
    expect(login.status).toMatch(/BAD|NO/);
    expect((await client.command('NOOP')).status).toBe('OK');
    // A non-synchronising literal over every limit cannot be skipped: the connection closes.
    client.write('t99 APPEND INBOX {99999999999+}\r\nxxxx');
    const rest = await client.drain(1000);
    expect(rest.join('\n')).toMatch(/t99 (NO|BAD)|BYE/);
    await expectServerServing();
  });

  it('unterminated quotes, unbalanced parentheses, 8-bit garbage, NULs, over-long lines', async () => {
    const client = await loggedIn('lina@haining.gov.cn');
    expect((await client.command('SELECT "INBOX')).status).toBe('BAD');
    expect((await client.command('SELECT INBOX)')).status).toBe('BAD');
    await client.command('SELECT INBOX');
    expect((await client.command('FETCH 1 (FLAGS')).status).toBe('BAD');
    expect((await client.command(Buffer.from([0x46, 0x45, 0x54, 0x43, 0x48, 0x20, 0xff, 0xfe, 0x80, 0xc3, 0x28]))).status).toBe('BAD');
    expect((await client.command(Buffer.from('NOOP \u0000\u0001'))).status).toBe('BAD');
    client.write(Buffer.from([0xe6, 0xb5, 0xb7, 0xe5, 0xae, 0x81, 0x0d, 0x0a]));
    expect((await client.next()).text).toMatch(/BAD/);
    // A line past the 64 KiB limit.
    const long = await client.command(`SEARCH ${'SUBJECT x '.repeat(8000)}`);
    expect(long.status).toBe('BAD');
    expect((await client.command('NOOP')).status).toBe('OK');
    await expectServerServing();
  });

  it('deeply nested parentheses are refused (wire limit 32) and random bytes do not kill the server', async () => {
    const client = await loggedIn('lina@haining.gov.cn');
    await client.command('SELECT INBOX');
    expect((await client.command(`SEARCH ${'('.repeat(2000)}ALL${')'.repeat(2000)}`)).status).toBe('BAD');
    expect((await client.command(`SEARCH ${'NOT '.repeat(5000)}ALL`)).status).toBe('BAD');
    expect((await client.command(`FETCH 1 ${'('.repeat(100)}`)).status).toBe('BAD');
    expect((await client.command('NOOP')).status).toBe('OK');

    // Random bytes on a fresh connection (deterministic seed): whatever happens, the server lives.
    const victim = await connect();
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 200; i++) {
      const bytes = Buffer.alloc(1 + Math.floor(random() * 80));
      for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(random() * 256);
      victim.write(Buffer.concat([bytes, Buffer.from('\r\n')]));
    }
    await victim.drain(300);
    await expectServerServing();
  });
});

describe('RFC 3501 §7.4.2: FLAGS in a FETCH response is the whole set, and never goes back in time', () => {
  it("a change from another session still pending does not undo this session's STORE, FETCH \\Seen or .SILENT", async () => {
    for (let i = 1; i <= 3; i++) await deliver('chenjing@haining.gov.cn', `flags ${i}`);
    const a = await loggedIn('chenjing@haining.gov.cn');
    const b = await loggedIn('chenjing@haining.gov.cn');
    await a.command('SELECT INBOX');
    await b.command('SELECT INBOX');
    const lastFlags = (lines: string[], seq: number) =>
      lines
        .filter((l) => l.startsWith(`* ${seq} FETCH (`))
        .map((l) => /FLAGS \(([^)]*)\)/.exec(l)?.[1])
        .filter((f) => f !== undefined)
        .at(-1)
        ?.split(' ')
        .filter(Boolean)
        .sort();

    // B flags message 1; A, before hearing of it, marks it \Seen.
    await b.command('STORE 1 +FLAGS.SILENT (\\Flagged)');
    const store = await a.command('STORE 1 +FLAGS (\\Seen)');
    expect(lastFlags(store.untagged, 1)).toEqual(['\\Flagged', '\\Recent', '\\Seen']);

    // The same with the \Seen that a FETCH of the body sets (RFC 3501 §6.4.5).
    await b.command('STORE 2 +FLAGS.SILENT (\\Flagged)');
    const fetch = await a.command('FETCH 2 (BODY[TEXT])');
    expect(lastFlags(fetch.untagged, 2)).toEqual(['\\Flagged', '\\Recent', '\\Seen']);

    // .SILENT: A still learns of B's change, with its own folded in.
    await b.command('STORE 3 +FLAGS.SILENT (\\Flagged)');
    const silent = await a.command('STORE 3 +FLAGS.SILENT (\\Seen)');
    expect(lastFlags(silent.untagged, 3)).toEqual(['\\Flagged', '\\Recent', '\\Seen']);

    // And what the server stores agrees.
    const check = await a.command('FETCH 1:3 (FLAGS)');
    for (const seq of [1, 2, 3]) expect(lastFlags(check.untagged, seq)).toEqual(['\\Flagged', '\\Recent', '\\Seen']);
    // B, which is not the session that saw them first, has no \Recent.
    const other = await b.command('FETCH 1:3 (FLAGS)');
    for (const seq of [1, 2, 3]) expect(lastFlags(other.untagged, seq)).toEqual(['\\Flagged', '\\Seen']);
  });
});

describe('RFC 3516 BINARY', () => {
  it('is advertised; APPEND takes a literal8 with NUL bytes; BINARY.PEEK returns the decoded part as literal8', async () => {
    const client = await loggedIn('chenjing@haining.gov.cn');
    const capability = await client.command('CAPABILITY');
    expect(capability.untagged[0]).toMatch(/ BINARY( |$)/);
    const body = Buffer.from('第一行\r\n\u0000NUL\u0000\r\n', 'utf8');
    const raw = Buffer.concat([Buffer.from('From: a@example.com\r\nSubject: nul\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: binary\r\n\r\n'), body]);
    // A plain literal may not carry NUL (RFC 3501 §4.3) …
    expect((await client.command(Buffer.concat([Buffer.from(`APPEND INBOX {${raw.length}+}\r\n`), raw]))).status).toBe('BAD');
    // … a literal8 may.
    const append = await client.command(Buffer.concat([Buffer.from(`APPEND INBOX ~{${raw.length}+}\r\n`), raw]));
    expect(append.status, append.tagged).toBe('OK');
    const uid = /APPENDUID \d+ (\d+)/.exec(append.tagged)![1];
    await client.command('SELECT INBOX');
    const fetch = await client.command(`UID FETCH ${uid} (BINARY.PEEK[1] BINARY.SIZE[1] BODY.PEEK[1] FLAGS)`);
    expect(fetch.untaggedBytes).toHaveLength(1);
    const bytes = fetch.untaggedBytes[0]!;
    const binaryAt = bytes.indexOf(`BINARY[1] ~{${body.length}}\r\n`);
    expect(binaryAt).toBeGreaterThan(0);
    const start = binaryAt + `BINARY[1] ~{${body.length}}\r\n`.length;
    expect(bytes.subarray(start, start + body.length).equals(body)).toBe(true);
    expect(fetch.untagged[0]).toContain(`BINARY.SIZE[1] ${body.length}`);
    // BODY[] keeps literals free of NUL (0x80 stands in, as in Dovecot).
    const bodyAt = bytes.indexOf(`BODY[1] {${body.length}}\r\n`);
    expect(bodyAt).toBeGreaterThan(0);
    expect(bytes.subarray(bodyAt + `BODY[1] {${body.length}}\r\n`.length, bodyAt + `BODY[1] {${body.length}}\r\n`.length + body.length).includes(0)).toBe(false);
    // PEEK left \Seen alone.
    expect(fetch.untagged[0]).not.toContain('\\Seen');
  });
});

describe('RFC 3501 §7.4.1: no EXPUNGE during FETCH, STORE or SEARCH (without UID)', () => {
  it('another session expunges message 2; FETCH, STORE and SEARCH stay silent about it, NOOP reports it', async () => {
    const a = await loggedIn('lina@haining.gov.cn');
    const b = await loggedIn('lina@haining.gov.cn');
    const selectA = await a.command('SELECT INBOX');
    expect(selectA.untagged).toContain('* 5 EXISTS');
    await b.command('SELECT INBOX');
    expect((await b.command('STORE 2 +FLAGS.SILENT (\\Deleted)')).status).toBe('OK');
    const expungeB = await b.command('EXPUNGE');
    expect(expungeB.untagged).toEqual(['* 2 EXPUNGE']);

    // RFC 2180 §4.1.2 / RFC 5530: the others' data comes, and the tagged answer says one is gone.
    const fetch = await a.command('FETCH 1:* (UID FLAGS)');
    expect(fetch.status).toBe('NO');
    expect(fetch.tagged).toMatch(/ NO \[EXPUNGEISSUED\] /);
    expect(fetch.untagged.filter((l) => / EXPUNGE$/.test(l))).toEqual([]);
    expect(fetch.untagged.filter((l) => / FETCH /.test(l))).toHaveLength(4);
    // Sequence numbers are still those of A's view: message 5 is still number 5.
    expect(fetch.untagged.some((l) => /^\* 5 FETCH \(UID 5 /.test(l))).toBe(true);
    expect(fetch.untagged.some((l) => /^\* 2 FETCH/.test(l))).toBe(false);
    // A FETCH of messages that all still exist is a plain OK.
    expect((await a.command('FETCH 3:5 (UID)')).status).toBe('OK');
    const storeGone = await a.command('STORE 2 +FLAGS (\\Flagged)');
    expect(storeGone.status).toBe('NO');
    expect(storeGone.tagged).toMatch(/ NO \[EXPUNGEISSUED\] /);

    const store = await a.command('STORE 3 +FLAGS (\\Flagged)');
    expect(store.untagged.filter((l) => / EXPUNGE$/.test(l))).toEqual([]);
    expect(store.untagged).toContainEqual(expect.stringMatching(/^\* 3 FETCH \(FLAGS \(.*\\Flagged.*\)\)$/));

    const search = await a.command('SEARCH ALL');
    expect(search.untagged.filter((l) => / EXPUNGE$/.test(l))).toEqual([]);
    expect(search.untagged).toContainEqual(expect.stringMatching(/^\* SEARCH( \d+)*$/));
    const hits = search.untagged.find((l) => l.startsWith('* SEARCH'))!.split(' ').slice(2).map(Number);
    expect(hits).toContain(5);

    const noop = await a.command('NOOP');
    expect(noop.untagged).toContain('* 2 EXPUNGE');
    // Now the view has 4 messages: UID 5 is number 4.
    const after = await a.command('FETCH 4 (UID)');
    expect(after.untagged).toEqual(['* 4 FETCH (UID 5)']);
  });

  it('the UID forms may report the EXPUNGE at once (RFC 3501 §7.4.1)', async () => {
    const a = await loggedIn('lina@haining.gov.cn');
    const b = await loggedIn('lina@haining.gov.cn');
    await a.command('SELECT INBOX');
    await b.command('SELECT INBOX');
    await b.command('UID STORE 1 +FLAGS.SILENT (\\Deleted)');
    expect((await b.command('UID EXPUNGE 1')).untagged).toEqual(['* 1 EXPUNGE']);
    const fetch = await a.command('UID FETCH 1:* (FLAGS)');
    expect(fetch.untagged).toContain('* 1 EXPUNGE');
    // Everything after the EXPUNGE is numbered in the new view.
    const expungeAt = fetch.untagged.indexOf('* 1 EXPUNGE');
    expect(fetch.untagged.slice(expungeAt + 1).every((l) => !/^\* 4 FETCH/.test(l))).toBe(true);
  });

  it('MOVE reports the moved messages as EXPUNGE in the same session (RFC 6851 §3.3), with COPYUID first', async () => {
    const a = await loggedIn('lina@haining.gov.cn');
    await a.command('SELECT INBOX');
    const move = await a.command('MOVE 1 Archive');
    expect(move.status).toBe('OK');
    expect(move.untagged[0]).toMatch(/^\* OK \[COPYUID \d+ \d+ 1\] /);
    expect(move.untagged).toContain('* 1 EXPUNGE');
  });
});
