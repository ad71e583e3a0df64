/**
 * Thrown by the outbound gate when a submitted message is not accepted: `blocked` (a block
 * verdict: SMTP 550 5.7.1, web `outbound.blocked`) or `confirm` (warnings the web user has not
 * yet confirmed: web `outbound.confirm_required`; SMTP never sees this kind). Protocols map it
 * to their own replies in one place each (smtp-listener.ts, http/plugins/errors.ts).
 */
import type { OutboundFinding } from './pipeline.js';

export class OutboundRefused extends Error {
  override name = 'OutboundRefused';
  constructor(
    readonly kind: 'blocked' | 'confirm',
    readonly findings: readonly OutboundFinding[],
  ) {
    super(findings.map((f) => f.reason).join('；'));
  }
}
