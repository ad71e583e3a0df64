/** RFC 3501 §6.4.6 STORE and RFC 7162 §3.1.3 UNCHANGEDSINCE / MODIFIED. */
import type { CommandHandler } from '../command-context.js';
import { bad, no } from '../imap-error.js';
import { resolveMessageSet, formatUidSet } from '../message-set.js';
import { atomText, numberValue, type ImapValue } from '../wire/values.js';

export const store: CommandHandler = {
  states: ['selected'],
  expungeAllowed: (ctx) => ctx.byUid,
  async run(ctx) {
    const mailbox = ctx.selected();
    const args: (ImapValue | undefined)[] = [...ctx.command.args];
    const set = resolveMessageSet(mailbox, args.shift(), ctx.byUid);
    let unchangedSince: number | undefined;
    if (args[0]?.type === 'list') {
      const modifiers = (args.shift() as { items: ImapValue[] }).items;
      if (atomText(modifiers[0])?.toUpperCase() !== 'UNCHANGEDSINCE') throw bad('Unknown STORE modifier');
      unchangedSince = numberValue(modifiers[1]);
      if (unchangedSince === undefined) throw bad('UNCHANGEDSINCE expects a number');
      ctx.enabled.add('CONDSTORE');
    }
    const item = atomText(args.shift())?.toUpperCase() ?? '';
    const m = /^([+-]?)FLAGS(\.SILENT)?$/.exec(item);
    if (!m) throw bad('STORE expects FLAGS, +FLAGS or -FLAGS');
    const flagArgs = args[0]?.type === 'list' ? args[0].items : args;
    const flags = flagArgs.map((f) => atomText(f) ?? '');
    if (flags.some((f) => !f || /[\s()"{}%*\]]/.test(f))) throw bad('Invalid flag');
    if (flags.some((f) => f.toLowerCase() === '\\recent')) throw bad('\\Recent cannot be stored');
    const mode = m[1] === '+' ? 'add' : m[1] === '-' ? 'remove' : 'set';
    const silent = Boolean(m[2]);
    if (set.uids.length === 0) return;
    const result = await mailbox.store(set.ranges, flags, mode, unchangedSince);
    const condstore = ctx.enabled.has('CONDSTORE');
    for (const updated of result.updated) {
      const seq = mailbox.seqOf(updated.uid);
      if (seq === undefined) continue;
      // RFC 7162 §3.1.3: with UNCHANGEDSINCE, MODSEQ is reported even for .SILENT.
      if (silent && unchangedSince === undefined) continue;
      // RFC 3501 §7.4.2: FLAGS is the whole set, \Recent (this session's) included.
      const flags = mailbox.isRecent(updated.uid) ? [...updated.flags, '\\Recent'] : updated.flags;
      const parts = [ctx.byUid ? `UID ${updated.uid}` : null, silent ? null : `FLAGS (${flags.join(' ')})`, condstore ? `MODSEQ (${updated.modseq})` : null].filter(Boolean);
      await ctx.untagged(`${seq} FETCH (${parts.join(' ')})`);
    }
    if (result.modified.length > 0) {
      const ids = ctx.byUid ? result.modified : result.modified.map((uid) => mailbox.seqOf(uid)!).filter(Boolean);
      ctx.okText = `[MODIFIED ${formatUidSet(ids)}] Conditional STORE failed for some messages`;
    }
    // RFC 2180 §4.2.1 / RFC 5530: a message in the client's view was expunged by another session
    // and that EXPUNGE may not be sent yet (non-UID command): say so instead of a silent OK.
    if (!ctx.byUid && result.matched < set.uids.length) throw no('EXPUNGEISSUED', 'Some of the requested messages no longer exist');
  },
};
