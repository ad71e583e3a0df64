/**
 * Delivery status notifications (RFC 3464) that the queue sender sends back to a local sender:
 * `failed` when a remote server refused a recipient permanently or the message expired in the
 * queue, `delayed` once when delivery has been retried for a while. The report is
 * multipart/report; report-type=delivery-status (RFC 6522) with three parts:
 *   1. text/plain for people (zh-CN first, then English),
 *   2. message/delivery-status: per-message fields (Reporting-MTA, Arrival-Date), then one block
 *      per recipient (Final-Recipient, Action, Status, Remote-MTA, Diagnostic-Code,
 *      Last-Attempt-Date, Will-Retry-Until),
 *   3. text/rfc822-headers: the header of the original message (its content is not returned).
 * The envelope sender of a DSN is null (`<>`) and it carries Auto-Submitted: auto-replied
 * (RFC 3834), so a DSN never causes another one.
 */
import { randomBytes } from 'node:crypto';

/** RFC 5322 date in Asia/Shanghai (+0800, no DST). Delivery may not import the SMTP layer's helper. */
export function rfc5322Date(date: Date): string {
  const shanghai = new Date(date.getTime() + 8 * 3600_000);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${days[shanghai.getUTCDay()]}, ${shanghai.getUTCDate()} ${months[shanghai.getUTCMonth()]} ${shanghai.getUTCFullYear()} ${pad(shanghai.getUTCHours())}:${pad(shanghai.getUTCMinutes())}:${pad(shanghai.getUTCSeconds())} +0800`;
}

export interface DsnRecipient {
  address: string;
  action: 'failed' | 'delayed';
  /** RFC 3463 status, e.g. 5.1.1. */
  status: string;
  remoteMta: string | null;
  /** The remote server's reply (`550 5.1.1 no such user`) or our own reason. */
  diagnostic: string;
  /** Whether the diagnostic is an SMTP reply (`smtp;`) or a local reason (`x-govmail;`). */
  diagnosticType: 'smtp' | 'x-govmail';
  lastAttempt: number;
  willRetryUntil?: number;
}

export interface DsnInput {
  reportingMta: string;
  /** Postmaster address of the primary domain, shown as the From. */
  from: string;
  to: string;
  arrivalDate: number;
  now: number;
  recipients: readonly DsnRecipient[];
  /** The original message; only its header block is returned. */
  original: Buffer;
}

/** RFC 3463 code in an SMTP reply (`550 5.1.1 …`), or a class default. */
export function enhancedStatusOf(reply: string, fallbackClass: 4 | 5): string {
  const match = /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(reply.trim());
  return match ? match[1]! : `${fallbackClass}.0.0`;
}

/** The original header block as its bytes (8-bit header text stays as it was). */
function headerBlockOf(raw: Buffer): Buffer {
  const limit = Math.min(raw.length, 256 * 1024);
  for (let i = 0; i + 3 < limit; i++) {
    if (raw[i] === 0x0d && raw[i + 1] === 0x0a && raw[i + 2] === 0x0d && raw[i + 3] === 0x0a) return raw.subarray(0, i);
  }
  return raw.subarray(0, limit);
}

/** The delivery-status part is US-ASCII (RFC 3464 §2.1.1); the full text is in the readable part. */
function ascii(text: string): string {
  return text.replace(/[^\x20-\x7e]+/g, '?');
}

function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- a DSN field is one line of printable text
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, 900);
}

function b64Lines(text: string): string {
  return (Buffer.from(text, 'utf8').toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

export function buildDsn(input: DsnInput): { raw: Buffer; messageId: string } {
  const failed = input.recipients.filter((r) => r.action === 'failed');
  const delayed = input.recipients.filter((r) => r.action === 'delayed');
  const boundary = `=_govmail_dsn_${randomBytes(12).toString('hex')}`;
  const messageId = `<dsn.${input.now.toString(36)}.${randomBytes(6).toString('hex')}@${input.reportingMta}>`;
  const subject = failed.length > 0 ? '退信：邮件无法投递 (Undelivered Mail Returned to Sender)' : '邮件投递延迟通知 (Delivery Status Notification: delayed)';

  const lines: string[] = [];
  if (failed.length > 0) {
    lines.push('您发送的邮件未能投递给以下收件人：', '');
    for (const r of failed) lines.push(`  ${r.address}`, `    原因：${r.diagnostic}`);
    lines.push('', 'Your message could not be delivered to the recipients above.');
  }
  if (delayed.length > 0) {
    if (lines.length > 0) lines.push('');
    lines.push('您发送的邮件暂时未能投递给以下收件人，系统将继续重试：', '');
    for (const r of delayed) lines.push(`  ${r.address}`, `    原因：${r.diagnostic}`, ...(r.willRetryUntil ? [`    最迟重试至：${rfc5322Date(new Date(r.willRetryUntil))}`] : []));
    lines.push('', 'Delivery to the recipients above is delayed; no action is needed, delivery will be retried.');
  }
  lines.push('', `Reporting-MTA: ${input.reportingMta}`);

  const status: string[] = [`Reporting-MTA: dns; ${input.reportingMta}`, `Arrival-Date: ${rfc5322Date(new Date(input.arrivalDate))}`];
  for (const r of input.recipients) {
    status.push(
      '',
      `Final-Recipient: rfc822; ${r.address}`,
      `Action: ${r.action}`,
      `Status: ${r.status}`,
      ...(r.remoteMta ? [`Remote-MTA: dns; ${r.remoteMta}`] : []),
      `Diagnostic-Code: ${r.diagnosticType}; ${ascii(oneLine(r.diagnostic))}`,
      `Last-Attempt-Date: ${rfc5322Date(new Date(r.lastAttempt))}`,
      ...(r.willRetryUntil ? [`Will-Retry-Until: ${rfc5322Date(new Date(r.willRetryUntil))}`] : []),
    );
  }

  const head = [
    `From: =?UTF-8?B?${Buffer.from('邮件系统').toString('base64')}?= <${input.from}>`,
    `To: <${input.to}>`,
    `Subject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`,
    `Date: ${rfc5322Date(new Date(input.now))}`,
    `Message-ID: ${messageId}`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    'This is a MIME-encapsulated delivery status notification (RFC 3464).',
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    'Content-Description: Notification',
    '',
    b64Lines(lines.join('\r\n') + '\r\n'),
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    'Content-Description: Delivery report',
    '',
    status.join('\r\n'),
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    'Content-Description: Undelivered message headers',
    '',
    '',
  ].join('\r\n');
  const tail = `\r\n\r\n--${boundary}--\r\n`;
  return { raw: Buffer.concat([Buffer.from(head, 'utf8'), headerBlockOf(input.original), Buffer.from(tail, 'utf8')]), messageId };
}
