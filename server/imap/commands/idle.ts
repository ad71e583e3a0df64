/**
 * RFC 2177 IDLE: updates are pushed as they happen until the client sends DONE. Accepted with no
 * mailbox selected (Outlook does that); keep-alive `* OK` lines stop NAT boxes and phones from
 * dropping a silent connection.
 */
import type { CommandHandler } from '../command-context.js';
import { bad } from '../imap-error.js';
import { IMAP_LIMITS } from '../limits.js';

export const idle: CommandHandler = {
  states: ['authenticated', 'selected'],
  async run(ctx) {
    const session = ctx.authenticated();
    let flushing = Promise.resolve();
    const push = () => {
      flushing = flushing.then(() => ctx.flushUpdates(true)).catch(() => undefined);
    };
    const stop = session.onChange(push);
    const keepalive = setInterval(() => void ctx.untagged('OK Still here'), IMAP_LIMITS.idleKeepaliveMs);
    keepalive.unref();
    try {
      await ctx.continuation('idling');
      push();
      const line = await ctx.nextLineOrClose();
      if (line !== null && line.trim().toUpperCase() !== 'DONE') throw bad('Expected DONE to end IDLE');
    } finally {
      stop();
      clearInterval(keepalive);
      await flushing;
    }
  },
};
