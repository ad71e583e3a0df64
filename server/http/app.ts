/**
 * The HTTP app: webmail, console and JSON API on Fastify. `buildApp` never listens, so tests
 * call `app.inject()`; `listen.ts` binds it to the configured port.
 *
 * Layout of the contexts:
 *   root      error mapping, security headers, cookies, rate limits, /healthz,
 *             the built web app with its SPA fallback and the one not-found handler
 *   /api      session loading (a session is required unless a route is public), CSRF,
 *             one plugin per resource under routes/<resource>/
 */
import fastifyCookie from '@fastify/cookie';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Services } from '../services.js';
import { API_BODY_LIMIT_BYTES } from './limits.js';
import { csrfPlugin } from './plugins/csrf.js';
import { errorsPlugin } from './plugins/errors.js';
import { rateLimitPlugin } from './plugins/rate-limit.js';
import { securityHeadersPlugin } from './plugins/security-headers.js';
import { sessionsPlugin } from './plugins/sessions.js';
import { defaultWebRoot, webAppPlugin } from './plugins/web-app.js';
import { consoleRoutes } from './routes/console/routes.js';
import { consoleAccountAdminRoutes } from './routes/console-account-admin/routes.js';
import { deactivationRoutes } from './routes/deactivation/routes.js';
import { consoleOutboundRoutes } from './routes/console-outbound/routes.js';
import { consoleIncidentRoutes } from './routes/console-incidents/routes.js';
import { consoleQuarantineRoutes } from './routes/console-quarantine/routes.js';
import { healthRoutes } from './routes/health/routes.js';
import { onboardingRoutes } from './routes/onboarding.js';
import { sessionRoutes } from './routes/session/routes.js';
import { webmailRoutes } from './routes/webmail.js';
import { passwordResetRoutes } from './routes/password-reset/routes.js';
import { consolePasswordPolicyRoutes } from './routes/console-password-policy/routes.js';
import { WebSessionStore } from './session-store.js';

export async function buildApp(services: Services): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    // Typed as Fastify's logger interface so the app is a plain FastifyInstance for plugins.
    loggerInstance: services.logger.child({ component: 'http' }) as FastifyBaseLogger,
    // Probes hit /healthz every few seconds: no access-log line for each.
    logController: new LogController({ disableRequestLogging: (request) => request.url === '/healthz' }),
    bodyLimit: API_BODY_LIMIT_BYTES,
    // request.ip is the socket's peer until a reverse-proxy option exists (see rate-limit.ts).
    trustProxy: false,
  });

  await app.register(errorsPlugin);
  await app.register(securityHeadersPlugin, { hsts: config.http.secureCookies });
  await app.register(fastifyCookie);
  await app.register(rateLimitPlugin);

  await app.register(healthRoutes, { services });

  const store = new WebSessionStore(services.db, services.clock, config.http.sessionIdleMinutes * 60_000);
  await app.register(
    async (api) => {
      await api.register(sessionsPlugin, {
        store,
        secureCookies: config.http.secureCookies,
        passwordGate: async (account) => {
          const status = await services.auth.passwordStatus(account);
          return status.state === 'ok' ? null : status.state;
        },
      });
      await api.register(csrfPlugin);
      await api.register(sessionRoutes, { services, store });
      await api.register(webmailRoutes, { services });
      await api.register(consoleRoutes, { services });
      await api.register(consoleOutboundRoutes, { services });
      await api.register(consoleQuarantineRoutes, { services });
      await api.register(onboardingRoutes, { services });
      await api.register(consoleAccountAdminRoutes, { services });
      await api.register(deactivationRoutes, { services });
      await api.register(consoleIncidentRoutes, { services });
      await api.register(passwordResetRoutes, { services });
      await api.register(consolePasswordPolicyRoutes, { services });
    },
    { prefix: '/api' },
  );

  await app.register(webAppPlugin, { root: config.http.webRoot ?? defaultWebRoot() });
  return app;
}
