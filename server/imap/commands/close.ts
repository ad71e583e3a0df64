/** RFC 3501 §6.4.2 CLOSE (expunges silently unless read-only) and RFC 3691 UNSELECT (does not). */
import type { CommandHandler } from '../command-context.js';

export const close: CommandHandler = {
  states: ['selected'],
  async run(ctx) {
    const mailbox = ctx.selected();
    if (!mailbox.readOnly) await mailbox.expunge();
    await ctx.setSelected(null);
  },
};

export const unselect: CommandHandler = {
  states: ['selected'],
  async run(ctx) {
    await ctx.setSelected(null);
  },
};
