/**
 * Console API of the quarantine (issue 6, SPEC 4.2), policy `security.quarantine` (the
 * security officer); anyone else gets 403, an id that does not exist 404:
 *   GET  /api/console/quarantine                  ?status=held|released|deleted|all&offset&limit
 *   GET  /api/console/quarantine/:id              findings, authentication, plain text, attachment list (audited view)
 *   GET  /api/console/quarantine/:id/frame        the HTML body sanitised by the webmail's policy, in a
 *                                                 sandboxed document (no scripts, no forms, no remote images)
 *   POST /api/console/quarantine/:id/release      { reason }  delivered through DeliveryService, audited
 *   POST /api/console/quarantine/:id/delete       { reason }  removed, audited
 */
import type { FastifyInstance } from 'fastify';
import { simpleParser } from 'mailparser';
import { ApiError } from '../../../../common/errors.js';
import { quarantineDecisionSchema, quarantineListQuerySchema, type QuarantineDetail, type QuarantineItem, type QuarantinePage } from '../../../../common/schemas/quarantine.js';
import { QuarantineError } from '../../../delivery/inbound/quarantine.js';
import type { Services } from '../../../services.js';
import type { QuarantineRow } from '../../../storage/database.js';
import { consoleContext } from '../../console/console-context.js';
import { parseInput } from '../../validate.js';
import { sanitizeMailHtml } from '../../webmail/html-policy.js';
import { mailFrameDocument, mailFrameResponse } from '../../webmail/mail-frame.js';

function idOf(value: string): number {
  if (!/^\d{1,12}$/.test(value)) throw new ApiError('not_found');
  return Number(value);
}

function present(row: QuarantineRow): QuarantineItem {
  let findings: QuarantineItem['findings'];
  try {
    findings = (JSON.parse(row.findings) as QuarantineItem['findings']).map((f) => ({ check: f.check, verdict: f.verdict, score: Number(f.score) || 0, reason: f.reason }));
  } catch {
    findings = [];
  }
  return {
    id: row.id,
    status: row.status,
    envelopeFrom: row.envelope_from,
    fromAddress: row.from_address,
    fromName: row.from_name,
    recipients: JSON.parse(row.recipients) as string[],
    subject: row.subject ?? '',
    messageId: row.message_id,
    remoteIp: row.remote_ip,
    size: Number(row.size),
    score: Number(row.score),
    findings,
    authResults: row.auth_results,
    createdAt: Number(row.created_at),
    decidedAt: row.decided_at === null ? null : Number(row.decided_at),
    decisionReason: row.decision_reason,
  };
}

export async function consoleQuarantineRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const quarantine = services.quarantine;
  const officer = async (request: Parameters<typeof consoleContext>[0]) => {
    const ctx = await consoleContext(request, services);
    ctx.authorize('security.quarantine', { kind: 'system' });
    return ctx;
  };
  const load = async (id: number): Promise<QuarantineRow> => {
    try {
      return await quarantine.get(id);
    } catch (err) {
      if (err instanceof QuarantineError) throw new ApiError('not_found');
      throw err;
    }
  };
  const decided = (err: unknown): never => {
    if (err instanceof QuarantineError) throw new ApiError(err.code === 'not_found' ? 'not_found' : 'quarantine.not_held');
    throw err;
  };

  app.get('/console/quarantine', async (request): Promise<QuarantinePage> => {
    await officer(request);
    const query = parseInput(quarantineListQuerySchema, request.query);
    const [total, rows] = await Promise.all([quarantine.count(query.status), quarantine.list(query.status, query.limit, query.offset)]);
    return { total, items: rows.map(present) };
  });

  app.get<{ Params: { id: string } }>('/console/quarantine/:id', async (request): Promise<QuarantineDetail> => {
    const ctx = await officer(request);
    const row = await load(idOf(request.params.id));
    let text = '';
    let hasHtml = false;
    let attachments: QuarantineDetail['attachments'] = [];
    if (row.blob_hash) {
      const parsed = await simpleParser(await services.blobs.get(row.blob_hash), { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
      text = (parsed.text ?? '').slice(0, 100_000);
      hasHtml = typeof parsed.html === 'string' && parsed.html.length > 0;
      attachments = parsed.attachments.map((a) => ({ filename: a.filename ?? '', contentType: a.contentType, size: a.size }));
    }
    await services.audit.append({ actor: ctx.account.address, actorAccountId: ctx.account.id, action: 'security.quarantine.view', target: String(row.id), ip: request.ip, protocol: 'web' });
    return { ...present(row), text, hasHtml, attachments };
  });

  app.get<{ Params: { id: string } }>('/console/quarantine/:id/frame', { onSend: mailFrameResponse }, async (request, reply) => {
    await officer(request);
    const row = await load(idOf(request.params.id));
    if (!row.blob_hash) throw new ApiError('not_found');
    const parsed = await simpleParser(await services.blobs.get(row.blob_hash), { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
    const html = typeof parsed.html === 'string' ? parsed.html : '';
    // The webmail's sanitiser; remote images stay blocked and cid: parts are not served here.
    const body = html ? sanitizeMailHtml(html, { allowRemoteImages: false, cidUrl: () => null }).html : '';
    reply.type('text/html; charset=utf-8');
    return mailFrameDocument(body, 'zh-CN');
  });

  app.post<{ Params: { id: string } }>('/console/quarantine/:id/release', async (request): Promise<QuarantineItem> => {
    const ctx = await officer(request);
    const id = idOf(request.params.id);
    await load(id);
    const input = parseInput(quarantineDecisionSchema, request.body ?? {});
    await quarantine.release(id, { accountId: ctx.account.id, address: ctx.account.address, ip: request.ip }, input.reason).catch(decided);
    return present(await load(id));
  });

  app.post<{ Params: { id: string } }>('/console/quarantine/:id/delete', async (request): Promise<QuarantineItem> => {
    const ctx = await officer(request);
    const id = idOf(request.params.id);
    await load(id);
    const input = parseInput(quarantineDecisionSchema, request.body ?? {});
    await quarantine.delete(id, { accountId: ctx.account.id, address: ctx.account.address, ip: request.ip }, input.reason).catch(decided);
    return present(await load(id));
  });
}
