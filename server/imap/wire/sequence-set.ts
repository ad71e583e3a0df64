/**
 * Sequence sets: `1:*,3,5:7` (RFC 3501 §9 sequence-set, §6.4.8 for UIDs; RFC 9051 §9).
 *
 * Parsing keeps `*` symbolic because its value ("the largest number in use") is known only when
 * the command runs; `resolveSequenceSet` then turns the set into sorted, merged ranges against
 * the mailbox's current maximum. Formatting goes the other way, for COPYUID / APPENDUID
 * (RFC 4315 §3) and ESEARCH ALL (RFC 4731 §3.1).
 */
import { MAX_SEQUENCE_RANGES } from './limits.js';
import { type WireResult, describeWord, fail, ok } from './parse-error.js';
import { type ImapValue, atomText } from './values.js';

/** A bound as written: a number or `*`. */
export type SequenceBound = number | '*';

/** One element of a set as written; `start` may exceed `end` (`5:2` means 2:5). */
export interface SequenceRange {
  start: SequenceBound;
  end: SequenceBound;
}

export interface SequenceSet {
  ranges: SequenceRange[];
}

/** nz-number is an unsigned 32-bit integer (RFC 3501 §9 number, nz-number). */
const MAX_NUMBER = 4_294_967_295;
const NZ_NUMBER = /^[1-9][0-9]{0,9}$/;

function parseBound(text: string): SequenceBound | undefined {
  if (text === '*') return '*';
  if (!NZ_NUMBER.test(text)) return undefined;
  const value = Number(text);
  return value <= MAX_NUMBER ? value : undefined;
}

/** Parses a sequence set; refuses `0`, leading zeros, empty elements and more than `maxRanges`. */
export function parseSequenceSet(text: string, maxRanges = MAX_SEQUENCE_RANGES): WireResult<SequenceSet> {
  if (text.length === 0) return fail('Empty sequence set');
  const ranges: SequenceRange[] = [];
  let from = 0;
  while (from <= text.length) {
    let comma = text.indexOf(',', from);
    if (comma < 0) comma = text.length;
    if (ranges.length >= maxRanges) return fail('Too many ranges in sequence set');
    const element = text.slice(from, comma);
    const colon = element.indexOf(':');
    const start = parseBound(colon < 0 ? element : element.slice(0, colon));
    const end = colon < 0 ? start : parseBound(element.slice(colon + 1));
    if (start === undefined || end === undefined) return fail(`Invalid sequence set ${describeWord(text)}`);
    ranges.push({ start, end });
    from = comma + 1;
  }
  return ok({ ranges });
}

/** The sequence set in a command argument (an atom such as `1:*`, or a bare number). */
export function sequenceSetArgument(value: ImapValue | undefined, maxRanges = MAX_SEQUENCE_RANGES): WireResult<SequenceSet> {
  const text = value?.type === 'atom' || value?.type === 'number' ? atomText(value) : undefined;
  return text === undefined ? fail('Sequence set expected') : parseSequenceSet(text, maxRanges);
}

/**
 * A sequence set with `*` replaced by a mailbox's largest number: sorted, merged, inclusive
 * ranges. `n:*` with n past the maximum still includes the maximum, as RFC 3501 §6.4.8 asks for
 * UIDs ("559:*" always includes the last UID); with `max` 0 (empty mailbox) `*` is dropped.
 */
export class ResolvedSequenceSet implements Iterable<number> {
  /** Disjoint, ascending, non-adjacent `[low, high]` pairs. */
  readonly ranges: ReadonlyArray<readonly [number, number]>;

  constructor(ranges: Iterable<readonly [number, number]>) {
    const sorted = [...ranges].filter(([low, high]) => low <= high).sort((a, b) => a[0] - b[0]);
    const merged: Array<[number, number]> = [];
    for (const [low, high] of sorted) {
      const last = merged[merged.length - 1];
      if (last && low <= last[1] + 1) last[1] = Math.max(last[1], high);
      else merged.push([low, high]);
    }
    this.ranges = merged;
  }

  /** How many numbers the set holds. */
  get size(): number {
    return this.ranges.reduce((sum, [low, high]) => sum + high - low + 1, 0);
  }

  /** Smallest member, undefined when empty. */
  get min(): number | undefined {
    return this.ranges[0]?.[0];
  }

  /** Largest member, undefined when empty: lets the server refuse sequence numbers past EXISTS. */
  get max(): number | undefined {
    return this.ranges[this.ranges.length - 1]?.[1];
  }

  has(n: number): boolean {
    let low = 0;
    let high = this.ranges.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const range = this.ranges[mid];
      if (!range) return false;
      if (n < range[0]) high = mid - 1;
      else if (n > range[1]) low = mid + 1;
      else return true;
    }
    return false;
  }

  /** Members in ascending order, lazily: `1:4294967295` costs nothing until iterated. */
  *[Symbol.iterator](): Iterator<number> {
    for (const [low, high] of this.ranges) {
      for (let n = low; n <= high; n++) yield n;
    }
  }
}

/** Replaces `*` with `max` (the message count, or the highest UID) and normalises the set. */
export function resolveSequenceSet(set: SequenceSet, max: number): ResolvedSequenceSet {
  return new ResolvedSequenceSet(
    set.ranges.flatMap(({ start, end }): Array<[number, number]> => {
      const a = start === '*' ? max : start;
      const b = end === '*' ? max : end;
      const low = Math.max(1, Math.min(a, b));
      const high = Math.max(a, b);
      return high >= 1 ? [[low, high]] : [];
    }),
  );
}

/**
 * The shortest set naming `numbers` in the order given: ascending runs collapse to `a:b`.
 * Order matters for COPYUID, where the n-th source UID maps to the n-th new UID (RFC 4315 §3).
 */
export function formatSequenceSet(numbers: Iterable<number>): string {
  const parts: string[] = [];
  let start: number | undefined;
  let previous = 0;
  const close = (): void => {
    if (start !== undefined) parts.push(start === previous ? `${start}` : `${start}:${previous}`);
  };
  for (const n of numbers) {
    if (start !== undefined && n === previous + 1) {
      previous = n;
      continue;
    }
    close();
    start = n;
    previous = n;
  }
  close();
  return parts.join(',');
}
