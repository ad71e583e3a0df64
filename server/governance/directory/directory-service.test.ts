/**
 * The directory: pinyin for the address book, 三员分立, address rules, and how aliases and unit
 * lists resolve for delivery (the resolver the SMTP listener uses).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTempServices, rfc5322, SEED_PASSWORD, seedPerson, SYSTEM_ACTOR, type TempServices } from '../../../test/helpers/temp-services.js';
import type { Services } from '../../services.js';
import { checkRoleSeparation, DirectoryError, pinyinOf } from './directory-service.js';

let temp: TempServices;
let services: Services;

beforeEach(async () => {
  temp = await createTempServices();
  services = temp.services;
});

afterEach(async () => {
  await temp.cleanup();
});

async function directoryError(promise: Promise<unknown>, code: DirectoryError['code']): Promise<DirectoryError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DirectoryError);
  expect((err as DirectoryError).code).toBe(code);
  return err as DirectoryError;
}

describe('pinyin', () => {
  it('张伟 → "zhang wei", initials "zw"', () => {
    expect(pinyinOf('张伟')).toEqual({ full: 'zhang wei', initials: 'zw' });
  });

  it('surname heteronyms read as surnames: 曾 → zeng, 单 → shan', () => {
    expect(pinyinOf('曾伟').full).toBe('zeng wei');
    expect(pinyinOf('单丽').full).toBe('shan li');
    expect(pinyinOf('曾国强')).toEqual({ full: 'zeng guo qiang', initials: 'zgq' });
    expect(pinyinOf('单雄').initials).toBe('sx');
  });

  it('compound surnames and non-Chinese names', () => {
    expect(pinyinOf('欧阳娜娜').full).toBe('ou yang na na');
    expect(pinyinOf('Li Na').full).toMatch(/^[a-z ]+$/);
  });

  it('is stored on the account for the address book', async () => {
    const account = await seedPerson(services, { address: 'zengwei@haining.gov.cn', displayName: '曾伟' });
    expect(account).toMatchObject({ display_name: '曾伟', pinyin: 'zeng wei', pinyin_initials: 'zw' });
  });
});

describe('accounts', () => {
  it('a new account is active with the password, has its default mailboxes, and is audited', async () => {
    const account = await seedPerson(services, { address: 'ZhangWei@Haining.gov.cn', displayName: '张伟' });
    expect(account.address).toBe('zhangwei@haining.gov.cn');
    expect(account.state).toBe('active');
    expect(JSON.parse(account.roles)).toEqual(['staff']);
    expect(account.quota_bytes).toBe(services.config.defaultQuotaBytes);
    expect((await services.mail.listMailboxes(account.id)).map((m) => m.name)).toContain('INBOX');
    const audit = await services.db.selectFrom('audit_log').selectAll().where('action', '=', 'account.create').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ target: 'zhangwei@haining.gov.cn', actor: 'system' });
    expect(await services.auth.authenticate({ login: account.address, password: SEED_PASSWORD, protocol: 'web' })).toMatchObject({ ok: true });
  });

  it('without a password the account waits for activation', async () => {
    await services.directory.createUnit({ code: 'hn', name: '海宁市' }, SYSTEM_ACTOR);
    const account = await services.directory.createAccount({ address: 'lina@haining.gov.cn', displayName: '李娜', unitCode: 'hn' }, SYSTEM_ACTOR);
    expect(account).toMatchObject({ state: 'pending_activation', password_hash: null });
  });

  it('三员分立: an auditor cannot also be an administrator', async () => {
    expect(() => checkRoleSeparation(['auditor', 'dept_admin'])).toThrow(DirectoryError);
    expect(() => checkRoleSeparation(['auditor', 'unit_admin'])).toThrow(/三员分立/);
    expect(() => checkRoleSeparation(['auditor', 'security_officer'])).toThrow(DirectoryError);
    expect(() => checkRoleSeparation(['auditor', 'staff'])).not.toThrow();
    expect(() => checkRoleSeparation(['dept_admin', 'security_officer', 'staff'])).not.toThrow();
    await seedPerson(services, { address: 'zhangwei@haining.gov.cn', displayName: '张伟' });
    await directoryError(seedPerson(services, { address: 'shenji@haining.gov.cn', displayName: '审计员', roles: ['auditor', 'dept_admin'] }), 'POLICY');
    expect(await services.db.selectFrom('accounts').select('address').where('address', '=', 'shenji@haining.gov.cn').executeTakeFirst()).toBeUndefined();
  });

  it('an unknown role is refused', async () => {
    expect(() => checkRoleSeparation(['root' as never])).toThrow(/unknown role/);
  });

  it('a duplicate address is refused, whatever its case, and also when an alias or list holds it', async () => {
    const first = await seedPerson(services, { address: 'zhangwei@haining.gov.cn', displayName: '张伟' });
    await directoryError(seedPerson(services, { address: 'ZHANGWEI@haining.gov.cn', displayName: '张伟' }), 'CONFLICT');
    await services.directory.addAlias('zw@haining.gov.cn', first.address, false, SYSTEM_ACTOR);
    await directoryError(seedPerson(services, { address: 'zw@haining.gov.cn', displayName: '张薇' }), 'CONFLICT');
    await services.directory.addUnitList({ address: 'all@haining.gov.cn', displayName: '全体', unitCode: 'hn' }, SYSTEM_ACTOR);
    await directoryError(seedPerson(services, { address: 'all@haining.gov.cn', displayName: '全体' }), 'CONFLICT');
    await directoryError(services.directory.addAlias('all@haining.gov.cn', first.address, false, SYSTEM_ACTOR), 'CONFLICT');
  });

  it('a non-local domain is refused for accounts, aliases and lists', async () => {
    const person = await seedPerson(services, { address: 'zhangwei@haining.gov.cn', displayName: '张伟' });
    await directoryError(seedPerson(services, { address: 'zhangwei@163.com', displayName: '张伟' }), 'INVALID');
    // A look-alike is not the local domain.
    await directoryError(seedPerson(services, { address: 'zhangwei@haining.gov.cn.example.com', displayName: '张伟' }), 'INVALID');
    await directoryError(services.directory.addAlias('zw@example.com', person.address, false, SYSTEM_ACTOR), 'INVALID');
    await directoryError(services.directory.addUnitList({ address: 'all@example.com', displayName: 'x', unitCode: 'hn' }, SYSTEM_ACTOR), 'INVALID');
  });

  it('malformed addresses are refused', async () => {
    for (const address of ['no-at-sign', '@haining.gov.cn', 'a b@haining.gov.cn', '.dot@haining.gov.cn', '张伟@haining.gov.cn']) {
      await directoryError(seedPerson(services, { address, displayName: '张伟' }), 'INVALID');
    }
  });

  it('a missing unit is NOT_FOUND; a unit code is short lower-case ASCII and unique', async () => {
    await services.directory.createUnit({ code: 'hn', name: '海宁市' }, SYSTEM_ACTOR);
    await directoryError(services.directory.createAccount({ address: 'lina@haining.gov.cn', displayName: '李娜', unitCode: 'nope' }, SYSTEM_ACTOR), 'NOT_FOUND');
    await directoryError(services.directory.createUnit({ code: '财政局', name: '市财政局' }, SYSTEM_ACTOR), 'INVALID');
    await directoryError(services.directory.createUnit({ code: 'HN', name: '海宁' }, SYSTEM_ACTOR), 'CONFLICT');
    await directoryError(services.directory.createUnit({ code: 'czj', name: '市财政局', parentCode: 'nope' }, SYSTEM_ACTOR), 'NOT_FOUND');
  });
});

describe('aliases and unit lists resolve for delivery', () => {
  it('an alias resolves to its account', async () => {
    const person = await seedPerson(services, { address: 'zhangwei@haining.gov.cn', displayName: '张伟' });
    await services.directory.addAlias('bgs-zhang@haining.gov.cn', person.address, true, SYSTEM_ACTOR);
    expect(await services.delivery.resolver.resolve('BGS-Zhang@haining.gov.cn')).toEqual({ kind: 'local', accountIds: [person.id], via: 'alias' });
    expect(await services.delivery.resolver.resolve(person.address)).toEqual({ kind: 'local', accountIds: [person.id], via: 'account' });
    expect(await services.delivery.resolver.sendableAddresses(person.id)).toEqual([person.address, 'bgs-zhang@haining.gov.cn']);
  });

  it('a unit list includes the members of sub-units (unless told not to), and only people who receive mail', async () => {
    await services.directory.createUnit({ code: 'hn', name: '海宁市' }, SYSTEM_ACTOR);
    await services.directory.createUnit({ code: 'czj', name: '市财政局', parentCode: 'hn' }, SYSTEM_ACTOR);
    await services.directory.createUnit({ code: 'czj-bgs', name: '市财政局办公室', parentCode: 'czj' }, SYSTEM_ACTOR);
    await services.directory.createUnit({ code: 'jyj', name: '市教育局', parentCode: 'hn' }, SYSTEM_ACTOR);
    const head = await seedPerson(services, { address: 'wangfang@haining.gov.cn', displayName: '王芳', unitCode: 'czj' });
    const clerk = await seedPerson(services, { address: 'lina@haining.gov.cn', displayName: '李娜', unitCode: 'czj-bgs' });
    const other = await seedPerson(services, { address: 'chenjing@haining.gov.cn', displayName: '陈静', unitCode: 'jyj' });
    const gone = await seedPerson(services, { address: 'zhaolei@haining.gov.cn', displayName: '赵磊', unitCode: 'czj-bgs' });
    await services.directory.disableAccount(gone.address, 'transferred', SYSTEM_ACTOR);
    const pending = await services.directory.createAccount({ address: 'zhoumin@haining.gov.cn', displayName: '周敏', unitCode: 'czj' }, SYSTEM_ACTOR);

    await services.directory.addUnitList({ address: 'czj-all@haining.gov.cn', displayName: '市财政局全体', unitCode: 'czj' }, SYSTEM_ACTOR);
    await services.directory.addUnitList({ address: 'czj-direct@haining.gov.cn', displayName: '市财政局本级', unitCode: 'czj', includeSubUnits: false }, SYSTEM_ACTOR);

    const all = await services.delivery.resolver.resolve('czj-all@haining.gov.cn');
    expect(all).toEqual({ kind: 'local', accountIds: [head.id, clerk.id].sort((a, b) => a - b), via: 'list' });
    expect(all.kind === 'local' && all.accountIds).not.toContain(other.id);
    expect(all.kind === 'local' && all.accountIds).not.toContain(gone.id);
    expect(all.kind === 'local' && all.accountIds).not.toContain(pending.id);
    expect(await services.delivery.resolver.resolve('czj-direct@haining.gov.cn')).toEqual({ kind: 'local', accountIds: [head.id], via: 'list' });
  });

  it('a delivery to a list and to a member directly stores one copy for that member', async () => {
    await services.directory.createUnit({ code: 'hn', name: '海宁市' }, SYSTEM_ACTOR);
    await services.directory.createUnit({ code: 'czj', name: '市财政局', parentCode: 'hn' }, SYSTEM_ACTOR);
    const head = await seedPerson(services, { address: 'wangfang@haining.gov.cn', displayName: '王芳', unitCode: 'czj' });
    await services.directory.addUnitList({ address: 'czj-all@haining.gov.cn', displayName: '市财政局全体', unitCode: 'czj' }, SYSTEM_ACTOR);
    const report = await services.delivery.deliver({ envelopeFrom: 'bgs@haining.gov.cn', recipients: ['czj-all@haining.gov.cn', head.address], raw: rfc5322(), submittedBy: null, remoteIp: null, protocol: 'smtp-mx' });
    expect(report.deliveredTo).toEqual([head.id]);
    const inbox = await services.mail.getMailbox(head.id, 'INBOX');
    expect(await services.mail.listMessages(head.id, inbox.id)).toHaveLength(1);
  });

  it('unknown, inactive and remote addresses resolve as such', async () => {
    const person = await seedPerson(services, { address: 'zhangwei@haining.gov.cn', displayName: '张伟' });
    expect(await services.delivery.resolver.resolve('nobody@haining.gov.cn')).toEqual({ kind: 'unknown-local' });
    expect(await services.delivery.resolver.resolve('someone@Example.COM')).toEqual({ kind: 'remote', domain: 'example.com' });
    await services.directory.disableAccount(person.address, 'left', SYSTEM_ACTOR);
    expect(await services.delivery.resolver.resolve(person.address)).toEqual({ kind: 'inactive-local', state: 'suspended' });
  });
});
