/**
 * RFC 3501 §6.3.8 LIST, §6.3.9 LSUB, RFC 5258 LIST-EXTENDED selection and return options
 * (`LIST (SUBSCRIBED) "" "*"`, `RETURN (SPECIAL-USE CHILDREN STATUS (…))` — iOS and
 * Thunderbird send these), RFC 6154 SPECIAL-USE attributes, RFC 3348 CHILDREN, and the old
 * XLIST that Outlook 2010–2013 uses (same answer, XLIST keyword, \Inbox attribute).
 */
import type { CommandContext, CommandHandler } from '../command-context.js';
import { bad } from '../imap-error.js';
import { mailboxArg, mailboxName } from '../mailbox-arg.js';
import { type Part } from '../format.js';
import { astringValue, atomText, type ImapValue } from '../wire/values.js';
import type { MailboxListing } from '../session.js';
import { decodeMutf7 } from '../wire/mutf7.js';

/** LIST wildcards (RFC 3501 §6.3.8): `*` matches anything, `%` anything but the separator. */
export function patternToRegExp(pattern: string): RegExp {
  let source = '';
  for (const ch of pattern) {
    if (ch === '*') source += '.*';
    else if (ch === '%') source += '[^/]*';
    else source += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'su');
}

function patternText(value: ImapValue | undefined, utf8: boolean): string {
  const raw = astringValue(value);
  if (raw === undefined) throw bad('Missing LIST pattern');
  if (utf8 || /[^\x20-\x7e]/.test(raw)) return raw;
  const decoded = decodeMutf7(raw);
  return decoded.ok ? decoded.value : raw;
}

async function runList(ctx: CommandContext, keyword: 'LIST' | 'LSUB' | 'XLIST'): Promise<void> {
  const utf8 = ctx.enabled.has('UTF8=ACCEPT');
  const args = [...ctx.command.args];
  let selectSubscribed = keyword === 'LSUB';
  let selectSpecialUse = false;
  if (keyword === 'LIST' && args[0]?.type === 'list') {
    for (const option of (args.shift() as { items: ImapValue[] }).items) {
      const word = atomText(option)?.toUpperCase();
      if (word === 'SUBSCRIBED') selectSubscribed = true;
      else if (word === 'SPECIAL-USE') selectSpecialUse = true;
      else if (word === 'REMOTE' || word === 'RECURSIVEMATCH') continue;
      else throw bad('Unknown LIST selection option');
    }
  }
  const reference = patternText(args[0], utf8);
  const patternArg = args[1];
  const patterns = patternArg?.type === 'list' ? patternArg.items.map((p) => patternText(p, utf8)) : [patternText(patternArg, utf8)];
  let returnStatus: string[] | null = null;
  let returnSpecialUse = keyword !== 'LSUB';
  if (args[2] && atomText(args[2])?.toUpperCase() === 'RETURN') {
    const options = args[3];
    if (options?.type !== 'list') throw bad('RETURN expects a list');
    for (let i = 0; i < options.items.length; i++) {
      const word = atomText(options.items[i])?.toUpperCase();
      if (word === 'STATUS') {
        const items = options.items[i + 1];
        if (items?.type !== 'list') throw bad('STATUS return option expects a list');
        returnStatus = items.items.map((item) => atomText(item)?.toUpperCase() ?? '');
        i++;
      } else if (word === 'SPECIAL-USE') returnSpecialUse = true;
    }
  }

  // RFC 3501 §6.3.8: an empty pattern asks for the hierarchy delimiter.
  if (patterns.length === 1 && patterns[0] === '') {
    await ctx.untagged(`${keyword} (\\Noselect) "/" ""`);
    return;
  }

  const session = ctx.authenticated();
  const mailboxes = await session.listMailboxes();
  const matchers = patterns.map((p) => patternToRegExp(reference + p));
  for (const mailbox of mailboxes) {
    const candidate = mailbox.name;
    if (!matchers.some((m) => m.test(candidate) || (candidate === 'INBOX' && m.test('inbox')))) continue;
    if (selectSubscribed && !mailbox.subscribed) continue;
    if (selectSpecialUse && !mailbox.specialUse) continue;
    await ctx.untagged(...listLine(keyword, mailbox, { utf8, returnSpecialUse, subscribedFlag: selectSubscribed && keyword === 'LIST' }));
    if (returnStatus && keyword === 'LIST') {
      const status = await session.status(mailbox.name);
      await ctx.untagged('STATUS ', ...mailboxName(mailbox.name, utf8), ` (${statusItems(returnStatus, status)})`);
    }
  }
}

function listLine(keyword: string, mailbox: MailboxListing, options: { utf8: boolean; returnSpecialUse: boolean; subscribedFlag: boolean }): Part[] {
  const attributes: string[] = [mailbox.hasChildren ? '\\HasChildren' : '\\HasNoChildren'];
  if (options.subscribedFlag) attributes.push('\\Subscribed');
  if (options.returnSpecialUse && mailbox.specialUse) attributes.push(mailbox.specialUse);
  if (keyword === 'XLIST' && mailbox.name === 'INBOX') attributes.push('\\Inbox');
  return [`${keyword} (${attributes.join(' ')}) "/" `, ...mailboxName(mailbox.name, options.utf8)];
}

export function statusItems(items: readonly string[], status: { messages: number; recent: number; uidNext: number; uidValidity: number; unseen: number; highestModseq: number; sizeBytes: number }): string {
  const out: string[] = [];
  for (const item of items) {
    switch (item) {
      case 'MESSAGES':
        out.push(`MESSAGES ${status.messages}`);
        break;
      case 'RECENT':
        out.push(`RECENT ${status.recent}`);
        break;
      case 'UIDNEXT':
        out.push(`UIDNEXT ${status.uidNext}`);
        break;
      case 'UIDVALIDITY':
        out.push(`UIDVALIDITY ${status.uidValidity}`);
        break;
      case 'UNSEEN':
        out.push(`UNSEEN ${status.unseen}`);
        break;
      case 'HIGHESTMODSEQ':
        out.push(`HIGHESTMODSEQ ${status.highestModseq}`);
        break;
      case 'SIZE':
        out.push(`SIZE ${status.sizeBytes}`);
        break;
      default:
        throw bad(`Unknown STATUS item`);
    }
  }
  return out.join(' ');
}

export const list: CommandHandler = { states: ['authenticated', 'selected'], run: (ctx) => runList(ctx, 'LIST') };
export const lsub: CommandHandler = { states: ['authenticated', 'selected'], run: (ctx) => runList(ctx, 'LSUB') };
export const xlist: CommandHandler = { states: ['authenticated', 'selected'], run: (ctx) => runList(ctx, 'XLIST') };

/** RFC 3501 §6.3.10 STATUS (and RFC 7162 HIGHESTMODSEQ, RFC 8438 SIZE). */
export const status: CommandHandler = {
  states: ['authenticated', 'selected'],
  async run(ctx) {
    const utf8 = ctx.enabled.has('UTF8=ACCEPT');
    const name = mailboxArg(ctx.command.args[0], utf8);
    const itemsArg = ctx.command.args[1];
    if (itemsArg?.type !== 'list' || itemsArg.items.length === 0) throw bad('STATUS expects a list of items');
    const items = itemsArg.items.map((i) => atomText(i)?.toUpperCase() ?? '');
    const result = await ctx.authenticated().status(name);
    await ctx.untagged('STATUS ', ...mailboxName(name, utf8), ` (${statusItems(items, result)})`);
  },
};
