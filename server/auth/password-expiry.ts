/**
 * Password expiry reminders (SPEC Art. 4.1): `passwordReminderDays` (default 14, 7 and 1) days
 * before a password expires, the person gets a mail from postmaster@<domain> saying when and
 * where to change it. Each threshold is sent once per password (password_reminders remembers
 * threshold + the password's change time, so a new password starts afresh). Runs on the
 * injected clock; main.ts calls `run()` periodically, tests call it after moving the clock.
 */
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../storage/connect.js';
import type { DeliveryService } from '../delivery/delivery-service.js';
import type { AuthService } from './auth-service.js';

const DAY = 86_400_000;

export class PasswordExpiryReminders {
  constructor(
    private readonly db: Db,
    private readonly auth: AuthService,
    private readonly delivery: Pick<DeliveryService, 'deliver'>,
    private readonly clock: Clock,
    private readonly domain: string,
  ) {}

  /** Sends the reminders now due; returns how many went out. */
  async run(): Promise<number> {
    const policy = await this.auth.passwordPolicy();
    if (policy.maxAgeDays <= 0 || policy.reminderDays.length === 0) return 0;
    const now = this.clock.now();
    const maxAge = policy.maxAgeDays * DAY;
    const widest = Math.max(...policy.reminderDays) * DAY;
    // Passwords expiring within the widest reminder window and not yet expired.
    const accounts = await this.db
      .selectFrom('accounts')
      .select(['id', 'address', 'display_name', 'password_changed_at'])
      .where('state', 'in', ['active', 'deactivating'])
      .where('password_changed_at', 'is not', null)
      .where('password_changed_at', '>', now - maxAge)
      .where('password_changed_at', '<=', now - maxAge + widest)
      .execute();
    let sent = 0;
    for (const account of accounts) {
      const changedAt = account.password_changed_at!;
      const expiresAt = changedAt + maxAge;
      const daysLeft = (expiresAt - now) / DAY;
      // The smallest threshold reached: at 6 days left the 7-day reminder (not the 14-day one, if missed).
      const due = policy.reminderDays.filter((d) => daysLeft <= d).sort((a, b) => a - b)[0];
      if (due === undefined) continue;
      const already = await this.db
        .selectFrom('password_reminders')
        .select('days_before')
        .where('account_id', '=', account.id)
        .where('password_changed_at', '=', changedAt)
        .where('days_before', '<=', due)
        .executeTakeFirst();
      if (already) continue;
      await this.db
        .insertInto('password_reminders')
        .values({ account_id: account.id, days_before: due, password_changed_at: changedAt, sent_at: now })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      await this.send(account.address, account.display_name, expiresAt, Math.max(1, Math.ceil(daysLeft)));
      sent++;
    }
    return sent;
  }

  private async send(to: string, name: string, expiresAt: number, days: number): Promise<void> {
    const from = `postmaster@${this.domain}`;
    const when = new Date(expiresAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
    const raw = await new MailComposer({
      from: { name: '公务邮箱系统', address: from },
      to,
      subject: `密码将在 ${days} 天后过期，请及时修改`,
      text: [
        `${name}，您好：`,
        '',
        `您的公务邮箱密码将于 ${when}（北京时间）过期，还剩 ${days} 天。`,
        '请登录网页邮箱，在“设置 → 安全设置”中修改密码。',
        '过期后，邮件客户端（IMAP/POP3/SMTP）将无法登录，网页邮箱登录后须先修改密码。',
        '',
        '本邮件由系统自动发送，请勿回复。',
      ].join('\r\n'),
      newline: 'win',
    })
      .compile()
      .build();
    await this.delivery.deliver({ envelopeFrom: from, recipients: [to], raw, submittedBy: null, remoteIp: null, protocol: 'system' });
  }
}
