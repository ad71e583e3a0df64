/**
 * Thrown by the delivery service when the inbound pipeline refuses a message from another
 * server: `reject` (DMARC p=reject: SMTP 550 5.7.1 at the end of DATA) or `tempfail` (the
 * scanner could not scan and the policy says so: 451 4.7.1, the sender retries).
 */
export class InboundRefused extends Error {
  override name = 'InboundRefused';
  constructor(
    readonly kind: 'reject' | 'tempfail',
    reason: string,
  ) {
    super(reason);
  }
}
