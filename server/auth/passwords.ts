/**
 * Password hashing with argon2id (memory-hard, RFC 9106), and the strength policy of SPEC
 * Art. 4.1: at least 12 characters, three of four character classes (等保 2.0), not built from
 * the address, the name or its pinyin, not a common password (including common Chinese ones).
 *
 * `checkPasswordPolicy` is the one check every path calls (activation, change, admin reset link,
 * CLI); the reuse rule needs the database and lives in AuthService.checkNewPassword, which calls
 * this first. Each rule has a code the web explains inline (PASSWORD_RULE_TEXT).
 */
import { hash, verify } from '@node-rs/argon2';
import { COMMON_PASSWORDS } from './common-passwords.js';

// Algorithm.Argon2id; the package's const enum cannot be imported under verbatimModuleSyntax.
const ARGON2ID = 2;

export interface HashParams {
  memoryKib: number;
  iterations: number;
}

export function hashPassword(password: string, params: HashParams): Promise<string> {
  return hash(password, { algorithm: ARGON2ID, memoryCost: params.memoryKib, timeCost: params.iterations, parallelism: 1 });
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

const COMMON = new Set(COMMON_PASSWORDS);

export interface PolicyContext {
  address?: string;
  displayName?: string;
  /** Full pinyin, space separated (`zhang wei`). */
  pinyin?: string;
  /** Pinyin initials (`zw`); derived from `pinyin` when absent. */
  pinyinInitials?: string;
}

export const PASSWORD_RULE_CODES = ['too_short', 'too_few_classes', 'contains_address', 'contains_name', 'contains_pinyin', 'common', 'reused'] as const;
export type PasswordRuleCode = (typeof PASSWORD_RULE_CODES)[number];

export interface PolicyViolation {
  code: PasswordRuleCode;
  message: string;
}

/** The policy's adjustable figures (config `auth.password*`, console 密码策略). */
export interface PasswordPolicySettings {
  minLength: number;
  minClasses: number;
  /** How many recent passwords (the current one included) may not be used again. */
  historyCount: number;
}

export const MIN_PASSWORD_LENGTH = 12;
export const DEFAULT_PASSWORD_POLICY: PasswordPolicySettings = { minLength: MIN_PASSWORD_LENGTH, minClasses: 3, historyCount: 5 };

/** What each rule says, in the words the web shows next to the field (zh-CN). */
export function passwordRuleText(code: PasswordRuleCode, policy: PasswordPolicySettings = DEFAULT_PASSWORD_POLICY): string {
  switch (code) {
    case 'too_short':
      return `密码至少 ${policy.minLength} 位`;
    case 'too_few_classes':
      return `密码须包含大写字母、小写字母、数字、符号中的至少${['', '一', '两', '三', '四'][policy.minClasses] ?? policy.minClasses}类`;
    case 'contains_address':
      return '密码不能包含邮箱地址（@ 前的部分）';
    case 'contains_name':
      return '密码不能包含姓名';
    case 'contains_pinyin':
      return '密码不能由姓名拼音或拼音首字母构成';
    case 'common':
      return '密码过于常见（在常用密码表中），请换一个';
    case 'reused':
      return `不能使用最近 ${policy.historyCount} 次用过的密码`;
  }
}

export function violation(code: PasswordRuleCode, policy: PasswordPolicySettings = DEFAULT_PASSWORD_POLICY): PolicyViolation {
  return { code, message: passwordRuleText(code, policy) };
}

/** Usual character swaps, undone before the common-list lookup (p@ssw0rd → password). */
const LEET: Record<string, string> = { '@': 'a', '4': 'a', '0': 'o', '1': 'i', '!': 'i', '3': 'e', '$': 's', '5': 's', '7': 't' };

function deLeet(s: string): string {
  return [...s].map((c) => LEET[c] ?? c).join('');
}

/** Digits and symbols around a word: "Woaini1314!!" is woaini1314 with `!!` appended. */
const TRAILING = /[^a-z]+$/;
const LEADING = /^[^a-z]+/;

function isCommon(lower: string): boolean {
  const candidates = new Set<string>([lower, lower.replace(/[\s]+/g, '')]);
  for (const c of [...candidates]) {
    candidates.add(deLeet(c));
    // Appended digits/symbols after a listed word (or a listed word with digits): woaini1314!!, Password2026!
    const noTail = c.replace(TRAILING, '');
    if (noTail.length >= 4) candidates.add(noTail);
    const noEnds = noTail.replace(LEADING, '');
    if (noEnds.length >= 4) candidates.add(noEnds);
    const noSymbolsTail = c.replace(/[^a-z0-9]+$/, '');
    if (noSymbolsTail.length >= 4) candidates.add(noSymbolsTail);
  }
  for (const c of candidates) {
    if (COMMON.has(c)) return true;
    // A listed entry followed by up to 4 more characters (woaini1314abc, a123456!!).
    for (let cut = 1; cut <= 4 && c.length - cut >= 6; cut++) if (COMMON.has(c.slice(0, c.length - cut))) return true;
  }
  return false;
}

function classesOf(password: string): number {
  return [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
}

export function checkPasswordPolicy(password: string, context: PolicyContext = {}, policy: PasswordPolicySettings = DEFAULT_PASSWORD_POLICY): PolicyViolation[] {
  const violations: PolicyViolation[] = [];
  if ([...password].length < policy.minLength) violations.push(violation('too_short', policy));
  if (classesOf(password) < policy.minClasses) violations.push(violation('too_few_classes', policy));

  const lower = password.toLowerCase();
  const compact = lower.replace(/[\s._-]+/g, '');
  const letters = lower.replace(/[^a-z]/g, '');

  // The address: its local part (and each part of it, zhang.wei) inside the password.
  const local = context.address?.split('@')[0]?.toLowerCase() ?? '';
  const localParts = [local, local.replace(/[^a-z0-9]/g, ''), ...local.split(/[._\-+]/)].filter((s) => s.length >= 3);
  if (localParts.some((p) => lower.includes(p) || compact.includes(p))) violations.push(violation('contains_address', policy));

  // The display name itself (张伟, or a Latin-script name).
  const name = context.displayName?.trim().toLowerCase().replace(/\s+/g, '') ?? '';
  if (name && [...name].length >= 2 && compact.includes(name)) violations.push(violation('contains_name', policy));

  // The pinyin: full (zhangwei, also given name first: weizhang), inside the password; or the
  // password's letters being only the pinyin or its initials (ZW@20261128!, Zhangwei1990).
  const syllables = (context.pinyin ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  if (syllables.length > 0) {
    const full = syllables.join('');
    const reversed = [...syllables.slice(1), syllables[0]].join('');
    const initials = (context.pinyinInitials ?? syllables.map((s) => s[0]).join('')).toLowerCase();
    const surnameFirstInitials = syllables[0] + syllables.slice(1).map((s) => s[0]).join(''); // zhangw
    const initialsThenGiven = syllables[0]![0] + syllables.slice(1).join(''); // zwei
    const contained = [full, reversed].filter((s) => s.length >= 4).some((p) => letters.includes(p) || compact.includes(p));
    const builtFrom = letters.length > 0 && [full, reversed, initials, surnameFirstInitials, initialsThenGiven].includes(letters);
    const initialsInside = initials.length >= 3 && letters.includes(initials) && letters.length <= initials.length + 2;
    if (contained || builtFrom || initialsInside) violations.push(violation('contains_pinyin', policy));
  }

  if (isCommon(lower)) violations.push(violation('common', policy));
  return violations;
}
