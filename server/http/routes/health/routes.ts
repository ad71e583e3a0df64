/** `GET /healthz`: the process answers and the database answers a query. */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Services } from '../../../services.js';
import type { HealthView } from './schema.js';

export async function healthRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.get('/healthz', async (request, reply) => {
    try {
      await sql`select 1`.execute(services.db);
      return { status: 'ok', db: 'ok' } satisfies HealthView;
    } catch (err) {
      request.log.error({ err }, 'health check: database query failed');
      return reply.code(503).send({ status: 'error', db: 'error' } satisfies HealthView);
    }
  });
}
