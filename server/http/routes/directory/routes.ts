/**
 * `GET /api/directory?q=`: the organisation's address book for the To/Cc/Bcc autocomplete —
 * people (who can receive mail), units (through their distribution list) and other lists.
 *
 * A query matches a display name anywhere (`财政` finds 市财政局), an address from its start,
 * the full pinyin run together (`zhangsan`, also typed `zhang san`) and the pinyin initials
 * (`zs` → 张三). Unit names start with 市/海宁市…, so their initials match anywhere too:
 * `cz` → 市财政局 (`sczj`). Better matches come first: the whole name or initials, then a
 * prefix, then the rest.
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { pinyinOf } from '../../../governance/directory/directory-service.js';
import type { Services } from '../../../services.js';
import { DIRECTORY_QUERY_MAX_CHARS, DIRECTORY_RESULTS } from '../../limits.js';
import { presentDirectoryEntry } from '../../presenters/directory-entry.js';
import type { DirectoryEntry } from './schema.js';

/** Account states whose mail is delivered (delivery/recipients.ts). */
const RECEIVING_STATES = ['active', 'locked', 'deactivating'] as const;

/** `%value%` for LIKE … ESCAPE '\', matching `value` literally. */
function like(value: string, mode: 'prefix' | 'contains'): string {
  const escaped = value.replace(/[\\%_]/g, '\\$&');
  return mode === 'prefix' ? `${escaped}%` : `%${escaped}%`;
}

/** 0 = exact, 1 = prefix, 2 = contained, null = no match. */
function rank(q: string, candidates: readonly string[], anywhere: boolean): number | null {
  let best: number | null = null;
  for (const c of candidates) {
    if (!c) continue;
    const r = c === q ? 0 : c.startsWith(q) ? 1 : anywhere && c.includes(q) ? 2 : null;
    if (r !== null && (best === null || r < best)) best = r;
  }
  return best;
}

/** Unit and list names change rarely; their pinyin is computed once per name. */
const pinyinCache = new Map<string, { full: string; initials: string }>();
function pinyinCached(name: string): { full: string; initials: string } {
  let value = pinyinCache.get(name);
  if (!value) {
    value = pinyinOf(name);
    if (pinyinCache.size > 10_000) pinyinCache.clear();
    pinyinCache.set(name, value);
  }
  return value;
}

export async function directoryRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const { db } = services;

  app.get<{ Querystring: { q?: string } }>('/directory', async (request): Promise<DirectoryEntry[]> => {
    const q = (typeof request.query.q === 'string' ? request.query.q : '').trim().toLowerCase().slice(0, DIRECTORY_QUERY_MAX_CHARS);
    if (!q) return [];
    const compact = q.replace(/\s+/g, '');
    const found: { entry: DirectoryEntry; rank: number }[] = [];

    const people = await db
      .selectFrom('accounts')
      .innerJoin('units', 'units.id', 'accounts.unit_id')
      .select(['accounts.address', 'accounts.display_name', 'accounts.pinyin', 'accounts.pinyin_initials', 'units.name as unit_name'])
      .where('accounts.state', 'in', RECEIVING_STATES)
      .where((eb) =>
        eb.or([
          sql<boolean>`lower(accounts.display_name) like ${like(q, 'contains')} escape '\\'`,
          sql<boolean>`accounts.address like ${like(q, 'prefix')} escape '\\'`,
          sql<boolean>`replace(accounts.pinyin, ' ', '') like ${like(compact, 'prefix')} escape '\\'`,
          sql<boolean>`accounts.pinyin_initials like ${like(compact, 'prefix')} escape '\\'`,
        ]),
      )
      .orderBy('accounts.pinyin')
      .limit(DIRECTORY_RESULTS * 5)
      .execute();
    for (const p of people) {
      const r = Math.min(rank(q, [p.display_name.toLowerCase()], true) ?? 3, rank(compact, [p.pinyin_initials, p.pinyin.replace(/ /g, ''), p.address], false) ?? 3);
      found.push({ entry: presentDirectoryEntry('person', p.display_name, p.address, p.unit_name), rank: r });
    }

    const lists = await db
      .selectFrom('distribution_lists')
      .leftJoin('units', 'units.id', 'distribution_lists.unit_id')
      .leftJoin('units as parent', 'parent.id', 'units.parent_id')
      .select(['distribution_lists.address', 'distribution_lists.display_name', 'distribution_lists.unit_id', 'units.name as unit_name', 'parent.name as parent_name'])
      .orderBy('distribution_lists.id')
      .execute();
    const unitsSeen = new Set<number>();
    for (const list of lists) {
      const isUnit = list.unit_id !== null && list.unit_name !== null;
      // A unit is offered once, through its first list; its other lists show as lists.
      const asUnit = isUnit && !unitsSeen.has(list.unit_id!);
      if (asUnit) unitsSeen.add(list.unit_id!);
      const names = asUnit ? [list.unit_name!, list.display_name] : [list.display_name];
      let best: number | null = null;
      for (const name of names) {
        const py = pinyinCached(name);
        const r = Math.min(rank(q, [name.toLowerCase()], true) ?? 3, rank(compact, [py.initials, py.full.replace(/ /g, '')], true) ?? 3);
        best = best === null ? r : Math.min(best, r);
      }
      const byAddress = list.address.startsWith(q) ? 1 : 3;
      const r = Math.min(best ?? 3, byAddress);
      if (r < 3) {
        found.push({
          entry: asUnit ? presentDirectoryEntry('unit', list.unit_name!, list.address, list.parent_name) : presentDirectoryEntry('list', list.display_name, list.address, list.unit_name),
          rank: r,
        });
      }
    }

    return found
      .filter((f) => f.rank < 3)
      .sort((a, b) => a.rank - b.rank)
      .slice(0, DIRECTORY_RESULTS)
      .map((f) => f.entry);
  });
}
