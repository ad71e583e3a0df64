/**
 * `/api/session`: sign in (POST), who am I (GET), sign out (DELETE). SPEC Art. 4.1: the
 * authentication service does the checking, lockout and audit of sign-ins; this route turns a
 * success into a cookie session.
 */
import type { FastifyInstance } from 'fastify';
import { ApiError, type ErrorCode } from '../../../../common/errors.js';
import type { AuthFailureReason } from '../../../auth/auth-service.js';
import type { Services } from '../../../services.js';
import { LOGIN_ATTEMPTS_PER_MINUTE, USER_AGENT_MAX_CHARS } from '../../limits.js';
import { clearSessionCookie, sessionOf, setSessionCookie } from '../../plugins/sessions.js';
import { presentSession } from '../../presenters/session.js';
import type { WebSessionStore } from '../../session-store.js';
import { parseInput } from '../../validate.js';
import { passwordPolicyText } from '../settings/routes.js';
import { loginRequestSchema, type SessionView } from './schema.js';

const FAILURE_CODES: Record<AuthFailureReason, ErrorCode> = {
  invalid: 'auth.invalid_credentials',
  locked: 'auth.locked',
  not_activated: 'auth.not_activated',
  disabled: 'auth.disabled',
  ip_throttled: 'auth.ip_throttled',
  password_expired: 'auth.password_expired',
  password_reset_required: 'auth.password_reset_required',
  app_password_required: 'auth.app_password_required',
  totp_required: 'auth.totp_required',
  totp_invalid: 'auth.totp_invalid',
};

export type SessionRoutesOptions = { services: Services; store: WebSessionStore };

export async function sessionRoutes(app: FastifyInstance, { services, store }: SessionRoutesOptions): Promise<void> {
  const secure = services.config.http.secureCookies;

  app.post(
    '/session',
    { config: { auth: 'public', csrf: false, rateLimit: { max: LOGIN_ATTEMPTS_PER_MINUTE, timeWindow: 60_000 } } },
    async (request, reply): Promise<SessionView> => {
      const input = parseInput(loginRequestSchema, request.body);
      const userAgent = request.headers['user-agent']?.slice(0, USER_AGENT_MAX_CHARS) ?? null;
      const result = await services.auth.authenticate({ login: input.address, password: input.password, totp: input.totp ?? null, protocol: 'web', ip: request.ip, client: userAgent });
      if (!result.ok) {
        if (result.retryAfterMs !== undefined) reply.header('retry-after', String(Math.ceil(result.retryAfterMs / 1000)));
        throw new ApiError(FAILURE_CODES[result.reason], result.message);
      }
      // A new sign-in always gets a new token; a session the browser still held ends.
      if (request.session) await store.delete(request.session.tokenHash);
      await store.sweepIdle();
      const { token, session } = await store.create(result.account, { ip: request.ip, userAgent });
      setSessionCookie(reply, token, secure);
      return withPasswordStatus(presentSession(session), session.account);
    },
  );

  /** Tells the web whether this session may only change the password, and when it expires. */
  const withPasswordStatus = async (view: SessionView, account: Parameters<typeof services.auth.passwordStatus>[0]): Promise<SessionView> => {
    const status = await services.auth.passwordStatus(account);
    const policy = await services.auth.passwordPolicy();
    const earliest = Math.max(0, ...policy.reminderDays);
    const remindFrom = status.expiresAt === null || earliest === 0 ? null : status.expiresAt - earliest * 86_400_000;
    return { ...view, credentialStatus: { changeRequired: status.state === 'ok' ? null : status.state, expiresAt: status.expiresAt, remindFrom, policy: passwordPolicyText(policy) } };
  };

  app.get('/session', { config: { passwordChange: 'allowed' } }, async (request): Promise<SessionView> => {
    const session = sessionOf(request);
    return withPasswordStatus(presentSession(session), session.account);
  });

  app.delete('/session', { config: { passwordChange: 'allowed' } }, async (request, reply) => {
    const session = sessionOf(request);
    await store.delete(session.tokenHash);
    clearSessionCookie(reply, secure);
    await services.audit.append({ actor: session.account.address, actorAccountId: session.account.id, action: 'auth.logout', protocol: 'web', ip: request.ip });
    return reply.code(204).send();
  });
}
