/**
 * Password hashing with argon2id (memory-hard, RFC 9106), and the strength policy of SPEC
 * Art. 4.1: at least 12 characters, three of four character classes (等保 2.0), not built from
 * the address, the name or its pinyin, not a common password (including common Chinese ones).
 */
import { hash, verify } from '@node-rs/argon2';

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

/** Passwords Chinese users pick most often, plus the global top ones (lower-cased). */
const COMMON_PASSWORDS = new Set([
  '123456', '12345678', '123456789', '1234567890', '111111', '000000', '888888', '666666', '123123', 'a123456', 'a123456789',
  'qq123456', 'woaini1314', '5201314', '1314520', 'woaini', 'iloveyou', 'password', 'password1', 'password123', 'admin123',
  'admin@123', 'abc123', 'abc123456', 'qwerty', 'qwerty123', '1qaz2wsx', '1qaz@wsx', 'zxcvbnm', 'aa123456', 'asd123456',
  'p@ssw0rd', 'passw0rd', 'huawei@123', 'root@123', 'test@123', 'haining123', 'haining@123', 'hn123456', 'gov123456',
  'zhang123456', 'wang123456', 'li123456', 'qaz123456', 'asdf1234', 'a1b2c3d4', 'abcd1234', 'abcd@1234', 'welcome1',
]);

export interface PolicyContext {
  address?: string;
  displayName?: string;
  pinyin?: string;
}

export interface PolicyViolation {
  code: 'too_short' | 'too_few_classes' | 'contains_identity' | 'common';
  message: string;
}

export const MIN_PASSWORD_LENGTH = 12;

export function checkPasswordPolicy(password: string, context: PolicyContext = {}): PolicyViolation[] {
  const violations: PolicyViolation[] = [];
  if ([...password].length < MIN_PASSWORD_LENGTH) violations.push({ code: 'too_short', message: `密码至少 ${MIN_PASSWORD_LENGTH} 位` });
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3) violations.push({ code: 'too_few_classes', message: '密码须包含大写字母、小写字母、数字、符号中的至少三类' });
  const lower = password.toLowerCase();
  const identity = [context.address?.split('@')[0], context.pinyin?.replace(/\s+/g, ''), context.displayName]
    .filter((s): s is string => Boolean(s) && s!.length >= 3)
    .map((s) => s.toLowerCase());
  if (identity.some((part) => lower.includes(part))) violations.push({ code: 'contains_identity', message: '密码不能包含邮箱地址、姓名或其拼音' });
  const stripped = lower.replace(/[^a-z0-9]/g, '');
  if (COMMON_PASSWORDS.has(lower) || COMMON_PASSWORDS.has(stripped) || [...COMMON_PASSWORDS].some((c) => c.length >= 6 && lower.startsWith(c) && lower.length - c.length <= 3)) {
    violations.push({ code: 'common', message: '密码过于常见，请换一个' });
  }
  return violations;
}
