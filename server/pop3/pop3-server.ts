/**
 * govmail's POP3 listeners: port 110-style with STLS, and 995-style implicit TLS (RFC 8314).
 * The listener accepts sockets, applies the connection limits and hands each socket to a
 * Pop3Session (session.ts); commands are in commands.ts, the maildrop over the mail domain in
 * maildrop.ts.
 *
 * RFCs: 1939 (POP3), 2449 (CAPA, response codes, PIPELINING), 2595 §4 (STLS), 3206 (SYS and
 * AUTH response codes), 5034 (AUTH), 4616 (SASL PLAIN), 8314 (implicit TLS).
 */
import net from 'node:net';
import tls from 'node:tls';
import type { TlsMaterial } from '../platform/tls.js';
import type { Services } from '../services.js';
import { DEFAULT_POP3_LIMITS, type Pop3Limits } from './limits.js';
import { pop3Errors } from './pop3-errors.js';
import { Pop3Session, type MaildropLocks } from './session.js';

export interface Pop3ListenOptions {
  /** true: TLS from the first byte (995). false: plain with STLS (110); login only after STLS. */
  implicitTls: boolean;
  /** Overrides of DEFAULT_POP3_LIMITS (tests shorten the timers). */
  limits?: Partial<Pop3Limits>;
}

export interface Pop3Listener {
  /** The port actually bound (differs from the request when it asked for 0). */
  port: number;
  /** Stops listening and ends every open session without UPDATE (nothing is deleted). */
  close(): Promise<void>;
}

/**
 * State shared by every POP3 listener of one node: the maildrop locks (so a plain and a TLS
 * session cannot hold the same mailbox) and the connection counts.
 */
class NodeRegistry implements MaildropLocks {
  private readonly locked = new Set<number>();
  readonly perIp = new Map<string, number>();
  total = 0;

  tryLock(accountId: number): (() => void) | null {
    if (this.locked.has(accountId)) return null;
    this.locked.add(accountId);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.locked.delete(accountId);
    };
  }
}

const registries = new WeakMap<Services, NodeRegistry>();

function registryOf(services: Services): NodeRegistry {
  let registry = registries.get(services);
  if (!registry) {
    registry = new NodeRegistry();
    registries.set(services, registry);
  }
  return registry;
}

export async function listenPop3(services: Services, tlsMaterial: TlsMaterial, listen: { host: string; port: number }, options: Pop3ListenOptions): Promise<Pop3Listener> {
  const limits: Pop3Limits = { ...DEFAULT_POP3_LIMITS, ...options.limits };
  const registry = registryOf(services);
  const logger = services.logger.child({ proto: options.implicitTls ? 'pop3s' : 'pop3' });
  const secureContext = tls.createSecureContext({ cert: tlsMaterial.cert, key: tlsMaterial.key, minVersion: 'TLSv1.2' });
  const sessions = new Set<Pop3Session>();
  const deps = { services, logger, limits, secureContext, locks: registry };

  const server = net.createServer((socket) => {
    const ip = socket.remoteAddress ?? 'unknown';
    const fromIp = registry.perIp.get(ip) ?? 0;
    if (registry.total >= limits.maxConnections || fromIp >= limits.maxConnectionsPerIp) {
      socket.on('error', () => undefined);
      // On the implicit-TLS port the client expects a handshake, not text: just close.
      if (options.implicitTls) socket.destroy();
      else socket.end(pop3Errors.tooManyConnections().toWire());
      return;
    }
    registry.total++;
    registry.perIp.set(ip, fromIp + 1);
    const session = new Pop3Session(socket, deps, options.implicitTls, () => {
      sessions.delete(session);
      registry.total--;
      const left = (registry.perIp.get(ip) ?? 1) - 1;
      if (left <= 0) registry.perIp.delete(ip);
      else registry.perIp.set(ip, left);
    });
    sessions.add(session);
    session.start();
  });
  server.on('error', (err) => logger.error({ err }, 'pop3 listener error'));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as net.AddressInfo;

  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const session of sessions) session.shutdown();
      }),
  };
}
