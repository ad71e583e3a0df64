/**
 * Per-unit content rules (SPEC 3.1: keyword / pattern rules per unit that warn, hold for
 * review or block). A rule of a unit applies to senders of that unit and its sub-units; a rule
 * with no unit applies to everyone (only the security officer makes those — the caller checks
 * policy `outbound.rules` on the unit, or on the system for a global rule). Every change is
 * audited.
 *
 * Regular expressions are written by administrators and run on every message: they are
 * limited to 200 characters, compiled with the `u` flag, and refused when they nest
 * quantifiers (`(a+)+`, the classic catastrophic-backtracking shape). That does not make every
 * expression linear, so keyword rules are preferred; the limit is a guard, not a proof.
 */
import type { Kysely } from 'kysely';
import type { AuditLog } from '../../governance/audit/audit-log.js';
import type { Clock } from '../../platform/clock.js';
import type { ContentRule, ContentRuleAction, ContentRuleKind, Database } from '../../storage/database.js';
import { compileRulePattern } from './pipeline.js';

export interface ContentRuleInput {
  unitId: number | null;
  name: string;
  kind: ContentRuleKind;
  pattern: string;
  action: ContentRuleAction;
  enabled: boolean;
}

export class ContentRuleInvalid extends Error {
  override name = 'ContentRuleInvalid';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

export interface RuleActor {
  address: string;
  accountId: number | null;
  ip: string | null;
}

const MAX_PATTERN = 200;

export function validateRule(input: ContentRuleInput): ContentRuleInput {
  const name = input.name.trim();
  if (!name || name.length > 100) throw new ContentRuleInvalid('name', '规则名称须为 1–100 个字符');
  const pattern = input.kind === 'keyword' || input.kind === 'regex' ? input.pattern.trim() : '';
  if ((input.kind === 'keyword' || input.kind === 'regex') && (!pattern || pattern.length > MAX_PATTERN)) throw new ContentRuleInvalid('pattern', `关键词或表达式须为 1–${MAX_PATTERN} 个字符`);
  if (input.kind === 'regex') {
    try {
      compileRulePattern(pattern);
    } catch {
      throw new ContentRuleInvalid('pattern', '正则表达式无法解析');
    }
    if (/\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{]/.test(pattern)) throw new ContentRuleInvalid('pattern', '正则表达式不能嵌套重复（如 (a+)+），请改写或使用关键词规则');
  }
  return { ...input, name, pattern };
}

export class ContentRules {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  /** Rules of `unitIds` (null: all, including global ones); `includeGlobal` adds the global rules to a scoped list (read-only for unit admins). */
  list(unitIds: number[] | null, includeGlobal = true): Promise<ContentRule[]> {
    let query = this.db.selectFrom('content_rules').selectAll();
    if (unitIds !== null) {
      query = query.where((eb) => {
        const parts = [];
        if (unitIds.length > 0) parts.push(eb('unit_id', 'in', unitIds));
        if (includeGlobal) parts.push(eb('unit_id', 'is', null));
        return parts.length > 0 ? eb.or(parts) : eb('id', '<', 0);
      });
    }
    return query.orderBy('id').execute();
  }

  get(id: number): Promise<ContentRule | undefined> {
    return this.db.selectFrom('content_rules').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async create(input: ContentRuleInput, actor: RuleActor): Promise<ContentRule> {
    const rule = validateRule(input);
    const now = this.clock.now();
    const row = await this.db
      .insertInto('content_rules')
      .values({ unit_id: rule.unitId, name: rule.name, kind: rule.kind, pattern: rule.pattern, action: rule.action, enabled: rule.enabled ? 1 : 0, created_by: actor.accountId, created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    await this.audit.append({ actor: actor.address, actorAccountId: actor.accountId, action: 'content_rule.create', target: String(row.id), ip: actor.ip, protocol: 'web', details: { unitId: row.unit_id, name: row.name, kind: row.kind, action: row.action } });
    return row;
  }

  async update(existing: ContentRule, input: ContentRuleInput, actor: RuleActor): Promise<ContentRule> {
    const rule = validateRule(input);
    const row = await this.db
      .updateTable('content_rules')
      .set({ unit_id: rule.unitId, name: rule.name, kind: rule.kind, pattern: rule.pattern, action: rule.action, enabled: rule.enabled ? 1 : 0, updated_at: this.clock.now() })
      .where('id', '=', existing.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await this.audit.append({ actor: actor.address, actorAccountId: actor.accountId, action: 'content_rule.update', target: String(row.id), ip: actor.ip, protocol: 'web', details: { before: { unitId: existing.unit_id, name: existing.name, kind: existing.kind, action: existing.action, enabled: existing.enabled }, after: { unitId: row.unit_id, name: row.name, kind: row.kind, action: row.action, enabled: row.enabled } } });
    return row;
  }

  async remove(existing: ContentRule, actor: RuleActor): Promise<void> {
    await this.db.deleteFrom('content_rules').where('id', '=', existing.id).execute();
    await this.audit.append({ actor: actor.address, actorAccountId: actor.accountId, action: 'content_rule.delete', target: String(existing.id), ip: actor.ip, protocol: 'web', details: { unitId: existing.unit_id, name: existing.name, kind: existing.kind, action: existing.action } });
  }
}
