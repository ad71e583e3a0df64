/** RFC 3501 §6.4.3 EXPUNGE and RFC 4315 §2.1 UID EXPUNGE (only the given UIDs). */
import type { CommandHandler } from '../command-context.js';
import { resolveMessageSet } from '../message-set.js';

export const expunge: CommandHandler = {
  states: ['selected'],
  async run(ctx) {
    const mailbox = ctx.selected();
    if (ctx.byUid) {
      const set = resolveMessageSet(mailbox, ctx.command.args[0], true);
      if (set.uids.length > 0) await mailbox.expunge(set.ranges);
    } else {
      await mailbox.expunge();
    }
    await ctx.flushUpdates(true);
  },
};
