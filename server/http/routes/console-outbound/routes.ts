/**
 * Console API of the outbound side (issue 6):
 *   GET  /api/console/outbound/holds                review queue (policy `outbound.review`, scoped to the reviewer's units)
 *   GET  /api/console/outbound/holds/:id            one held message with the text the checks saw
 *   POST /api/console/outbound/holds/:id/release    { reason? }  delivered as submitted, audited
 *   POST /api/console/outbound/holds/:id/reject     { reason }   the sender is told, audited
 *   GET  /api/console/content-rules                 rules (`outbound.rules`: unit admins their units, security officer all)
 *   POST /api/console/content-rules                 { unitId|null, name, kind, pattern, action, enabled }
 *   PATCH/DELETE /api/console/content-rules/:id
 *   GET  /api/console/outbound/queue                the outbound queue (`outbound.manage`)
 *   POST /api/console/outbound/queue/:id/retry      due at once, audited
 *   POST /api/console/outbound/queue/:id/cancel     { reason? } given up, audited
 * Objects outside the person's reach answer 404, as if they did not exist.
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../../../common/errors.js';
import {
  contentRuleInputSchema,
  holdDecisionSchema,
  holdListQuerySchema,
  holdRejectSchema,
  queueCancelSchema,
  queueListQuerySchema,
  type ContentRuleView,
  type Hold,
  type HoldDetail,
  type HoldPage,
  type QueueEntry,
  type QueuePage,
} from '../../../../common/schemas/outbound.js';
import { ContentRuleInvalid, ContentRules } from '../../../delivery/outbound/content-rules.js';
import { inspectableMessage } from '../../../delivery/outbound/message-text.js';
import { OutboundQueueAdmin, QueueRowNotQueued } from '../../../delivery/outbound/queue-admin.js';
import { HoldNotPending, ReviewQueue } from '../../../delivery/outbound/review-queue.js';
import type { Services } from '../../../services.js';
import type { ContentRule, OutboundHold, OutboundRow } from '../../../storage/database.js';
import { consoleContext, type ConsoleContext } from '../../console/console-context.js';
import { parseInput } from '../../validate.js';

function idOf(value: string): number {
  if (!/^\d{1,12}$/.test(value)) throw new ApiError('not_found');
  return Number(value);
}

function presentHold(h: OutboundHold): Hold {
  let findings: Hold['findings'];
  try {
    findings = (JSON.parse(h.findings) as Hold['findings']).map((f) => ({ check: f.check, verdict: f.verdict, reason: f.reason }));
  } catch {
    findings = [];
  }
  return {
    id: h.id,
    status: h.status,
    sender: h.envelope_from,
    senderUnitId: h.sender_unit_id,
    recipients: JSON.parse(h.recipients) as string[],
    subject: h.subject ?? '',
    messageId: h.message_id,
    protocol: h.protocol,
    size: Number(h.size),
    findings,
    createdAt: Number(h.created_at),
    decidedAt: h.decided_at === null ? null : Number(h.decided_at),
    decisionReason: h.decision_reason,
  };
}

function presentEntry(r: OutboundRow): QueueEntry {
  return {
    id: r.id,
    sender: r.envelope_from,
    recipient: r.recipient,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.status === 'queued' ? Number(r.next_attempt_at) : null,
    lastAttemptAt: r.last_attempt_at === null ? null : Number(r.last_attempt_at),
    lastError: r.last_error,
    createdAt: Number(r.created_at),
    finishedAt: r.finished_at === null ? null : Number(r.finished_at),
  };
}

export async function consoleOutboundRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const { config } = services;
  const reviews = new ReviewQueue(services.db, services.mail, services.delivery, services.audit, services.clock, config.hostname, config.domains[0]!);
  const rules = new ContentRules(services.db, services.audit, services.clock);
  const queue = new OutboundQueueAdmin(services.db, services.audit, services.clock);
  const who = (ctx: ConsoleContext, ip: string) => ({ address: ctx.account.address, accountId: ctx.account.id, ip });

  /** A hold the reviewer may see, or 404. Holds of a sender with no unit are the security officer's. */
  const reviewable = async (ctx: ConsoleContext, id: number): Promise<OutboundHold> => {
    const hold = await reviews.get(id);
    const object = hold?.sender_unit_id != null ? ({ kind: 'unit', unitId: hold.sender_unit_id } as const) : ({ kind: 'system' } as const);
    if (!hold || !ctx.can('outbound.review', object)) throw new ApiError('not_found');
    return hold;
  };

  const ruleObject = (unitId: number | null) => (unitId === null ? ({ kind: 'system' } as const) : ({ kind: 'unit', unitId } as const));

  const presentRule = (ctx: ConsoleContext, r: ContentRule): ContentRuleView => ({
    id: r.id,
    unitId: r.unit_id,
    name: r.name,
    kind: r.kind,
    pattern: r.pattern,
    action: r.action,
    enabled: r.enabled === 1,
    editable: ctx.can('outbound.rules', ruleObject(r.unit_id)),
    updatedAt: Number(r.updated_at),
  });

  const ruleError = (err: unknown): never => {
    if (err instanceof ContentRuleInvalid) throw new ApiError('validation', err.message, { issues: [{ path: err.path, message: err.message }] });
    throw err;
  };

  // ── review queue ─────────────────────────────────────────────────────────────────────
  app.get('/console/outbound/holds', async (request): Promise<HoldPage> => {
    const ctx = await consoleContext(request, services);
    const query = parseInput(holdListQuerySchema, request.query);
    const all = ctx.can('outbound.review', { kind: 'system' });
    const unitIds = all ? null : ctx.unitsWhere('outbound.review');
    if (!all && unitIds!.length === 0) ctx.authorize('outbound.review', { kind: 'system' });
    const page = await reviews.list({ unitIds, ...(query.status ? { status: query.status } : {}), offset: query.offset, limit: query.limit });
    return { total: page.total, items: page.items.map(presentHold) };
  });

  app.get<{ Params: { id: string } }>('/console/outbound/holds/:id', async (request): Promise<HoldDetail> => {
    const ctx = await consoleContext(request, services);
    const hold = await reviewable(ctx, idOf(request.params.id));
    const message = await inspectableMessage(await services.blobs.get(hold.blob_hash));
    await services.audit.append({ actor: ctx.account.address, actorAccountId: ctx.account.id, action: 'outbound.hold_view', target: String(hold.id), ip: request.ip, protocol: 'web' });
    return {
      ...presentHold(hold),
      text: message.pieces.filter((p) => p.location !== 'attachment_filename').map((p) => ({ location: p.location, name: p.name ?? null, text: p.text.slice(0, 20_000) })),
      notInspected: message.notInspected,
    };
  });

  app.post<{ Params: { id: string } }>('/console/outbound/holds/:id/release', async (request): Promise<Hold> => {
    const ctx = await consoleContext(request, services);
    const hold = await reviewable(ctx, idOf(request.params.id));
    const input = parseInput(holdDecisionSchema, request.body ?? {});
    try {
      await reviews.release(hold, who(ctx, request.ip), input.reason || null);
    } catch (err) {
      if (err instanceof HoldNotPending) throw new ApiError('outbound.not_pending');
      throw err;
    }
    return presentHold((await reviews.get(hold.id))!);
  });

  app.post<{ Params: { id: string } }>('/console/outbound/holds/:id/reject', async (request): Promise<Hold> => {
    const ctx = await consoleContext(request, services);
    const hold = await reviewable(ctx, idOf(request.params.id));
    const input = parseInput(holdRejectSchema, request.body ?? {});
    try {
      await reviews.reject(hold, who(ctx, request.ip), input.reason);
    } catch (err) {
      if (err instanceof HoldNotPending) throw new ApiError('outbound.not_pending');
      throw err;
    }
    return presentHold((await reviews.get(hold.id))!);
  });

  // ── content rules ────────────────────────────────────────────────────────────────────
  app.get('/console/content-rules', async (request): Promise<ContentRuleView[]> => {
    const ctx = await consoleContext(request, services);
    const all = ctx.can('outbound.rules', { kind: 'system' });
    const unitIds = all ? null : ctx.unitsWhere('outbound.rules');
    if (!all && unitIds!.length === 0) ctx.authorize('outbound.rules', { kind: 'system' });
    return (await rules.list(unitIds)).map((r) => presentRule(ctx, r));
  });

  app.post('/console/content-rules', async (request, reply): Promise<ContentRuleView> => {
    const ctx = await consoleContext(request, services);
    const input = parseInput(contentRuleInputSchema, request.body);
    if (input.unitId !== null && !(await services.db.selectFrom('units').select('id').where('id', '=', input.unitId).executeTakeFirst())) {
      throw new ApiError('validation', '单位不存在', { issues: [{ path: 'unitId', message: '单位不存在' }] });
    }
    ctx.authorize('outbound.rules', ruleObject(input.unitId));
    const row = await rules.create(input, who(ctx, request.ip)).catch(ruleError);
    reply.code(201);
    return presentRule(ctx, row);
  });

  app.patch<{ Params: { id: string } }>('/console/content-rules/:id', async (request): Promise<ContentRuleView> => {
    const ctx = await consoleContext(request, services);
    const existing = await rules.get(idOf(request.params.id));
    if (!existing || !ctx.can('outbound.rules', ruleObject(existing.unit_id))) throw new ApiError('not_found');
    const input = parseInput(contentRuleInputSchema, request.body);
    ctx.authorize('outbound.rules', ruleObject(input.unitId));
    return presentRule(ctx, await rules.update(existing, input, who(ctx, request.ip)).catch(ruleError));
  });

  app.delete<{ Params: { id: string } }>('/console/content-rules/:id', async (request, reply) => {
    const ctx = await consoleContext(request, services);
    const existing = await rules.get(idOf(request.params.id));
    if (!existing || !ctx.can('outbound.rules', ruleObject(existing.unit_id))) throw new ApiError('not_found');
    await rules.remove(existing, who(ctx, request.ip));
    return reply.code(204).send();
  });

  // ── outbound queue ───────────────────────────────────────────────────────────────────
  app.get('/console/outbound/queue', async (request): Promise<QueuePage> => {
    const ctx = await consoleContext(request, services);
    ctx.authorize('outbound.manage', { kind: 'system' });
    const query = parseInput(queueListQuerySchema, request.query);
    const page = await queue.list({ ...(query.status ? { status: query.status } : {}), ...(query.q ? { q: query.q } : {}), offset: query.offset, limit: query.limit });
    return { total: page.total, counts: page.counts, items: page.items.map(presentEntry) };
  });

  app.post<{ Params: { id: string } }>('/console/outbound/queue/:id/retry', async (request): Promise<QueueEntry> => {
    const ctx = await consoleContext(request, services);
    ctx.authorize('outbound.manage', { kind: 'system' });
    const id = idOf(request.params.id);
    if (!(await queue.get(id))) throw new ApiError('not_found');
    await queue.retryNow(id, who(ctx, request.ip)).catch((err: unknown) => {
      throw err instanceof QueueRowNotQueued ? new ApiError('outbound.not_pending') : err;
    });
    return presentEntry((await queue.get(id))!);
  });

  app.post<{ Params: { id: string } }>('/console/outbound/queue/:id/cancel', async (request): Promise<QueueEntry> => {
    const ctx = await consoleContext(request, services);
    ctx.authorize('outbound.manage', { kind: 'system' });
    const id = idOf(request.params.id);
    if (!(await queue.get(id))) throw new ApiError('not_found');
    const input = parseInput(queueCancelSchema, request.body ?? {});
    await queue.cancel(id, who(ctx, request.ip), input.reason || null).catch((err: unknown) => {
      throw err instanceof QueueRowNotQueued ? new ApiError('outbound.not_pending') : err;
    });
    return presentEntry((await queue.get(id))!);
  });
}
