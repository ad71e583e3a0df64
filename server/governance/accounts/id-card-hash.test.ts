/**
 * ID-card numbers hashed with a server secret (issue 5): new profiles hold HMAC-SM3 under a key
 * kept apart from the database, not the unsalted SHA-256 a dictionary of the ~10^9 valid numbers
 * reverses; legacy rows still match once and are upgraded; the key comes from the environment, a
 * key file, the blob keyring, or a generated 0600 file under <dataDir>/secrets.
 */
import { createHmac } from 'node:crypto';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { BlobKeyring } from '../../storage/blob-keyring.js';
import { dataDirIdKeyFile } from '../../storage/server-secrets.js';
import { createTempServices, makeTempDir, SYSTEM_ACTOR, type TempServices } from '../../../test/helpers/temp-services.js';
import { importSheet, toSheetRows } from './bulk-import.js';
import { idCardCheckChar } from './id-card.js';
import { legacyIdCardHash } from './id-card-hash.js';

const idCard = (birth: string, seq: string) => {
  const first17 = `330481${birth}${seq}`;
  return first17 + idCardCheckChar(first17);
};
const hmacSm3 = (key: Buffer, number: string) => createHmac('sm3', key).update(`govmail-id-card:${number}`).digest('hex');

let t: TempServices | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

async function roster(services: TempServices['services'], lines: string[], apply: boolean) {
  const unitIds = new Set((await services.directory.listUnits()).map((u) => u.id));
  return importSheet({ db: services.db, onboarding: services.onboarding, now: () => services.clock.now() }, toSheetRows([['姓名', '单位', '职务', '工作证号', '身份证号', '手机'], ...lines.map((l) => l.split(','))]), {
    allowedUnitIds: unitIds,
    apply,
    who: SYSTEM_ACTOR,
  });
}

async function withUnit(overrides: Parameters<typeof createTempServices>[0] = {}) {
  t = await createTempServices(overrides);
  await t.services.directory.createUnit({ code: 'hn', name: '海宁市' }, SYSTEM_ACTOR);
  return t.services;
}

describe('ID-card keyed hash', () => {
  it('a new profile stores HMAC-SM3 under the generated 0600 data-directory key, never the unsalted hash', async () => {
    const services = await withUnit();
    const number = idCard('19900307', '123');
    const report = await roster(services, [`陈静,hn,科员,CZ-001,${number},13900001111`], true);
    expect(report.created).toBe(1);
    const profile = await services.db.selectFrom('account_profiles').select(['id_card_hash', 'id_card_hash_scheme']).executeTakeFirstOrThrow();
    const keyFile = dataDirIdKeyFile(t!.dataDir);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'hex');
    expect(key).toHaveLength(32);
    expect(profile).toEqual({ id_card_hash: hmacSm3(key, number), id_card_hash_scheme: 'hmac-sm3' });
    // A dictionary over the database alone finds nothing: the legacy hash of the number is absent.
    expect(await services.db.selectFrom('account_profiles').select('account_id').where('id_card_hash', '=', legacyIdCardHash(number)).execute()).toEqual([]);
    // The same person again is found as a duplicate.
    const again = await roster(services, [`陈静,hn,科员,CZ-009,${number},13900001111`], false);
    expect(again.rows[0]!.errors.map((e) => e.code)).toEqual(['duplicate_existing']);
  });

  it('a legacy SHA-256 row (marked by the migration) still matches once and is upgraded to HMAC-SM3', async () => {
    const services = await withUnit();
    const number = idCard('19800101', '001');
    const old = await services.onboarding.createPendingAccount({ displayName: '老同事', unitId: (await services.directory.getUnit('hn')).id, address: 'laotongshi@haining.gov.cn', workId: 'OLD-1' }, SYSTEM_ACTOR);
    await services.db.updateTable('account_profiles').set({ id_card_hash: legacyIdCardHash(number), id_card_hash_scheme: 'sha256' }).where('account_id', '=', old.id).execute();
    const report = await roster(services, [`老同事,hn,科员,OLD-2,${number.toLowerCase()},13900001111`], false);
    expect(report.rows[0]!.errors.map((e) => e.code)).toEqual(['duplicate_existing']);
    const upgraded = await services.db.selectFrom('account_profiles').select(['id_card_hash', 'id_card_hash_scheme']).where('account_id', '=', old.id).executeTakeFirstOrThrow();
    expect(upgraded).toEqual({ id_card_hash: services.onboarding.idCards.hash(number), id_card_hash_scheme: 'hmac-sm3' });
    expect(upgraded.id_card_hash).not.toBe(legacyIdCardHash(number));
    // And it keeps matching under the new scheme.
    expect(await services.onboarding.idCards.findAccount(services.db, number)).toBe(old.id);
    expect(await services.onboarding.idCards.findAccount(services.db, idCard('19800101', '002'))).toBeNull();
  });

  it('the key from the environment wins; two servers with different keys store different hashes', async () => {
    const envKey = 'ab'.repeat(32);
    const services = await withUnit({ overrides: { idHmac: { key: envKey } } });
    const number = idCard('19900307', '123');
    expect(services.onboarding.idCards.hash(number)).toBe(hmacSm3(Buffer.from(envKey, 'hex'), number));
    const other = await createTempServices();
    try {
      expect(other.services.onboarding.idCards.hash(number)).not.toBe(services.onboarding.idCards.hash(number));
    } finally {
      await other.cleanup();
    }
  });

  it('with a blob keyring the key is derived from it; rows under the earlier data-directory key are upgraded', async () => {
    // First without a keyring: the data-directory key is generated and used.
    const dataDirServices = await withUnit();
    const number = idCard('19900307', '123');
    await roster(dataDirServices, [`陈静,hn,科员,CZ-001,${number},13900001111`], true);
    const dataDirHash = dataDirServices.onboarding.idCards.hash(number);
    const dir = t!.dataDir;
    await dataDirServices.close();
    // Then the same data directory with encryption at rest configured.
    const keyring = BlobKeyring.generate();
    const keyFile = `${makeTempDir('govmail-keyring-')}/keyring.json`;
    const { writeKeyringFile } = await import('../../storage/blob-keyring.js');
    await writeKeyringFile(keyFile, keyring);
    const { createServices } = await import('../../services.js');
    const { loadConfig } = await import('../../config/load.js');
    const services = await createServices(loadConfig({ overrides: { dataDir: dir, logLevel: 'silent', blobEncryption: { keyFile } }, env: {} }));
    try {
      const derived = new BlobKeyring(keyring).deriveSecret('id-card hmac-sm3 v1');
      expect(services.onboarding.idCards.hash(number)).toBe(hmacSm3(derived, number));
      expect(services.onboarding.idCards.hash(number)).not.toBe(dataDirHash);
      const account = await services.db.selectFrom('account_profiles').select('account_id').executeTakeFirstOrThrow();
      expect(await services.onboarding.idCards.findAccount(services.db, number)).toBe(account.account_id);
      expect((await services.db.selectFrom('account_profiles').select('id_card_hash').executeTakeFirstOrThrow()).id_card_hash).toBe(hmacSm3(derived, number));
    } finally {
      await services.close();
    }
  });

  it('the migration marks rows from before as the legacy scheme (they cannot be recomputed)', async () => {
    const { Migrator } = await import('kysely');
    const { createSqliteDatabase } = await import('../../storage/dialects/sqlite.js');
    const { migrationProvider } = await import('../../storage/migrations/index.js');
    const dir = makeTempDir('govmail-migrate-');
    const db = createSqliteDatabase({ file: `${dir}/govmail.sqlite`, busyTimeoutMs: 1000 });
    try {
      const migrator = new Migrator({ db, provider: migrationProvider, allowUnorderedMigrations: true });
      expect((await migrator.migrateTo('2026-11-29-outbound')).error).toBeUndefined();
      await db.insertInto('units').values({ code: 'hn', name: '海宁市', parent_id: null, contact_address: null, created_at: 1 }).execute();
      const unit = await db.selectFrom('units').select('id').executeTakeFirstOrThrow();
      for (const address of ['a@haining.gov.cn', 'b@haining.gov.cn']) {
        await db.insertInto('accounts').values({ address, display_name: 'x', pinyin: '', pinyin_initials: '', unit_id: unit.id, title: null, roles: '["staff"]', state: 'pending_activation', password_hash: null, password_changed_at: null, quota_bytes: 1, used_bytes: 0, lockout_count: 0, locked_until: null, created_at: 1, updated_at: 1 }).execute();
      }
      const [a, b] = await db.selectFrom('accounts').select('id').orderBy('id').execute();
      // Written as the code before this change did (no scheme column yet).
      await db.insertInto('account_profiles' as never).values({ account_id: a!.id, work_id: 'W', id_card_hash: legacyIdCardHash(idCard('19800101', '001')), updated_at: 1 } as never).execute();
      await db.insertInto('account_profiles' as never).values({ account_id: b!.id, work_id: 'W', id_card_hash: null, updated_at: 1 } as never).execute();
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      expect(await db.selectFrom('account_profiles').select(['account_id', 'id_card_hash_scheme']).orderBy('account_id').execute()).toEqual([
        { account_id: a!.id, id_card_hash_scheme: 'sha256' },
        { account_id: b!.id, id_card_hash_scheme: null },
      ]);
    } finally {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
