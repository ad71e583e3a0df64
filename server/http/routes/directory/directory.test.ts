import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHttp, type TestHttp } from '../../test-app.js';
import { addPerson, signIn, type ApiClient } from '../../test-webmail.js';
import { directoryEntrySchema } from './schema.js';

describe('/api/directory', () => {
  let t: TestHttp;
  let a: ApiClient;
  beforeAll(async () => {
    t = await createTestHttp();
    const actor = { address: 'system', via: 'cli' } as const;
    await t.services.directory.createUnit({ code: 'czj', name: '市财政局', parentCode: 'hn' }, actor);
    await t.services.directory.createUnit({ code: 'jyj', name: '市教育局', parentCode: 'hn' }, actor);
    await t.services.directory.addUnitList({ address: 'czj-all@haining.gov.cn', displayName: '市财政局全体人员', unitCode: 'czj' }, actor);
    await t.services.directory.addUnitList({ address: 'jyj-all@haining.gov.cn', displayName: '市教育局全体人员', unitCode: 'jyj' }, actor);
    await addPerson(t, 'zhang.san@haining.gov.cn', '张三', 'czj');
    await addPerson(t, 'zhao.shu@haining.gov.cn', '赵书', 'jyj');
    await addPerson(t, 'li.si@haining.gov.cn', '李四', 'jyj');
    await t.services.directory.disableAccount('li.si@haining.gov.cn', 'left', actor);
    a = await signIn(t);
  });
  afterAll(() => t.close());

  const find = async (q: string) => {
    const response = await a.get(`/api/directory?q=${encodeURIComponent(q)}`);
    expect(response.statusCode).toBe(200);
    return directoryEntrySchema.array().parse(response.json());
  };

  it('finds people by pinyin initials: zs → 张三 (and 赵书), with their unit', async () => {
    const found = await find('zs');
    expect(found.map((e) => e.name)).toEqual(expect.arrayContaining(['张三', '赵书']));
    expect(found.find((e) => e.name === '张三')).toEqual({ kind: 'person', name: '张三', address: 'zhang.san@haining.gov.cn', detail: '市财政局' });
  });

  it('finds units by initials inside their name: cz → 市财政局, through its list address', async () => {
    const found = await find('cz');
    expect(found).toContainEqual({ kind: 'unit', name: '市财政局', address: 'czj-all@haining.gov.cn', detail: '海宁市人民政府' });
    expect(found.some((e) => e.name === '市教育局')).toBe(false);
  });

  it('finds by full pinyin (with or without spaces), by name and by address, best matches first', async () => {
    expect((await find('zhangsan'))[0]).toMatchObject({ name: '张三' });
    expect((await find('Zhang San'))[0]).toMatchObject({ name: '张三' });
    expect((await find('财政'))[0]).toMatchObject({ kind: 'unit', name: '市财政局' });
    expect((await find('zhao.'))[0]).toMatchObject({ name: '赵书' });
    expect((await find('张'))[0]).toMatchObject({ name: '张三' });
  });

  it('leaves out people who cannot receive mail, and answers nothing for an empty query or wildcards', async () => {
    expect((await find('ls')).some((e) => e.name === '李四')).toBe(false);
    expect(await find('')).toEqual([]);
    expect(await find('%')).toEqual([]);
    expect(await find('_')).toEqual([]);
  });
});
