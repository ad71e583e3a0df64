/**
 * Bulk onboarding (SPEC Art. 2): `POST /api/console/imports?apply=false|true`, multipart with one
 * `file` (CSV or .xlsx). `apply=false` (the default) is the dry run: a per-row report and
 * nothing created; `apply=true` checks again and creates the valid rows, answering the same
 * report with each new account's activation link. Units outside the caller's reach for
 * `account.bulk_import` are reported as unknown.
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../../../common/errors.js';
import type { ImportReport } from '../../../../common/schemas/onboarding.js';
import { importSheet, readSheet, SheetError, toSheetRows } from '../../../governance/accounts/bulk-import.js';
import type { Services } from '../../../services.js';
import { consoleContext } from '../../console/console-context.js';

/** A sheet of 2000 rows is far below this; an .xlsx with pictures is not a roster. */
const MAX_SHEET_BYTES = 5 * 1024 * 1024;

export async function consoleImportRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  await app.register(multipart, { limits: { fileSize: MAX_SHEET_BYTES, files: 1, fields: 2, parts: 3, headerPairs: 100 } });

  app.post<{ Querystring: { apply?: string } }>('/console/imports', async (request): Promise<ImportReport> => {
    const ctx = await consoleContext(request, services);
    const allowed = ctx.unitsWhere('account.bulk_import');
    if (allowed.length === 0) ctx.authorize('account.bulk_import', { kind: 'system' });
    if (!request.isMultipart()) throw new ApiError('unsupported_media_type');
    let content: Buffer | null;
    try {
      const file = await request.file();
      content = file ? await file.toBuffer() : null;
    } catch (err) {
      if ((err as { code?: unknown }).code === 'FST_REQ_FILE_TOO_LARGE') throw new ApiError('payload_too_large', '表格文件不能超过 5 MB');
      throw err;
    }
    if (!content || content.length === 0) throw new ApiError('validation', '请选择要导入的表格文件', { issues: [{ path: 'file', message: '请选择要导入的表格文件' }] });
    let rows;
    try {
      rows = toSheetRows(await readSheet(content));
    } catch (err) {
      if (err instanceof SheetError) throw new ApiError('validation', err.message, { issues: [{ path: 'file', message: err.message }] });
      throw err;
    }
    const apply = request.query.apply === 'true';
    const report = await importSheet({ db: services.db, onboarding: services.onboarding, now: () => services.clock.now() }, rows, { allowedUnitIds: new Set(allowed), apply, who: ctx.who });
    await services.audit.append({ actor: ctx.who.address, actorAccountId: ctx.who.accountId ?? null, action: apply ? 'account.bulk_import' : 'account.bulk_import_dry_run', ip: request.ip, protocol: 'web', details: { total: report.total, valid: report.valid, invalid: report.invalid, created: report.created } });
    return report;
  });
}
