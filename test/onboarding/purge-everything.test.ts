/**
 * The purge after retention removes everything personal (SPEC Art. 3.6; issue 5): after
 * `purgeDue()` no row of any table refers to the purged account's id, except the audit log
 * (append-only) and the tombstone (TOMBSTONE_TABLES: the account row, its life-cycle story, the
 * blanked application). The tables are enumerated from the live schema — every foreign key to
 * `accounts` and every column named `account_id`/`*_account_id` — so a table added later is
 * checked by this same test: it fails until the purge (PURGED_TABLES / DETACHED_COLUMNS) or the
 * tombstone list names it.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DETACHED_COLUMNS, PURGED_TABLES, TOMBSTONE_TABLES } from '../../server/governance/accounts/deactivation.js';
import { verifyAuditChain } from '../../server/governance/audit/audit-log.js';
import { ManualClock } from '../../server/platform/clock.js';
import type { Db } from '../../server/storage/connect.js';
import { createTempServices, seedPerson, SYSTEM_ACTOR, type TempServices } from '../helpers/temp-services.js';

const DAY = 86_400_000;
let t: TempServices;
let clock: ManualClock;

beforeEach(async () => {
  clock = new ManualClock(Date.parse('2026-11-29T02:00:00Z'));
  t = await createTempServices({ clock });
});
afterEach(async () => {
  await t.cleanup();
});

/** Every (table, column) of the schema that holds an account id. */
async function accountColumns(db: Db): Promise<{ table: string; column: string }[]> {
  const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(db);
  const out: { table: string; column: string }[] = [];
  for (const { name } of tables.rows) {
    const columns = await sql<{ name: string }>`select name from pragma_table_info(${name})`.execute(db);
    const foreign = await sql<{ table: string; from: string }>`select "table", "from" from pragma_foreign_key_list(${name})`.execute(db);
    const refs = new Set(foreign.rows.filter((f) => f.table === 'accounts').map((f) => f.from));
    for (const c of columns.rows) if (refs.has(c.name) || c.name === 'account_id' || c.name.endsWith('_account_id')) out.push({ table: name, column: c.name });
    if (name === 'accounts') out.push({ table: name, column: 'id' });
  }
  return out;
}

async function rowsReferring(db: Db, id: number): Promise<{ table: string; column: string; rows: number }[]> {
  const found: { table: string; column: string; rows: number }[] = [];
  for (const { table, column } of await accountColumns(db)) {
    const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)} where ${sql.ref(column)} = ${id}`.execute(db);
    if (Number(rows[0]!.n) > 0) found.push({ table, column, rows: Number(rows[0]!.n) });
  }
  return found;
}

const ins = (db: Db, table: string, values: Record<string, unknown>) => db.insertInto(table as never).values(values as never).execute();

describe('purge after retention', () => {
  it('every table is either purged, detached, the tombstone or the audit log', async () => {
    const purged = new Set<string>(PURGED_TABLES.map((table) => `${table}.account_id`));
    const detached = new Set<string>(DETACHED_COLUMNS.map(([table, column]) => `${table}.${column}`));
    const tombstone = new Set(Object.entries(TOMBSTONE_TABLES).flatMap(([table, columns]) => columns.map((c) => `${table}.${c}`)));
    const unhandled = (await accountColumns(t.services.db))
      .map(({ table, column }) => `${table}.${column}`)
      .filter((key) => !purged.has(key) && !detached.has(key) && !tombstone.has(key) && key !== 'audit_log.actor_account_id');
    // Handled elsewhere in the purge: mailboxes (MailStore.purgeAccountMail), receipts addressed
    // to the person (deleted), others' deactivations naming the person (detached).
    expect(unhandled.sort()).toEqual(['account_deactivations.successor_account_id', 'important_receipts.recipient_account_id', 'mailboxes.account_id']);
  });

  it('leaves no row referring to the account except the audit log and the tombstone', async () => {
    const { services } = t;
    const db = services.db;
    const now = clock.now();
    const person = await seedPerson(services, { address: 'liuyang@haining.gov.cn', displayName: '刘洋' });
    const other = await seedPerson(services, { address: 'zhoumin@haining.gov.cn', displayName: '周敏' });
    const unitId = person.unit_id;
    // The person's own rows, one in each personal table.
    await ins(db, 'web_sessions', { token_hash: 'a'.repeat(64), account_id: person.id, csrf_token: 'c', ip: '192.0.2.1', user_agent: 'ua', created_at: now, last_seen_at: now });
    await ins(db, 'activation_tokens', { account_id: person.id, token_hash: 'b'.repeat(64), issued_by: 'admin', created_at: now, expires_at: now + DAY });
    await ins(db, 'webmail_settings', { account_id: person.id, signature_html: '<p>刘洋</p>', language: 'zh-CN', auto_reply_enabled: 0, auto_reply_subject: '', auto_reply_body: '', updated_at: now });
    await ins(db, 'remote_image_senders', { account_id: person.id, sender: 'news@example.com', created_at: now });
    await ins(db, 'auto_reply_log', { account_id: person.id, sender: 'x@example.com', sent_at: now });
    await services.directory.addAlias('ly@haining.gov.cn', person.address, true, SYSTEM_ACTOR);
    await ins(db, 'distribution_lists', { address: 'all@haining.gov.cn', display_name: '全体', unit_id: unitId, include_sub_units: 1, created_at: now });
    const list = await db.selectFrom('distribution_lists').select('id').executeTakeFirstOrThrow();
    await ins(db, 'list_members', { list_id: list.id, account_id: person.id });
    await ins(db, 'account_profiles', { account_id: person.id, work_id: 'CZ-1', mobile: '13800138000', id_card_hash: 'h', application_id: null, updated_at: now });
    await ins(db, 'auth_failures', { account_id: person.id, login: person.address, ip: '192.0.2.1', at: now });
    await ins(db, 'account_totp', { account_id: person.id, secret: 'JBSWY3DPEHPK3PXP', enabled_at: now, created_at: now });
    await ins(db, 'recovery_codes', { account_id: person.id, code_hash: 'r', created_at: now });
    await ins(db, 'app_passwords', { account_id: person.id, name: 'Foxmail', password_hash: 'p', created_at: now });
    await ins(db, 'known_devices', { account_id: person.id, ip: '192.0.2.1', client: 'Foxmail', first_seen_at: now, last_seen_at: now });
    await ins(db, 'password_reset_tokens', { account_id: person.id, token_hash: 'c'.repeat(64), created_by: 'admin', reason: 'r', created_at: now, expires_at: now + DAY });
    await ins(db, 'password_reminders', { account_id: person.id, days_before: 7, password_changed_at: now, sent_at: now });
    await ins(db, 'forced_password_resets', { account_id: person.id, incident_id: null, required_by: 'security', reason: 'r', required_at: now });
    await ins(db, 'sm_keys', { account_id: person.id, public_key: '04ab', passphrase_blob: '{}', recovery_blob: '{}', created_at: now, updated_at: now });
    await ins(db, 'mailbox_exports', { account_id: person.id, format: 'mbox', file: null, messages: 0, size: 0, sha256: 'x', requested_by: person.address, created_at: now });
    // Rows of others that name the person.
    await ins(db, 'important_receipts', { message_id: '<a@x>', sender_account_id: other.id, recipient_account_id: person.id, created_at: now });
    await ins(db, 'important_receipts', { message_id: '<b@x>', sender_account_id: person.id, recipient_account_id: other.id, created_at: now });
    await ins(db, 'incidents', { kind: 'phishing', state: 'reported', reporter_account_id: person.id, reporter_address: person.address, owner_account_id: person.id, subject_account_id: person.id, description: 'd', state_entered_at: now, created_at: now, updated_at: now });
    const incident = await db.selectFrom('incidents').select('id').executeTakeFirstOrThrow();
    await ins(db, 'incident_events', { incident_id: incident.id, at: now, actor: person.address, actor_account_id: person.id, kind: 'note', details: '{}' });
    await ins(db, 'security_events', { kind: 'outbound.blocked', account_id: person.id, account: person.address, details: '{}', at: now });
    await ins(db, 'content_rules', { unit_id: unitId, name: 'n', kind: 'keyword', pattern: 'p', action: 'warn', enabled: 1, created_by: person.id, created_at: now, updated_at: now });
    await ins(db, 'blobs', { hash: 'f'.repeat(64), size: 1, ref_count: 2, created_at: now });
    await ins(db, 'outbound_holds', { status: 'pending', envelope_from: person.address, recipients: '[]', blob_hash: 'f'.repeat(64), size: 1, submitted_by: person.id, protocol: 'web', findings: '[]', decided_by: person.id, created_at: now });
    await ins(db, 'outbound_queue', { envelope_from: person.address, recipient: 'a@example.com', blob_hash: 'f'.repeat(64), status: 'sent', attempts: 1, next_attempt_at: now, submitted_by: person.id, created_at: now, updated_at: now });
    await ins(db, 'quarantine', { status: 'released', envelope_from: 'a@example.com', recipients: '[]', size: 1, verdict: 'quarantine', score: 1, findings: '[]', created_at: now, decided_by: person.id });
    await ins(db, 'account_applications', { tracking_code: 'AAAA-BBBB-CCCC', state: 'approved', display_name: '某人', unit_id: unitId, title: 't', work_id: 'w', mobile: 'm', reason: 'r', regulation_version: 'v', regulation_accepted_at: now, reviewed_by: person.id, created_at: now, updated_at: now });
    await ins(db, 'account_applications', { tracking_code: 'DDDD-EEEE-FFFF', state: 'allocated', display_name: '刘洋', unit_id: unitId, title: '科员', work_id: 'CZ-1', mobile: '13800138000', reason: '工作需要', regulation_version: 'v', regulation_accepted_at: now, account_id: person.id, ip: '192.0.2.9', created_at: now, updated_at: now });
    // The person acted as an admin on the other's life cycle, and is the other's successor.
    await services.lifecycle.transition(other, 'lock', { actor: { address: person.address, accountId: person.id, via: 'web' }, reason: '测试' });
    await ins(db, 'account_deactivations', { account_id: other.id, state: 'in_progress', from_state: 'locked', requested_by: person.address, requested_by_account_id: person.id, reason: 'r', successor_account_id: person.id, created_at: now, updated_at: now });
    const otherDeactivation = await db.selectFrom('account_deactivations').select('id').executeTakeFirstOrThrow();
    await ins(db, 'handover_waivers', { deactivation_id: otherDeactivation.id, item: 'export', reason: 'r', waived_by: person.address, waived_by_account_id: person.id, waived_at: now });
    // The person's own deactivation, completed, past retention.
    await services.lifecycle.transition(person, 'request_deactivation', { actor: { address: person.address, accountId: person.id, via: 'web' }, reason: '调离' });
    await services.lifecycle.transition({ ...person, state: 'deactivating' }, 'complete_deactivation', { actor: SYSTEM_ACTOR, reason: '交接完成' });
    await ins(db, 'account_deactivations', { account_id: person.id, state: 'completed', from_state: 'active', requested_by: person.address, requested_by_account_id: person.id, reason: '调离', successor_account_id: other.id, forward_days: 30, forward_until: now + 30 * DAY, purge_after: now + 180 * DAY, completed_at: now, created_at: now, updated_at: now });

    const before = await rowsReferring(db, person.id);
    const keys = (list: { table: string; column: string }[]) => list.map((r) => `${r.table}.${r.column}`).sort();
    // The fixture covers every account column of the schema except the other person's own.
    const all = keys(await accountColumns(db)).filter((k) => k !== 'audit_log.actor_account_id');
    expect(all.filter((k) => !keys(before).includes(k))).toEqual([]);

    clock.advance(181 * DAY);
    expect(await services.deactivation.purgeDue()).toBe(1);

    const after = await rowsReferring(db, person.id);
    const allowed = new Set(['audit_log.actor_account_id', ...Object.entries(TOMBSTONE_TABLES).flatMap(([table, columns]) => columns.map((c) => `${table}.${c}`))]);
    expect(keys(after).filter((k) => !allowed.has(k))).toEqual([]);
    // The tombstone holds nothing personal.
    expect(await db.selectFrom('accounts').select(['state', 'display_name', 'pinyin', 'title', 'password_hash']).where('id', '=', person.id).executeTakeFirst()).toEqual({ state: 'purged', display_name: '已注销用户', pinyin: '', title: null, password_hash: null });
    expect(await db.selectFrom('account_applications').select(['display_name', 'work_id', 'mobile', 'ip']).where('account_id', '=', person.id).execute()).toEqual([{ display_name: '已注销用户', work_id: '', mobile: '', ip: null }]);
    // Other people's rows stayed, only unlinked.
    expect(await db.selectFrom('important_receipts').select(['message_id', 'sender_account_id']).execute()).toEqual([{ message_id: '<b@x>', sender_account_id: null }]);
    expect(await db.selectFrom('incidents').select(['reporter_address', 'reporter_account_id']).execute()).toEqual([{ reporter_address: person.address, reporter_account_id: null }]);
    expect(await db.selectFrom('account_deactivations').select(['account_id', 'successor_account_id', 'requested_by_account_id']).where('account_id', '=', other.id).execute()).toEqual([{ account_id: other.id, successor_account_id: null, requested_by_account_id: null }]);
    expect(await db.selectFrom('app_passwords').select('id').execute()).toEqual([]);
    // The audit log is untouched and intact, with the purge row.
    expect((await verifyAuditChain(db)).ok).toBe(true);
    expect(await db.selectFrom('audit_log').select('id').where('action', '=', 'account.lifecycle.purge').where('target', '=', person.address).execute()).toHaveLength(1);
  });
});
