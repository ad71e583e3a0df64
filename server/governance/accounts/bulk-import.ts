/**
 * Bulk onboarding of a unit's people from a CSV or .xlsx sheet (SPEC Art. 2): a dry run checks
 * every row and reports its problems (bad ID-card number per GB 11643, duplicate, unknown unit,
 * bad mobile, missing work-ID number, address in use); applying creates the valid rows'
 * accounts in pending_activation, each with an activation link.
 *
 * Columns are found by their header (Chinese or English): 姓名/name, 单位/unit (code or exact
 * name), 职务/title, 工作证号/work_id, 身份证号/id_card, 手机/mobile, 邮箱/address (optional:
 * proposed from pinyin when empty). Excel in China often saves CSV as GB18030, so a CSV that
 * is not valid UTF-8 is read as GB18030.
 */
import ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import type { ImportReport, ImportRow } from '../../../common/schemas/onboarding.js';
import type { Database } from '../../storage/database.js';
import { idCardProblem, isMobile } from './id-card.js';
import type { LifecycleActor } from './lifecycle.js';
import type { OnboardingService } from './onboarding-service.js';

/** Rows one sheet may hold: a whole bureau fits, a mistake (a whole city) does not. */
export const MAX_IMPORT_ROWS = 2000;

const HEADERS: Record<string, keyof SheetRow> = {
  姓名: 'displayName', name: 'displayName',
  单位: 'unit', 单位代码: 'unit', unit: 'unit',
  职务: 'title', 岗位: 'title', title: 'title',
  工作证号: 'workId', 工号: 'workId', work_id: 'workId', workid: 'workId',
  身份证号: 'idCard', 身份证号码: 'idCard', id_card: 'idCard', idcard: 'idCard',
  手机: 'mobile', 手机号: 'mobile', 手机号码: 'mobile', mobile: 'mobile',
  邮箱: 'address', 邮箱地址: 'address', address: 'address', email: 'address',
};

export interface SheetRow {
  displayName: string;
  unit: string;
  title: string;
  workId: string;
  idCard: string;
  mobile: string;
  address: string;
}

export class SheetError extends Error {
  override name = 'SheetError';
}

/** Parses RFC 4180 CSV (quotes, doubled quotes, CRLF or LF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((cell) => cell.trim() !== ''));
}

function decodeCsv(content: Buffer): string {
  const body = content[0] === 0xef && content[1] === 0xbb && content[2] === 0xbf ? content.subarray(3) : content;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return new TextDecoder('gb18030').decode(body);
  }
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('result' in value) return String(value.result ?? '');
    if (value instanceof Date) return value.toISOString().slice(0, 10);
  }
  return String(value);
}

/** The sheet's rows (header row first), from .xlsx (by its ZIP magic) or CSV. */
export async function readSheet(content: Buffer): Promise<string[][]> {
  if (content.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    const workbook = new ExcelJS.Workbook();
    try {
      await workbook.xlsx.load(content as unknown as ArrayBuffer);
    } catch {
      throw new SheetError('无法读取该 Excel 文件');
    }
    const sheet = workbook.worksheets[0];
    if (!sheet) throw new SheetError('Excel 文件中没有工作表');
    const rows: string[][] = [];
    sheet.eachRow({ includeEmpty: false }, (row) => {
      const cells: string[] = [];
      for (let c = 1; c <= sheet.columnCount; c++) cells.push(cellText(row.getCell(c).value).trim());
      rows.push(cells);
    });
    return rows;
  }
  return parseCsv(decodeCsv(content));
}

export function toSheetRows(table: string[][]): SheetRow[] {
  const [header, ...body] = table;
  if (!header) throw new SheetError('表格为空');
  const columns = header.map((h) => HEADERS[h.trim().toLowerCase().replace(/\s+/g, '')] ?? HEADERS[h.trim()] ?? null);
  for (const needed of ['displayName', 'unit', 'workId', 'idCard', 'mobile'] as const) {
    if (!columns.includes(needed)) throw new SheetError(`缺少必需的列：${{ displayName: '姓名', unit: '单位', workId: '工作证号', idCard: '身份证号', mobile: '手机' }[needed]}`);
  }
  if (body.length > MAX_IMPORT_ROWS) throw new SheetError(`一次最多导入 ${MAX_IMPORT_ROWS} 行`);
  return body.map((cells) => {
    const row: SheetRow = { displayName: '', unit: '', title: '', workId: '', idCard: '', mobile: '', address: '' };
    columns.forEach((key, i) => {
      if (key) row[key] = (cells[i] ?? '').trim();
    });
    return row;
  });
}

const MESSAGES: Record<string, string> = {
  name_missing: '姓名为空',
  unit_unknown: '单位不存在或不在您的管理范围内',
  work_id_missing: '工作证号为空',
  id_card_format: '身份证号格式不正确（应为18位）',
  id_card_birth_date: '身份证号中的出生日期无效',
  id_card_checksum: '身份证号校验位错误',
  mobile_invalid: '手机号码格式不正确',
  duplicate_in_sheet: '与表中其他行重复（身份证号或工作证号相同）',
  duplicate_existing: '该人员已有账号（身份证号已登记）',
  address_invalid: '邮箱地址格式不正确或不属于本系统域名',
  address_taken: '邮箱地址已被占用',
};

/**
 * Checks every row; with `apply`, creates the valid ones. `allowedUnitIds` is the caller's reach
 * for `account.bulk_import`: a unit outside it is reported exactly like an unknown one.
 */
export async function importSheet(
  deps: { db: Kysely<Database>; onboarding: OnboardingService; now: () => number },
  rows: SheetRow[],
  options: { allowedUnitIds: ReadonlySet<number>; apply: boolean; who: LifecycleActor },
): Promise<ImportReport> {
  const units = await deps.db.selectFrom('units').select(['id', 'code', 'name']).execute();
  const byKey = new Map<string, number>();
  for (const u of units) {
    byKey.set(u.code.toLowerCase(), u.id);
    byKey.set(u.name, u.id);
  }
  const domain = deps.onboarding.primaryDomain;
  const seenIdCards = new Map<string, number>();
  const seenWorkIds = new Map<string, number>();
  const reserved = new Set<string>();
  const checked: { row: ImportRow; unitId: number | null; source: SheetRow }[] = [];

  for (const [index, source] of rows.entries()) {
    const errors: string[] = [];
    if (!source.displayName) errors.push('name_missing');
    const unitId = byKey.get(source.unit.toLowerCase()) ?? byKey.get(source.unit) ?? null;
    if (unitId === null || !options.allowedUnitIds.has(unitId)) errors.push('unit_unknown');
    if (!source.workId) errors.push('work_id_missing');
    const idProblem = idCardProblem(source.idCard);
    if (idProblem) errors.push(`id_card_${idProblem}`);
    if (!isMobile(source.mobile)) errors.push('mobile_invalid');
    const idKey = source.idCard.toUpperCase();
    const workKey = `${unitId ?? source.unit}:${source.workId.toUpperCase()}`;
    if ((!idProblem && seenIdCards.has(idKey)) || (source.workId && seenWorkIds.has(workKey))) errors.push('duplicate_in_sheet');
    if (!idProblem) {
      seenIdCards.set(idKey, index);
      // Keyed hash under the server secret; a legacy row that matches is upgraded (id-card-hash.ts).
      if ((await deps.onboarding.idCards.findAccount(deps.db, source.idCard)) !== null) errors.push('duplicate_existing');
    }
    if (source.workId) seenWorkIds.set(workKey, index);
    let address: string | null = null;
    if (source.address) {
      address = source.address.toLowerCase();
      if (!/^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?@/.test(address) || address.split('@')[1] !== domain) errors.push('address_invalid');
      else if (reserved.has(address) || (await deps.onboarding.addressTaken(address))) errors.push('address_taken');
    } else if (source.displayName) {
      address = await deps.onboarding.proposeAddress(source.displayName, reserved);
    }
    if (address && errors.length === 0) reserved.add(address);
    checked.push({
      row: { row: index + 2, displayName: source.displayName, unit: source.unit, address, errors: errors.map((code) => ({ code, message: MESSAGES[code] ?? code })), activation: null },
      unitId,
      source,
    });
  }

  let created = 0;
  if (options.apply) {
    for (const item of checked) {
      if (item.row.errors.length > 0 || item.unitId === null || !item.row.address) continue;
      const account = await deps.onboarding.createPendingAccount(
        { displayName: item.source.displayName, unitId: item.unitId, address: item.row.address, title: item.source.title || null, workId: item.source.workId, mobile: item.source.mobile, idCardHash: deps.onboarding.idCards.hash(item.source.idCard) },
        options.who,
        'import',
      );
      item.row.activation = await deps.onboarding.issueActivation(account, options.who, { notify: false });
      created++;
    }
  }
  const invalid = checked.filter((c) => c.row.errors.length > 0).length;
  return { applied: options.apply, total: checked.length, valid: checked.length - invalid, invalid, created, rows: checked.map((c) => c.row) };
}
