/** RFC 2971 ID: remember what the client says it is (it goes into the login audit), answer with ours. */
import type { CommandHandler } from '../command-context.js';
import { bad } from '../imap-error.js';
import { astringValue } from '../wire/values.js';

export const id: CommandHandler = {
  states: ['not-authenticated', 'authenticated', 'selected'],
  async run(ctx) {
    const arg = ctx.command.args[0];
    if (arg?.type === 'list') {
      const pairs: string[] = [];
      for (let i = 0; i + 1 < arg.items.length && pairs.length < 30; i += 2) {
        const key = astringValue(arg.items[i]);
        const value = astringValue(arg.items[i + 1]);
        if (key) pairs.push(`${key.slice(0, 30)}=${(value ?? '').slice(0, 100)}`);
      }
      ctx.clientId = pairs.join('; ').slice(0, 500) || null;
    } else if (arg?.type !== 'nil') {
      throw bad('ID expects a parenthesised list or NIL');
    }
    await ctx.untagged('ID ("name" "govmail" "vendor" "Haining Municipal Government" "support-url" "https://mail.haining.gov.cn/help")');
  },
};
