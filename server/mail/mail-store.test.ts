/**
 * The mail domain over a real SQLite file and a real blob store: RFC 3501 §2.3.1.1 (UIDs,
 * UIDVALIDITY), RFC 7162 (MODSEQ, UNCHANGEDSINCE), RFC 4315 (COPYUID, UID EXPUNGE), RFC 6851
 * (MOVE), RFC 3501 §6.3 (CREATE/DELETE/RENAME), quota, blob reference counts and the change feed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTempServices, rfc5322, seedPerson, type TempServices } from '../../test/helpers/temp-services.js';
import { ManualClock } from '../platform/clock.js';
import type { Services } from '../services.js';
import type { Account, Mailbox } from '../storage/database.js';
import type { MailChange } from './changes.js';
import { MailError, type MailErrorCode } from './errors.js';
import { columnsToFlags } from './flags.js';
import type { PreparedMessage } from './mail-store.js';
import { parseMessageFields } from './message-fields.js';
import { ALL_UIDS, uidRangesOf } from './uid-ranges.js';

let temp: TempServices;
let services: Services;
let clock: ManualClock;
let alice: Account;
let inbox: Mailbox;

beforeEach(async () => {
  // A clock that only moves when told: operations in the same second must still be correct.
  clock = new ManualClock(Date.UTC(2026, 2, 4, 5, 48, 5));
  temp = await createTempServices({ clock });
  services = temp.services;
  alice = await seedPerson(services, { address: 'zhangwei@haining.gov.cn', displayName: '张伟' });
  inbox = await services.mail.getMailbox(alice.id, 'INBOX');
});

afterEach(async () => {
  await temp.cleanup();
});

let counter = 0;
async function prepare(body = `message ${++counter}`, extra: Buffer = Buffer.alloc(0)): Promise<PreparedMessage> {
  const raw = Buffer.concat([rfc5322({ subject: `subject ${counter}`, body, messageId: `m${counter}@example.com` }), extra]);
  const blobHash = await services.blobs.put(raw);
  return { blobHash, size: raw.length, fields: await parseMessageFields(raw) };
}

async function appendTo(mailbox: Mailbox, flags: string[] = [], accountId = mailbox.account_id) {
  return (await services.mail.append(await prepare(), { accountId, mailboxId: mailbox.id, flags })).value;
}

async function mailboxRow(id: number): Promise<Mailbox> {
  return services.db.selectFrom('mailboxes').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function uidsOf(mailbox: Mailbox): Promise<number[]> {
  return (await services.mail.listMessages(mailbox.account_id, mailbox.id)).map((m) => m.uid);
}

async function flagsOf(mailbox: Mailbox, uid: number): Promise<string[]> {
  const [row] = await services.mail.listMessages(mailbox.account_id, mailbox.id, [{ start: uid, end: uid }]);
  if (!row) throw new Error(`no message ${uid}`);
  return columnsToFlags(row);
}

async function markDeletedAndExpunge(mailbox: Mailbox, uids: number[]) {
  await services.mail.storeFlags({ accountId: mailbox.account_id, mailboxId: mailbox.id, uids: uidRangesOf(uids), flags: ['\\Deleted'], mode: 'add' });
  return services.mail.expunge(mailbox.account_id, mailbox.id, uidRangesOf(uids));
}

async function expectMailError(promise: Promise<unknown>, code: MailErrorCode): Promise<MailError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MailError);
  expect((err as MailError).code).toBe(code);
  return err as MailError;
}

async function countRows(table: 'messages' | 'blobs' | 'mailboxes' | 'outbound_queue'): Promise<number> {
  const row = await services.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function blobRow(hash: string) {
  return services.db.selectFrom('blobs').selectAll().where('hash', '=', hash).executeTakeFirst();
}

describe('UIDs and UIDVALIDITY', () => {
  it('RFC 3501 §2.3.1.1: UIDs are strictly ascending within a mailbox', async () => {
    const uids: number[] = [];
    for (let i = 0; i < 5; i++) uids.push((await appendTo(inbox)).uid);
    expect(uids).toEqual([1, 2, 3, 4, 5]);
    expect(Number((await mailboxRow(inbox.id)).uid_next)).toBe(6);
  });

  it('RFC 3501 §2.3.1.1: concurrent appends never share a UID', async () => {
    const messages = await Promise.all(Array.from({ length: 20 }, () => prepare()));
    const results = await Promise.all(messages.map((m) => services.mail.append(m, { accountId: alice.id, mailboxId: inbox.id })));
    const uids = results.map((r) => r.value.uid).sort((a, b) => a - b);
    expect(uids).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('RFC 3501 §2.3.1.1: UIDs are never reused, even after the highest is expunged', async () => {
    for (let i = 0; i < 3; i++) await appendTo(inbox);
    const expunged = await markDeletedAndExpunge(inbox, [2, 3]);
    expect(expunged.value).toEqual([2, 3]);
    expect(await uidsOf(inbox)).toEqual([1]);
    expect((await appendTo(inbox)).uid).toBe(4);
    await markDeletedAndExpunge(inbox, [1, 4]);
    expect(await uidsOf(inbox)).toEqual([]);
    expect((await appendTo(inbox)).uid).toBe(5);
  });

  it('UIDs are per mailbox: a new mailbox starts at 1', async () => {
    await appendTo(inbox);
    await appendTo(inbox);
    const { value: projects } = await services.mail.createMailbox(alice.id, 'Projects');
    expect((await appendTo(projects)).uid).toBe(1);
  });

  it('RFC 3501 §2.3.1.1: a re-created mailbox of the same name gets a different UIDVALIDITY (same second)', async () => {
    const first = (await services.mail.createMailbox(alice.id, 'Projects')).value;
    await appendTo(first);
    await services.mail.deleteMailbox(alice.id, 'Projects');
    const second = (await services.mail.createMailbox(alice.id, 'Projects')).value;
    expect(Number(second.uid_validity)).not.toBe(Number(first.uid_validity));
    expect(Number(second.uid_validity)).toBeGreaterThan(Number(first.uid_validity));
    // Its UIDs start again, which is exactly why UIDVALIDITY had to change.
    expect((await appendTo(second)).uid).toBe(1);
  });

  it('RFC 3501 §2.3.1.1: UIDVALIDITY differs after a delete and re-create, with the clock moved back', async () => {
    const first = (await services.mail.createMailbox(alice.id, 'Projects')).value;
    await services.mail.deleteMailbox(alice.id, 'Projects');
    clock.advance(-3600_000); // an NTP step backwards
    const second = (await services.mail.createMailbox(alice.id, 'Projects')).value;
    expect(Number(second.uid_validity)).toBeGreaterThan(Number(first.uid_validity));
  });

  it('RFC 3501 §2.3.1.1: renaming a mailbox away and creating a new one under the old name changes UIDVALIDITY', async () => {
    const first = (await services.mail.createMailbox(alice.id, 'Projects')).value;
    await services.mail.renameMailbox(alice.id, 'Projects', 'Old projects');
    const second = (await services.mail.createMailbox(alice.id, 'Projects')).value;
    expect(Number(second.uid_validity)).not.toBe(Number(first.uid_validity));
  });
});

describe('MODSEQ (RFC 7162 CONDSTORE)', () => {
  it('RFC 7162 §3.1: MODSEQ grows on append, store and expunge, and HIGHESTMODSEQ is the maximum', async () => {
    const seen: number[] = [Number(inbox.highest_modseq)];
    const maxMessageModseq = async () => Math.max(...(await services.mail.listMessages(alice.id, inbox.id)).map((m) => Number(m.modseq)));

    const a = await appendTo(inbox);
    seen.push(a.modseq);
    expect(Number((await mailboxRow(inbox.id)).highest_modseq)).toBe(a.modseq);

    const b = await appendTo(inbox);
    seen.push(b.modseq);
    expect(Number((await mailboxRow(inbox.id)).highest_modseq)).toBe(await maxMessageModseq());

    const stored = await services.mail.storeFlags({ accountId: alice.id, mailboxId: inbox.id, uids: [{ start: a.uid, end: a.uid }], flags: ['\\Seen'], mode: 'add' });
    const storeModseq = stored.value.updated[0]!.modseq;
    seen.push(storeModseq);
    expect(Number((await mailboxRow(inbox.id)).highest_modseq)).toBe(storeModseq);
    expect(await maxMessageModseq()).toBe(storeModseq);

    await services.mail.storeFlags({ accountId: alice.id, mailboxId: inbox.id, uids: [{ start: b.uid, end: b.uid }], flags: ['\\Deleted'], mode: 'add' });
    seen.push(Number((await mailboxRow(inbox.id)).highest_modseq));
    const expunged = await services.mail.expunge(alice.id, inbox.id);
    const expungeChange = expunged.changes.find((c) => c.kind === 'message-expunged');
    expect(expungeChange?.modseq).toBeDefined();
    seen.push(expungeChange!.modseq);
    // The expunge itself is a change a CONDSTORE client must see (RFC 7162 §3.2.10 VANISHED).
    expect(Number((await mailboxRow(inbox.id)).highest_modseq)).toBe(expungeChange!.modseq);

    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThan(seen[i - 1]!);
  });

  it('RFC 7162 §3.1.3: a STORE that changes nothing leaves MODSEQ alone', async () => {
    const a = await appendTo(inbox, ['\\Seen']);
    const before = Number((await mailboxRow(inbox.id)).highest_modseq);
    const result = await services.mail.storeFlags({ accountId: alice.id, mailboxId: inbox.id, uids: [{ start: a.uid, end: a.uid }], flags: ['\\seen'], mode: 'add' });
    expect(result.value.updated).toEqual([]);
    expect(result.changes).toEqual([]);
    expect(Number((await mailboxRow(inbox.id)).highest_modseq)).toBe(before);
  });

  it('MODSEQ is per mailbox: a change in one does not move the other', async () => {
    const { value: projects } = await services.mail.createMailbox(alice.id, 'Projects');
    await appendTo(inbox);
    const before = Number((await mailboxRow(projects.id)).highest_modseq);
    await appendTo(inbox);
    expect(Number((await mailboxRow(projects.id)).highest_modseq)).toBe(before);
  });
});

describe('STORE (RFC 3501 §6.4.6)', () => {
  it('add, remove and set; system flags are case-insensitive, keywords keep their case', async () => {
    const { uid } = await appendTo(inbox);
    const store = (flags: string[], mode: 'add' | 'remove' | 'set') => services.mail.storeFlags({ accountId: alice.id, mailboxId: inbox.id, uids: [{ start: uid, end: uid }], flags, mode });

    await store(['\\seen', '$Forwarded'], 'add');
    expect(await flagsOf(inbox, uid)).toEqual(['\\Seen', '$Forwarded']);
    await store(['\\Flagged', '$forwarded'], 'add');
    expect(await flagsOf(inbox, uid)).toEqual(['\\Seen', '\\Flagged', '$Forwarded']);
    await store(['\\SEEN', '$FORWARDED'], 'remove');
    expect(await flagsOf(inbox, uid)).toEqual(['\\Flagged']);
    await store(['\\Answered', '\\Draft', '重要'], 'set');
    expect(await flagsOf(inbox, uid)).toEqual(['\\Answered', '\\Draft', '重要']);
    // RFC 3501 §2.3.2: \Recent is not settable by a client.
    await store(['\\Recent'], 'set');
    expect(await flagsOf(inbox, uid)).toEqual([]);
  });

  it('only the messages in the UID set change; each gets the new MODSEQ', async () => {
    for (let i = 0; i < 4; i++) await appendTo(inbox);
    const result = await services.mail.storeFlags({ accountId: alice.id, mailboxId: inbox.id, uids: uidRangesOf([2, 3]), flags: ['\\Flagged'], mode: 'add' });
    expect(result.value.updated.map((u) => u.uid)).toEqual([2, 3]);
    const rows = await services.mail.listMessages(alice.id, inbox.id);
    expect(rows.filter((r) => r.flagged).map((r) => r.uid)).toEqual([2, 3]);
    const modseq = result.value.updated[0]!.modseq;
    expect(rows.filter((r) => r.flagged).every((r) => Number(r.modseq) === modseq)).toBe(true);
  });

  it('RFC 7162 §3.1.3: UNCHANGEDSINCE stores only unchanged messages and lists the others as MODIFIED', async () => {
    const a = await appendTo(inbox);
    const b = await appendTo(inbox);
    const c = await appendTo(inbox);
    const sinceClientLooked = Number((await mailboxRow(inbox.id)).highest_modseq);
    // Another session changes b after the client read the mailbox.
    await services.mail.storeFlags({ accountId: alice.id, mailboxId: inbox.id, uids: [{ start: b.uid, end: b.uid }], flags: ['\\Seen'], mode: 'add' });

    const result = await services.mail.storeFlags({ accountId: alice.id, mailboxId: inbox.id, uids: ALL_UIDS, flags: ['\\Deleted'], mode: 'add', unchangedSince: sinceClientLooked });
    expect(result.value.modified).toEqual([b.uid]);
    expect(result.value.updated.map((u) => u.uid)).toEqual([a.uid, c.uid]);
    expect(await flagsOf(inbox, b.uid)).toEqual(['\\Seen']);
    expect(await flagsOf(inbox, a.uid)).toEqual(['\\Deleted']);
  });

  it('STORE in a mailbox of another account is NONEXISTENT and changes nothing', async () => {
    const bob = await seedPerson(services, { address: 'wangfang@haining.gov.cn', displayName: '王芳' });
    const bobInbox = await services.mail.getMailbox(bob.id, 'INBOX');
    const { uid } = await appendTo(bobInbox);
    await expectMailError(services.mail.storeFlags({ accountId: alice.id, mailboxId: bobInbox.id, uids: ALL_UIDS, flags: ['\\Deleted'], mode: 'add' }), 'NONEXISTENT');
    expect(await flagsOf(bobInbox, uid)).toEqual([]);
  });
});

describe('COPY and MOVE', () => {
  it('RFC 4315 §3 COPYUID: copy returns the source → destination UID mapping and keeps flags', async () => {
    const { value: archive } = await services.mail.createMailbox(alice.id, '收文/2026年');
    await appendTo(archive); // destination UIDs must continue from its uid_next
    await appendTo(inbox, ['\\Seen']);
    await appendTo(inbox, ['\\Flagged', '$Forwarded']);
    await appendTo(inbox);

    const result = await services.mail.copyMessages(alice.id, inbox.id, uidRangesOf([1, 2]), archive.id);
    expect(result.value.uidValidity).toBe(Number(archive.uid_validity));
    expect(result.value.mapping).toEqual([
      { sourceUid: 1, targetUid: 2 },
      { sourceUid: 2, targetUid: 3 },
    ]);
    expect(await flagsOf(archive, 2)).toEqual(['\\Seen']);
    expect(await flagsOf(archive, 3)).toEqual(['\\Flagged', '$Forwarded']);
    expect(await uidsOf(inbox)).toEqual([1, 2, 3]);
    expect(result.changes.filter((c) => c.kind === 'message-added').map((c) => (c as { uid: number }).uid)).toEqual([2, 3]);
  });

  it('a copy is a second reference to the same blob and is charged to the quota', async () => {
    const a = await appendTo(inbox);
    const { value: projects } = await services.mail.createMailbox(alice.id, 'Projects');
    const [row] = await services.mail.listMessages(alice.id, inbox.id);
    const usedBefore = (await services.mail.quota(alice.id)).usedBytes;
    await services.mail.copyMessages(alice.id, inbox.id, [{ start: a.uid, end: a.uid }], projects.id);
    expect((await blobRow(row!.blob_hash))?.ref_count).toBe(2);
    expect((await services.mail.quota(alice.id)).usedBytes).toBe(usedBefore + Number(row!.size));
  });

  it('RFC 6851 MOVE: the messages leave the source with their flags, in one step', async () => {
    const { value: projects } = await services.mail.createMailbox(alice.id, 'Projects');
    await appendTo(inbox, ['\\Seen', '$Label1']);
    await appendTo(inbox, ['\\Answered']);
    await appendTo(inbox);
    const [firstRow] = await services.mail.listMessages(alice.id, inbox.id);
    const usedBefore = (await services.mail.quota(alice.id)).usedBytes;

    const result = await services.mail.moveMessages(alice.id, inbox.id, uidRangesOf([1, 2]), projects.id);
    expect(result.value.mapping).toEqual([
      { sourceUid: 1, targetUid: 1 },
      { sourceUid: 2, targetUid: 2 },
    ]);
    expect(await uidsOf(inbox)).toEqual([3]);
    expect(await uidsOf(projects)).toEqual([1, 2]);
    expect(await flagsOf(projects, 1)).toEqual(['\\Seen', '$Label1']);
    expect(await flagsOf(projects, 2)).toEqual(['\\Answered']);
    // A move is not a copy: quota and blob references are unchanged.
    expect((await services.mail.quota(alice.id)).usedBytes).toBe(usedBefore);
    expect((await blobRow(firstRow!.blob_hash))?.ref_count).toBe(1);
    expect(await services.blobs.has(firstRow!.blob_hash)).toBe(true);
    const kinds = result.changes.map((c) => `${c.kind}:${'mailboxId' in c ? c.mailboxId : ''}:${'uid' in c ? c.uid : ''}`);
    expect(kinds).toEqual([`message-added:${projects.id}:1`, `message-added:${projects.id}:2`, `message-expunged:${inbox.id}:1`, `message-expunged:${inbox.id}:2`]);
  });

  it('RFC 3501 §6.4.7: a copy to a missing mailbox is NONEXISTENT (TRYCREATE) and copies nothing', async () => {
    await appendTo(inbox);
    const before = await countRows('messages');
    await expectMailError(services.mail.copyMessages(alice.id, inbox.id, ALL_UIDS, 999_999), 'NONEXISTENT');
    await expectMailError(services.mail.moveMessages(alice.id, inbox.id, ALL_UIDS, 999_999), 'NONEXISTENT');
    expect(await countRows('messages')).toBe(before);
    expect(await uidsOf(inbox)).toEqual([1]);
  });

  it('a copy into another account\'s mailbox is refused', async () => {
    const bob = await seedPerson(services, { address: 'wangfang@haining.gov.cn', displayName: '王芳' });
    const bobInbox = await services.mail.getMailbox(bob.id, 'INBOX');
    await appendTo(inbox);
    await expectMailError(services.mail.copyMessages(alice.id, inbox.id, ALL_UIDS, bobInbox.id), 'NONEXISTENT');
    expect(await uidsOf(bobInbox)).toEqual([]);
  });
});

describe('EXPUNGE (RFC 3501 §6.4.3, RFC 4315 §2.1 UID EXPUNGE)', () => {
  it('removes only messages flagged \\Deleted', async () => {
    await appendTo(inbox, ['\\Deleted']);
    await appendTo(inbox);
    await appendTo(inbox, ['\\Deleted', '\\Seen']);
    await appendTo(inbox, ['\\Seen']);
    const result = await services.mail.expunge(alice.id, inbox.id);
    expect(result.value).toEqual([1, 3]);
    expect(await uidsOf(inbox)).toEqual([2, 4]);
  });

  it('RFC 4315 §2.1: UID EXPUNGE removes only \\Deleted messages inside the given UID set', async () => {
    for (let i = 0; i < 5; i++) await appendTo(inbox, ['\\Deleted']);
    await appendTo(inbox);
    const result = await services.mail.expunge(alice.id, inbox.id, [{ start: 2, end: 3 }, { start: 5, end: 6 }]);
    expect(result.value).toEqual([2, 3, 5]);
    expect(await uidsOf(inbox)).toEqual([1, 4, 6]);
  });

  it('an expunge with nothing to do changes nothing, MODSEQ included', async () => {
    await appendTo(inbox);
    const before = Number((await mailboxRow(inbox.id)).highest_modseq);
    const result = await services.mail.expunge(alice.id, inbox.id);
    expect(result.value).toEqual([]);
    expect(result.changes).toEqual([]);
    expect(Number((await mailboxRow(inbox.id)).highest_modseq)).toBe(before);
  });

  it('an empty UID set expunges nothing', async () => {
    await appendTo(inbox, ['\\Deleted']);
    expect((await services.mail.expunge(alice.id, inbox.id, [])).value).toEqual([]);
    expect(await uidsOf(inbox)).toEqual([1]);
  });
});

describe('mailboxes (RFC 3501 §6.3)', () => {
  it('every account gets INBOX and the RFC 6154 special-use folders, once', async () => {
    const names = (await services.mail.listMailboxes(alice.id)).map((m) => `${m.name}:${m.special_use ?? ''}`);
    expect(names.sort()).toEqual(['Archive:\\Archive', 'Drafts:\\Drafts', 'INBOX:', 'Junk:\\Junk', 'Sent:\\Sent', 'Trash:\\Trash'].sort());
    const again = await services.mail.ensureDefaultMailboxes(alice.id);
    expect(again.changes).toEqual([]);
    expect(await services.mail.listMailboxes(alice.id)).toHaveLength(6);
  });

  it('RFC 3501 §6.3.3: CREATE makes missing parents; a trailing separator is ignored; an existing name is ALREADYEXISTS', async () => {
    const result = await services.mail.createMailbox(alice.id, '收文/2026年/防汛/');
    expect(result.value.name).toBe('收文/2026年/防汛');
    expect(result.changes.map((c) => (c as { name: string }).name)).toEqual(['收文', '收文/2026年', '收文/2026年/防汛']);
    await expectMailError(services.mail.createMailbox(alice.id, '收文/2026年'), 'ALREADYEXISTS');
  });

  it('RFC 3501 §5.1: names are stored in NFC, so composed and decomposed forms are one mailbox', async () => {
    const decomposed = 'Cafe\u0301';
    const composed = 'Caf\u00e9';
    const { value } = await services.mail.createMailbox(alice.id, decomposed);
    expect(value.name).toBe(composed);
    expect((await services.mail.getMailbox(alice.id, decomposed)).id).toBe(value.id);
    expect((await services.mail.getMailbox(alice.id, composed)).id).toBe(value.id);
    await expectMailError(services.mail.createMailbox(alice.id, composed), 'ALREADYEXISTS');
  });

  it('RFC 3501 §5.1: INBOX is case-insensitive, also as the first level of a path', async () => {
    expect((await services.mail.getMailbox(alice.id, 'inbox')).id).toBe(inbox.id);
    expect((await services.mail.getMailbox(alice.id, 'InBoX')).id).toBe(inbox.id);
    await expectMailError(services.mail.createMailbox(alice.id, 'Inbox'), 'ALREADYEXISTS');
    const { value: child } = await services.mail.createMailbox(alice.id, 'inbox/待办');
    expect(child.name).toBe('INBOX/待办');
    // Other names keep their case: "Projects" and "projects" are different mailboxes.
    await services.mail.createMailbox(alice.id, 'Projects');
    await expect(services.mail.createMailbox(alice.id, 'projects')).resolves.toBeDefined();
  });

  it('invalid names are INVALID_NAME', async () => {
    for (const bad of ['', 'a//b', '/a', 'a*', 'a%b', 'tab\there', 'x'.repeat(513), Array.from({ length: 17 }, () => 'd').join('/')]) {
      await expectMailError(services.mail.createMailbox(alice.id, bad), 'INVALID_NAME');
    }
  });

  it('RFC 3501 §6.3.5: RENAME moves the children and keeps messages, UIDs and UIDVALIDITY', async () => {
    const { value: parent } = await services.mail.createMailbox(alice.id, '项目/海塘');
    const project = await services.mail.getMailbox(alice.id, '项目');
    await services.mail.createMailbox(alice.id, '项目/海塘/图纸');
    await services.mail.createMailbox(alice.id, '项目X'); // shares the prefix but is not a child
    await appendTo(parent, ['\\Seen']);

    const result = await services.mail.renameMailbox(alice.id, '项目', '归档/2026/项目');
    expect(result.value.name).toBe('归档/2026/项目');
    const names = (await services.mail.listMailboxes(alice.id)).map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(['归档', '归档/2026', '归档/2026/项目', '归档/2026/项目/海塘', '归档/2026/项目/海塘/图纸', '项目X']));
    expect(names).not.toContain('项目');
    expect(names).not.toContain('项目/海塘');
    const moved = await services.mail.getMailbox(alice.id, '归档/2026/项目/海塘');
    expect(moved.id).toBe(parent.id);
    expect(Number(moved.uid_validity)).toBe(Number(parent.uid_validity));
    expect(await flagsOf(moved, 1)).toEqual(['\\Seen']);
    expect((await services.mail.getMailbox(alice.id, '归档/2026/项目')).id).toBe(project.id);
  });

  it('RFC 3501 §6.3.5: RENAME refuses an existing target, INBOX as target, and a mailbox into itself', async () => {
    await services.mail.createMailbox(alice.id, 'A/B');
    await services.mail.createMailbox(alice.id, 'C');
    await expectMailError(services.mail.renameMailbox(alice.id, 'A', 'C'), 'ALREADYEXISTS');
    await expectMailError(services.mail.renameMailbox(alice.id, 'C', 'inbox'), 'ALREADYEXISTS');
    await expectMailError(services.mail.renameMailbox(alice.id, 'A', 'A/B/D'), 'CANNOT');
    await expectMailError(services.mail.renameMailbox(alice.id, 'Missing', 'D'), 'NONEXISTENT');
  });

  it('RFC 3501 §6.3.5: renaming INBOX moves its messages to the new mailbox and leaves INBOX, empty, in place', async () => {
    await appendTo(inbox, ['\\Seen']);
    await appendTo(inbox, ['\\Flagged']);
    const [first] = await services.mail.listMessages(alice.id, inbox.id);

    const { value: old } = await services.mail.renameMailbox(alice.id, 'INBOX', 'Old mail');
    expect(old.name).toBe('Old mail');
    expect(old.id).not.toBe(inbox.id);
    expect(await uidsOf(old)).toEqual([1, 2]);
    expect(await flagsOf(old, 1)).toEqual(['\\Seen']);
    expect(await flagsOf(old, 2)).toEqual(['\\Flagged']);

    const inboxAfter = await services.mail.getMailbox(alice.id, 'INBOX');
    expect(inboxAfter.id).toBe(inbox.id);
    expect(await uidsOf(inboxAfter)).toEqual([]);
    // INBOX keeps its UIDVALIDITY, so its UIDs continue and are not reused.
    expect(Number(inboxAfter.uid_validity)).toBe(Number(inbox.uid_validity));
    expect((await appendTo(inboxAfter)).uid).toBe(3);

    expect((await blobRow(first!.blob_hash))?.ref_count).toBe(1);
    expect(await services.blobs.has(first!.blob_hash)).toBe(true);
  });

  it('renaming INBOX does not charge the quota twice', async () => {
    await appendTo(inbox);
    await appendTo(inbox);
    const usedBefore = (await services.mail.quota(alice.id)).usedBytes;
    await services.mail.renameMailbox(alice.id, 'INBOX', 'Old mail');
    expect((await services.mail.quota(alice.id)).usedBytes).toBe(usedBefore);
  });

  it('RFC 3501 §6.3.4: DELETE refuses INBOX (any case) and a mailbox with children', async () => {
    await expectMailError(services.mail.deleteMailbox(alice.id, 'INBOX'), 'CANNOT');
    await expectMailError(services.mail.deleteMailbox(alice.id, 'inbox'), 'CANNOT');
    await services.mail.createMailbox(alice.id, 'Parent/Child');
    await expectMailError(services.mail.deleteMailbox(alice.id, 'Parent'), 'CANNOT');
    expect((await services.mail.listMailboxes(alice.id)).map((m) => m.name)).toEqual(expect.arrayContaining(['Parent', 'Parent/Child']));
    await expectMailError(services.mail.deleteMailbox(alice.id, 'Missing'), 'NONEXISTENT');
    await services.mail.deleteMailbox(alice.id, 'Parent/Child');
    await services.mail.deleteMailbox(alice.id, 'Parent');
    expect((await services.mail.listMailboxes(alice.id)).map((m) => m.name)).not.toContain('Parent');
  });

  it('DELETE of a mailbox with messages frees their quota and blobs', async () => {
    const { value: projects } = await services.mail.createMailbox(alice.id, 'Projects');
    await appendTo(projects);
    const [row] = await services.mail.listMessages(alice.id, projects.id);
    await services.mail.deleteMailbox(alice.id, 'Projects');
    expect((await services.mail.quota(alice.id)).usedBytes).toBe(0);
    expect(await blobRow(row!.blob_hash)).toBeUndefined();
    expect(await services.blobs.has(row!.blob_hash)).toBe(false);
    expect(await countRows('messages')).toBe(0);
  });

  it('one account cannot see or delete another account\'s mailbox by name', async () => {
    const bob = await seedPerson(services, { address: 'wangfang@haining.gov.cn', displayName: '王芳' });
    await services.mail.createMailbox(bob.id, 'Private');
    await expectMailError(services.mail.getMailbox(alice.id, 'Private'), 'NONEXISTENT');
    await expectMailError(services.mail.deleteMailbox(alice.id, 'Private'), 'NONEXISTENT');
    expect((await services.mail.getMailbox(bob.id, 'Private')).name).toBe('Private');
  });
});

describe('quota', () => {
  it('an append over quota is OVERQUOTA and the transaction leaves nothing behind', async () => {
    const small = await seedPerson(services, { address: 'lina@haining.gov.cn', displayName: '李娜', quotaBytes: 4096 });
    const smallInbox = await services.mail.getMailbox(small.id, 'INBOX');
    const fits = await prepare('fits', Buffer.alloc(0));
    await services.mail.append(fits, { accountId: small.id, mailboxId: smallInbox.id });
    expect((await services.mail.quota(small.id)).usedBytes).toBe(fits.size);

    const big = await prepare('too big', Buffer.from('x'.repeat(4096)));
    const mailboxBefore = await mailboxRow(smallInbox.id);
    const messagesBefore = await countRows('messages');
    await expectMailError(services.mail.append(big, { accountId: small.id, mailboxId: smallInbox.id }), 'OVERQUOTA');

    expect(await countRows('messages')).toBe(messagesBefore);
    expect((await services.mail.quota(small.id)).usedBytes).toBe(fits.size);
    expect(await blobRow(big.blobHash)).toBeUndefined();
    const mailboxAfter = await mailboxRow(smallInbox.id);
    expect(Number(mailboxAfter.uid_next)).toBe(Number(mailboxBefore.uid_next));
    expect(Number(mailboxAfter.highest_modseq)).toBe(Number(mailboxBefore.highest_modseq));
  });

  it('a message exactly filling the quota is accepted; one byte more is not', async () => {
    const probe = await prepare('exact');
    const exact = await seedPerson(services, { address: 'lina@haining.gov.cn', displayName: '李娜', quotaBytes: probe.size });
    const exactInbox = await services.mail.getMailbox(exact.id, 'INBOX');
    await services.mail.append(probe, { accountId: exact.id, mailboxId: exactInbox.id });
    expect(await services.mail.quota(exact.id)).toEqual({ usedBytes: probe.size, quotaBytes: probe.size });
    await expectMailError(services.mail.append(await prepare('one more'), { accountId: exact.id, mailboxId: exactInbox.id }), 'OVERQUOTA');
  });

  it('appendMany is all or nothing: one recipient over quota stores no copy for anyone', async () => {
    const small = await seedPerson(services, { address: 'lina@haining.gov.cn', displayName: '李娜', quotaBytes: 100 });
    const smallInbox = await services.mail.getMailbox(small.id, 'INBOX');
    const message = await prepare();
    await expectMailError(
      services.mail.appendMany(message, [
        { accountId: alice.id, mailboxId: inbox.id },
        { accountId: small.id, mailboxId: smallInbox.id },
      ]),
      'OVERQUOTA',
    );
    expect(await uidsOf(inbox)).toEqual([]);
    expect((await services.mail.quota(alice.id)).usedBytes).toBe(0);
    expect(await blobRow(message.blobHash)).toBeUndefined();
  });

  it('a copy over quota is OVERQUOTA and copies nothing', async () => {
    const small = await seedPerson(services, { address: 'lina@haining.gov.cn', displayName: '李娜', quotaBytes: 400 });
    const smallInbox = await services.mail.getMailbox(small.id, 'INBOX');
    const { value: projects } = await services.mail.createMailbox(small.id, 'Projects');
    await appendTo(smallInbox);
    const used = (await services.mail.quota(small.id)).usedBytes;
    expect(used * 2).toBeGreaterThan(400);
    await expectMailError(services.mail.copyMessages(small.id, smallInbox.id, ALL_UIDS, projects.id), 'OVERQUOTA');
    expect(await uidsOf(projects)).toEqual([]);
    expect((await services.mail.quota(small.id)).usedBytes).toBe(used);
  });

  it('RFC 6851 MOVE and RENAME INBOX within an account need no room for a second copy', async () => {
    const probe = await prepare('nearly full');
    const full = await seedPerson(services, { address: 'lina@haining.gov.cn', displayName: '李娜', quotaBytes: probe.size + 10 });
    const fullInbox = await services.mail.getMailbox(full.id, 'INBOX');
    const { value: projects } = await services.mail.createMailbox(full.id, 'Projects');
    await services.mail.append(probe, { accountId: full.id, mailboxId: fullInbox.id });

    await services.mail.moveMessages(full.id, fullInbox.id, ALL_UIDS, projects.id);
    expect(await uidsOf(projects)).toEqual([1]);
    expect((await services.mail.quota(full.id)).usedBytes).toBe(probe.size);

    await services.mail.moveMessages(full.id, projects.id, ALL_UIDS, fullInbox.id);
    await services.mail.renameMailbox(full.id, 'INBOX', 'Old mail');
    expect(await uidsOf(await services.mail.getMailbox(full.id, 'Old mail'))).toEqual([1]);
    expect((await services.mail.quota(full.id)).usedBytes).toBe(probe.size);
  });

  it('used bytes return to 0 after everything is expunged', async () => {
    for (let i = 0; i < 3; i++) await appendTo(inbox);
    const total = (await services.mail.listMessages(alice.id, inbox.id)).reduce((s, r) => s + Number(r.size), 0);
    expect((await services.mail.quota(alice.id)).usedBytes).toBe(total);
    await markDeletedAndExpunge(inbox, [1, 2, 3]);
    expect((await services.mail.quota(alice.id)).usedBytes).toBe(0);
  });
});

describe('blob reference counting', () => {
  it('one message to 100 recipients is ONE blob file with ref_count 100, removed only with the last copy', async () => {
    const people: Account[] = [];
    for (let i = 0; i < 99; i++) people.push(await seedPerson(services, { address: `staff${String(i).padStart(3, '0')}@haining.gov.cn`, displayName: `员工${i}` }));
    people.push(alice);
    const raw = rfc5322({ subject: '关于召开全市防汛防台工作会议的通知', body: '请各单位准时参加。' });
    const report = await services.delivery.deliver({
      envelopeFrom: 'bgs@haining.gov.cn',
      recipients: people.map((p) => p.address),
      raw,
      submittedBy: null,
      remoteIp: null,
      protocol: 'smtp-mx',
    });
    expect(report.deliveredTo).toHaveLength(100);
    const files: string[] = [];
    for await (const hash of services.blobs.list()) files.push(hash);
    expect(files).toEqual([report.blobHash]);
    expect(await blobRow(report.blobHash)).toMatchObject({ ref_count: 100, size: raw.length });
    expect(await countRows('messages')).toBe(100);

    for (const [i, person] of people.entries()) {
      const personInbox = await services.mail.getMailbox(person.id, 'INBOX');
      await markDeletedAndExpunge(personInbox, [1]);
      const left = people.length - i - 1;
      if (left > 0) {
        expect(await services.blobs.has(report.blobHash)).toBe(true);
        if (left % 33 === 0 || left === 1) expect((await blobRow(report.blobHash))?.ref_count).toBe(left);
      }
    }
    expect(await blobRow(report.blobHash)).toBeUndefined();
    expect(await services.blobs.has(report.blobHash)).toBe(false);
    expect(await countRows('messages')).toBe(0);
  });

  it('the same bytes delivered twice share one blob with two references', async () => {
    const raw = rfc5322({ messageId: 'same@example.com' });
    const deliver = () => services.delivery.deliver({ envelopeFrom: 'a@example.com', recipients: [alice.address], raw, submittedBy: null, remoteIp: null, protocol: 'smtp-mx' });
    const first = await deliver();
    const second = await deliver();
    expect(second.blobHash).toBe(first.blobHash);
    expect((await blobRow(first.blobHash))?.ref_count).toBe(2);
    await markDeletedAndExpunge(inbox, [1]);
    expect(await services.blobs.has(first.blobHash)).toBe(true);
    await markDeletedAndExpunge(inbox, [2]);
    expect(await services.blobs.has(first.blobHash)).toBe(false);
  });

  it('a remote recipient\'s outbound queue row holds a reference of its own', async () => {
    const report = await services.delivery.deliver({
      envelopeFrom: alice.address,
      recipients: [alice.address, 'someone@example.com'],
      raw: rfc5322(),
      submittedBy: { accountId: alice.id, address: alice.address },
      remoteIp: '10.0.0.8',
      protocol: 'smtp-submission',
    });
    expect(report.queuedFor).toEqual(['someone@example.com']);
    expect((await blobRow(report.blobHash))?.ref_count).toBe(2);
    await markDeletedAndExpunge(inbox, [1]);
    expect(await services.blobs.has(report.blobHash)).toBe(true);
    expect((await blobRow(report.blobHash))?.ref_count).toBe(1);
    // The sender, once done with the row, drops it and its reference.
    await services.db.deleteFrom('outbound_queue').where('blob_hash', '=', report.blobHash).execute();
    await services.mail.releaseExternalRef(report.blobHash);
    expect(await services.blobs.has(report.blobHash)).toBe(false);
  });
});

describe('failing transactions leave no partial rows', () => {
  it('append into a mailbox of another account is NONEXISTENT and stores nothing', async () => {
    const bob = await seedPerson(services, { address: 'wangfang@haining.gov.cn', displayName: '王芳' });
    const bobInbox = await services.mail.getMailbox(bob.id, 'INBOX');
    const message = await prepare();
    const before = { messages: await countRows('messages'), blobs: await countRows('blobs'), bobBox: await mailboxRow(bobInbox.id) };
    await expectMailError(services.mail.append(message, { accountId: alice.id, mailboxId: bobInbox.id }), 'NONEXISTENT');
    expect(await countRows('messages')).toBe(before.messages);
    expect(await countRows('blobs')).toBe(before.blobs);
    expect(await mailboxRow(bobInbox.id)).toEqual(before.bobBox);
    expect((await services.mail.quota(alice.id)).usedBytes).toBe(0);
    expect((await services.mail.quota(bob.id)).usedBytes).toBe(0);
  });

  it('appendMany with one bad target rolls back the good ones', async () => {
    const bob = await seedPerson(services, { address: 'wangfang@haining.gov.cn', displayName: '王芳' });
    const bobInbox = await services.mail.getMailbox(bob.id, 'INBOX');
    const inboxBefore = await mailboxRow(inbox.id);
    await expectMailError(
      services.mail.appendMany(await prepare(), [
        { accountId: alice.id, mailboxId: inbox.id },
        { accountId: alice.id, mailboxId: bobInbox.id },
      ]),
      'NONEXISTENT',
    );
    expect(await countRows('messages')).toBe(0);
    expect(await countRows('blobs')).toBe(0);
    expect(await mailboxRow(inbox.id)).toEqual(inboxBefore);
    expect((await services.mail.quota(alice.id)).usedBytes).toBe(0);
    // The UID that the rolled-back append had taken is handed out again: nobody ever saw it.
    expect((await appendTo(inbox)).uid).toBe(1);
  });

  it('work done in the same transaction (the outbound queue) that throws rolls back the copies too', async () => {
    const message = await prepare();
    await expect(
      services.mail.appendMany(message, [{ accountId: alice.id, mailboxId: inbox.id }], {
        extraBlobRefs: 1,
        work: async (tx) => {
          await tx.insertInto('outbound_queue').values({ envelope_from: 'a@haining.gov.cn', recipient: 'b@example.com', blob_hash: message.blobHash, status: 'queued', attempts: 0, next_attempt_at: 0, last_error: null, submitted_by: null, created_at: 0, updated_at: 0 }).execute();
          throw new Error('disk full');
        },
      }),
    ).rejects.toThrow('disk full');
    expect(await countRows('messages')).toBe(0);
    expect(await countRows('outbound_queue')).toBe(0);
    expect(await countRows('blobs')).toBe(0);
    expect((await services.mail.quota(alice.id)).usedBytes).toBe(0);
  });

  it('a failed MOVE leaves the source untouched', async () => {
    const bob = await seedPerson(services, { address: 'wangfang@haining.gov.cn', displayName: '王芳' });
    const bobInbox = await services.mail.getMailbox(bob.id, 'INBOX');
    await appendTo(inbox, ['\\Seen']);
    const before = await mailboxRow(inbox.id);
    await expectMailError(services.mail.moveMessages(alice.id, inbox.id, ALL_UIDS, bobInbox.id), 'NONEXISTENT');
    expect(await uidsOf(inbox)).toEqual([1]);
    expect(await flagsOf(inbox, 1)).toEqual(['\\Seen']);
    expect(await mailboxRow(inbox.id)).toEqual(before);
    expect(await uidsOf(bobInbox)).toEqual([]);
  });
});

describe('the change feed', () => {
  it('a subscriber for account A gets message-added, flags-changed and message-expunged with the right uid and modseq', async () => {
    const received: MailChange[] = [];
    const unsubscribe = services.feed.subscribe(alice.id, (changes) => received.push(...changes));

    const added = await appendTo(inbox);
    const stored = await services.mail.storeFlags({ accountId: alice.id, mailboxId: inbox.id, uids: [{ start: added.uid, end: added.uid }], flags: ['\\Deleted'], mode: 'add' });
    const expunged = await services.mail.expunge(alice.id, inbox.id);

    const storeModseq = stored.value.updated[0]!.modseq;
    const expungeModseq = expunged.changes[0]!.kind === 'message-expunged' ? expunged.changes[0]!.modseq : -1;
    expect(received).toEqual([
      { kind: 'message-added', accountId: alice.id, mailboxId: inbox.id, uid: added.uid, modseq: added.modseq, messageRowId: added.messageRowId },
      { kind: 'flags-changed', accountId: alice.id, mailboxId: inbox.id, uid: added.uid, modseq: storeModseq, flags: ['\\Deleted'] },
      { kind: 'message-expunged', accountId: alice.id, mailboxId: inbox.id, uid: added.uid, modseq: expungeModseq },
    ]);
    expect(storeModseq).toBeGreaterThan(added.modseq);
    expect(expungeModseq).toBeGreaterThan(storeModseq);

    unsubscribe();
    await appendTo(inbox);
    expect(received).toHaveLength(3);
  });

  it('a subscriber for A hears nothing of account B, and a delivery to both reaches each once', async () => {
    const bob = await seedPerson(services, { address: 'wangfang@haining.gov.cn', displayName: '王芳' });
    const bobInbox = await services.mail.getMailbox(bob.id, 'INBOX');
    const forAlice: MailChange[] = [];
    const forBob: MailChange[] = [];
    services.feed.subscribe(alice.id, (changes) => forAlice.push(...changes));
    services.feed.subscribe(bob.id, (changes) => forBob.push(...changes));

    await appendTo(bobInbox);
    await services.mail.storeFlags({ accountId: bob.id, mailboxId: bobInbox.id, uids: ALL_UIDS, flags: ['\\Seen'], mode: 'add' });
    await services.mail.createMailbox(bob.id, 'Bob only');
    expect(forAlice).toEqual([]);
    expect(forBob.map((c) => c.kind)).toEqual(['message-added', 'flags-changed', 'mailbox-created']);

    await services.delivery.deliver({ envelopeFrom: 'x@example.com', recipients: [alice.address, bob.address], raw: rfc5322(), submittedBy: null, remoteIp: null, protocol: 'smtp-mx' });
    expect(forAlice.map((c) => `${c.kind}:${c.accountId}`)).toEqual([`message-added:${alice.id}`]);
    expect(forBob.filter((c) => c.kind === 'message-added')).toHaveLength(2);
    expect(forBob.every((c) => c.accountId === bob.id)).toBe(true);
  });

  it('a throwing subscriber does not stop the others, nor fail the operation', async () => {
    const good: MailChange[] = [];
    services.feed.subscribe(alice.id, () => {
      throw new Error('socket closed');
    });
    services.feed.subscribe(alice.id, (changes) => good.push(...changes));
    await expect(appendTo(inbox)).resolves.toMatchObject({ uid: 1 });
    expect(good.map((c) => c.kind)).toEqual(['message-added']);
  });

  it('a failed operation publishes nothing', async () => {
    const small = await seedPerson(services, { address: 'lina@haining.gov.cn', displayName: '李娜', quotaBytes: 10 });
    const smallInbox = await services.mail.getMailbox(small.id, 'INBOX');
    const heard: MailChange[] = [];
    services.feed.subscribe(small.id, (changes) => heard.push(...changes));
    await expectMailError(services.mail.append(await prepare(), { accountId: small.id, mailboxId: smallInbox.id }), 'OVERQUOTA');
    await expectMailError(services.mail.createMailbox(small.id, 'INBOX'), 'ALREADYEXISTS');
    expect(heard).toEqual([]);
  });

  it('changes are published after the commit: a subscriber that reads finds the new row', async () => {
    const found: Promise<unknown>[] = [];
    services.feed.subscribe(alice.id, (changes) => {
      for (const c of changes) if (c.kind === 'message-added') found.push(services.db.selectFrom('messages').select('uid').where('id', '=', c.messageRowId).executeTakeFirst());
    });
    await appendTo(inbox);
    expect(await Promise.all(found)).toEqual([{ uid: 1 }]);
  });
});
