import type { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionsPlugin } from '../../plugins/sessions.js';
import { WebSessionStore } from '../../session-store.js';
import { createTestHttp, type TestHttp } from '../../test-app.js';
import { buildMail, deliver, mailboxId, newestMessageId, signIn, type ApiClient } from '../../test-webmail.js';
import { eventRoutes, toLiveEvents } from './routes.js';
import { liveEventSchema } from './schema.js';

interface Stream {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Resolves with everything received once `predicate` holds. */
  until(predicate: (text: string) => boolean): Promise<string>;
  ended: Promise<void>;
  close(): void;
}

function open(url: string, cookie: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { cookie: `govmail_session=${cookie}`, accept: 'text/event-stream' } }, (response) => {
      let text = '';
      const waiters: { predicate: (text: string) => boolean; resolve: (text: string) => void }[] = [];
      const check = () => {
        for (const w of [...waiters]) {
          if (!w.predicate(text)) continue;
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(text);
        }
      };
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
        check();
      });
      const ended = new Promise<void>((done) => response.on('close', () => done()));
      resolve({
        status: response.statusCode ?? 0,
        headers: response.headers,
        until: (predicate) =>
          new Promise((done) => {
            waiters.push({ predicate, resolve: done });
            check();
          }),
        ended,
        close: () => request.destroy(),
      });
    });
    request.on('error', reject);
  });
}

const listeners = (t: TestHttp, accountId: number) => (t.services.feed as unknown as { emitter: EventEmitter }).emitter.listenerCount(`account:${accountId}`);

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
}

describe('/api/events (server-sent events over a real socket)', () => {
  let t: TestHttp;
  let a: ApiClient;
  let base: string;
  beforeAll(async () => {
    t = await createTestHttp();
    a = await signIn(t);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => t.close());

  it('streams message-added after a delivery, and message-changed / mailboxes-changed after other changes', async () => {
    const stream = await open(`${base}/api/events`, a.cookie);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(stream.headers['cache-control']).toBe('no-store');
    expect(stream.headers['x-content-type-options']).toBe('nosniff');
    await waitFor(() => listeners(t, a.account.id) === 1);

    await deliver(t, await buildMail({ to: [a.account.address], subject: '实时', text: 'x' }), [a.account.address]);
    const id = await newestMessageId(t, a.account.id);
    const inbox = await mailboxId(t, a.account.id, 'INBOX');
    const added = await stream.until((text) => text.includes('event: message-added'));
    const block = /event: message-added\ndata: (.+)\n\n/.exec(added)!;
    expect(liveEventSchema.parse(JSON.parse(block[1]!))).toEqual({ kind: 'message-added', mailboxId: inbox, id });

    await a.patch(`/api/messages/${id}`, { flagged: true });
    await stream.until((text) => text.includes('event: message-changed'));
    await a.post('/api/mailboxes', { name: '实时文件夹' });
    await stream.until((text) => text.includes('event: mailboxes-changed\ndata: {"kind":"mailboxes-changed"}'));

    stream.close();
    await waitFor(() => listeners(t, a.account.id) === 0);
  });

  it('needs a session', async () => {
    const stream = await open(`${base}/api/events`, 'x'.repeat(43));
    expect(stream.status).toBe(401);
    stream.close();
  });

  it('maps feed changes to live events', () => {
    expect(
      toLiveEvents([
        { kind: 'message-expunged', accountId: 1, mailboxId: 2, uid: 3, modseq: 4 },
        { kind: 'mailbox-created', accountId: 1, mailboxId: 5, name: 'x' },
        { kind: 'mailbox-renamed', accountId: 1, mailboxId: 5, oldName: 'x', name: 'y' },
      ]),
    ).toEqual([{ kind: 'message-removed', mailboxId: 2, uid: 3 }, { kind: 'mailboxes-changed' }]);
  });
});

describe('/api/events heartbeat and end of session', () => {
  let t: TestHttp;
  let app: FastifyInstance;
  let base: string;
  beforeAll(async () => {
    t = await createTestHttp();
    // The same routes with a 50 ms heartbeat, on a second app over the same services.
    app = Fastify();
    await app.register(fastifyCookie);
    const store = new WebSessionStore(t.services.db, t.services.clock, 30 * 60_000);
    await app.register(
      async (api) => {
        await api.register(sessionsPlugin, { store, secureCookies: false });
        await api.register(eventRoutes, { services: t.services, heartbeatMs: 50 });
      },
      { prefix: '/api' },
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  it('sends heartbeat comments, and ends the stream (unsubscribing) when the session ends', async () => {
    const a = await signIn(t);
    const stream = await open(`${base}/api/events`, a.cookie);
    await stream.until((text) => (text.match(/: heartbeat\n\n/g) ?? []).length >= 2);
    expect(listeners(t, a.account.id)).toBe(1);
    expect((await a.delete('/api/session')).statusCode).toBe(204);
    await stream.ended;
    await waitFor(() => listeners(t, a.account.id) === 0);
  });

  it('ends open streams when the app closes', async () => {
    const a = await signIn(t);
    const stream = await open(`${base}/api/events`, a.cookie);
    await stream.until((text) => text.includes('live updates'));
    await app.close();
    await stream.ended;
    expect(listeners(t, a.account.id)).toBe(0);
  });
});
