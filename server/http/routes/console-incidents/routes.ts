/**
 * The security officer's incident desk (SPEC Art. 4.3, 10.3): the list (by state, overdue),
 * one incident with its timers and timeline, its state changes, owner and notes, and the
 * response actions — each needs a reason and is audited and put on the timeline by the domain
 * (governance/incidents/). Every request goes through policy.ts: `security.incidents_view` to
 * read (the auditor may; 三员分立: they change nothing), `security.incidents` to act, plus
 * `security.purge_message` or the account action's own rule on the account concerned.
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../../../common/errors.js';
import { listBlocks, removeBlock } from '../../../governance/security/blocklist.js';
import { countWebSessions } from '../../../governance/security/web-sessions.js';
import type { Services } from '../../../services.js';
import type { Account, Incident } from '../../../storage/database.js';
import { can } from '../../../governance/policy.js';
import { consoleContext, rolesOf, type ConsoleContext } from '../../console/console-context.js';
import { presentIncidentDetail, presentIncidentSummary, presentSenderBlock, type PeopleLookup } from '../../presenters/incident.js';
import { parseInput } from '../../validate.js';
import { idParam } from '../../webmail/owned.js';
import {
  accountActionSchema,
  assignIncidentSchema,
  blockSenderSchema,
  incidentListQuerySchema,
  incidentNoteSchema,
  incidentTransitionSchema,
  purgeMessageSchema,
  type AccountActionResult,
  type BlockResult,
  type IncidentDetail,
  type IncidentPage,
  type PurgeResult,
  type SenderBlockView,
} from './schema.js';

const SYSTEM = { kind: 'system' } as const;

export async function consoleIncidentRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const { db, incidents, incidentResponse } = services;

  async function people(rows: readonly Incident[]): Promise<PeopleLookup> {
    const ids = new Set<number>();
    for (const r of rows) for (const id of [r.reporter_account_id, r.owner_account_id, r.subject_account_id]) if (id !== null) ids.add(id);
    if (ids.size === 0) return new Map();
    const accounts = await db.selectFrom('accounts').select(['id', 'address', 'display_name', 'state']).where('id', 'in', [...ids]).execute();
    return new Map(accounts.map((a) => [a.id, { address: a.address, name: a.display_name, state: a.state }]));
  }

  async function detail(id: number): Promise<IncidentDetail> {
    const incident = await incidents.get(id);
    const events = await incidents.timeline(id);
    return presentIncidentDetail(incident, await people([incident]), incidents.timers(incident, events), events);
  }

  /** The account an action is about, authorised for `action` (unknown address: 404). */
  async function targetAccount(ctx: ConsoleContext, address: string, action: 'account.reset_password' | 'account.revoke_sessions'): Promise<Account> {
    const account = await db.selectFrom('accounts').selectAll().where('address', '=', address.toLowerCase()).executeTakeFirst();
    if (!account) throw new ApiError('not_found', '账号不存在');
    ctx.authorize(action, { kind: 'account', accountId: account.id, unitId: account.unit_id });
    return account;
  }

  app.get('/console/incidents', async (request): Promise<IncidentPage> => {
    const ctx = await consoleContext(request, services);
    ctx.authorize('security.incidents_view', SYSTEM);
    const query = parseInput(incidentListQuerySchema, request.query);
    const overdue = query.overdue === '1' || query.overdue === 'true';
    const page = await incidents.list({ state: query.state, overdue, offset: query.offset, limit: query.limit });
    const lookup = await people(page.items);
    return {
      items: page.items.map((row) => presentIncidentSummary(row, lookup, incidents.timers(row, []))),
      total: page.total,
      summary: await incidents.summary(),
    };
  });

  app.get<{ Params: { id: string } }>('/console/incidents/:id', async (request): Promise<IncidentDetail> => {
    const ctx = await consoleContext(request, services);
    ctx.authorize('security.incidents_view', SYSTEM);
    return detail(idParam(request.params.id));
  });

  app.post<{ Params: { id: string } }>('/console/incidents/:id/transition', async (request): Promise<IncidentDetail> => {
    const ctx = await consoleContext(request, services);
    ctx.authorize('security.incidents', SYSTEM);
    const id = idParam(request.params.id);
    const input = parseInput(incidentTransitionSchema, request.body);
    await incidents.transition(id, input.action, ctx.who, { reason: input.reason ?? null, verdict: input.verdict ?? null });
    return detail(id);
  });

  app.post<{ Params: { id: string } }>('/console/incidents/:id/assign', async (request): Promise<IncidentDetail> => {
    const ctx = await consoleContext(request, services);
    ctx.authorize('security.incidents', SYSTEM);
    const id = idParam(request.params.id);
    const input = parseInput(assignIncidentSchema, request.body);
    let owner: Account | null = null;
    if (input.owner) {
      owner = (await db.selectFrom('accounts').selectAll().where('address', '=', input.owner).executeTakeFirst()) ?? null;
      if (!owner) throw new ApiError('not_found', '账号不存在');
      // The owner must be someone who may handle incidents.
      if (!can({ accountId: owner.id, unitId: owner.unit_id, roles: rolesOf(owner) }, 'security.incidents', SYSTEM, ctx.tree)) throw new ApiError('policy.refused', '负责人须为信息安全管理员');
    }
    await incidents.assign(id, owner, ctx.who, input.reason?.trim() || null);
    return detail(id);
  });

  app.post<{ Params: { id: string } }>('/console/incidents/:id/notes', async (request): Promise<IncidentDetail> => {
    const ctx = await consoleContext(request, services);
    ctx.authorize('security.incidents', SYSTEM);
    const id = idParam(request.params.id);
    const input = parseInput(incidentNoteSchema, request.body);
    await incidents.addNote(id, ctx.who, input.text);
    return detail(id);
  });

  // ── response actions ──────────────────────────────────────────────────────────────────

  app.post<{ Params: { id: string } }>('/console/incidents/:id/actions/purge', async (request): Promise<PurgeResult> => {
    const ctx = await consoleContext(request, services);
    ctx.authorize('security.incidents', SYSTEM);
    ctx.authorize('security.purge_message', SYSTEM);
    const input = parseInput(purgeMessageSchema, request.body);
    return incidentResponse.purgeMessage(idParam(request.params.id), { by: input.by, value: input.value ?? null, reason: input.reason }, ctx.who);
  });

  app.post<{ Params: { id: string } }>('/console/incidents/:id/actions/block-sender', async (request): Promise<BlockResult> => {
    const ctx = await consoleContext(request, services);
    ctx.authorize('security.incidents', SYSTEM);
    const input = parseInput(blockSenderSchema, request.body);
    const result = await incidentResponse.blockSender(idParam(request.params.id), input, ctx.who);
    return { block: presentSenderBlock(result.block), created: result.created };
  });

  app.post<{ Params: { id: string } }>('/console/incidents/:id/actions/force-password-reset', async (request): Promise<AccountActionResult> => {
    const ctx = await consoleContext(request, services);
    ctx.authorize('security.incidents', SYSTEM);
    const input = parseInput(accountActionSchema, request.body);
    const account = await targetAccount(ctx, input.account, 'account.reset_password');
    const result = await incidentResponse.forcePasswordReset(idParam(request.params.id), account, { reason: input.reason }, ctx.who);
    return { account: account.address, sessionsRevoked: result.sessionsRevoked, state: account.state, ...(result.resetLink ? { resetLink: result.resetLink } : {}) };
  });

  app.post<{ Params: { id: string } }>('/console/incidents/:id/actions/revoke-sessions', async (request): Promise<AccountActionResult> => {
    const ctx = await consoleContext(request, services);
    ctx.authorize('security.incidents', SYSTEM);
    const input = parseInput(accountActionSchema, request.body);
    const account = await targetAccount(ctx, input.account, 'account.revoke_sessions');
    const result = await incidentResponse.revokeSessions(idParam(request.params.id), account, { reason: input.reason }, ctx.who);
    return { account: account.address, sessionsRevoked: result.revoked, state: account.state };
  });

  app.post<{ Params: { id: string } }>('/console/incidents/:id/actions/lock-account', async (request): Promise<AccountActionResult> => {
    const ctx = await consoleContext(request, services);
    ctx.authorize('security.incidents', SYSTEM);
    const input = parseInput(accountActionSchema, request.body);
    const target = await db.selectFrom('accounts').select('id').where('address', '=', input.account).executeTakeFirst();
    if (!target) throw new ApiError('not_found', '账号不存在');
    // Administration asks the policy (`account.lock`) itself, ends web and IMAP/POP3 sessions.
    const before = await countWebSessions(db, target.id);
    const { account } = await incidentResponse.lockAccount(idParam(request.params.id), target.id, { reason: input.reason }, { policy: ctx.actor, tree: ctx.tree, who: ctx.who });
    return { account: account.address, sessionsRevoked: before, state: account.state };
  });

  // ── the sender blocklist ─────────────────────────────────────────────────────────────

  app.get('/console/sender-blocks', async (request): Promise<SenderBlockView[]> => {
    const ctx = await consoleContext(request, services);
    ctx.authorize('security.incidents_view', SYSTEM);
    return (await listBlocks(db)).map(presentSenderBlock);
  });

  app.delete<{ Params: { id: string }; Querystring: { reason?: string } }>('/console/sender-blocks/:id', async (request, reply) => {
    const ctx = await consoleContext(request, services);
    ctx.authorize('security.incidents', SYSTEM);
    const reason = (request.query.reason ?? '').trim();
    if (!reason) throw new ApiError('validation', '请填写解除封禁的原因');
    const removed = await removeBlock(db, idParam(request.params.id));
    if (!removed) throw new ApiError('not_found');
    await services.audit.append({ actor: ctx.who.address, actorAccountId: ctx.who.accountId ?? null, action: 'security.unblock_sender', target: removed.pattern, ip: ctx.who.ip ?? null, protocol: 'web', details: { reason, incident: removed.incident_id } });
    if (removed.incident_id !== null) await incidents.event(removed.incident_id, ctx.who, 'unblock_sender', reason, { pattern: removed.pattern }).catch(() => undefined);
    return reply.status(204).send();
  });
}
