/**
 * The verdict a reporter is told (SPEC Art. 4.3: "the reporter is told the verdict"): a short
 * notice from the security office into the reporter's INBOX, stored through the mail domain
 * (so IMAP clients and the webmail see it arrive like any mail). The same verdict is on their
 * 我的报告 page.
 */
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Clock } from '../../platform/clock.js';
import type { MailStore } from '../../mail/mail-store.js';
import { parseMessageFields } from '../../mail/message-fields.js';
import type { Incident } from '../../storage/database.js';

export const INCIDENT_KIND_LABELS: Record<string, string> = {
  suspicious_mail: '可疑邮件',
  account_compromised: '账号被盗用',
  device_lost: '设备丢失',
  misdirected_mail: '邮件误发',
  other: '其他安全事件',
};

export function verdictSubject(incident: Pick<Incident, 'id' | 'kind'>): string {
  return `您报告的安全事件（#${incident.id} ${INCIDENT_KIND_LABELS[incident.kind] ?? incident.kind}）已处理完毕`;
}

export async function buildVerdictNotice(input: { from: string; incident: Incident; date: Date }): Promise<Buffer> {
  const { incident } = input;
  const lines = [
    '您好：',
    '',
    `您报告的安全事件 #${incident.id}（${INCIDENT_KIND_LABELS[incident.kind] ?? incident.kind}）已由信息安全管理员处理完毕。`,
    ...(incident.message_subject ? [`相关邮件：${incident.message_subject}${incident.message_from ? `（发件人 ${incident.message_from}）` : ''}`] : []),
    '',
    `处理结论：${incident.verdict ?? ''}`,
    '',
    '感谢您及时报告。您可在邮箱“我的报告”页面查看处理进度与结论。',
    '',
    '海宁市公务电子邮箱 信息安全管理员',
  ];
  const composer = new MailComposer({
    from: { name: '信息安全管理员', address: input.from },
    to: incident.reporter_address,
    subject: verdictSubject(incident),
    text: lines.join('\n'),
    date: input.date,
    headers: { 'X-Govmail-Incident': String(incident.id), 'Auto-Submitted': 'auto-generated' },
    newline: 'win',
  });
  return composer.compile().build();
}

/** Stores the notice in the reporter's INBOX; throws when it cannot (no INBOX, over quota). */
export async function sendVerdictNotice(mail: MailStore, clock: Clock, input: { from: string; incident: Incident }): Promise<void> {
  const accountId = input.incident.reporter_account_id;
  if (accountId === null) return;
  const raw = await buildVerdictNotice({ from: input.from, incident: input.incident, date: new Date(clock.now()) });
  const inbox = await mail.getMailbox(accountId, 'INBOX');
  const blobHash = await mail.blobs.put(raw);
  const fields = await parseMessageFields(raw);
  await mail.append({ blobHash, size: raw.length, fields }, { accountId, mailboxId: inbox.id });
}
