/**
 * `POST /api/remote-images`: always show remote images in mail from this sender (per account).
 * Until then remote images are removed from the HTML a reader gets (html-policy.ts), so opening
 * a message tells no tracker that it was read. One message's images can be shown once with
 * `GET /api/messages/:id?remoteImages=1`.
 */
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services.js';
import { sessionOf } from '../../plugins/sessions.js';
import { parseInput } from '../../validate.js';
import { allowRemoteImagesSchema } from './schema.js';

export async function remoteImageRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.post('/remote-images', async (request, reply) => {
    const { account } = sessionOf(request);
    const { sender } = parseInput(allowRemoteImagesSchema, request.body);
    await services.db
      .insertInto('remote_image_senders')
      .values({ account_id: account.id, sender: sender.toLowerCase(), created_at: services.clock.now() })
      .onConflict((oc) => oc.columns(['account_id', 'sender']).doNothing())
      .execute();
    return reply.code(204).send();
  });
}
