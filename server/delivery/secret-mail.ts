/**
 * Server rule for 工作秘密 end-to-end encrypted mail (issue 6; NAME=crypto): a message carrying
 * the encrypted payload (`application/x-govmail-sm-encrypted`, common/secret-envelope.ts) may go
 * to local recipients only. It applies to every submission (SMTP and web, also a forward that
 * carries the payload as an attachment or inside an attached message), so an encrypted mail
 * cannot leave the city's domains whatever client sends it.
 */
import { ENVELOPE_MEDIA_TYPE } from '../../common/secret-envelope.js';
import { OutboundRefused } from './outbound/outbound-refused.js';

const MARKER = new RegExp(`content-type:\\s*${ENVELOPE_MEDIA_TYPE.replace(/[.-]/g, '\\$&')}`, 'i');

/** Whether the raw message carries an encrypted 工作秘密 payload (at any depth). */
export function carriesSecretPayload(raw: Buffer, depth = 0): boolean {
  const text = raw.toString('latin1');
  if (MARKER.test(text.replace(/\r?\n[ \t]+/g, ' '))) return true;
  if (depth >= 3) return false;
  // A forward may carry the encrypted mail as a base64-encoded attached message: look inside.
  for (const block of text.match(/(?:^[A-Za-z0-9+/]{16,}={0,2}\r?\n){2,}/gm) ?? []) {
    if (carriesSecretPayload(Buffer.from(block.replace(/\s+/g, ''), 'base64'), depth + 1)) return true;
  }
  return false;
}

/** Throws OutboundRefused (550 on SMTP, the coded error on HTTP) when an external recipient is named. */
export function assertSecretMailInternal(raw: Buffer, recipients: readonly string[], isLocal: (address: string) => boolean): void {
  if (!carriesSecretPayload(raw)) return;
  const external = recipients.filter((r) => !isLocal(r));
  if (external.length === 0) return;
  throw new OutboundRefused('blocked', [
    {
      check: 'secret-mail-internal',
      verdict: 'block',
      reason: `工作秘密加密邮件只能发送给本市政务邮箱内部地址，不能发送或转发到外部地址：${external.join('，')}`,
      details: { external: external.length },
    },
  ]);
}
