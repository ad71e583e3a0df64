/** Webmail settings as the settings page shows them. */
import type { SettingsView } from '../../../common/schemas/webmail.js';
import type { Account, WebmailSettingsTable } from '../../storage/database.js';
import type { Selectable } from 'kysely';

export type SettingsRow = Selectable<WebmailSettingsTable>;

export function presentSettings(account: Pick<Account, 'display_name'>, row: SettingsRow | undefined, passwordPolicy: string[], maxMessageBytes: number): SettingsView {
  return {
    displayName: account.display_name,
    signatureHtml: row?.signature_html ?? '',
    autoReply: {
      enabled: row?.auto_reply_enabled === 1,
      subject: row?.auto_reply_subject ?? '',
      body: row?.auto_reply_body ?? '',
      from: row?.auto_reply_from ?? null,
      until: row?.auto_reply_until ?? null,
    },
    language: row?.language ?? 'zh-CN',
    passwordPolicy,
    maxMessageBytes,
  };
}
