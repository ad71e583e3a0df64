/**
 * Editing the organisation tree (policy `unit.manage`): rename a unit, move it under another
 * (never under itself or its own descendants), set the contact address people are told to
 * write to. Creating units is DirectoryService.createUnit. Every change is audited.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { Database, Unit } from '../../storage/database.js';
import type { AuditLog } from '../audit/audit-log.js';
import { DirectoryError, type Actor } from './directory-service.js';

export interface UnitPatch {
  name?: string;
  parentId?: number | null;
  contactAddress?: string | null;
}

export async function updateUnit(deps: { db: Kysely<Database>; audit: AuditLog; clock: Clock }, unitId: number, patch: UnitPatch, actor: Actor): Promise<Unit> {
  const { db, audit } = deps;
  const unit = await db.selectFrom('units').selectAll().where('id', '=', unitId).executeTakeFirst();
  if (!unit) throw new DirectoryError('NOT_FOUND', `no such unit: ${unitId}`);
  const changes: Partial<Unit> = {};
  if (patch.name !== undefined) {
    if (!patch.name.trim()) throw new DirectoryError('INVALID', '单位名称不能为空');
    changes.name = patch.name.trim();
  }
  if (patch.parentId !== undefined && patch.parentId !== unit.parent_id) {
    if (patch.parentId !== null) {
      const units = await db.selectFrom('units').select(['id', 'parent_id']).execute();
      const parentOf = new Map(units.map((u) => [u.id, u.parent_id]));
      if (!parentOf.has(patch.parentId)) throw new DirectoryError('INVALID', '上级单位不存在');
      for (let id: number | null = patch.parentId; id !== null; id = parentOf.get(id) ?? null) {
        if (id === unitId) throw new DirectoryError('INVALID', '不能把单位移到它自己或其下级单位之下');
      }
    }
    changes.parent_id = patch.parentId;
  }
  if (patch.contactAddress !== undefined) changes.contact_address = patch.contactAddress ? patch.contactAddress.trim().toLowerCase() : null;
  if (Object.keys(changes).length === 0) return unit;
  const updated = await db.updateTable('units').set(changes).where('id', '=', unitId).returningAll().executeTakeFirstOrThrow();
  await audit.append({
    actor: actor.address,
    actorAccountId: actor.accountId ?? null,
    action: 'unit.update',
    target: unit.code,
    ip: actor.ip ?? null,
    protocol: actor.via,
    details: { before: { name: unit.name, parentId: unit.parent_id, contactAddress: unit.contact_address }, after: { name: updated.name, parentId: updated.parent_id, contactAddress: updated.contact_address } },
  });
  return updated;
}
