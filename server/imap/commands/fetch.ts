/**
 * RFC 3501 §6.4.5 FETCH and §6.4.8 UID FETCH, RFC 3516 BINARY, RFC 7162 CHANGEDSINCE/MODSEQ.
 * Responses are streamed one message at a time from batches of rows: FETCH 1:* over 100k
 * messages never holds more than one message body in memory.
 */
import type { CommandContext, CommandHandler } from '../command-context.js';
import { bad, no } from '../imap-error.js';
import { imapDateTime, imapString, structureParts, type Part } from '../format.js';
import { resolveMessageSet } from '../message-set.js';
import type { MessageView } from '../session.js';
import { fetchResponseName, parseFetch, type FetchAttribute, type FetchPartial } from '../wire/fetch-parser.js';

function slice(data: Buffer, partial: FetchPartial | undefined): Buffer {
  if (!partial) return data;
  if (partial.offset >= data.length) return Buffer.alloc(0);
  return data.subarray(partial.offset, partial.offset + partial.length);
}

/**
 * RFC 3501 §4.3: a literal carries no NUL. Mail that has NULs anyway (it happens) is sent with
 * 0x80 in their place, as Dovecot does; BINARY (RFC 3516) sends the true bytes as literal8.
 */
function withoutNul(data: Buffer): Buffer {
  if (!data.includes(0)) return data;
  const copy = Buffer.from(data);
  for (let i = 0; i < copy.length; i++) if (copy[i] === 0) copy[i] = 0x80;
  return copy;
}

async function attributeParts(attribute: FetchAttribute, message: MessageView, state: { raw?: Buffer }): Promise<Part[]> {
  const raw = async () => (state.raw ??= await message.readRaw());
  const name = fetchResponseName(attribute);
  switch (attribute.type) {
    case 'UID':
      return [`UID ${message.uid}`];
    case 'FLAGS':
      return [`FLAGS (${[...message.flags, ...(message.recent ? ['\\Recent'] : [])].join(' ')})`];
    case 'INTERNALDATE':
      return [`INTERNALDATE ${imapDateTime(message.internalDate)}`];
    case 'RFC822.SIZE':
      return [`RFC822.SIZE ${message.size}`];
    case 'MODSEQ':
      return [`MODSEQ (${message.modseq})`];
    case 'ENVELOPE':
      return ['ENVELOPE ', ...structureParts(await message.envelope())];
    case 'BODYSTRUCTURE':
      return ['BODYSTRUCTURE ', ...structureParts(await message.bodyStructure(true))];
    case 'BODY':
      return ['BODY ', ...structureParts(await message.bodyStructure(false))];
    case 'RFC822':
      return ['RFC822 ', ...imapString(withoutNul(await raw()))];
    case 'RFC822.HEADER':
      return ['RFC822.HEADER ', ...imapString(await message.section({ part: [], text: 'HEADER', fields: undefined }))];
    case 'RFC822.TEXT':
      return ['RFC822.TEXT ', ...imapString(await message.section({ part: [], text: 'TEXT', fields: undefined }))];
    case 'BODY[]': {
      const data = attribute.section.part.length === 0 && attribute.section.text === undefined ? await raw() : await message.section(attribute.section);
      return [`${name} `, ...imapString(withoutNul(slice(data, attribute.partial)))];
    }
    case 'BINARY[]': {
      const data = attribute.part.length === 0 ? await raw() : await message.binary(attribute.part);
      if (data === null) throw no('UNKNOWN-CTE', 'Unknown Content-Transfer-Encoding');
      const bytes = slice(data, attribute.partial);
      // RFC 3516 §4.3: literal8 when the content holds NUL.
      const parts: Part[] = bytes.includes(0) ? [`~{${bytes.length}}\r\n`, bytes] : imapString(bytes);
      return [`${name} `, ...parts];
    }
    case 'BINARY.SIZE[]': {
      const data = attribute.part.length === 0 ? await raw() : await message.binary(attribute.part);
      if (data === null) throw no('UNKNOWN-CTE', 'Unknown Content-Transfer-Encoding');
      return [`${name} ${data.length}`];
    }
  }
}

async function runFetch(ctx: CommandContext): Promise<void> {
  const mailbox = ctx.selected();
  const parsed = parseFetch(ctx.command.args, { uid: ctx.byUid });
  if (!parsed.ok) throw bad(parsed.error.text);
  const request = parsed.value;
  const set = resolveMessageSet(mailbox, ctx.command.args[0], ctx.byUid);
  const attributes = [...request.attributes];
  const changedSince = request.changedSince;
  if (changedSince !== undefined || attributes.some((a) => a.type === 'MODSEQ')) ctx.enabled.add('CONDSTORE');
  // RFC 7162 §3.1.4.1: CHANGEDSINCE implies MODSEQ in the response.
  if (changedSince !== undefined && !attributes.some((a) => a.type === 'MODSEQ')) attributes.push({ type: 'MODSEQ' });
  if (ctx.byUid && !attributes.some((a) => a.type === 'UID')) attributes.unshift({ type: 'UID' });
  const setsSeen = request.setsSeen && !mailbox.readOnly;
  if (set.uids.length === 0) return;

  let found = 0;
  for await (const message of mailbox.messages(set.ranges)) {
    found++;
    if (changedSince !== undefined && BigInt(message.modseq) <= changedSince) continue;
    const seq = mailbox.seqOf(message.uid);
    if (seq === undefined) continue;
    let markedSeen = false;
    if (setsSeen && !message.flags.includes('\\Seen')) {
      await mailbox.markSeen([message.uid]);
      message.flags.push('\\Seen');
      markedSeen = true;
    }
    const state: { raw?: Buffer } = {};
    const parts: Part[] = [`* ${seq} FETCH (`];
    let first = true;
    for (const attribute of attributes) {
      if (!first) parts.push(' ');
      first = false;
      parts.push(...(await attributeParts(attribute, message, state)));
    }
    // RFC 3501 §6.4.5: a FETCH that sets \Seen reports the new flags.
    if (markedSeen && !attributes.some((a) => a.type === 'FLAGS')) parts.push(' ', ...(await attributeParts({ type: 'FLAGS' }, message, state)));
    parts.push(')\r\n');
    for (const part of parts) await ctx.write(part);
  }
  // RFC 2180 §4.1.2 / RFC 5530: a message still in the client's view was expunged by another
  // session, and a non-UID FETCH may not announce that yet: the data sent is all there is.
  if (!ctx.byUid && found < set.uids.length) throw no('EXPUNGEISSUED', 'Some of the requested messages no longer exist');
}

export const fetch: CommandHandler = {
  states: ['selected'],
  expungeAllowed: (ctx) => ctx.byUid,
  run: runFetch,
};

