/** RFC 2342 NAMESPACE: one personal namespace, "/" as the separator, no shared ones yet. */
import type { CommandHandler } from '../command-context.js';

export const namespace: CommandHandler = {
  states: ['authenticated', 'selected'],
  async run(ctx) {
    await ctx.untagged('NAMESPACE (("" "/")) NIL NIL');
  },
};
