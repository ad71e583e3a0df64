/**
 * Error mapping, in one place (CONVENTIONS habit 3): a coded `ApiError` is answered with its
 * status and `{ error: { code, message } }`; Fastify's own errors (bad JSON, body too large,
 * wrong content type …) get the matching catalogue code; anything else is logged with its
 * stack and answered `internal`, without a word of its details.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { ZodError } from 'zod';
import { ApiError, type ErrorCode } from '../../../common/errors.js';
import { PolicyDenied } from '../../governance/policy.js';
import { IllegalTransition } from '../../governance/accounts/lifecycle.js';
import { ActivationError, DocumentTypeError } from '../../governance/accounts/onboarding-service.js';
import { HandoverIncomplete } from '../../governance/accounts/deactivation.js';
import { PasswordResetError } from '../../governance/accounts/password-reset.js';
import { DirectoryError } from '../../governance/directory/directory-service.js';
import { MailError, type MailErrorCode } from '../../mail/errors.js';
import { OutboundRefused } from '../../delivery/outbound/outbound-refused.js';
import { IncidentError } from '../../governance/incidents/incident-service.js';
import { IllegalIncidentTransition } from '../../governance/incidents/state-machine.js';
import { BlocklistError } from '../../governance/security/blocklist.js';
import { globalPlugin } from './global-plugin.js';

/** Fastify and plugin errors with a 4xx status, by status. */
const CLIENT_ERRORS: Partial<Record<number, ErrorCode>> = {
  400: 'validation',
  401: 'auth.required',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/**
 * Mail domain errors as the API answers them. NONEXISTENT is `not_found` whoever asks — the
 * same answer for someone else's id as for no id at all. The domain's English texts stay in
 * the log; people get the catalogue's (or the route's own, more specific) Chinese message.
 */
const MAIL_ERRORS: Record<MailErrorCode, ErrorCode> = {
  NONEXISTENT: 'not_found',
  ALREADYEXISTS: 'validation',
  OVERQUOTA: 'mail.over_quota',
  TOOBIG: 'payload_too_large',
  CANNOT: 'bad_request',
  INVALID_NAME: 'validation',
  MODIFIED: 'bad_request',
};

/** Directory (and onboarding) errors: their messages are written for people (zh-CN first). */
const DIRECTORY_ERRORS: Record<DirectoryError['code'], ErrorCode> = {
  NOT_FOUND: 'not_found',
  CONFLICT: 'conflict',
  INVALID: 'validation',
  POLICY: 'policy.refused',
};

export function toApiError(error: unknown): ApiError | null {
  if (error instanceof ApiError) return error;
  if (error instanceof PolicyDenied) return new ApiError('forbidden', undefined, { cause: error });
  if (error instanceof IllegalTransition) return new ApiError('account.illegal_transition', undefined, { cause: error });
  if (error instanceof ActivationError) {
    if (error.code === 'work_id') return new ApiError('validation', '工作证号与分配记录不符', { issues: [{ path: 'workId', message: '工作证号与分配记录不符' }] });
    return new ApiError(error.code === 'expired' ? 'activation.expired' : 'activation.invalid', undefined, { cause: error });
  }
  if (error instanceof PasswordResetError) {
    if (error.code === 'work_id') return new ApiError('validation', '工作证号不正确', { cause: error, issues: [{ path: 'workIdNumber', message: '工作证号不正确' }] });
    // One issue per rule broken, on the field, so the page shows each beside the password.
    if (error.code === 'policy') return new ApiError('policy.refused', error.message, { cause: error, issues: error.violations.map((v) => ({ path: 'newPassword', message: v.message })) });
    return new ApiError(error.code === 'expired' ? 'reset.expired' : 'reset.invalid', undefined, { cause: error });
  }
  if (error instanceof DocumentTypeError) return new ApiError('unsupported_media_type', error.message, { issues: [{ path: 'document', message: error.message }] });
  if (error instanceof HandoverIncomplete) {
    return new ApiError('deactivation.handover_incomplete', undefined, { cause: error, issues: error.items.map((item) => ({ path: item, message: '未完成' })) });
  }
  if (error instanceof DirectoryError) return new ApiError(DIRECTORY_ERRORS[error.code], error.code === 'NOT_FOUND' ? undefined : error.message, { cause: error });
  if (error instanceof OutboundRefused) {
    // Each finding is an issue; the sender's classification label is a field of the form.
    const issues = error.findings.map((f) => ({ path: f.check === 'classification-label' ? 'classification' : f.check, message: f.reason }));
    return new ApiError(error.kind === 'blocked' ? 'outbound.blocked' : 'outbound.confirm_required', error.message, { issues, cause: error });
  }
  if (error instanceof IllegalIncidentTransition) return new ApiError('incident.illegal_transition', undefined, { cause: error });
  if (error instanceof IncidentError) {
    return new ApiError(error.code === 'NOT_FOUND' ? 'not_found' : error.code === 'CLOSED' ? 'incident.closed' : 'validation', error.code === 'NOT_FOUND' ? undefined : error.message, { cause: error });
  }
  if (error instanceof BlocklistError) return new ApiError('validation', error.message, { cause: error });
  if (error instanceof MailError) return new ApiError(MAIL_ERRORS[error.code], undefined, { cause: error });
  if (error instanceof ZodError) {
    return new ApiError('validation', undefined, { issues: error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) });
  }
  const status = (error as Partial<FastifyError> | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ApiError(CLIENT_ERRORS[status] ?? 'bad_request', undefined, { cause: error });
  }
  return null;
}

export const errorsPlugin = globalPlugin(async (app: FastifyInstance) => {
  app.setErrorHandler((error, request, reply) => {
    let apiError = toApiError(error);
    if (!apiError) {
      request.log.error({ err: error }, 'request failed');
      apiError = new ApiError('internal');
    } else if (apiError.statusCode >= 500) {
      request.log.error({ err: error, code: apiError.code }, 'request failed');
    }
    return reply.status(apiError.statusCode).type('application/json; charset=utf-8').send(apiError.toBody());
  });
});
