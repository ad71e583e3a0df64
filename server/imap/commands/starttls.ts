/** RFC 3501 §6.2.1 STARTTLS. */
import type { CommandHandler } from '../command-context.js';

export const starttls: CommandHandler = {
  states: ['not-authenticated'],
  async run(ctx) {
    await ctx.startTls();
  },
};
