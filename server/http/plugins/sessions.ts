/**
 * Cookie sessions for the API context. Every route in that context needs a signed-in session
 * unless it says `config: { auth: 'public' }`: a route added later is protected by default.
 * Registered inside the `/api` context, so static files never cost a session lookup.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiError } from '../../../common/errors.js';
import { SESSION_COOKIE } from '../../../common/schemas/session.js';
import type { SessionLookup, WebSession, WebSessionStore } from '../session-store.js';
import { globalPlugin } from './global-plugin.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in session, or null (only possible on `auth: 'public'` routes). */
    session: WebSession | null;
  }
  interface FastifyContextConfig {
    /** `'public'`: no session needed (sign-in). Default: a session is required. */
    auth?: 'public';
    /** `false`: no CSRF token checked (only sign-in, which has no session yet). */
    csrf?: false;
    /** `'allowed'`: open to a session that must change its expired password first (SPEC 4.1). */
    passwordChange?: 'allowed';
  }
}

export type SessionsOptions = {
  store: WebSessionStore;
  /** Mark the cookie Secure (config `http.secureCookies`). */
  secureCookies: boolean;
  /**
   * Whether the account must change its password before anything else (expired, or a reset
   * forced after an incident): such a session reaches only routes marked `passwordChange: 'allowed'`.
   */
  passwordGate?: (account: WebSession['account']) => Promise<'expired' | 'forced' | null>;
};

/** HttpOnly: scripts never see the token. SameSite=Strict: other sites' pages never send it. */
export function sessionCookieOptions(secure: boolean) {
  return { httpOnly: true, sameSite: 'strict', path: '/', secure } as const;
}

export function setSessionCookie(reply: FastifyReply, token: string, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, token, sessionCookieOptions(secure));
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(secure));
}

/** The session of a route that requires one (the hook has already refused requests without). */
export function sessionOf(request: { session: WebSession | null }): WebSession {
  if (!request.session) throw new ApiError('auth.required');
  return request.session;
}

export const sessionsPlugin = globalPlugin<SessionsOptions>(async (app: FastifyInstance, { store, secureCookies, passwordGate }) => {
  app.decorateRequest('session', null);

  app.addHook('onRequest', async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    let lookup: SessionLookup = { status: 'none' };
    if (token) {
      lookup = await store.find(token);
      // A cookie that names no live session is useless to the browser: drop it.
      if (lookup.status !== 'active') clearSessionCookie(reply, secureCookies);
    }
    request.session = lookup.status === 'active' ? lookup.session : null;
    if (!request.session && request.routeOptions.config.auth !== 'public') {
      throw new ApiError(lookup.status === 'expired' ? 'auth.session_expired' : 'auth.required');
    }
    if (request.session && passwordGate && request.routeOptions.config.passwordChange !== 'allowed' && request.routeOptions.config.auth !== 'public') {
      if (await passwordGate(request.session.account)) throw new ApiError('auth.password_change_required');
    }
  });
});
