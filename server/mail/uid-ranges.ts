/** UID ranges: how protocols name sets of messages without listing 100k UIDs. */
import { sql, type Expression, type SqlBool } from 'kysely';

export interface UidRange {
  start: number;
  /** Inclusive; Number.MAX_SAFE_INTEGER for `*` when the caller has not resolved it. */
  end: number;
}

export const ALL_UIDS: readonly UidRange[] = [{ start: 1, end: Number.MAX_SAFE_INTEGER }];

export function uidRangesOf(uids: readonly number[]): UidRange[] {
  const sorted = [...new Set(uids)].sort((a, b) => a - b);
  const out: UidRange[] = [];
  for (const uid of sorted) {
    const last = out[out.length - 1];
    if (last && uid === last.end + 1) last.end = uid;
    else out.push({ start: uid, end: uid });
  }
  return out;
}

/** `(uid BETWEEN a AND b) OR …` for a messages query. */
export function uidInRanges(ranges: readonly UidRange[], column = 'uid'): Expression<SqlBool> {
  if (ranges.length === 0) return sql<SqlBool>`1 = 0`;
  const parts = ranges.map((r) => (r.start === r.end ? sql`${sql.ref(column)} = ${r.start}` : sql`${sql.ref(column)} BETWEEN ${r.start} AND ${r.end}`));
  return sql<SqlBool>`(${sql.join(parts, sql` OR `)})`;
}
