import { describe, expect, it } from 'vitest';
import { formatSequenceSet, parseSequenceSet, resolveSequenceSet, sequenceSetArgument } from './sequence-set.js';

function parsed(text: string) {
  const result = parseSequenceSet(text);
  if (!result.ok) throw new Error(result.error.text);
  return result.value;
}

describe('sequence sets (RFC 3501 §9 sequence-set)', () => {
  it('parses numbers, ranges and "*"', () => {
    expect(parsed('1:*,3,5:7').ranges).toEqual([
      { start: 1, end: '*' },
      { start: 3, end: 3 },
      { start: 5, end: 7 },
    ]);
    expect(parsed('*').ranges).toEqual([{ start: '*', end: '*' }]);
    expect(parsed('4294967295').ranges).toEqual([{ start: 4294967295, end: 4294967295 }]);
  });

  for (const bad of ['', ',', '1,', ',1', '1::2', '0', '0:5', '01', '1:', ':1', 'a', '1-3', '1 2', '4294967296', '1:*:2', '$', '-1', '1.5']) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      expect(parseSequenceSet(bad).ok).toBe(false);
    });
  }

  it('caps the number of ranges', () => {
    expect(parseSequenceSet('1,2,3,4', 3).ok).toBe(false);
    expect(parseSequenceSet('1,2,3', 3).ok).toBe(true);
  });

  it('reads the set from an atom or a number argument, nothing else', () => {
    expect(sequenceSetArgument({ type: 'number', value: 7, raw: '7' })).toMatchObject({ ok: true });
    expect(sequenceSetArgument({ type: 'atom', value: '1:*' })).toMatchObject({ ok: true });
    expect(sequenceSetArgument({ type: 'quoted', value: '1' }).ok).toBe(false);
    expect(sequenceSetArgument(undefined).ok).toBe(false);
  });
});

describe('resolving "*" (RFC 3501 §6.4.8)', () => {
  it('sorts, merges and replaces "*" with the maximum', () => {
    const set = resolveSequenceSet(parsed('7:5,1,2,3,9:*'), 12);
    expect(set.ranges).toEqual([
      [1, 3],
      [5, 7],
      [9, 12],
    ]);
    expect(set.size).toBe(10);
    expect([set.min, set.max]).toEqual([1, 12]);
    expect([...set]).toEqual([1, 2, 3, 5, 6, 7, 9, 10, 11, 12]);
    expect([0, 1, 4, 5, 8, 12, 13].map((n) => set.has(n))).toEqual([false, true, false, true, false, true, false]);
  });

  it('includes the last UID in n:* even when n is past it', () => {
    expect(resolveSequenceSet(parsed('559:*'), 500).ranges).toEqual([[500, 559]]);
  });

  it('matches nothing for "*" in an empty mailbox', () => {
    expect(resolveSequenceSet(parsed('*'), 0).size).toBe(0);
  });

  it('stays lazy for a huge range', () => {
    const set = resolveSequenceSet(parsed('1:*'), 4294967295);
    expect(set.size).toBe(4294967295);
    expect(set.has(4294967295)).toBe(true);
    const it = set[Symbol.iterator]();
    expect([it.next().value, it.next().value]).toEqual([1, 2]);
  });
});

describe('formatting for COPYUID and ESEARCH (RFC 4315 §3, RFC 4731 §3.1)', () => {
  it('collapses ascending runs and keeps the given order', () => {
    expect(formatSequenceSet([1, 2, 3, 5, 7, 8])).toBe('1:3,5,7:8');
    expect(formatSequenceSet([304, 319, 320])).toBe('304,319:320');
    expect(formatSequenceSet([5, 4, 3])).toBe('5,4,3');
    expect(formatSequenceSet([])).toBe('');
  });

  it('round-trips through parse and resolve', () => {
    const numbers = [2, 3, 4, 10, 11, 40];
    expect([...resolveSequenceSet(parsed(formatSequenceSet(numbers)), 100)]).toEqual(numbers);
  });
});
