/**
 * First start: the root unit, the city's information-management department and its first
 * department administrator, whose random password is shown once and never stored in clear
 * (SPEC Art. 4.1: "never a default password").
 */
import type { Services } from '../services.js';
import { randomPassword } from '../platform/crypto.js';

export const INITIALIZED_KEY = 'initialized_at';

export interface InitResult {
  alreadyInitialized: boolean;
  admin?: { address: string; password: string };
}

export async function isInitialized(services: Services): Promise<boolean> {
  const row = await services.db.selectFrom('settings').select('value').where('key', '=', INITIALIZED_KEY).executeTakeFirst();
  return Boolean(row);
}

export async function initialize(services: Services): Promise<InitResult> {
  if (await isInitialized(services)) return { alreadyInitialized: true };
  const actor = { address: 'system', via: 'cli' as const };
  const { directory, config } = services;
  const domain = config.domains[0]!;
  if (!(await services.db.selectFrom('units').select('id').where('code', '=', 'hnszf').executeTakeFirst())) {
    await directory.createUnit({ code: 'hnszf', name: '海宁市人民政府', parentCode: null, contactAddress: `admin@${domain}` }, actor);
  }
  if (!(await services.db.selectFrom('units').select('id').where('code', '=', 'dsj').executeTakeFirst())) {
    await directory.createUnit({ code: 'dsj', name: '市大数据发展管理局', parentCode: 'hnszf', contactAddress: `admin@${domain}` }, actor);
  }
  const password = randomPassword(16);
  await directory.createAccount({ address: `admin@${domain}`, displayName: '系统管理员', unitCode: 'dsj', roles: ['dept_admin'], title: '信息管理部门管理员', password }, actor);
  await services.db.insertInto('settings').values({ key: INITIALIZED_KEY, value: new Date(services.clock.now()).toISOString() }).execute();
  await services.audit.append({ actor: 'system', action: 'system.initialize', target: domain, protocol: 'cli', details: { admin: `admin@${domain}` } });
  return { alreadyInitialized: false, admin: { address: `admin@${domain}`, password } };
}
