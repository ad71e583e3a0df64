/** RFC 3501 §6.4.7 COPY with RFC 4315 COPYUID, and RFC 6851 MOVE (untagged COPYUID, then EXPUNGEs). */
import type { CommandHandler } from '../command-context.js';
import { mailboxArg } from '../mailbox-arg.js';
import { formatUidSet, resolveMessageSet } from '../message-set.js';

export const copy: CommandHandler = {
  states: ['selected'],
  async run(ctx) {
    const mailbox = ctx.selected();
    const set = resolveMessageSet(mailbox, ctx.command.args[0], ctx.byUid);
    const target = mailboxArg(ctx.command.args[1], ctx.enabled.has('UTF8=ACCEPT'));
    const result = await mailbox.copy(set.ranges, target);
    if (result.mapping.length > 0) {
      ctx.okText = `[COPYUID ${result.uidValidity} ${formatUidSet(result.mapping.map((m) => m.sourceUid))} ${formatUidSet(result.mapping.map((m) => m.targetUid))}] COPY completed`;
    }
  },
};

export const move: CommandHandler = {
  states: ['selected'],
  async run(ctx) {
    const mailbox = ctx.selected();
    const set = resolveMessageSet(mailbox, ctx.command.args[0], ctx.byUid);
    const target = mailboxArg(ctx.command.args[1], ctx.enabled.has('UTF8=ACCEPT'));
    const result = await mailbox.move(set.ranges, target);
    if (result.mapping.length > 0) {
      await ctx.untagged(`OK [COPYUID ${result.uidValidity} ${formatUidSet(result.mapping.map((m) => m.sourceUid))} ${formatUidSet(result.mapping.map((m) => m.targetUid))}] Moved`);
    }
    // RFC 6851 §3.3: the EXPUNGE responses are part of MOVE's answer, even without UID.
    await ctx.flushUpdates(true);
  },
};
