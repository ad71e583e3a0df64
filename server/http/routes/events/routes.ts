/**
 * `GET /api/events`: the account's live updates as server-sent events (WHATWG HTML §9.2), fed by
 * the change feed that IMAP IDLE also listens to — a message delivered by SMTP, or moved by an
 * IMAP client, shows in every open tab without a reload.
 *
 * Each event's name is its `kind` and its data the LiveEvent JSON. A comment line every
 * EVENTS_HEARTBEAT_MS keeps proxies from closing a quiet stream, and at the same time the
 * session is checked (without counting as activity): a stream ends with its session — on
 * logout, on idle timeout, or when the account stops being active. Closing, from either side,
 * unsubscribes from the feed.
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../../../common/errors.js';
import type { MailChange } from '../../../mail/changes.js';
import type { Services } from '../../../services.js';
import { EVENTS_HEARTBEAT_MS, EVENTS_STREAMS_PER_ACCOUNT } from '../../limits.js';
import { sessionOf } from '../../plugins/sessions.js';
import { CONTENT_SECURITY_POLICY } from '../../plugins/security-headers.js';
import type { LiveEvent } from './schema.js';

/** The feed's changes as the web app's events; mailbox changes collapse into one. */
export function toLiveEvents(changes: readonly MailChange[]): LiveEvent[] {
  const out: LiveEvent[] = [];
  let mailboxes = false;
  for (const change of changes) {
    switch (change.kind) {
      case 'message-added':
        out.push({ kind: 'message-added', mailboxId: change.mailboxId, id: change.messageRowId });
        break;
      case 'flags-changed':
        out.push({ kind: 'message-changed', mailboxId: change.mailboxId, uid: change.uid });
        break;
      case 'message-expunged':
        out.push({ kind: 'message-removed', mailboxId: change.mailboxId, uid: change.uid });
        break;
      default:
        mailboxes = true;
    }
  }
  if (mailboxes) out.push({ kind: 'mailboxes-changed' });
  return out;
}

export type EventRoutesOptions = { services: Services; heartbeatMs?: number };

export async function eventRoutes(app: FastifyInstance, { services, heartbeatMs = EVENTS_HEARTBEAT_MS }: EventRoutesOptions): Promise<void> {
  const open = new Map<number, number>();
  const streams = new Set<() => void>();
  // Open streams never go idle: end them when the app closes, or close() would wait for them.
  app.addHook('preClose', async () => {
    for (const close of [...streams]) close();
  });
  const idleMs = services.config.http.sessionIdleMinutes * 60_000;

  app.get('/events', async (request, reply) => {
    const session = sessionOf(request);
    const accountId = session.account.id;
    if ((open.get(accountId) ?? 0) >= EVENTS_STREAMS_PER_ACCOUNT) throw new ApiError('rate_limited', '打开的页面过多，请关闭部分页面后重试');
    open.set(accountId, (open.get(accountId) ?? 0) + 1);

    // The stream is written by hand from here on: the app's onSend hooks do not run, so the
    // headers they would add are set here.
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // nginx: do not buffer the stream
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'referrer-policy': 'no-referrer',
    });
    res.write(': govmail live updates\n\n');

    let closed = false;
    const unsubscribe = services.feed.subscribe(accountId, (changes) => {
      for (const event of toLiveEvents(changes)) res.write(`event: ${event.kind}\ndata: ${JSON.stringify(event)}\n\n`);
    });
    const close = () => {
      if (closed) return;
      closed = true;
      streams.delete(close);
      clearInterval(heartbeat);
      unsubscribe();
      const left = (open.get(accountId) ?? 1) - 1;
      if (left > 0) open.set(accountId, left);
      else open.delete(accountId);
      res.end();
    };
    const heartbeat = setInterval(() => {
      void (async () => {
        // The session must still exist and be fresh; reading it here does not extend it.
        const row = await services.db
          .selectFrom('web_sessions')
          .innerJoin('accounts', 'accounts.id', 'web_sessions.account_id')
          .select(['web_sessions.last_seen_at', 'accounts.state'])
          .where('web_sessions.token_hash', '=', session.tokenHash)
          .executeTakeFirst();
        if (!row || row.state !== 'active' || services.clock.now() - row.last_seen_at > idleMs) close();
        else res.write(': heartbeat\n\n');
      })().catch(close);
    }, heartbeatMs);
    heartbeat.unref();
    streams.add(close);
    request.raw.on('close', close);
    res.on('close', close);
    res.on('error', close);
  });
}
