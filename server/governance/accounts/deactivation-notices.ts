/**
 * Mail the deactivation workflow sends (SPEC Art. 3.6): the unit's administrators hear that a
 * person asked to close their account (they complete it in the console), and the successor hears
 * that the person's mail comes to them until the handover window closes. Sent from postmaster
 * through the one delivery path, like the activation-link notice of onboarding.
 */
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { DeliveryService } from '../../delivery/delivery-service.js';
import type { Account } from '../../storage/database.js';

export interface DeactivationNotices {
  requested(person: Pick<Account, 'address' | 'display_name' | 'unit_id'>, reason: string): Promise<string[]>;
  forwarding(person: Pick<Account, 'address' | 'display_name'>, successor: string, until: number): Promise<void>;
}

export function mailNotices(delivery: DeliveryService, unitAdmins: (unitId: number) => Promise<Pick<Account, 'address'>[]>, primaryDomain: string): DeactivationNotices {
  const from = `postmaster@${primaryDomain}`;
  const send = async (to: string[], subject: string, lines: string[]) => {
    const raw = await new MailComposer({ from: { name: '公务邮箱系统', address: from }, to, subject, text: lines.join('\r\n'), newline: 'win' }).compile().build();
    await delivery.deliver({ envelopeFrom: from, recipients: to, raw, submittedBy: null, remoteIp: null, protocol: 'web' });
  };
  return {
    async requested(person, reason) {
      const admins = (await unitAdmins(person.unit_id)).map((a) => a.address);
      if (admins.length === 0) return [];
      await send(admins, `账号注销申请：${person.display_name}（${person.address}）`, [
        `${person.display_name}（${person.address}）申请注销公务邮箱账号。`,
        `原因：${reason}`,
        '',
        '本人完成交接事项（确认重要邮件、指定接替人、设置自动回复、导出邮件）后，请在管理控制台“账号注销”中核对并办结。',
      ]);
      return admins;
    },
    async forwarding(person, successor, until) {
      const date = new Date(until).toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' });
      await send([successor], `工作交接：${person.display_name}（${person.address}）的邮件将转给您`, [
        `${person.display_name}（${person.address}）的公务邮箱账号已注销，您是其指定接替人。`,
        `${date} 前发往该地址的邮件将投递到您的收件箱，请及时处理。`,
      ]);
    },
  };
}
