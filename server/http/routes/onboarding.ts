/**
 * The account life cycle's first half (SPEC Art. 2) over HTTP: public application and
 * activation (no session), and the console's applications, accounts, units and bulk import.
 * Registered inside the `/api` context (sessions, CSRF); public routes say `auth: 'public'`.
 */
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.js';
import { activationRoutes } from './activation/routes.js';
import { applicationRoutes } from './applications/routes.js';
import { consoleAccountRoutes } from './console-accounts/routes.js';
import { consoleApplicationRoutes } from './console-applications/routes.js';
import { consoleImportRoutes } from './console-imports/routes.js';
import { consoleUnitRoutes } from './console-units/routes.js';

export async function onboardingRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  await app.register(applicationRoutes, { services });
  await app.register(activationRoutes, { services });
  await app.register(consoleApplicationRoutes, { services });
  await app.register(consoleAccountRoutes, { services });
  await app.register(consoleUnitRoutes, { services });
  await app.register(consoleImportRoutes, { services });
}
