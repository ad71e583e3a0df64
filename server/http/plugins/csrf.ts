/**
 * CSRF protection by double submit: the session's random `csrfToken` is returned at sign-in (and
 * by `GET /api/session`) and must come back in the `X-CSRF-Token` header of every
 * state-changing request. Another site can make a browser send our cookie only in ways that
 * cannot set that header, and it cannot read the token. SameSite=Strict cookies are the
 * first line; this is the second.
 *
 * Sign-in is exempt (there is no session yet). It is still not forgeable from a form: it only
 * accepts `application/json`, which a cross-site form cannot send and a cross-site fetch cannot
 * send without a CORS preflight that we never grant.
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../../common/errors.js';
import { CSRF_HEADER } from '../../../common/schemas/session.js';
import { csrfTokenMatches } from '../session-store.js';
import { globalPlugin } from './global-plugin.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const csrfPlugin = globalPlugin(async (app: FastifyInstance) => {
  // onRequest, after the session hook (registration order): refused before the body is read.
  app.addHook('onRequest', async (request) => {
    if (SAFE_METHODS.has(request.method) || request.routeOptions.config.csrf === false) return;
    // A public route without a session has no ambient credential to abuse.
    if (!request.session) return;
    const header = request.headers[CSRF_HEADER];
    if (!csrfTokenMatches(typeof header === 'string' ? header : undefined, request.session.csrfToken)) {
      throw new ApiError('csrf');
    }
  });
});
