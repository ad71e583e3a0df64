/**
 * Public application for an account (SPEC Art. 2.1–2.2), no sign-in:
 *   GET  /api/public/units            the unit tree for the form's picker (names only)
 *   POST /api/applications            multipart: the form's fields + `document` (PDF/JPG/PNG ≤ 5 MB,
 *                                     type by content); answers the tracking code
 *   GET  /api/applications/status     ?code=…: the application's state, by tracking code
 * Rate-limited per network address; the upload is stored outside the web root.
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../../../common/errors.js';
import { REGULATION_VERSION } from '../../../../common/regulation.js';
import { applyFieldsSchema, type ApplicationStatus, type ApplyResult, type PublicUnit } from '../../../../common/schemas/onboarding.js';
import type { Services } from '../../../services.js';
import { parseInput } from '../../validate.js';

/** Status look-ups per address per minute: enough for a person, too few to guess codes. */
const STATUS_LOOKUPS_PER_MINUTE = 20;

export async function applicationRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const maxBytes = services.config.onboarding.maxDocumentBytes;
  await app.register(multipart, { limits: { fileSize: maxBytes, files: 1, fields: 12, fieldSize: 2048, parts: 13, headerPairs: 100 } });

  app.get('/public/units', { config: { auth: 'public', rateLimit: { max: 60, timeWindow: 60_000 } } }, async (): Promise<PublicUnit[]> => {
    const units = await services.db.selectFrom('units').select(['id', 'name', 'parent_id']).orderBy('id').execute();
    return units.map((u) => ({ id: u.id, name: u.name, parentId: u.parent_id }));
  });

  app.post(
    '/applications',
    { config: { auth: 'public', csrf: false, rateLimit: { max: services.config.onboarding.applicationsPerHour, timeWindow: 60 * 60_000 } } },
    async (request, reply): Promise<ApplyResult> => {
      if (!request.isMultipart()) throw new ApiError('unsupported_media_type');
      const fields: Record<string, string> = {};
      let document: { content: Buffer; name: string } | null = null;
      try {
        for await (const part of request.parts()) {
          if (part.type === 'file') {
            if (part.fieldname !== 'document' || document) {
              await part.toBuffer();
              continue;
            }
            document = { content: await part.toBuffer(), name: part.filename };
          } else if (typeof part.value === 'string') {
            fields[part.fieldname] = part.value;
          }
        }
      } catch (err) {
        if ((err as { code?: unknown }).code === 'FST_REQ_FILE_TOO_LARGE') {
          throw new ApiError('payload_too_large', `证明文件不能超过 ${Math.floor(maxBytes / 1024 / 1024)} MB`, { issues: [{ path: 'document', message: `证明文件不能超过 ${Math.floor(maxBytes / 1024 / 1024)} MB` }] });
        }
        throw err;
      }
      const input = parseInput(applyFieldsSchema, fields);
      if (input.regulationVersion !== REGULATION_VERSION) throw new ApiError('validation', '管理规定已更新，请刷新页面后重新阅读', { issues: [{ path: 'acceptRegulation', message: '管理规定已更新，请刷新页面后重新阅读' }] });
      if (!document || document.content.length === 0) throw new ApiError('validation', '请上传工作证或单位证明', { issues: [{ path: 'document', message: '请上传工作证或单位证明' }] });
      const result = await services.onboarding.apply({ ...input, document, ip: request.ip });
      reply.code(201);
      return { trackingCode: result.trackingCode };
    },
  );

  app.get<{ Querystring: { code?: string } }>(
    '/applications/status',
    { config: { auth: 'public', rateLimit: { max: STATUS_LOOKUPS_PER_MINUTE, timeWindow: 60_000 } } },
    async (request): Promise<ApplicationStatus> => {
      const code = String(request.query.code ?? '').trim().toUpperCase();
      if (!/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/.test(code)) throw new ApiError('not_found', '未找到该查询码对应的申请');
      const application = await services.onboarding.applicationByCode(code);
      if (!application) throw new ApiError('not_found', '未找到该查询码对应的申请');
      return {
        trackingCode: application.tracking_code,
        state: application.state,
        displayName: application.display_name,
        unitName: application.unit_name,
        createdAt: application.created_at,
        reviewedAt: application.reviewed_at,
        rejectReason: application.reject_reason,
        address: application.state === 'allocated' ? application.address : null,
      };
    },
  );
}
