/**
 * Mails of the credentials part (SPEC Art. 4.1), from postmaster@<domain>: the alert on a
 * sign-in from a new device (IP + client pair), and an administrator's password reset link.
 */
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { DeliveryService } from '../delivery/delivery-service.js';
import type { NewDeviceEvent } from './auth-service.js';

const PROTOCOL_NAMES: Record<string, string> = { web: '网页邮箱', imap: 'IMAP 邮件客户端', pop3: 'POP3 邮件客户端', smtp: 'SMTP 发信客户端', cli: '命令行' };

export async function sendSystemMail(delivery: Pick<DeliveryService, 'deliver'>, domain: string, to: string, subject: string, lines: string[]): Promise<void> {
  const from = `postmaster@${domain}`;
  const raw = await new MailComposer({ from: { name: '公务邮箱系统', address: from }, to, subject, text: lines.join('\r\n'), newline: 'win' }).compile().build();
  await delivery.deliver({ envelopeFrom: from, recipients: [to], raw, submittedBy: null, remoteIp: null, protocol: 'system' });
}

export function newDeviceAlert(delivery: Pick<DeliveryService, 'deliver'>, domain: string): (event: NewDeviceEvent) => Promise<void> {
  return async ({ account, ip, client, protocol, at }) => {
    const when = new Date(at).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
    await sendSystemMail(delivery, domain, account.address, '新设备登录提醒', [
      `${account.display_name}，您好：`,
      '',
      `您的公务邮箱账号于 ${when}（北京时间）从一台新设备登录：`,
      `  方式：${PROTOCOL_NAMES[protocol] ?? protocol}`,
      `  地址：${ip}`,
      `  客户端：${client}`,
      '',
      '如果是您本人操作，无需处理。',
      '如果不是您本人，请立即登录网页邮箱修改密码，在“安全设置”中结束陌生会话、撤销应用专用密码，并通过“报告可疑邮件/安全事件”报告。',
      '',
      '本邮件由系统自动发送，请勿回复。',
    ]);
  };
}
