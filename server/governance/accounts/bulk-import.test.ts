/**
 * Bulk onboarding: CSV (UTF-8 and GB18030) and .xlsx sheets; the dry run reports every bad row
 * (ID-card number per GB 11643, duplicates in the sheet and against existing people, unknown
 * or out-of-reach unit, bad mobile) and creates nothing; apply creates the valid rows only.
 */
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOnboardingFixture, type OnboardingFixture } from '../../http/test-onboarding.js';
import { idCardCheckChar, idCardProblem } from './id-card.js';
import { parseCsv } from './bulk-import.js';

/** A valid ID-card number for a birth date and sequence. */
const idCard = (birth: string, seq: string) => {
  const first17 = `330481${birth}${seq}`;
  return first17 + idCardCheckChar(first17);
};

describe('GB 11643 ID-card numbers', () => {
  it('accepts valid numbers and finds each kind of problem', () => {
    expect(idCardProblem('11010519491231002X')).toBeNull(); // the standard's own example
    expect(idCardProblem(idCard('19900307', '123'))).toBeNull();
    expect(idCardProblem('110105194912310021')).toBe('checksum');
    expect(idCardProblem('11010519491331002X')).toBe('birth_date');
    expect(idCardProblem('1101051949123100')).toBe('format');
    expect(idCardProblem(`330481${'20990101'}123` + '0')).not.toBeNull();
  });

  it('parses quoted CSV', () => {
    expect(parseCsv('a,"b,c","d ""e"""\r\n1,2,3\n')).toEqual([['a', 'b,c', 'd "e"'], ['1', '2', '3']]);
  });
});

describe('POST /api/console/imports', () => {
  let f: OnboardingFixture;
  beforeEach(async () => {
    f = await createOnboardingFixture();
    // Someone already registered with this ID-card number.
    await f.t.services.onboarding.createPendingAccount({ displayName: '老同事', unitId: f.units.a, address: 'laotongshi@haining.gov.cn', workId: 'OLD-1', idCardHash: f.t.services.onboarding.idCards.hash(idCard('19800101', '001')) }, { address: 'system', via: 'system' });
  });
  afterEach(async () => {
    await f.t.close();
  });

  const upload = (client: OnboardingFixture['dept'], content: Buffer, filename: string, apply = false) => {
    const boundary = '----govmailimport';
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${filename}"\r\ncontent-type: application/octet-stream\r\n\r\n`),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return f.t.app.inject({ method: 'POST', url: `/api/console/imports?apply=${apply}`, payload, headers: { cookie: `govmail_session=${client.cookie}`, 'x-csrf-token': client.csrfToken, 'content-type': `multipart/form-data; boundary=${boundary}` } });
  };

  const csv = [
    '姓名,单位,职务,工作证号,身份证号,手机',
    `陈静,cza-ys,科员,CZ-001,${idCard('19900307', '123')},13900001111`,
    `周杰,预算科,科员,CZ-002,110105194912310021,13900001112`, // checksum
    `吴磊,nosuch,科员,CZ-003,${idCard('19910101', '234')},13900001113`, // unknown unit
    `郑爽,cza,科员,CZ-004,${idCard('19920101', '345')},1390000`, // bad mobile
    `陈静,cza-ys,科员,CZ-005,${idCard('19900307', '123')},13900001114`, // duplicate id card in sheet
    `老同事,cza,科员,CZ-006,${idCard('19800101', '001')},13900001115`, // already has an account
    `林峰,jyb,科员,JY-001,${idCard('19930101', '456')},13900001116`, // B: outside admin A's reach
    `陈静,cza,科长,CZ-007,${idCard('19850101', '567')},13900001117`, // a second 陈静: suffix
  ].join('\r\n');

  it('dry run: a per-row report, nothing created', async () => {
    const response = await upload(f.adminA, Buffer.from(csv, 'utf8'), 'people.csv');
    expect(response.statusCode).toBe(200);
    const report = response.json();
    expect(report).toMatchObject({ applied: false, total: 8, valid: 2, invalid: 6, created: 0 });
    const codes = Object.fromEntries(report.rows.map((r: { row: number; errors: { code: string }[] }) => [r.row, r.errors.map((e) => e.code)]));
    expect(codes).toEqual({
      2: [],
      3: ['id_card_checksum'],
      4: ['unit_unknown'],
      5: ['mobile_invalid'],
      6: ['duplicate_in_sheet'],
      7: ['duplicate_existing'],
      8: ['unit_unknown'],
      9: [],
    });
    expect(report.rows[0].address).toBe('chenjing@haining.gov.cn');
    expect(report.rows[7].address).toBe('chenjing2@haining.gov.cn');
    expect(await f.t.services.db.selectFrom('accounts').select('id').where('address', 'like', 'chenjing%').execute()).toHaveLength(0);
  });

  it('the department admin reaches every unit', async () => {
    const report = (await upload(f.dept, Buffer.from(csv, 'utf8'), 'people.csv')).json();
    expect(report.rows.find((r: { row: number }) => r.row === 8).errors).toEqual([]);
  });

  it('apply: creates the valid rows in pending_activation with links', async () => {
    const report = (await upload(f.adminA, Buffer.from(csv, 'utf8'), 'people.csv', true)).json();
    expect(report).toMatchObject({ applied: true, created: 2 });
    const created = await f.t.services.db.selectFrom('accounts').select(['address', 'state']).where('address', 'like', 'chenjing%').orderBy('address').execute();
    expect(created).toEqual([
      { address: 'chenjing2@haining.gov.cn', state: 'pending_activation' },
      { address: 'chenjing@haining.gov.cn', state: 'pending_activation' },
    ]);
    expect(report.rows[0].activation.path).toMatch(/^\/activate\//);
    const account = await f.t.services.directory.getAccount('chenjing@haining.gov.cn');
    expect((await f.t.services.lifecycle.history(account.id)).map((h) => h.action)).toEqual(['import']);
  });

  it('reads .xlsx and GB18030 CSV', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('名单');
    sheet.addRow(['姓名', '单位', '工作证号', '身份证号', '手机']);
    sheet.addRow(['黄蓉', 'cza', 'CZ-100', idCard('19950505', '111'), '13700001111']);
    sheet.addRow(['郭靖', 'cza', 'CZ-101', '123', '13700001112']);
    const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());
    const report = (await upload(f.adminA, xlsx, 'people.xlsx')).json();
    expect(report.rows.map((r: { displayName: string; errors: { code: string }[] }) => [r.displayName, r.errors.map((e) => e.code)])).toEqual([
      ['黄蓉', []],
      ['郭靖', ['id_card_format']],
    ]);
    // 姓名,单位,工作证号,身份证号,手机 / 黄蓉,… in GB18030, as Excel on a Chinese Windows saves CSV.
    const gbk = (hex: string) => Buffer.from(hex.replace(/ /g, ''), 'hex');
    const comma = Buffer.from(',');
    const gbCsv = Buffer.concat([
      gbk('D0D5C3FB'), comma, gbk('B5A5CEBB'), comma, gbk('B9A4D7F7D6A4BAC5'), comma, gbk('C9EDB7DDD6A4BAC5'), comma, gbk('CAD6BBFA'), Buffer.from('\r\n'),
      gbk('BBC6C8D8'), Buffer.from(`,cza,CZ-200,${idCard('19960606', '222')},13700002222\r\n`),
    ]);
    const gbReport = (await upload(f.adminA, gbCsv, 'people.csv')).json();
    expect(gbReport.rows).toEqual([expect.objectContaining({ displayName: '黄蓉', address: 'huangrong@haining.gov.cn', errors: [] })]);
  });

  it('refuses a sheet without the needed columns, and the auditor and staff', async () => {
    const bad = await upload(f.adminA, Buffer.from('name,unit\n张三,cza\n'), 'x.csv');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('工作证号');
    expect((await upload(f.auditor, Buffer.from(csv), 'people.csv')).statusCode).toBe(403);
    expect((await upload(f.staff, Buffer.from(csv), 'people.csv')).statusCode).toBe(403);
  });
});
