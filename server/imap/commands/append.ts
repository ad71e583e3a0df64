/**
 * RFC 3501 §6.3.11 APPEND with RFC 4315 APPENDUID, RFC 7889 APPENDLIMIT and RFC 3516 literal8.
 * The message is durable (blob fsynced, row committed) before the tagged OK.
 */
import type { CommandHandler } from '../command-context.js';
import { bad, no } from '../imap-error.js';
import { mailboxArg } from '../mailbox-arg.js';
import { atomText, stringValue, type ImapValue } from '../wire/values.js';

const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };

/** RFC 3501 date-time: `"28-Nov-2026 09:30:00 +0800"` (day may be space-padded). */
export function parseDateTime(text: string): number | null {
  const m = /^ ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text);
  if (!m) return null;
  const month = MONTHS[m[2]!.toLowerCase()];
  if (month === undefined) return null;
  const utc = Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  const offset = (Number(m[8]) * 60 + Number(m[9])) * 60_000 * (m[7] === '-' ? -1 : 1);
  return utc - offset;
}

export const append: CommandHandler = {
  states: ['authenticated', 'selected'],
  async run(ctx) {
    const args: (ImapValue | undefined)[] = [...ctx.command.args];
    const name = mailboxArg(args.shift(), ctx.enabled.has('UTF8=ACCEPT'));
    let flags: string[] = [];
    let internalDate: number | null = null;
    if (args[0]?.type === 'list') {
      flags = (args.shift() as { items: ImapValue[] }).items.map((f) => atomText(f) ?? '').filter(Boolean);
      if (flags.some((f) => f.toLowerCase() === '\\recent')) throw bad('\\Recent cannot be set');
    }
    if (args[0]?.type === 'quoted') {
      internalDate = parseDateTime(stringValue(args.shift()) ?? '');
      if (internalDate === null) throw bad('Invalid date-time');
    }
    const message = args.shift();
    if (message?.type !== 'literal') throw bad('APPEND expects the message as a literal');
    if (args.length > 0) throw no('CANNOT', 'MULTIAPPEND is not supported');
    if (message.value.length === 0) throw no('CANNOT', 'Empty message');
    const result = await ctx.authenticated().append(name, message.value, flags, internalDate);
    ctx.okText = `[APPENDUID ${result.uidValidity} ${result.uid}] APPEND completed`;
  },
};
