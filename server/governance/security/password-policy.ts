/**
 * The console's 密码策略 (SPEC Art. 4.1): the adjustable figures of the password policy, kept in
 * the `settings` row `auth.password_policy` over the configuration's defaults. AuthService reads
 * that row on every check (passwordPolicy()), so a change applies at once to activation, the
 * password change, reset links, the CLI, expiry and its reminders. Writing is audited with the
 * policy before and after. The caller authorises `settings.password_policy` (policy.ts).
 */
import type { Kysely } from 'kysely';
import { PASSWORD_POLICY_SETTING, type AuthService, type EffectivePasswordPolicy } from '../../auth/auth-service.js';
import type { Database } from '../../storage/database.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { LifecycleActor } from '../accounts/lifecycle.js';

export type PasswordPolicyFigures = Pick<EffectivePasswordPolicy, 'minLength' | 'minClasses' | 'historyCount' | 'maxAgeDays' | 'reminderDays'>;

function figures(p: EffectivePasswordPolicy): PasswordPolicyFigures {
  return { minLength: p.minLength, minClasses: p.minClasses, historyCount: p.historyCount, maxAgeDays: p.maxAgeDays, reminderDays: [...p.reminderDays] };
}

export class PasswordPolicySettings {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly auth: AuthService,
    private readonly audit: AuditLog,
  ) {}

  /** The policy in force, and whether the console set it or it is the configuration's. */
  async current(): Promise<PasswordPolicyFigures & { source: 'settings' | 'config' }> {
    const row = await this.db.selectFrom('settings').select('key').where('key', '=', PASSWORD_POLICY_SETTING).executeTakeFirst();
    return { ...figures(await this.auth.passwordPolicy()), source: row ? 'settings' : 'config' };
  }

  /** Stores the figures (already validated by the route's schema) and audits before/after. */
  async save(next: PasswordPolicyFigures, actor: LifecycleActor): Promise<PasswordPolicyFigures & { source: 'settings' }> {
    const before = figures(await this.auth.passwordPolicy());
    const after: PasswordPolicyFigures = { minLength: next.minLength, minClasses: next.minClasses, historyCount: next.historyCount, maxAgeDays: next.maxAgeDays, reminderDays: [...next.reminderDays] };
    const value = JSON.stringify(after);
    await this.db
      .insertInto('settings')
      .values({ key: PASSWORD_POLICY_SETTING, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
    await this.audit.append({
      actor: actor.address,
      actorAccountId: actor.accountId ?? null,
      action: 'settings.password_policy',
      target: PASSWORD_POLICY_SETTING,
      ip: actor.ip ?? null,
      protocol: actor.via,
      details: { before, after },
    });
    return { ...after, source: 'settings' };
  }
}
