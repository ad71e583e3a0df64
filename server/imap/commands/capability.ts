/** RFC 3501 §6.1.1 CAPABILITY. */
import type { CommandHandler } from '../command-context.js';

export const capability: CommandHandler = {
  states: ['not-authenticated', 'authenticated', 'selected'],
  async run(ctx) {
    await ctx.untagged(`CAPABILITY ${ctx.capabilities().join(' ')}`);
  },
};
