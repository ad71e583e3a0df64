/**
 * smtp-server can add RFC 2034 enhanced status codes to its own replies, but it maps error
 * replies by reply code alone (every 553 becomes 5.1.3). Our replies (smtp-errors.ts) carry the
 * exact enhanced code in their text; this makes smtp-server leave those alone and add codes
 * only to its own replies.
 */
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';

const ENHANCED_PREFIX = /^[245]\.\d{1,3}\.\d{1,3} /;
let installed = false;

export function keepOwnEnhancedCodes(): void {
  if (installed) return;
  installed = true;
  const proto = SMTPConnection.prototype as unknown as { send: (code: number, data?: unknown, context?: unknown) => void };
  const original = proto.send;
  proto.send = function send(this: unknown, code: number, data?: unknown, context?: unknown) {
    if (typeof data === 'string' && ENHANCED_PREFIX.test(data)) return original.call(this, code, data, false);
    return original.call(this, code, data, context);
  };
}
