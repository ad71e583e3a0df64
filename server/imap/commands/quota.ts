/** RFC 9208 QUOTA: one storage quota per account, root "". Limits are set by administrators only. */
import type { CommandHandler } from '../command-context.js';
import { no } from '../imap-error.js';
import { mailboxArg, mailboxName } from '../mailbox-arg.js';
import { astringValue } from '../wire/values.js';

async function quotaLine(ctx: Parameters<CommandHandler['run']>[0]): Promise<string> {
  const quota = await ctx.authenticated().quota();
  return `QUOTA "" (STORAGE ${Math.ceil(quota.usedBytes / 1024)} ${Math.floor(quota.quotaBytes / 1024)})`;
}

export const getquota: CommandHandler = {
  states: ['authenticated', 'selected'],
  async run(ctx) {
    if ((astringValue(ctx.command.args[0]) ?? '') !== '') throw no('NONEXISTENT', 'No such quota root');
    await ctx.untagged(await quotaLine(ctx));
  },
};

export const getquotaroot: CommandHandler = {
  states: ['authenticated', 'selected'],
  async run(ctx) {
    const utf8 = ctx.enabled.has('UTF8=ACCEPT');
    const name = mailboxArg(ctx.command.args[0], utf8);
    await ctx.authenticated().status(name);
    await ctx.untagged('QUOTAROOT ', ...mailboxName(name, utf8), ' ""');
    await ctx.untagged(await quotaLine(ctx));
  },
};

export const setquota: CommandHandler = {
  states: ['authenticated', 'selected'],
  async run() {
    throw no('NOPERM', 'Quotas are set by your administrator');
  },
};
