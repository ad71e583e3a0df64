/**
 * RFC 3501 §6.3.1 SELECT and §6.3.2 EXAMINE, with RFC 7162 HIGHESTMODSEQ and the CONDSTORE
 * parameter, RFC 4315 UIDNEXT/UIDVALIDITY codes.
 */
import type { CommandHandler } from '../command-context.js';
import { bad } from '../imap-error.js';
import { mailboxArg } from '../mailbox-arg.js';
import { atomText } from '../wire/values.js';

const FLAGS = '\\Answered \\Flagged \\Deleted \\Seen \\Draft';

function selectHandler(readOnly: boolean): CommandHandler {
  return {
    states: ['authenticated', 'selected'],
    async run(ctx) {
      const session = ctx.authenticated();
      const name = mailboxArg(ctx.command.args[0], ctx.enabled.has('UTF8=ACCEPT'));
      const params = ctx.command.args[1];
      if (params) {
        if (params.type !== 'list') throw bad('SELECT parameters must be a list');
        for (const p of params.items) {
          const word = atomText(p)?.toUpperCase();
          if (word === 'CONDSTORE') ctx.enabled.add('CONDSTORE');
          else throw bad(`Unknown SELECT parameter`);
        }
      }
      // RFC 3501 §6.3.1: a failed SELECT leaves no mailbox selected.
      await ctx.setSelected(null);
      const mailbox = await session.select(name, readOnly);
      await ctx.setSelected(mailbox);
      await ctx.untagged(`FLAGS (${FLAGS})`);
      await ctx.untagged(`OK [PERMANENTFLAGS (${readOnly ? '' : FLAGS + ' \\*'})] Flags permitted`);
      await ctx.untagged(`${mailbox.count()} EXISTS`);
      await ctx.untagged(`${mailbox.recentCount()} RECENT`);
      const unseen = await mailbox.firstUnseenSeq();
      if (unseen !== null) await ctx.untagged(`OK [UNSEEN ${unseen}] First unseen`);
      await ctx.untagged(`OK [UIDVALIDITY ${mailbox.uidValidity}] UIDs valid`);
      await ctx.untagged(`OK [UIDNEXT ${mailbox.uidNext()}] Predicted next UID`);
      await ctx.untagged(`OK [HIGHESTMODSEQ ${mailbox.highestModseq()}] Highest`);
      ctx.okText = `[${readOnly ? 'READ-ONLY' : 'READ-WRITE'}] ${readOnly ? 'EXAMINE' : 'SELECT'} completed`;
    },
  };
}

export const select = selectHandler(false);
export const examine = selectHandler(true);
