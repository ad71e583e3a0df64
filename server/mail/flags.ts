/** IMAP system flags (RFC 3501 §2.3.2) as columns, keywords as a JSON list. */
import type { Bool01 } from '../storage/database.js';

export const SYSTEM_FLAGS = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'] as const;
type FlagColumn = 'seen' | 'answered' | 'flagged' | 'deleted' | 'draft';

const COLUMN_OF: Record<string, FlagColumn> = {
  '\\seen': 'seen',
  '\\answered': 'answered',
  '\\flagged': 'flagged',
  '\\deleted': 'deleted',
  '\\draft': 'draft',
};

export interface FlagColumns {
  seen: Bool01;
  answered: Bool01;
  flagged: Bool01;
  deleted: Bool01;
  draft: Bool01;
  keywords: string;
}

/** Splits a flag list into columns; system flags are case-insensitive, keywords keep their case. */
export function flagsToColumns(flags: readonly string[]): FlagColumns {
  const columns: FlagColumns = { seen: 0, answered: 0, flagged: 0, deleted: 0, draft: 0, keywords: '[]' };
  const keywords: string[] = [];
  for (const flag of flags) {
    const column = COLUMN_OF[flag.toLowerCase()];
    if (column) columns[column] = 1;
    else if (flag.startsWith('\\')) continue; // \Recent and unknown system flags cannot be stored
    else if (!keywords.some((k) => k.toLowerCase() === flag.toLowerCase())) keywords.push(flag);
  }
  columns.keywords = JSON.stringify(keywords);
  return columns;
}

export function columnsToFlags(row: FlagColumns): string[] {
  const flags: string[] = [];
  if (row.seen) flags.push('\\Seen');
  if (row.answered) flags.push('\\Answered');
  if (row.flagged) flags.push('\\Flagged');
  if (row.deleted) flags.push('\\Deleted');
  if (row.draft) flags.push('\\Draft');
  for (const keyword of JSON.parse(row.keywords) as string[]) flags.push(keyword);
  return flags;
}

export type FlagMode = 'set' | 'add' | 'remove';

export function applyFlags(current: readonly string[], change: readonly string[], mode: FlagMode): string[] {
  const lower = (f: string) => f.toLowerCase();
  if (mode === 'set') return [...change];
  if (mode === 'add') {
    const out = [...current];
    for (const f of change) if (!out.some((c) => lower(c) === lower(f))) out.push(f);
    return out;
  }
  return current.filter((c) => !change.some((f) => lower(f) === lower(c)));
}

export function sameFlags(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a.map((f) => f.toLowerCase()));
  return b.every((f) => set.has(f.toLowerCase()));
}
