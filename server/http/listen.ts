/** Binds the HTTP app to `config.http.listen` (port 0: the OS chooses; the bound port is returned). */
import type { Services } from '../services.js';
import { buildApp } from './app.js';

export interface HttpListener {
  /** The port actually bound. */
  port: number;
  /** Stops accepting connections and waits for requests in flight. */
  close(): Promise<void>;
}

export async function listenHttp(services: Services): Promise<HttpListener> {
  const { host, port } = services.config.http.listen;
  const app = await buildApp(services);
  try {
    await app.listen({ host, port });
  } catch (err) {
    await app.close();
    throw err;
  }
  const address = app.server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : port,
    close: () => app.close(),
  };
}
