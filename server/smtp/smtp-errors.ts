/**
 * SMTP replies as typed errors: each carries its reply code and RFC 3463 enhanced status code,
 * so the text that reaches a client is decided here, in one place.
 */
export class SmtpError extends Error {
  override name = 'SmtpError';
  readonly responseCode: number;
  constructor(code: number, enhanced: string, text: string) {
    super(`${enhanced} ${text}`);
    this.responseCode = code;
  }
}

export const smtpErrors = {
  unknownRecipient: (address: string) => new SmtpError(550, '5.1.1', `<${address}>: Recipient address rejected: no such user here (收件人不存在)`),
  inactiveRecipient: (address: string, contact: string | null) =>
    new SmtpError(550, '5.1.1', `<${address}>: Recipient account is not active (收件人账号已停用)${contact ? `; contact ${contact}` : ''}`),
  relayDenied: (address: string) => new SmtpError(554, '5.7.1', `<${address}>: Relay access denied (本服务器不转发外部邮件，请先登录)`),
  senderNotAllowed: (address: string) => new SmtpError(553, '5.7.1', `<${address}>: Sender address not owned by the authenticated user (不能以他人地址发信)`),
  fromHeaderNotAllowed: (address: string) => new SmtpError(553, '5.7.1', `From: ${address} is not an address of the authenticated user (不能以他人地址发信)`),
  tooBig: (limit: number) => new SmtpError(552, '5.3.4', `Message size exceeds the limit of ${limit} bytes (邮件超过大小限制)`),
  mailboxFull: (address: string) => new SmtpError(552, '5.2.2', `<${address}>: Mailbox full (收件人邮箱已满)`),
  tooManyRecipients: (limit: number) => new SmtpError(452, '4.5.3', `Too many recipients; at most ${limit} per message`),
  emptyMessage: () => new SmtpError(554, '5.6.0', 'Empty message refused (邮件内容为空)'),
  authFailed: (message: string) => new SmtpError(535, '5.7.8', `Authentication failed: ${message}`),
  tooManyConnections: () => new SmtpError(421, '4.7.0', 'Too many connections from your address, try again later'),
  /** The outbound content checks refused the message; the text names the rule and the 机要 channel. */
  contentRefused: (reason: string) => new SmtpError(550, '5.7.1', `Message refused by content policy (邮件被内容安全策略拒绝): ${reason.replace(/[\r\n]+/g, ' ')}`),
  /** SPEC Art. 4.3: a sender or domain blocked by the security officer (governance/security/blocklist.ts). */
  senderBlocked: (address: string) => new SmtpError(550, '5.7.1', `<${address}>: Sender blocked by local policy (发件人已被安全管理员封禁)`),
  /** The inbound checks refused mail from another server (DMARC p=reject). */
  inboundRejected: (reason: string) => new SmtpError(550, '5.7.1', `Message rejected by security policy (邮件未通过发件域认证，已拒收): ${reason.replace(/[\r\n]+/g, ' ')}`),
  /** The message could not be scanned and the policy is to have the sender retry. */
  inboundTempfail: () => new SmtpError(451, '4.7.1', 'Message could not be scanned, please try again later (暂时无法完成安全检查，请稍后重试)'),
  temporary: () => new SmtpError(451, '4.3.0', 'Temporary local error, please try again later (服务器临时错误)'),
} as const;
