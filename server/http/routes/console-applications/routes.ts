/**
 * The applications queue (SPEC Art. 2.2): the unit admin reviews the applications of their unit
 * and its sub-units (approve, or reject with a reason); the department admin allocates approved
 * ones (address proposed from pinyin, quota, roles under 三员分立) and gets the activation link.
 * An application outside the viewer's reach is `not_found`, exactly like one that does not exist.
 *
 *   GET  /api/console/applications?state=&offset=&limit=
 *   GET  /api/console/applications/:id
 *   GET  /api/console/applications/:id/document     the uploaded scan (reviewers only)
 *   POST /api/console/applications/:id/approve      { note? }
 *   POST /api/console/applications/:id/reject       { reason }
 *   POST /api/console/applications/:id/allocate     { address, quotaBytes?, roles? }
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../../../common/errors.js';
import {
  allocateRequestSchema,
  applicationListQuerySchema,
  approveRequestSchema,
  rejectRequestSchema,
  type AllocateResult,
  type ApplicationDetail,
  type ApplicationPage,
} from '../../../../common/schemas/onboarding.js';
import type { Services } from '../../../services.js';
import { consoleContext, type ConsoleContext } from '../../console/console-context.js';
import { presentApplication, presentHistory } from '../../presenters/onboarding.js';
import { parseInput } from '../../validate.js';

type IdParams = { Params: { id: string } };

export async function consoleApplicationRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  /** The application if the viewer may review (or allocate) it; otherwise not_found. */
  async function visible(ctx: ConsoleContext, rawId: string) {
    const id = /^\d{1,12}$/.test(rawId) ? Number(rawId) : NaN;
    const application = Number.isSafeInteger(id) ? await services.onboarding.getApplication(id) : undefined;
    const object = application ? ({ kind: 'unit', unitId: application.unit_id } as const) : null;
    if (!application || !object || !(ctx.can('application.review', object) || ctx.can('application.allocate', object))) throw new ApiError('not_found');
    return application;
  }

  app.get('/console/applications', async (request): Promise<ApplicationPage> => {
    const ctx = await consoleContext(request, services);
    const query = parseInput(applicationListQuerySchema, request.query);
    const unitIds = [...new Set([...ctx.unitsWhere('application.review'), ...ctx.unitsWhere('application.allocate')])];
    if (unitIds.length === 0) ctx.authorize('application.review', { kind: 'system' });
    const page = await services.onboarding.listApplications({ unitIds, state: query.state, offset: query.offset, limit: query.limit });
    return { total: page.total, items: page.items.map(presentApplication) };
  });

  app.get<IdParams>('/console/applications/:id', async (request): Promise<ApplicationDetail> => {
    const ctx = await consoleContext(request, services);
    const application = await visible(ctx, request.params.id);
    const object = { kind: 'unit', unitId: application.unit_id } as const;
    const canAllocate = ctx.can('application.allocate', object);
    const history = application.account_id ? await services.lifecycle.history(application.account_id) : await services.lifecycle.applicationHistory(application.id);
    return {
      ...presentApplication(application),
      history: presentHistory(history),
      canReview: ctx.can('application.review', object) && application.state === 'applied',
      canAllocate: canAllocate && application.state === 'approved',
      proposal: canAllocate && application.state === 'approved' ? { address: await services.onboarding.proposeAddress(application.display_name), quotaBytes: services.config.defaultQuotaBytes } : null,
    };
  });

  app.get<IdParams>('/console/applications/:id/document', async (request, reply) => {
    const ctx = await consoleContext(request, services);
    const application = await visible(ctx, request.params.id);
    ctx.authorize('application.review', { kind: 'unit', unitId: application.unit_id });
    const content = await services.onboarding.readDocument(application);
    await services.audit.append({ actor: ctx.who.address, actorAccountId: ctx.who.accountId ?? null, action: 'application.document_read', target: `application:${application.tracking_code}`, ip: request.ip, protocol: 'web' });
    const ext = application.document_type === 'application/pdf' ? 'pdf' : application.document_type === 'image/png' ? 'png' : 'jpg';
    return reply
      .type(application.document_type ?? 'application/octet-stream')
      .header('content-disposition', `attachment; filename="application-${application.id}.${ext}"`)
      .header('cache-control', 'private, no-store')
      .send(content);
  });

  app.post<IdParams>('/console/applications/:id/approve', async (request) => {
    const ctx = await consoleContext(request, services);
    const application = await visible(ctx, request.params.id);
    ctx.authorize('application.review', { kind: 'unit', unitId: application.unit_id });
    const input = parseInput(approveRequestSchema, request.body ?? {});
    await services.onboarding.approve(application, ctx.who, input.note ?? null);
    return { ok: true };
  });

  app.post<IdParams>('/console/applications/:id/reject', async (request) => {
    const ctx = await consoleContext(request, services);
    const application = await visible(ctx, request.params.id);
    ctx.authorize('application.review', { kind: 'unit', unitId: application.unit_id });
    const input = parseInput(rejectRequestSchema, request.body);
    await services.onboarding.reject(application, ctx.who, input.reason);
    return { ok: true };
  });

  app.post<IdParams>('/console/applications/:id/allocate', async (request, reply): Promise<AllocateResult> => {
    const ctx = await consoleContext(request, services);
    const application = await visible(ctx, request.params.id);
    ctx.authorize('application.allocate', { kind: 'unit', unitId: application.unit_id });
    const input = parseInput(allocateRequestSchema, request.body);
    // Roles beyond staff are a separate permission (三员分立 is checked again in the domain).
    if (input.roles?.some((r) => r !== 'staff')) ctx.authorize('account.change_roles', { kind: 'unit', unitId: application.unit_id });
    if (input.quotaBytes !== undefined) ctx.authorize('account.change_quota', { kind: 'unit', unitId: application.unit_id });
    const { account, link } = await services.onboarding.allocate(application, input, ctx.who);
    reply.code(201);
    return { accountId: account.id, address: account.address, activation: link };
  });
}
