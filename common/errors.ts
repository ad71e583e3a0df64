/**
 * The one catalogue of coded API errors, shared by the server (which throws them) and the web
 * app (which reads them). A code is a stable contract: clients branch on it and may translate
 * it; the message is the zh-CN text shown to people and may be made more specific by the
 * thrower (e.g. the authentication service's reason for a refused login).
 *
 * Wire shape of every error response: `{ error: { code, message, issues? } }`.
 */
import { z } from 'zod';

export const ERROR_CATALOGUE = {
  /** Wrong address or password (also used when the address does not exist: no enumeration). */
  'auth.invalid_credentials': { status: 401, message: '用户名或密码错误' },
  /** Too many failures: the account is temporarily locked (SPEC Art. 4.1). */
  'auth.locked': { status: 401, message: '账号因多次密码错误已被临时锁定，请稍后再试' },
  'auth.not_activated': { status: 401, message: '账号尚未激活，请使用激活链接完成激活' },
  'auth.disabled': { status: 401, message: '账号已停用，请联系单位信息管理员' },
  /** Too many failed logins from one network address (password spraying). */
  'auth.ip_throttled': { status: 401, message: '来自该地址的失败登录过多，请稍后再试' },
  /** No session, or the cookie names no session. */
  'auth.required': { status: 401, message: '请先登录' },
  /** The session ended after `http.sessionIdleMinutes` without activity. */
  'auth.session_expired': { status: 401, message: '会话已超时，请重新登录' },
  /** A state-changing request without the session's X-CSRF-Token header. */
  csrf: { status: 403, message: '请求校验失败，请刷新页面后重试' },
  forbidden: { status: 403, message: '没有执行此操作的权限' },
  not_found: { status: 404, message: '请求的资源不存在' },
  validation: { status: 400, message: '请求参数有误' },
  bad_request: { status: 400, message: '请求无法处理' },
  payload_too_large: { status: 413, message: '请求内容过大' },
  /** Storing the message (a sent copy, a draft, a move) would take the mailbox over its quota. */
  'mail.over_quota': { status: 409, message: '邮箱空间已满，请清理邮件后再试' },
  /** The outbound content checks refused the message (SPEC 3.1–3.2); the message names the rule and, for classified content, the 机要 channel. */
  'outbound.blocked': { status: 422, message: '邮件被内容安全策略拒绝发送' },
  /** The outbound checks warned: show the issues and send again with `confirmWarnings: true`. */
  'outbound.confirm_required': { status: 409, message: '邮件含有需要确认的内容，请确认后再发送' },
  /** The held message or queue entry was decided or sent meanwhile (another reviewer, the sender). */
  'outbound.not_pending': { status: 409, message: '该邮件已被处理，请刷新后查看' },
  /** The quarantined message was released or deleted meanwhile (another security officer). */
  'quarantine.not_held': { status: 409, message: '该隔离邮件已被处理，请刷新后查看' },
  unsupported_media_type: { status: 415, message: '不支持的请求内容类型' },
  rate_limited: { status: 429, message: '操作过于频繁，请稍后再试' },
  // onboarding (account life cycle, SPEC Art. 2)
  /** The account (or application) is not in a state that allows this action (lifecycle.ts). */
  'account.illegal_transition': { status: 409, message: '账号当前状态不允许此操作' },
  /** The address (or another unique value) is already in use. */
  conflict: { status: 409, message: '该值已被占用' },
  /** Refused by an organisational rule (三员分立, password policy …); the message says which. */
  'policy.refused': { status: 400, message: '不符合管理规定' },
  /** An activation link that does not exist, was used, or was replaced. */
  'activation.invalid': { status: 404, message: '激活链接无效或已使用，请联系单位信息管理员' },
  'activation.expired': { status: 410, message: '激活链接已过期，请联系单位信息管理员重新发放' },
  // deactivation (SPEC Art. 3.6)
  /** Completion refused: handover items neither done nor waived (the message names them). */
  'deactivation.handover_incomplete': { status: 409, message: '交接事项尚未全部完成或豁免，不能注销' },
  // incidents (SPEC Art. 4.3)
  /** The incident is not in a state that allows this step (governance/incidents/state-machine.ts). */
  'incident.illegal_transition': { status: 409, message: '事件当前状态不允许此操作' },
  /** Response actions on a resolved or reviewed incident. */
  'incident.closed': { status: 409, message: '事件已结案，不能再执行处置操作' },
  // credentials (passwords and sign-in, SPEC Art. 4.1)
  /** Mail clients: the password expired (the web signs in to a change-only session instead). */
  'auth.password_expired': { status: 401, message: '密码已过期，请修改密码' },
  'auth.password_reset_required': { status: 401, message: '因安全原因须重设密码' },
  /** TOTP is on: mail clients need an app password. */
  'auth.app_password_required': { status: 401, message: '已开启两步验证，邮件客户端须使用应用专用密码' },
  /** The password was right; now the authenticator code (sign in again with `totp`). */
  'auth.totp_required': { status: 401, message: '请输入动态验证码' },
  'auth.totp_invalid': { status: 401, message: '动态验证码不正确或已使用' },
  /** The session may only change the password (it expired or a reset was forced). */
  'auth.password_change_required': { status: 403, message: '密码已过期或须重设，请先修改密码' },
  /** A password reset link that does not exist, was used, or was replaced. */
  'reset.invalid': { status: 404, message: '重设密码链接无效或已使用，请联系单位信息管理员' },
  'reset.expired': { status: 410, message: '重设密码链接已过期，请联系单位信息管理员重新发送' },
  internal: { status: 500, message: '服务器内部错误，请稍后再试' },
  unavailable: { status: 503, message: '服务暂时不可用，请稍后再试' },
  // 工作秘密 end-to-end mail (SPEC 3.2; smcrypto)
  /** Some recipients have no SM2 key (external, unknown, a list, or not set up yet): the message names them. */
  'secret.keys_missing': { status: 409, message: '部分收件人尚未设置加密证书或不是内部地址，不能发送工作秘密邮件' },
  /** A 工作秘密 message sent from the webmail without the end-to-end envelope. */
  'secret.encryption_required': { status: 422, message: '工作秘密邮件须在网页版中加密后发送' },
  /** The encrypted body does not check out: its shape, the sender, the signature or a recipient's key. */
  'secret.invalid_envelope': { status: 400, message: '加密邮件无效：格式、签名或收件人密钥不符' },
  /** Replacing an existing key needs the current login password. */
  'secret.reauth_required': { status: 403, message: '更换加密证书需要验证当前登录密码' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CATALOGUE, value);
}

/** One problem with one input field, for forms. */
export interface ErrorIssue {
  /** Dotted path of the field (`address`), empty for the whole body. */
  path: string;
  message: string;
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; issues?: ErrorIssue[] };
}

export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

/**
 * A coded error. The server throws it and the error plugin answers with its status and body;
 * the web client throws it when a response carries an error body.
 */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly issues: ErrorIssue[] | undefined;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    options: { issues?: ErrorIssue[]; cause?: unknown } = {},
  ) {
    super(message ?? ERROR_CATALOGUE[code].message, options.cause === undefined ? undefined : { cause: options.cause });
    this.issues = options.issues;
  }

  /** The HTTP status; Fastify and its plugins also read `statusCode`. */
  get statusCode(): number {
    return ERROR_CATALOGUE[this.code].status;
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) } };
  }
}
