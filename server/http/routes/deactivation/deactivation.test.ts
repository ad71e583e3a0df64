/**
 * Deactivation (SPEC Art. 3.6) through the API: the person requests it from the webmail and
 * keeps signing in to hand over; the checklist (important mail, successor, forwarding,
 * auto-reply, export) must be complete or waived by the department admin with a reason before
 * the unit admin can complete; then sign-in ends, mail goes to the successor for the handover
 * window and is refused afterwards; after the retention period the purge job deletes the mail
 * (blob references released), the credentials and the personal data, and leaves the audit record.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../../governance/audit/audit-log.js';
import { ManualClock } from '../../../platform/clock.js';
import type { Role } from '../../../storage/database.js';
import { createTestHttp, TEST_PASSWORD, type TestHttp } from '../../test-app.js';
import { buildMail, deliver, newestMessageId, signIn, type ApiClient } from '../../test-webmail.js';

const DAY = 24 * 60 * 60 * 1000;
let t: TestHttp;
let clock: ManualClock;
const ids: Record<string, number> = {};

async function person(address: string, name: string, unitCode: string, roles: Role[] = ['staff']) {
  const account = await t.services.directory.createAccount({ address, displayName: name, unitCode, password: TEST_PASSWORD, roles }, { address: 'system', via: 'cli' });
  ids[address.split('@')[0]!] = account.id;
  return account;
}

beforeEach(async () => {
  clock = new ManualClock(Date.parse('2026-11-29T02:00:00Z'));
  t = await createTestHttp({ clock });
  const actor = { address: 'system', via: 'cli' } as const;
  await t.services.directory.createUnit({ code: 'czj', name: '财政局', parentCode: 'hn', contactAddress: 'czj-office@haining.gov.cn' }, actor);
  await t.services.directory.createUnit({ code: 'jyj', name: '教育局', parentCode: 'hn' }, actor);
  await person('admin@haining.gov.cn', '系统管理员', 'hn', ['dept_admin']);
  await person('czadmin@haining.gov.cn', '财政管理员', 'czj', ['unit_admin']);
  await person('jyadmin@haining.gov.cn', '教育管理员', 'jyj', ['unit_admin']);
  await person('liuyang@haining.gov.cn', '刘洋', 'czj');
  await person('zhoumin@haining.gov.cn', '周敏', 'czj');
});
afterEach(async () => {
  await t.close();
});

const important = (subject: string, messageId: string) =>
  buildMail({ to: ['liuyang@haining.gov.cn'], subject, text: '请确认', headers: { 'X-Govmail-Importance': 'confirm', 'Message-ID': messageId } });

function item(body: { checklist: { item: string; status: string }[] }, name: string): string | undefined {
  return body.checklist.find((c) => c.item === name)?.status;
}

/** Requests deactivation as the person and returns their client and the deactivation id. */
async function requestAsPerson(): Promise<{ me: ApiClient; id: number }> {
  const me = await signIn(t, 'liuyang@haining.gov.cn');
  const response = await me.post('/api/account/deactivation', { reason: '调离财政局' });
  expect(response.statusCode).toBe(201);
  return { me, id: response.json().id as number };
}

/** The person does every item of the handover themselves. */
async function handOver(me: ApiClient): Promise<void> {
  const inboxId = await newestMessageId(t, ids.liuyang!);
  expect((await me.post(`/api/messages/${inboxId}/confirm`, { kind: 'done' })).statusCode).toBe(200);
  expect((await me.patch('/api/account/deactivation/handover', { successorAddress: 'zhoumin@haining.gov.cn', forwardDays: 30 })).statusCode).toBe(200);
  const settings = await me.patch('/api/settings', { autoReply: { enabled: true, subject: '已调离', body: '本人已调离财政局，工作由周敏接替：zhoumin@haining.gov.cn', from: null, until: null } });
  expect(settings.statusCode).toBe(200);
  expect((await me.post('/api/account/exports')).statusCode).toBe(201);
}

describe('request', () => {
  it('the person requests it and keeps signing in for the handover', async () => {
    await deliver(t, await important('重要通知', '<imp-1@haining.gov.cn>'), ['liuyang@haining.gov.cn']);
    const { me, id } = await requestAsPerson();
    expect((await t.services.directory.getAccount('liuyang@haining.gov.cn')).state).toBe('deactivating');
    // Still signed in, and may sign in anew (web and the mail protocols).
    expect((await me.get('/api/settings')).statusCode).toBe(200);
    await signIn(t, 'liuyang@haining.gov.cn');
    expect((await t.services.auth.authenticate({ login: 'liuyang@haining.gov.cn', password: TEST_PASSWORD, protocol: 'imap' })).ok).toBe(true);

    const view = (await me.get('/api/account/deactivation')).json();
    expect(view.defaultForwardDays).toBe(90);
    expect(view.deactivation).toMatchObject({ id, state: 'in_progress', selfRequested: true, reason: '调离财政局' });
    expect(view.deactivation.checklist.map((c: { item: string; status: string }) => [c.item, c.status])).toEqual([
      ['important_mail', 'open'],
      ['successor', 'open'],
      ['forwarding', 'open'],
      ['auto_reply', 'open'],
      ['export', 'open'],
    ]);
    expect(view.deactivation.checklist[0].detail.unconfirmed).toBe(1);
    // The unit admin is told by mail (they complete it).
    const notice = await t.services.db
      .selectFrom('messages')
      .innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id')
      .select('messages.subject')
      .where('mailboxes.account_id', '=', ids.czadmin!)
      .execute();
    expect(notice.map((m) => m.subject)).toEqual(['账号注销申请：刘洋（liuyang@haining.gov.cn）']);
    // A second request while one is in progress is an illegal transition.
    expect((await me.post('/api/account/deactivation', { reason: '再次申请' })).statusCode).toBe(409);
  });

  it('the unit admin may request it for their people, not for another unit’s', async () => {
    const admin = await signIn(t, 'jyadmin@haining.gov.cn');
    expect((await admin.post(`/api/console/accounts/${ids.liuyang}/deactivation`, { reason: '离职' })).statusCode).toBe(404);
    const own = await signIn(t, 'czadmin@haining.gov.cn');
    const response = await own.post(`/api/console/accounts/${ids.liuyang}/deactivation`, { reason: '离职', successorAddress: 'zhoumin@haining.gov.cn' });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ selfRequested: false, forwardDays: 90, successor: { address: 'zhoumin@haining.gov.cn' } });
  });

  it('a successor must be an active account other than the person', async () => {
    const { me } = await requestAsPerson();
    for (const successorAddress of ['liuyang@haining.gov.cn', 'nobody@haining.gov.cn']) {
      const response = await me.patch('/api/account/deactivation/handover', { successorAddress, forwardDays: 30 });
      expect(response.statusCode).toBe(400);
    }
  });

  it('the person may cancel while in progress', async () => {
    const { me } = await requestAsPerson();
    expect((await me.post('/api/account/deactivation/cancel', { reason: '调动取消' })).json().state).toBe('cancelled');
    expect((await t.services.directory.getAccount('liuyang@haining.gov.cn')).state).toBe('active');
  });
});

describe('handover checklist and completion', () => {
  it('completion is refused while items are open; waivers are the department admin’s, with a reason', async () => {
    await deliver(t, await important('重要通知', '<imp-2@haining.gov.cn>'), ['liuyang@haining.gov.cn']);
    const { me, id } = await requestAsPerson();
    const unitAdmin = await signIn(t, 'czadmin@haining.gov.cn');

    const refused = await unitAdmin.post(`/api/console/deactivations/${id}/complete`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('deactivation.handover_incomplete');
    expect(refused.json().error.issues.map((i: { path: string }) => i.path)).toEqual(['important_mail', 'successor', 'forwarding', 'auto_reply', 'export']);

    // Staff cannot complete their own; the unit admin cannot waive; a waiver needs a reason.
    expect((await me.post(`/api/console/deactivations/${id}/complete`)).statusCode).toBe(403);
    expect((await unitAdmin.post(`/api/console/deactivations/${id}/waive`, { item: 'export', reason: '无需导出' })).statusCode).toBe(403);
    const deptAdmin = await signIn(t, 'admin@haining.gov.cn');
    expect((await deptAdmin.post(`/api/console/deactivations/${id}/waive`, { item: 'export' })).statusCode).toBe(400);
    expect((await deptAdmin.post(`/api/console/deactivations/${id}/waive`, { item: 'nonsense', reason: '原因' })).statusCode).toBe(400);

    const waived = await deptAdmin.post(`/api/console/deactivations/${id}/waive`, { item: 'export', reason: '邮件已由单位统一归档' });
    expect(waived.statusCode).toBe(200);
    expect(item(waived.json(), 'export')).toBe('waived');
    expect(waived.json().checklist.find((c: { item: string }) => c.item === 'export').waiver).toMatchObject({ reason: '邮件已由单位统一归档', by: 'admin@haining.gov.cn' });
    const audit = await t.services.db.selectFrom('audit_log').selectAll().where('action', '=', 'account.handover_waive').executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details)).toMatchObject({ item: 'export', reason: '邮件已由单位统一归档' });

    // Still refused: the other four are open.
    const still = await unitAdmin.post(`/api/console/deactivations/${id}/complete`);
    expect(still.json().error.issues.map((i: { path: string }) => i.path)).toEqual(['important_mail', 'successor', 'forwarding', 'auto_reply']);
    expect((await t.services.directory.getAccount('liuyang@haining.gov.cn')).state).toBe('deactivating');
  });

  it('the auditor may read it but changes nothing', async () => {
    await person('shenji@haining.gov.cn', '审计员', 'hn', ['auditor']);
    const { id } = await requestAsPerson();
    const auditor = await signIn(t, 'shenji@haining.gov.cn');
    expect((await auditor.get(`/api/console/deactivations/${id}`)).statusCode).toBe(200);
    const attempts = [
      auditor.post(`/api/console/deactivations/${id}/complete`),
      auditor.post(`/api/console/deactivations/${id}/waive`, { item: 'export', reason: '审计' }),
      auditor.post(`/api/console/deactivations/${id}/cancel`, { reason: '审计' }),
      auditor.patch(`/api/console/deactivations/${id}/handover`, { successorAddress: 'zhoumin@haining.gov.cn', forwardDays: 10 }),
      auditor.post(`/api/console/accounts/${ids.zhoumin}/deactivation`, { reason: '审计' }),
    ];
    for (const response of await Promise.all(attempts)) expect(response.statusCode).toBe(403);
    expect(await t.services.db.selectFrom('handover_waivers').selectAll().execute()).toEqual([]);
    expect((await t.services.directory.getAccount('zhoumin@haining.gov.cn')).state).toBe('active');
  });

  it('the unit admin of another unit sees nothing of it', async () => {
    const { id } = await requestAsPerson();
    const other = await signIn(t, 'jyadmin@haining.gov.cn');
    expect((await other.get(`/api/console/deactivations/${id}`)).statusCode).toBe(404);
    expect((await other.post(`/api/console/deactivations/${id}/complete`)).statusCode).toBe(404);
    expect((await other.get('/api/console/deactivations')).json()).toEqual([]);
    const own = await signIn(t, 'czadmin@haining.gov.cn');
    const list = (await own.get('/api/console/deactivations')).json();
    expect(list.map((d: { id: number }) => d.id)).toEqual([id]);
  });

  it('complete: account disabled, sessions ended, mail to the successor for the window, then refused naming the unit contact', async () => {
    await deliver(t, await important('重要通知', '<imp-3@haining.gov.cn>'), ['liuyang@haining.gov.cn']);
    const { me, id } = await requestAsPerson();
    await handOver(me);
    const ready = (await me.get('/api/account/deactivation')).json().deactivation;
    expect(ready.checklist.map((c: { status: string }) => c.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(ready.ready).toBe(true);

    const unitAdmin = await signIn(t, 'czadmin@haining.gov.cn');
    const done = await unitAdmin.post(`/api/console/deactivations/${id}/complete`);
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ state: 'completed', completedBy: 'czadmin@haining.gov.cn', forwardUntil: clock.now() + 30 * DAY, purgeAfter: clock.now() + 180 * DAY });
    expect((await t.services.directory.getAccount('liuyang@haining.gov.cn')).state).toBe('deactivated');
    expect((await me.get('/api/settings')).statusCode).toBe(401);
    const web = await t.app.inject({ method: 'POST', url: '/api/session', payload: { address: 'liuyang@haining.gov.cn', password: TEST_PASSWORD } });
    expect(web.json().error.code).toBe('auth.disabled');

    expect(await t.services.delivery.resolver.resolve('liuyang@haining.gov.cn')).toEqual({ kind: 'local', accountIds: [ids.zhoumin], via: 'handover', handoverFrom: ids.liuyang });
    const report = await deliver(t, await buildMail({ to: ['liuyang@haining.gov.cn'], subject: '给刘洋的工作函', text: '请处理' }), ['liuyang@haining.gov.cn']);
    expect(report.deliveredTo).toEqual([ids.zhoumin]);
    const successorInbox = await t.services.mail.listMessages(ids.zhoumin!, (await t.services.mail.getMailbox(ids.zhoumin!, 'INBOX')).id);
    expect(successorInbox.map((m) => m.subject)).toEqual(['工作交接：刘洋（liuyang@haining.gov.cn）的邮件将转给您', '给刘洋的工作函']);
    // The person's own out-of-office reply still answers the sender (once).
    const replies = await t.services.db.selectFrom('outbound_queue').select(['recipient', 'blob_hash']).where('recipient', '=', 'someone@example.com').execute();
    expect(replies).toHaveLength(1);
    expect((await t.services.blobs.get(replies[0]!.blob_hash)).toString('utf8')).toContain('liuyang@haining.gov.cn');
    clock.advance(30 * DAY + 1);
    expect(await t.services.delivery.resolver.resolve('liuyang@haining.gov.cn')).toEqual({ kind: 'inactive-local', state: 'deactivated' });

    const audit = await t.services.db.selectFrom('audit_log').selectAll().where('action', '=', 'account.lifecycle.complete_deactivation').executeTakeFirstOrThrow();
    expect(audit.actor).toBe('czadmin@haining.gov.cn');
  });
});

describe('export', () => {
  it('the final export is an mbox of every folder with the messages in it', async () => {
    await deliver(t, await buildMail({ to: ['liuyang@haining.gov.cn'], subject: '预算编制通知', text: 'From the budget office\n正文第二行' }), ['liuyang@haining.gov.cn']);
    await deliver(t, await buildMail({ to: ['liuyang@haining.gov.cn'], subject: '会议纪要', text: '纪要' }), ['liuyang@haining.gov.cn']);
    const me = await signIn(t, 'liuyang@haining.gov.cn');
    const sent = await me.post('/api/send', { to: ['zhoumin@haining.gov.cn'], subject: '交接清单', html: '<p>交接</p>' });
    expect([200, 201, 202]).toContain(sent.statusCode);

    const created = await me.post('/api/account/exports');
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ format: 'mbox', messages: 3, available: true });
    const download = await me.get(`/api/account/exports/${created.json().id}/download`);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/mbox');
    expect(download.headers['content-disposition']).toContain('attachment');
    const text = download.rawPayload.toString('latin1');
    expect(text.match(/^From \S+ \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/gm)).toHaveLength(3);
    expect(text).toContain('X-Govmail-Folder: INBOX');
    expect(text).toMatch(/^>From the budget office$/m);
    // Split on the From lines and parse each entry back: the subjects and folders are all there.
    const entries = text.split(/^From \S+ .*\n/m).filter((e) => e.length > 0);
    expect(entries).toHaveLength(3);
    const parsed = await Promise.all(entries.map((e) => simpleParser(Buffer.from(e.replace(/^>(>*From )/gm, '$1'), 'latin1'))));
    expect(parsed.map((p) => p.subject).sort()).toEqual(['交接清单', '会议纪要', '预算编制通知'].sort());
    expect(parsed.map((p) => p.headers.get('x-govmail-folder')).sort()).toEqual(['INBOX', 'INBOX', 'Sent']);
    expect(parsed.find((p) => p.subject === '预算编制通知')!.text).toContain('From the budget office');
    expect(download.rawPayload.length).toBe(created.json().size);

    // Someone else cannot download it.
    const other = await signIn(t, 'zhoumin@haining.gov.cn');
    expect((await other.get(`/api/account/exports/${created.json().id}/download`)).statusCode).toBe(404);
    const audit = await t.services.db.selectFrom('audit_log').selectAll().where('action', '=', 'mailbox.export').executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details)).toMatchObject({ messages: 3 });
  });
});

describe('purge after retention', () => {
  it('deletes mail (blob references released), credentials and personal data; leaves the audit record', async () => {
    // One notice shared with the successor (the blob stays), one message only the person holds.
    const shared = await deliver(t, await buildMail({ to: ['liuyang@haining.gov.cn', 'zhoumin@haining.gov.cn'], subject: '全局通知', text: '通知' }), ['liuyang@haining.gov.cn', 'zhoumin@haining.gov.cn']);
    const own = await deliver(t, await buildMail({ to: ['liuyang@haining.gov.cn'], subject: '个人来信', text: '私人' }), ['liuyang@haining.gov.cn']);
    await deliver(t, await important('重要通知', '<imp-4@haining.gov.cn>'), ['liuyang@haining.gov.cn']);
    // The application the account came from, with its scanned work ID (personal data).
    const scanDir = path.join(t.dataDir, 'applications');
    const scan = `${'ab'.repeat(16)}.png`;
    await mkdir(scanDir, { recursive: true });
    await writeFile(path.join(scanDir, scan), 'scan');
    const czj = await t.services.directory.getUnit('czj');
    await t.services.db
      .insertInto('account_applications')
      .values({ tracking_code: 'TEST-CODE-0001', state: 'allocated', display_name: '刘洋', unit_id: czj.id, title: '科员', work_id: 'CZ-1', mobile: '13800138000', reason: '工作需要', document_file: scan, document_type: 'image/png', document_name: '工作证.png', document_size: 4, regulation_version: 'v', regulation_accepted_at: clock.now(), reviewed_by: null, reviewed_at: null, reject_reason: null, account_id: ids.liuyang!, ip: '192.0.2.9', created_at: clock.now(), updated_at: clock.now() })
      .execute();
    const { me, id } = await requestAsPerson();
    await handOver(me);
    const exportRow = await t.services.db.selectFrom('mailbox_exports').selectAll().where('account_id', '=', ids.liuyang!).executeTakeFirstOrThrow();
    const exportPath = `${t.services.deactivation.exporter.dir}/${exportRow.file}`;
    expect(existsSync(exportPath)).toBe(true);
    // A sender answered by the out-of-office reply is remembered (auto_reply_log) until the purge.
    await deliver(t, await buildMail({ to: ['liuyang@haining.gov.cn'], subject: '来函', text: '请回复' }), ['liuyang@haining.gov.cn']);
    expect(await t.services.db.selectFrom('auto_reply_log').select('sender').where('account_id', '=', ids.liuyang!).execute()).toHaveLength(1);
    const admin = await signIn(t, 'czadmin@haining.gov.cn');
    expect((await admin.post(`/api/console/deactivations/${id}/complete`)).statusCode).toBe(200);

    // Not before the retention period ends.
    clock.advance(179 * DAY);
    expect(await t.services.deactivation.purgeDue()).toBe(0);
    expect((await t.services.directory.getAccount('liuyang@haining.gov.cn')).state).toBe('deactivated');

    clock.advance(1 * DAY + 1);
    expect(await t.services.deactivation.purgeDue()).toBe(1);
    const account = await t.services.directory.getAccount('liuyang@haining.gov.cn');
    expect(account).toMatchObject({ state: 'purged', display_name: '已注销用户', pinyin: '', password_hash: null, used_bytes: 0 });
    expect(await t.services.db.selectFrom('mailboxes').select('id').where('account_id', '=', account.id).execute()).toHaveLength(0);
    expect(await t.services.db.selectFrom('webmail_settings').select('account_id').where('account_id', '=', account.id).execute()).toHaveLength(0);
    expect(await t.services.db.selectFrom('auto_reply_log').select('sender').where('account_id', '=', account.id).execute()).toHaveLength(0);

    const blob = (hash: string) => t.services.db.selectFrom('blobs').selectAll().where('hash', '=', hash).executeTakeFirst();
    expect((await blob(shared.blobHash))?.ref_count).toBe(1);
    expect(await t.services.blobs.has(shared.blobHash)).toBe(true);
    expect(await blob(own.blobHash)).toBeUndefined();
    expect(await t.services.blobs.has(own.blobHash)).toBe(false);
    expect(existsSync(exportPath)).toBe(false);
    expect(existsSync(path.join(scanDir, scan))).toBe(false);
    expect(await t.services.db.selectFrom('account_applications').select(['display_name', 'work_id', 'mobile', 'document_file', 'ip']).where('account_id', '=', account.id).executeTakeFirst()).toEqual({ display_name: '已注销用户', work_id: '', mobile: '', document_file: null, ip: null });
    // The successor's copy is untouched.
    const kept = await t.services.mail.listMessages(ids.zhoumin!, (await t.services.mail.getMailbox(ids.zhoumin!, 'INBOX')).id);
    expect(kept.map((m) => m.subject)).toContain('全局通知');

    const audit = await t.services.db.selectFrom('audit_log').selectAll().where('action', '=', 'account.lifecycle.purge').executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor: 'system', target: 'liuyang@haining.gov.cn' });
    expect(JSON.parse(audit.details)).toMatchObject({ from: 'deactivated', to: 'purged', messages: 4, exportFiles: 1, applicationScans: 1 });
    expect((await verifyAuditChain(t.services.db)).ok).toBe(true);
    // A second run finds nothing; the address is refused for good.
    expect(await t.services.deactivation.purgeDue()).toBe(0);
    expect(await t.services.delivery.resolver.resolve('liuyang@haining.gov.cn')).toEqual({ kind: 'inactive-local', state: 'purged' });
  });
});
