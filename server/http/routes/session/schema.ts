export {
  CSRF_HEADER,
  SESSION_COOKIE,
  loginRequestSchema,
  sessionViewSchema,
  type LoginRequest,
  type SessionView,
} from '../../../../common/schemas/session.js';
