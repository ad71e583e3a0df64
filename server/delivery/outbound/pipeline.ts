/**
 * The outbound pipeline (SPEC Art. 3.1, 3.2): named checks run on every message a local user
 * submits — SMTP submission and the webmail's send alike, from `DeliveryService.deliver` —
 * before anything is stored or queued. Verdicts, from mild to severe:
 *   pass   nothing found;
 *   warn   the web shows the warning and sends after the user confirms; SMTP passes the
 *          message with an `X-Govmail-Content-Warning` header;
 *   hold   the message waits in the review queue for the unit admin or the security officer;
 *   block  refused with the reason (SMTP 550 5.7.1; the web shows it with the 机要 pointer).
 *
 * Checks, in order:
 *   classification-label   the sender's label is 涉密                              → block
 *   classified-marker      绝密/机密/秘密 in a marker form in subject, body, attachment
 *                          name or attachment text (classified-markers.ts)         → block
 *   personal-data          ID-card numbers (valid check digit), mobile numbers     → config
 *   content-rules          the sender's unit's keyword / regex / ID / mobile rules  → per rule
 *   auto-forward           automatically forwarded mail to a domain not allowed    → block
 */
import type { Kysely } from 'kysely';
import type { GovmailConfig } from '../../config/schema.js';
import type { ContentRule, Database } from '../../storage/database.js';
import { runChecks, type Check, type CheckFinding, type PipelineResult } from '../checks.js';
import { findClassifiedMarkers, normalizeForInspection } from './classified-markers.js';
import { inspectableMessage, type InspectableMessage, type TextLocation } from './message-text.js';
import { findIdCardNumbers, findMobileNumbers, maskIdCard, maskMobile } from './personal-data.js';

export const OUTBOUND_SEVERITY = { pass: 0, warn: 1, hold: 2, block: 3 } as const;
export type OutboundVerdict = keyof typeof OUTBOUND_SEVERITY;
export type OutboundFinding = CheckFinding<OutboundVerdict>;

export type OutboundPolicy = GovmailConfig['outbound'];

export interface OutboundContext {
  message: InspectableMessage;
  envelopeFrom: string;
  recipients: readonly string[];
  /** Recipients outside the local domains. */
  externalRecipients: readonly string[];
  /** Enabled content rules that apply to the sender (their unit, its parents, and global ones). */
  rules: readonly ContentRule[];
}

export interface OutboundEvaluation extends PipelineResult<OutboundVerdict> {
  message: InspectableMessage;
}

const LOCATION_NAMES: Record<TextLocation, string> = { subject: '主题', body: '正文', attachment_filename: '附件名', attachment_content: '附件内容' };

function locationsText(locations: Iterable<TextLocation>): string {
  return [...new Set(locations)].map((l) => LOCATION_NAMES[l]).join('、');
}

/** Header fields by which mail forwarded by a rule or a server is recognised. */
export function autoForwardMarkers(message: InspectableMessage): string[] {
  const found: string[] = [];
  const autoSubmitted = message.headers.get('auto-submitted')?.toLowerCase() ?? '';
  if (autoSubmitted.startsWith('auto-forwarded')) found.push('Auto-Submitted: auto-forwarded');
  // RFC 5322 §3.6.6: resent fields are added by a user agent or server that re-sends ("redirects") a message.
  for (const name of ['resent-from', 'resent-sender', 'resent-to', 'x-forwarded-to', 'x-govmail-auto-forward', 'x-ms-exchange-inbox-rules-loop', 'x-ms-exchange-organization-autoforwarded', 'x-autoforwarded']) {
    if (message.headerNames.has(name)) found.push(name);
  }
  return found;
}

export function domainAllowed(domain: string, allowed: readonly string[]): boolean {
  const d = domain.toLowerCase();
  return allowed.some((a) => d === a || d.endsWith(`.${a}`));
}

/** A regular expression of a content rule, validated when the rule is saved (content-rules.ts). */
export function compileRulePattern(pattern: string): RegExp {
  return new RegExp(pattern, 'iu');
}

export function outboundChecks(policy: OutboundPolicy): Check<OutboundContext, OutboundVerdict>[] {
  const channel = policy.classifiedChannel;
  return [
    {
      name: 'classification-label',
      run: ({ message }) =>
        message.classification === '涉密'
          ? [{ check: 'classification-label', verdict: 'block', reason: `密级标识为“涉密”：涉密不上网，本系统严禁传输涉密信息。${channel}`, details: { label: '涉密' } }]
          : [],
    },
    {
      name: 'classified-marker',
      run: ({ message }) => {
        const markers = new Set<string>();
        const locations = new Set<TextLocation>();
        const attachments = new Set<string>();
        for (const piece of message.pieces) {
          const found = findClassifiedMarkers(piece.text);
          if (found.length === 0) continue;
          locations.add(piece.location);
          if (piece.name) attachments.add(piece.name);
          for (const f of found) markers.add(f.marker);
        }
        if (markers.size === 0) return [];
        return [
          {
            check: 'classified-marker',
            verdict: 'block',
            reason: `邮件${locationsText(locations)}中含有密级标志「${[...markers].slice(0, 5).join('」「')}」，涉密信息严禁通过本系统传输。${channel}`,
            details: { markers: [...markers], locations: [...locations], attachments: [...attachments] },
          },
        ];
      },
    },
    {
      name: 'personal-data',
      run: ({ message }) => {
        const out: OutboundFinding[] = [];
        const ids = personalData(message, findIdCardNumbers);
        if (policy.idCards !== 'off' && ids.values.length > 0) {
          out.push({ check: 'personal-data', verdict: policy.idCards, reason: `邮件${locationsText(ids.locations)}中含有 ${ids.values.length} 个身份证号码（${ids.values.slice(0, 3).map(maskIdCard).join('、')}${ids.values.length > 3 ? ' 等' : ''}），请确认确需发送个人信息`, details: { kind: 'id_card', count: ids.values.length, locations: [...ids.locations] } });
        }
        const mobiles = personalData(message, findMobileNumbers);
        if (policy.mobiles !== 'off' && mobiles.values.length >= policy.mobilesMinCount) {
          out.push({ check: 'personal-data', verdict: policy.mobiles, reason: `邮件${locationsText(mobiles.locations)}中含有 ${mobiles.values.length} 个手机号码（${mobiles.values.slice(0, 3).map(maskMobile).join('、')}${mobiles.values.length > 3 ? ' 等' : ''}），请确认确需发送个人信息`, details: { kind: 'mobile', count: mobiles.values.length, locations: [...mobiles.locations] } });
        }
        return out;
      },
    },
    {
      name: 'content-rules',
      run: ({ message, rules }) => {
        if (rules.length === 0) return [];
        const text = normalizeForInspection(message.pieces.map((p) => p.text).join('\n'));
        const lower = text.toLowerCase();
        const out: OutboundFinding[] = [];
        for (const rule of rules) {
          let hit = false;
          if (rule.kind === 'keyword') hit = rule.pattern.length > 0 && lower.includes(normalizeForInspection(rule.pattern).toLowerCase());
          else if (rule.kind === 'regex') {
            try {
              hit = compileRulePattern(rule.pattern).test(text);
            } catch {
              hit = false;
            }
          } else if (rule.kind === 'id_card') hit = findIdCardNumbers(text).length > 0;
          else if (rule.kind === 'mobile') hit = findMobileNumbers(text).length > 0;
          if (hit) out.push({ check: 'content-rules', verdict: rule.action, reason: `触发内容规则「${rule.name}」`, details: { ruleId: rule.id, rule: rule.name, kind: rule.kind, unitId: rule.unit_id } });
        }
        return out;
      },
    },
    {
      name: 'auto-forward',
      run: ({ message, externalRecipients }) => {
        const markers = autoForwardMarkers(message);
        if (markers.length === 0) return [];
        const refused = externalRecipients.filter((r) => !domainAllowed(r.split('@').pop() ?? '', policy.autoForwardAllowedDomains));
        if (refused.length === 0) return [];
        return [{ check: 'auto-forward', verdict: 'block', reason: `不允许自动转发邮件到外部域名：${[...new Set(refused.map((r) => r.split('@').pop()))].join('、')}`, details: { markers, recipients: refused } }];
      },
    },
  ];
}

function personalData(message: InspectableMessage, find: (text: string) => string[]): { values: string[]; locations: Set<TextLocation> } {
  const values = new Set<string>();
  const locations = new Set<TextLocation>();
  for (const piece of message.pieces) {
    const found = find(piece.text);
    if (found.length > 0) locations.add(piece.location);
    for (const f of found) values.add(f);
  }
  return { values: [...values], locations };
}

export class OutboundPipeline {
  private readonly checks: Check<OutboundContext, OutboundVerdict>[];

  constructor(
    private readonly db: Kysely<Database>,
    readonly policy: OutboundPolicy,
    private readonly isLocal: (address: string) => boolean,
  ) {
    this.checks = outboundChecks(policy);
  }

  /** Content rules that apply to a sender of `unitId`: those of the unit, of every unit above it, and global ones. */
  async rulesFor(unitId: number | null): Promise<ContentRule[]> {
    const units = await this.db.selectFrom('units').select(['id', 'parent_id']).execute();
    const parents = new Map(units.map((u) => [u.id, u.parent_id]));
    const chain: number[] = [];
    for (let id: number | null = unitId; id !== null && !chain.includes(id); id = parents.get(id) ?? null) chain.push(id);
    let query = this.db.selectFrom('content_rules').selectAll().where('enabled', '=', 1);
    query = chain.length > 0 ? query.where((eb) => eb.or([eb('unit_id', 'is', null), eb('unit_id', 'in', chain)])) : query.where('unit_id', 'is', null);
    return query.orderBy('id').execute();
  }

  async evaluate(input: { raw: Buffer; envelopeFrom: string; recipients: readonly string[]; senderUnitId: number | null }): Promise<OutboundEvaluation> {
    const message = await inspectableMessage(input.raw);
    const context: OutboundContext = {
      message,
      envelopeFrom: input.envelopeFrom,
      recipients: input.recipients,
      externalRecipients: input.recipients.filter((r) => !this.isLocal(r)),
      rules: await this.rulesFor(input.senderUnitId),
    };
    const result = await runChecks(this.checks, context, OUTBOUND_SEVERITY);
    return { ...result, message };
  }
}
