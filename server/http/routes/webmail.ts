/**
 * The webmail's JSON API (common/schemas/webmail.ts lists every endpoint): one plugin per
 * resource folder, registered inside the `/api` context after sessions and CSRF, so every route
 * here needs a session and, when it changes state, the CSRF token.
 */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.js';
import { UploadStore } from '../webmail/upload-store.js';
import { composeRoutes } from './compose/routes.js';
import { directoryRoutes } from './directory/routes.js';
import { eventRoutes } from './events/routes.js';
import { incidentRoutes } from './incidents/routes.js';
import { mailboxRoutes } from './mailboxes/routes.js';
import { messageRoutes } from './messages/routes.js';
import { receiptRoutes } from './receipts/routes.js';
import { remoteImageRoutes } from './remote-images/routes.js';
import { searchRoutes } from './search/routes.js';
import { settingsRoutes } from './settings/routes.js';
import { smKeyRoutes } from './sm-keys/routes.js';
import { securityRoutes, securityTotpRoutes } from './security/routes.js';
import { uploadRoutes } from './uploads/routes.js';

export async function webmailRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const uploads = new UploadStore(path.join(services.config.dataDir, 'uploads'), services.clock);
  await app.register(mailboxRoutes, { services });
  await app.register(messageRoutes, { services });
  await app.register(receiptRoutes, { services });
  await app.register(remoteImageRoutes, { services });
  await app.register(uploadRoutes, { services, uploads });
  await app.register(composeRoutes, { services, uploads });
  await app.register(searchRoutes, { services });
  await app.register(directoryRoutes, { services });
  await app.register(eventRoutes, { services });
  await app.register(settingsRoutes, { services });
  await app.register(incidentRoutes, { services });
  await app.register(securityRoutes, { services });
  await app.register(securityTotpRoutes, { services });
  await app.register(smKeyRoutes, { services });
}
