/**
 * Phishing heuristics (SPEC 4.2), each a named rule with a score. The pipeline adds the scores:
 * at or above `inbound.phishingThreshold` the message is quarantined, above zero it is delivered
 * with a 风险提示 listing the reasons.
 *
 *   display-name-impersonation  external sender using the name of someone (or a unit) in our
 *                               directory, or an internal address as its display name      5
 *   lookalike-domain            a sender/reply-to domain that imitates ours: edit distance ≤ 1,
 *                               homoglyphs (1/l/i, 0/o, rn/m, Cyrillic/Greek letters, punycode),
 *                               `-` for `.`, or ours used as a subdomain of another       6
 *   forged-internal-sender      From: one of our domains, but the envelope sender or Reply-To
 *                               is outside (mail from our users never comes in by the MX)   4
 *   reply-to-mismatch           Reply-To in another (external) domain than From             2
 *   link-text-mismatch          link text shows one address, the link goes to another host  4
 *   credential-form             an HTML form asking for a password, or posting elsewhere    4
 *   urgent-payment              payment/transfer/gift-card wording with urgency (zh, en)    3
 *   password-lure               password expiry/reset/verification wording (zh, en)         3
 *   first-contact               no mail from this domain has been received before           1
 */
import { domainToUnicode } from 'node:url';
import { domainOf, htmlToText, type InboundMessage } from './inbound-message.js';
import { finding, type InboundFinding } from './verdict.js';

export interface PhishingContext {
  message: InboundMessage;
  envelopeFrom: string;
  localDomains: readonly string[];
  /** Whether a display name belongs to a person or unit of our directory. */
  isDirectoryName(name: string): Promise<boolean>;
  /** Whether mail from this domain has been received before (false: first contact). */
  seenDomain(domain: string): Promise<boolean>;
}

export const PHISHING_SCORES = {
  'display-name-impersonation': 5,
  'lookalike-domain': 6,
  'forged-internal-sender': 4,
  'reply-to-mismatch': 2,
  'link-text-mismatch': 4,
  'credential-form': 4,
  'urgent-payment': 3,
  'password-lure': 3,
  'first-contact': 1,
} as const;
export type PhishingRule = keyof typeof PHISHING_SCORES;

export function isLocalDomain(domain: string, localDomains: readonly string[]): boolean {
  const d = domain.toLowerCase();
  return localDomains.some((l) => d === l || d.endsWith(`.${l}`));
}

export function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** Cyrillic and Greek letters that look like Latin ones, digits that look like letters. */
const CONFUSABLES: Record<string, string> = {
  а: 'a', е: 'e', о: 'o', р: 'p', с: 'c', у: 'y', х: 'x', і: 'i', ј: 'j', ԁ: 'd', һ: 'h', ո: 'n', ѕ: 's', ɡ: 'g', ӏ: 'l',
  α: 'a', ο: 'o', ν: 'v', ι: 'i', κ: 'k', τ: 't', ρ: 'p', '0': 'o', '1': 'l', '3': 'e', '5': 's', ı: 'i', ł: 'l',
};

/** A canonical "skeleton" of a domain: Unicode, confusables folded, l/i/1 and rn/m merged. */
export function skeleton(domain: string): string {
  let d = domain.toLowerCase();
  if (d.includes('xn--')) d = domainToUnicode(d) || d;
  d = d.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  d = [...d].map((c) => CONFUSABLES[c] ?? c).join('');
  return d.replace(/rn/g, 'm').replace(/vv/g, 'w').replace(/[il1|]/g, 'l');
}

/** Why `domain` imitates one of ours, or null. */
export function lookalikeOf(domain: string, localDomains: readonly string[]): string | null {
  const d = domain.toLowerCase().replace(/\.$/, '');
  if (!d || isLocalDomain(d, localDomains)) return null;
  for (const local of localDomains) {
    if (d.startsWith(`${local}.`) || d.includes(`.${local}.`)) return `${d} 把本市域名 ${local} 用作其他域名的子域名`;
    if (d.replace(/-/g, '.') === local || d.replace(/[-_]/g, '') === local.replace(/\./g, '')) return `${d} 用连字符仿冒 ${local}`;
    const sd = skeleton(d);
    const sl = skeleton(local);
    if (sd === sl) return `${d} 用形近字符仿冒 ${local}`;
    if (editDistance(d, local) <= 1 || editDistance(sd, sl) <= 1) return `${d} 与 ${local} 仅差几个字符`;
    // The distinctive label (haining) imitated under another suffix, e.g. hainlng.com.
    const label = local.split('.')[0]!;
    const firstLabel = d.split('.')[0]!;
    if (label.length >= 5 && firstLabel !== label && (skeleton(firstLabel) === skeleton(label) || editDistance(firstLabel, label) <= 1)) return `${d} 仿冒 ${local} 的名称`;
  }
  return null;
}

function hostOf(url: string): string | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#\s]+)/i.exec(url.trim());
  if (!m) return null;
  return m[1]!.replace(/^[^@]*@/, '').replace(/:\d+$/, '').toLowerCase().replace(/\.$/, '');
}

/** The host a link's visible text claims: a URL, or a bare domain name such as mail.haining.gov.cn. */
function claimedHost(text: string): string | null {
  const t = text.trim();
  const url = /[a-z][a-z0-9+.-]*:\/\/[^\s<>"]+/i.exec(t);
  if (url) return hostOf(url[0]);
  const bare = /^(?:www\.)?((?:[a-z0-9-]+\.)+[a-z]{2,})(?:[/:][^\s]*)?$/i.exec(t);
  return bare ? bare[1]!.toLowerCase() : null;
}

const URGENT = /紧急|急[！!]|加急|立即|立刻|马上|尽快|务必|今天|今日|下班前|\d+\s*小时内|逾期|否则|过期|停用|冻结|urgent|immediately|asap|right away|within \d+ hours|today|expire|suspend/i;
const PAYMENT = /汇款|转账|付款|打款|垫付|缴纳|缴费|支付|收款账户|银行账户|账号.*户名|购物卡|礼品卡|充值卡|卡号和密码|补贴|领取|wire transfer|bank transfer|payment|invoice due|gift ?cards?|remit/i;
const PASSWORD = /密码|口令|重置|身份(认证|核验|验证)|账号.*(验证|核验|停用|冻结)|扩容|邮箱容量|登录.*(验证|确认)|password|verify your (account|identity)|mailbox (is )?full|account (will be )?(suspended|disabled|locked)|re-?activate|login to (confirm|verify)/i;

export async function phishingFindings(ctx: PhishingContext): Promise<InboundFinding[]> {
  const out: InboundFinding[] = [];
  const { message, localDomains } = ctx;
  const from = message.from;
  const fromDomain = domainOf(from?.address);
  const fromIsLocal = fromDomain !== '' && isLocalDomain(fromDomain, localDomains);
  const rule = (name: PhishingRule, reason: string, details?: Record<string, unknown>) => out.push(finding(name, 'accept', PHISHING_SCORES[name], reason, details));

  // display-name-impersonation
  if (from && !fromIsLocal) {
    const name = from.name.trim();
    const embedded = /[A-Z0-9._%+-]+@([A-Z0-9-]+\.)+[A-Z]{2,}/i.exec(name);
    if (embedded && isLocalDomain(domainOf(embedded[0]), localDomains)) {
      rule('display-name-impersonation', `外部发件人把本单位地址 ${embedded[0]} 写在显示名中`, { displayName: name });
    } else if (name && (await ctx.isDirectoryName(name.replace(/\s+/g, ' ')))) {
      rule('display-name-impersonation', `外部发件人 ${from.address} 使用了本单位人员或单位的名字“${name}”`, { displayName: name });
    }
  }

  // lookalike-domain: From, Reply-To and envelope sender
  const domains = new Set([fromDomain, ...message.replyTo.map((r) => domainOf(r.address)), domainOf(ctx.envelopeFrom)].filter(Boolean));
  for (const d of domains) {
    const why = lookalikeOf(d, localDomains);
    if (why) {
      rule('lookalike-domain', `仿冒域名：${why}`, { domain: d });
      break;
    }
  }

  // forged-internal-sender
  if (fromIsLocal) {
    const outside = [domainOf(ctx.envelopeFrom), domainOf(message.returnPath), ...message.replyTo.map((r) => domainOf(r.address))].filter((d) => d && !isLocalDomain(d, localDomains));
    if (outside.length > 0) rule('forged-internal-sender', `发件人自称本单位地址 ${from?.address}，但邮件来自外部（${outside[0]}）`, { outside: [...new Set(outside)] });
  }

  // reply-to-mismatch
  const foreignReply = message.replyTo.find((r) => domainOf(r.address) !== fromDomain && !isLocalDomain(domainOf(r.address), localDomains));
  if (foreignReply && from) rule('reply-to-mismatch', `回复地址 ${foreignReply.address} 与发件人 ${from.address} 不在同一域`, { replyTo: foreignReply.address });

  // link-text-mismatch
  for (const link of message.links) {
    const claimed = claimedHost(link.text);
    const actual = hostOf(link.href);
    if (claimed && actual && claimed !== actual && !actual.endsWith(`.${claimed}`)) {
      rule('link-text-mismatch', `链接显示为 ${claimed}，实际指向 ${actual}`, { shown: link.text.slice(0, 200), href: link.href.slice(0, 200) });
      break;
    }
  }

  // credential-form
  const form = message.forms.find((f) => f.password || /^https?:/i.test(f.action));
  if (form) rule('credential-form', form.password ? '邮件正文内含索要密码的表单' : `邮件正文内含提交到 ${hostOf(form.action) ?? form.action} 的表单`, { action: form.action.slice(0, 200) });

  // wording
  const text = `${message.subject}\n${message.text || htmlToText(message.html)}`.slice(0, 200_000);
  if (PAYMENT.test(text) && URGENT.test(text)) rule('urgent-payment', '催促付款、转账或购买礼品卡的措辞');
  if (PASSWORD.test(text) && (URGENT.test(text) || message.links.length > 0 || message.forms.length > 0)) rule('password-lure', '以密码过期、账号验证或邮箱扩容为由诱导操作的措辞');

  // first-contact
  if (fromDomain && !fromIsLocal && !(await ctx.seenDomain(fromDomain))) rule('first-contact', `首次收到来自 ${fromDomain} 的邮件`, { domain: fromDomain });

  return out;
}
