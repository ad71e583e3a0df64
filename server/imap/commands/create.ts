/** RFC 3501 §6.3.3 CREATE (a trailing separator is allowed and ignored); §6.3.4 DELETE; §6.3.5 RENAME. */
import type { CommandHandler } from '../command-context.js';
import { no } from '../imap-error.js';
import { mailboxArg } from '../mailbox-arg.js';

export const create: CommandHandler = {
  states: ['authenticated', 'selected'],
  async run(ctx) {
    const name = mailboxArg(ctx.command.args[0], ctx.enabled.has('UTF8=ACCEPT'));
    if (name === 'INBOX') throw no('ALREADYEXISTS', 'INBOX always exists');
    await ctx.authenticated().createMailbox(name);
  },
};

export const deleteMailbox: CommandHandler = {
  states: ['authenticated', 'selected'],
  async run(ctx) {
    const name = mailboxArg(ctx.command.args[0], ctx.enabled.has('UTF8=ACCEPT'));
    const selected = ctx.state === 'selected' ? ctx.selected() : null;
    await ctx.authenticated().deleteMailbox(name);
    if (selected && selected.name === name) await ctx.setSelected(null);
  },
};

export const rename: CommandHandler = {
  states: ['authenticated', 'selected'],
  async run(ctx) {
    const utf8 = ctx.enabled.has('UTF8=ACCEPT');
    const from = mailboxArg(ctx.command.args[0], utf8);
    const to = mailboxArg(ctx.command.args[1], utf8);
    await ctx.authenticated().renameMailbox(from, to);
  },
};

export const subscribe: CommandHandler = {
  states: ['authenticated', 'selected'],
  async run(ctx) {
    await ctx.authenticated().setSubscribed(mailboxArg(ctx.command.args[0], ctx.enabled.has('UTF8=ACCEPT')), true);
  },
};

export const unsubscribe: CommandHandler = {
  states: ['authenticated', 'selected'],
  async run(ctx) {
    await ctx.authenticated().setSubscribed(mailboxArg(ctx.command.args[0], ctx.enabled.has('UTF8=ACCEPT')), false);
  },
};
