/**
 * SPEC Art. 4.1, every rule of the password policy: length, classes, not built from the
 * address / the name / its pinyin (full and initials, any case, digits appended), the shipped
 * common-password list (Chinese favourites), and no reuse of the last 5 (argon2id history).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTempServices, SEED_PASSWORD, seedPerson, SYSTEM_ACTOR, type TempServices } from '../../test/helpers/temp-services.js';
import { COMMON_PASSWORDS } from './common-passwords.js';
import { checkPasswordPolicy, PASSWORD_RULE_CODES, passwordRuleText } from './passwords.js';

const zhang = { address: 'zhangwei@haining.gov.cn', displayName: '张伟', pinyin: 'zhang wei', pinyinInitials: 'zw' };
const codes = (password: string, ctx: Parameters<typeof checkPasswordPolicy>[1] = zhang) => checkPasswordPolicy(password, ctx).map((v) => v.code);

describe('password policy rules', () => {
  it('a good password passes every rule', () => {
    expect(codes('Qiantang#River2026')).toEqual([]);
    expect(codes('Tide-Watch@Yanguan9')).toEqual([]);
  });

  it('too_short: at least 12 characters (counted as characters, not bytes)', () => {
    expect(codes('Qt#River26a')).toContain('too_short');
    expect(codes('Qt#River26ab')).not.toContain('too_short');
    expect(codes('潮水#Ab1潮水潮水潮水')).not.toContain('too_short');
  });

  it('too_few_classes: three of upper, lower, digit, symbol', () => {
    expect(codes('qiantangriverbore')).toContain('too_few_classes');
    expect(codes('QIANTANG2026RIVER')).toContain('too_few_classes');
    expect(codes('qiantang#river#bore')).toContain('too_few_classes');
    expect(codes('qiantang#river2026')).not.toContain('too_few_classes');
    // configurable
    expect(checkPasswordPolicy('qiantang#river2026', {}, { minLength: 12, minClasses: 4, historyCount: 5 }).map((v) => v.code)).toContain('too_few_classes');
  });

  it('contains_address: the local part of the address, any case', () => {
    expect(codes('Tide#ZhangWei2026', { address: 'zhangwei@haining.gov.cn' })).toContain('contains_address');
    expect(codes('Tide#Xiaoli.2026', { address: 'li.xiaoli@haining.gov.cn' })).toContain('contains_address');
    expect(codes('Tide#River2026', { address: 'zhangwei@haining.gov.cn' })).not.toContain('contains_address');
  });

  it('contains_name: the display name itself', () => {
    expect(codes('张伟#Tide2026abc')).toContain('contains_name');
    expect(codes('Tide#River2026')).not.toContain('contains_name');
  });

  it('contains_pinyin: full pinyin, reversed, or the initials with digits appended, case-insensitive', () => {
    const ctx = { address: 'x9@haining.gov.cn', displayName: '张伟', pinyin: 'zhang wei' };
    expect(codes('ZHANGWEI@2026tide', ctx)).toContain('contains_pinyin');
    expect(codes('Weizhang#2026abc', ctx)).toContain('contains_pinyin');
    expect(codes('ZW@20261128!!', ctx)).toContain('contains_pinyin');
    expect(codes('zw#19900101!', ctx)).toContain('contains_pinyin');
    expect(codes('Zhangw#19900101', ctx)).toContain('contains_pinyin');
    const ouyang = { address: 'x9@haining.gov.cn', displayName: '欧阳娜娜', pinyin: 'ou yang na na' };
    expect(codes('OYNN#20261128a', ouyang)).toContain('contains_pinyin');
    expect(codes('Ouyangnana#2026', ouyang)).toContain('contains_pinyin');
    expect(codes('Qiantang#River2026', ouyang)).not.toContain('contains_pinyin');
  });

  it('common: the shipped list with Chinese favourites, any case, with digits or symbols appended, leetspeak', () => {
    expect(COMMON_PASSWORDS.length).toBeGreaterThanOrEqual(300);
    for (const p of ['woaini1314', '5201314', 'a123456', 'qq123456', '1qaz2wsx', 'zxcvbnm', 'abc123456']) {
      expect(COMMON_PASSWORDS).toContain(p);
      expect(codes(p, {})).toContain('common');
    }
    expect(codes('WoAiNi1314!!', {})).toContain('common');
    expect(codes('1qaz2wsx3edc', {})).toContain('common');
    expect(codes('Password2026!', {})).toContain('common');
    expect(codes('P@ssw0rd2026', {})).toContain('common');
    expect(codes('Haining@123456', {})).toContain('common');
    expect(codes('Qiantang#River2026', {})).not.toContain('common');
  });

  it('every rule has a code and a text the web shows inline', () => {
    for (const code of PASSWORD_RULE_CODES) expect(passwordRuleText(code).length).toBeGreaterThan(4);
    expect(checkPasswordPolicy('abc', {})[0]).toEqual({ code: 'too_short', message: '密码至少 12 位' });
  });
});

describe('no reuse of the last 5 passwords (history of argon2id hashes)', () => {
  const open: TempServices[] = [];
  afterEach(async () => {
    while (open.length) await open.pop()!.cleanup();
  });

  it('refuses the current and the last 4 earlier passwords, accepts the 6th oldest again', async () => {
    const temp = await createTempServices();
    open.push(temp);
    const { services } = temp;
    const person = await seedPerson(services, { address: 'zhangwei@haining.gov.cn', displayName: '张伟' });
    const passwords = [SEED_PASSWORD, 'Tide#Watch2027a', 'Tide#Watch2027b', 'Tide#Watch2027c', 'Tide#Watch2027d', 'Tide#Watch2027e'];
    for (const p of passwords.slice(1)) await services.directory.setPassword(person.address, p, SYSTEM_ACTOR);
    const history = await services.db.selectFrom('password_history').selectAll().where('account_id', '=', person.id).execute();
    expect(history.length).toBe(5);
    expect(history.every((h) => h.password_hash.startsWith('$argon2id$'))).toBe(true);
    const account = await services.directory.getAccount(person.address);
    for (const p of passwords.slice(1)) {
      expect((await services.auth.checkNewPassword(account, p)).map((v) => v.code)).toEqual(['reused']);
    }
    // The seed password is six changes back: allowed again.
    expect(await services.auth.checkNewPassword(account, SEED_PASSWORD)).toEqual([]);
    await expect(services.directory.setPassword(person.address, 'Tide#Watch2027c', SYSTEM_ACTOR)).rejects.toMatchObject({ code: 'POLICY' });
  });
});
