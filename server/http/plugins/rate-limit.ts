/**
 * Rate limits through @fastify/rate-limit. Nothing is limited globally; a route opts in with
 * `config: { rateLimit: { max, timeWindow } }` (sign-in does). Over the limit the answer is the
 * coded `rate_limited` error with Retry-After.
 *
 * Keys are `request.ip`. Behind a reverse proxy that is the proxy's address until Fastify's
 * `trustProxy` is configured (not yet a configuration option).
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../../common/errors.js';
import { globalPlugin } from './global-plugin.js';

export const rateLimitPlugin = globalPlugin(async (app: FastifyInstance) => {
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: () => new ApiError('rate_limited'),
  });
});
