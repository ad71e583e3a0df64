/**
 * Turns a sequence-set argument into the UIDs it names in the client's view of the selected
 * mailbox (RFC 3501 §6.4.8): by sequence number, or by UID for the UID forms. UIDs the client
 * has not been told about yet (no EXISTS) are left out, so every response can carry a valid
 * sequence number.
 */
import type { UidRange } from '../mail/uid-ranges.js';
import { bad } from './imap-error.js';
import type { SelectedMailbox } from './session.js';
import { resolveSequenceSet, sequenceSetArgument } from './wire/sequence-set.js';
import type { ImapValue } from './wire/values.js';

export interface MessageSet {
  uids: number[];
  ranges: UidRange[];
}

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function resolveMessageSet(mailbox: SelectedMailbox, arg: ImapValue | undefined, byUid: boolean): MessageSet {
  const parsed = sequenceSetArgument(arg);
  if (!parsed.ok) throw bad(parsed.error.text);
  const known = mailbox.uids();
  const uids: number[] = [];
  if (byUid) {
    const max = known.length ? known[known.length - 1]! : 0;
    const resolved = resolveSequenceSet(parsed.value, max);
    for (const [low, high] of resolved.ranges) {
      for (let i = lowerBound(known, low); i < known.length && known[i]! <= high; i++) uids.push(known[i]!);
    }
  } else {
    const resolved = resolveSequenceSet(parsed.value, known.length);
    // RFC 3501 §9: a sequence number past the message count is a client error.
    if ((resolved.max ?? 0) > known.length) throw bad('Invalid message sequence number');
    for (const [low, high] of resolved.ranges) for (let seq = low; seq <= high; seq++) uids.push(known[seq - 1]!);
  }
  return { uids, ranges: toRanges(uids) };
}

export function toRanges(sortedUids: readonly number[]): UidRange[] {
  const out: UidRange[] = [];
  for (const uid of sortedUids) {
    const last = out[out.length - 1];
    if (last && uid === last.end + 1) last.end = uid;
    else out.push({ start: uid, end: uid });
  }
  return out;
}

export function formatUidSet(uids: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < uids.length) {
    let j = i;
    while (j + 1 < uids.length && uids[j + 1] === uids[j]! + 1) j++;
    parts.push(i === j ? String(uids[i]) : `${uids[i]}:${uids[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
