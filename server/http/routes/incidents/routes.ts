/**
 * Reporting security incidents from the webmail (SPEC Art. 4.3; regulation 四.3): the
 * 报告可疑邮件 button and the report form create one; 我的报告 lists the person's own, with
 * state and, once resolved, the verdict. Anyone else's incident id answers 404.
 */
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services.js';
import { sessionOf } from '../../plugins/sessions.js';
import { presentMyIncident } from '../../presenters/incident.js';
import { parseInput } from '../../validate.js';
import { idParam } from '../../webmail/owned.js';
import { reportIncidentSchema, type MyIncidentView } from './schema.js';

export async function incidentRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.post('/incidents', async (request, reply): Promise<MyIncidentView> => {
    const { account } = sessionOf(request);
    const input = parseInput(reportIncidentSchema, request.body);
    const incident = await services.incidents.report(
      account,
      { kind: input.kind, description: input.description, messageRowId: input.messageId ?? null, moveToJunk: input.moveToJunk ?? false },
      { address: account.address, accountId: account.id, ip: request.ip, via: 'web' },
    );
    reply.status(201);
    return presentMyIncident(incident);
  });

  app.get('/incidents', async (request): Promise<MyIncidentView[]> => {
    const { account } = sessionOf(request);
    return (await services.incidents.listForReporter(account.id)).map(presentMyIncident);
  });

  app.get<{ Params: { id: string } }>('/incidents/:id', async (request): Promise<MyIncidentView> => {
    const { account } = sessionOf(request);
    return presentMyIncident(await services.incidents.getForReporter(account.id, idParam(request.params.id)));
  });
}
