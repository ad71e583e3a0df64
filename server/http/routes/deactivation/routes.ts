/**
 * Deactivation (SPEC Art. 3.6) over HTTP: the console's workflow (list, detail with the handover
 * checklist, waive, complete, cancel, a request by the unit admin) and the person's own side in
 * the webmail's settings (request, name a successor, cancel, export the mailbox). Thin: the
 * rules, the policy and the audit live in governance/accounts/deactivation.ts.
 * The endpoints are listed in common/schemas/deactivation.ts.
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../../../common/errors.js';
import {
  deactivationListQuerySchema,
  deactivationRequestSchema,
  handoverSchema,
  reasonSchema,
  waiveSchema,
  type DeactivationView,
  type MailboxExportView,
  type SelfDeactivation,
} from '../../../../common/schemas/deactivation.js';
import { authorize } from '../../../governance/policy.js';
import type { Services } from '../../../services.js';
import { adminActorOf, idParam } from '../../console/admin-actor.js';
import { sessionOf } from '../../plugins/sessions.js';
import { presentDeactivation, presentExport } from '../../presenters/deactivation.js';
import { parseInput } from '../../validate.js';
import { contentDisposition } from '../../webmail/downloads.js';

/** Exports a person may start per hour: each reads the whole mailbox. */
const EXPORTS_PER_HOUR = 6;

function idOf(raw: string): number {
  const id = idParam(raw);
  if (id === null) throw new ApiError('not_found');
  return id;
}

export async function deactivationRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const { deactivation } = services;

  // ── console ────────────────────────────────────────────────────────────────────────────

  app.get('/console/deactivations', async (request): Promise<DeactivationView[]> => {
    const by = await adminActorOf(request, services);
    const query = parseInput(deactivationListQuerySchema, request.query);
    return (await deactivation.list(by, query)).map(presentDeactivation);
  });

  app.get<{ Params: { id: string } }>('/console/deactivations/:id', async (request): Promise<DeactivationView> => {
    const by = await adminActorOf(request, services);
    // The console is for administrators; a person sees their own in the webmail's settings.
    if (by.policy.roles.every((r) => r === 'staff')) throw new ApiError('not_found');
    return presentDeactivation(await deactivation.get(idOf(request.params.id), by));
  });

  app.post<{ Params: { id: string } }>('/console/accounts/:id/deactivation', async (request, reply): Promise<DeactivationView> => {
    const by = await adminActorOf(request, services);
    const input = parseInput(deactivationRequestSchema, request.body);
    const row = await deactivation.request(idOf(request.params.id), input, by);
    reply.code(201);
    return presentDeactivation(await deactivation.view(row.id));
  });

  app.patch<{ Params: { id: string } }>('/console/deactivations/:id/handover', async (request): Promise<DeactivationView> => {
    const by = await adminActorOf(request, services);
    const input = parseInput(handoverSchema, request.body);
    return presentDeactivation(await deactivation.setHandover(idOf(request.params.id), input, by));
  });

  app.post<{ Params: { id: string } }>('/console/deactivations/:id/waive', async (request): Promise<DeactivationView> => {
    const by = await adminActorOf(request, services);
    const input = parseInput(waiveSchema, request.body);
    return presentDeactivation(await deactivation.waive(idOf(request.params.id), input.item, input.reason, by));
  });

  app.post<{ Params: { id: string } }>('/console/deactivations/:id/complete', async (request): Promise<DeactivationView> => {
    const by = await adminActorOf(request, services);
    return presentDeactivation(await deactivation.complete(idOf(request.params.id), by));
  });

  app.post<{ Params: { id: string } }>('/console/deactivations/:id/cancel', async (request): Promise<DeactivationView> => {
    const by = await adminActorOf(request, services);
    const { reason } = parseInput(reasonSchema, request.body);
    const row = await deactivation.cancel(idOf(request.params.id), reason, by);
    return presentDeactivation(await deactivation.view(row.id));
  });

  // ── the person's own (webmail settings) ───────────────────────────────────────────────────

  const own = async (accountId: number) => {
    const latest = await deactivation.latestOf(accountId);
    return latest && latest.deactivation.state === 'in_progress' ? latest : null;
  };

  app.get('/account/deactivation', async (request): Promise<SelfDeactivation> => {
    const { account } = sessionOf(request);
    const latest = await own(account.id);
    return { deactivation: latest ? presentDeactivation(latest) : null, defaultForwardDays: deactivation.options.handoverDays };
  });

  app.post('/account/deactivation', async (request, reply): Promise<DeactivationView> => {
    const { account } = sessionOf(request);
    const by = await adminActorOf(request, services);
    const input = parseInput(deactivationRequestSchema, request.body);
    const row = await deactivation.request(account.id, input, by);
    reply.code(201);
    return presentDeactivation(await deactivation.view(row.id));
  });

  app.patch('/account/deactivation/handover', async (request): Promise<DeactivationView> => {
    const { account } = sessionOf(request);
    const by = await adminActorOf(request, services);
    const input = parseInput(handoverSchema, request.body);
    const current = await own(account.id);
    if (!current) throw new ApiError('not_found');
    return presentDeactivation(await deactivation.setHandover(current.deactivation.id, input, by));
  });

  app.post('/account/deactivation/cancel', async (request): Promise<DeactivationView> => {
    const { account } = sessionOf(request);
    const by = await adminActorOf(request, services);
    const { reason } = parseInput(reasonSchema, request.body);
    const current = await own(account.id);
    if (!current) throw new ApiError('not_found');
    const row = await deactivation.cancel(current.deactivation.id, reason, by);
    return presentDeactivation(await deactivation.view(row.id));
  });

  // ── the person's own mailbox export (the handover's "final export") ──────────────────────

  app.get('/account/exports', async (request): Promise<MailboxExportView[]> => {
    const { account } = sessionOf(request);
    return (await deactivation.exporter.list(account.id)).map(presentExport);
  });

  app.post('/account/exports', { config: { rateLimit: { max: EXPORTS_PER_HOUR, timeWindow: 60 * 60_000 } } }, async (request, reply): Promise<MailboxExportView> => {
    const { account } = sessionOf(request);
    const by = await adminActorOf(request, services);
    authorize(by.policy, 'account.self_service', { kind: 'account', accountId: account.id, unitId: account.unit_id }, by.tree);
    const row = await deactivation.exporter.exportAll(account.id, account.address);
    await services.audit.append({
      actor: account.address,
      actorAccountId: account.id,
      action: 'mailbox.export',
      target: account.address,
      ip: request.ip,
      protocol: 'web',
      details: { export: row.id, format: row.format, messages: row.messages, size: row.size, sha256: row.sha256 },
    });
    reply.code(201);
    return presentExport(row);
  });

  app.get<{ Params: { id: string } }>('/account/exports/:id/download', async (request, reply) => {
    const { account } = sessionOf(request);
    const row = await deactivation.exporter.find(account.id, idOf(request.params.id));
    if (!row) throw new ApiError('not_found');
    await deactivation.exporter.markDownloaded(row);
    const day = new Date(row.created_at).toISOString().slice(0, 10);
    reply.header('content-type', 'application/mbox');
    reply.header('content-length', String(row.size));
    reply.header('content-disposition', contentDisposition('attachment', `${account.address}-${day}.mbox`));
    reply.header('cache-control', 'no-store');
    return reply.send(deactivation.exporter.open(row));
  });
}
