/**
 * `/api/settings`: display name, signature, language and the out-of-office reply; the password
 * change with the policy of SPEC Art. 4.1 explained.
 *
 * The out-of-office settings are stored here; the delivery path sends the replies (once per
 * sender per absence, never to lists or automatic mail: server/delivery/auto-reply.ts).
 *
 * The password change verifies the current password through the authentication service, so a
 * stolen session guessing it runs into the same lockout as a login; the new one must pass the
 * policy; then every other session of the account ends.
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../../../common/errors.js';
import { DEFAULT_PASSWORD_POLICY, PASSWORD_RULE_CODES, passwordRuleText, type PasswordPolicySettings } from '../../../auth/passwords.js';
import { DirectoryError, pinyinOf } from '../../../governance/directory/directory-service.js';
import type { Services } from '../../../services.js';
import { PASSWORD_CHANGES_PER_MINUTE } from '../../limits.js';
import { sessionOf } from '../../plugins/sessions.js';
import { presentSettings } from '../../presenters/settings.js';
import { parseInput } from '../../validate.js';
import { sanitizeComposedHtml } from '../../webmail/html-policy.js';
import { changePasswordSchema, updateSettingsSchema, type SettingsView } from './schema.js';

/**
 * The policy's rules in the checker's own words (passwords.ts), with the figures in force.
 */
export function passwordPolicyText(policy: PasswordPolicySettings = DEFAULT_PASSWORD_POLICY): string[] {
  // With no history kept (console 密码策略: 0) there is no reuse rule to state.
  return PASSWORD_RULE_CODES.filter((code) => code !== 'reused' || policy.historyCount > 0).map((code) => passwordRuleText(code, policy));
}

function dateOrNull(value: string | null, field: string): string | null {
  if (value === null || value.trim() === '') return null;
  if (Number.isNaN(Date.parse(value))) throw new ApiError('validation', '日期格式不正确', { issues: [{ path: `autoReply.${field}`, message: '日期格式不正确' }] });
  return value.trim();
}

export async function settingsRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const { db } = services;

  const view = async (accountId: number): Promise<SettingsView> => {
    const account = await db.selectFrom('accounts').select('display_name').where('id', '=', accountId).executeTakeFirstOrThrow();
    const row = await db.selectFrom('webmail_settings').selectAll().where('account_id', '=', accountId).executeTakeFirst();
    return presentSettings(account, row, passwordPolicyText(await services.auth.passwordPolicy()), services.config.smtp.maxMessageBytes);
  };

  app.get('/settings', async (request) => view(sessionOf(request).account.id));

  app.patch('/settings', async (request): Promise<SettingsView> => {
    const { account } = sessionOf(request);
    const input = parseInput(updateSettingsSchema, request.body);
    const now = services.clock.now();
    if (input.displayName !== undefined && input.displayName !== account.display_name) {
      const { full, initials } = pinyinOf(input.displayName);
      await db.updateTable('accounts').set({ display_name: input.displayName, pinyin: full, pinyin_initials: initials, updated_at: now }).where('id', '=', account.id).execute();
      await services.audit.append({ actor: account.address, actorAccountId: account.id, action: 'account.display_name', target: account.address, ip: request.ip, protocol: 'web', details: { from: account.display_name, to: input.displayName } });
    }
    const values = {
      ...(input.signatureHtml !== undefined ? { signature_html: sanitizeComposedHtml(input.signatureHtml) } : {}),
      ...(input.language !== undefined ? { language: input.language } : {}),
      ...(input.autoReply !== undefined
        ? {
            auto_reply_enabled: input.autoReply.enabled ? (1 as const) : (0 as const),
            auto_reply_subject: input.autoReply.subject,
            auto_reply_body: input.autoReply.body,
            auto_reply_from: dateOrNull(input.autoReply.from, 'from'),
            auto_reply_until: dateOrNull(input.autoReply.until, 'until'),
          }
        : {}),
    };
    if (Object.keys(values).length > 0) {
      await db
        .insertInto('webmail_settings')
        .values({ account_id: account.id, ...values, updated_at: now })
        .onConflict((oc) => oc.column('account_id').doUpdateSet({ ...values, updated_at: now }))
        .execute();
    }
    return view(account.id);
  });

  app.post('/settings/password', { config: { passwordChange: 'allowed', rateLimit: { max: PASSWORD_CHANGES_PER_MINUTE, timeWindow: 60_000 } } }, async (request, reply) => {
    const session = sessionOf(request);
    const { account } = session;
    const input = parseInput(changePasswordSchema, request.body);
    const check = await services.auth.authenticate({ login: account.address, password: input.current, protocol: 'web', ip: request.ip, client: 'password-change', reauth: true });
    if (!check.ok) {
      const message = check.reason === 'invalid' ? '当前密码不正确' : check.message;
      throw new ApiError('validation', message, { issues: [{ path: 'current', message }] });
    }
    // The one policy check (SPEC 4.1), including no reuse of the current or the last passwords.
    const violations = await services.auth.checkNewPassword(check.account, input.next);
    if (violations.length > 0) {
      throw new ApiError('validation', violations.map((v) => v.message).join('；'), { issues: violations.map((v) => ({ path: 'next', message: v.message })) });
    }
    try {
      await services.directory.setPassword(account.address, input.next, { address: account.address, accountId: account.id, ip: request.ip, via: 'web' });
    } catch (err) {
      if (err instanceof DirectoryError && err.code === 'POLICY') throw new ApiError('validation', err.message, { issues: [{ path: 'next', message: err.message }] });
      throw err;
    }
    // Whoever else holds a session of this account (a stolen cookie) is signed out.
    await db.deleteFrom('web_sessions').where('account_id', '=', account.id).where('token_hash', '!=', session.tokenHash).execute();
    return reply.code(204).send();
  });
}
