/** RFC 3501 §6.1.3 LOGOUT. */
import type { CommandHandler } from '../command-context.js';

export const logout: CommandHandler = {
  states: ['not-authenticated', 'authenticated', 'selected'],
  async run(ctx) {
    await ctx.untagged('BYE govmail logging out');
    await ctx.setSelected(null).catch(() => undefined);
    ctx.logout();
  },
};
