/**
 * The typed API client: the only place in the web app that calls fetch. Responses are checked
 * against the shared schemas, and errors arrive as the shared coded `ApiError`.
 *
 * The session cookie is HttpOnly (scripts never see it); the CSRF token from sign-in is kept
 * here in memory and sent with every state-changing request. After a reload `getSession()`
 * fetches it again.
 */
import type { z } from 'zod';
import { ApiError, errorBodySchema, isErrorCode } from '../../../common/errors.js';
import { healthViewSchema, type HealthView } from '../../../common/schemas/health.js';
import { CSRF_HEADER, sessionViewSchema, type LoginRequest, type SessionView } from '../../../common/schemas/session.js';

let csrfToken: string | null = null;

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

async function call<S extends z.ZodType>(method: Method, path: string, schema: S | null, body?: unknown): Promise<z.output<S> | undefined> {
  const headers: Record<string, string> = { accept: 'application/json' };
  // No content-type without a body: the server refuses an empty JSON body.
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers[CSRF_HEADER] = csrfToken;

  let response: Response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new ApiError('unavailable', undefined, { cause: err });
  }

  if (!response.ok) throw await errorFrom(response);
  if (response.status === 204 || schema === null) return undefined;
  const parsed = schema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new ApiError('internal', undefined, { cause: parsed.error });
  return parsed.data;
}

async function errorFrom(response: Response): Promise<ApiError> {
  const parsed = errorBodySchema.safeParse(await response.json().catch(() => undefined));
  if (parsed.success && isErrorCode(parsed.data.error.code)) {
    return new ApiError(parsed.data.error.code, parsed.data.error.message, { issues: parsed.data.error.issues });
  }
  // Not one of ours (a proxy's error page, say).
  return new ApiError(response.status >= 500 ? 'unavailable' : 'bad_request');
}

function required<T>(value: T | undefined): T {
  if (value === undefined) throw new ApiError('internal');
  return value;
}

export const api = {
  /** The current session, or null when signed out. Other failures (session_expired …) throw. */
  async getSession(): Promise<SessionView | null> {
    try {
      const session = required(await call('GET', '/api/session', sessionViewSchema));
      csrfToken = session.csrfToken;
      return session;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'auth.required') return null;
      throw err;
    }
  },

  async login(input: LoginRequest): Promise<SessionView> {
    const session = required(await call('POST', '/api/session', sessionViewSchema, input));
    csrfToken = session.csrfToken;
    return session;
  },

  async logout(): Promise<void> {
    await call('DELETE', '/api/session', null);
    csrfToken = null;
  },

  async health(): Promise<HealthView> {
    return required(await call('GET', '/healthz', healthViewSchema));
  },
};
