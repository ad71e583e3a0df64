/**
 * Personal data in text (SPEC 3.2): resident identity card numbers and mainland mobile numbers.
 *
 * ID card (GB 11643-1999, 公民身份号码): 18 characters — a 6-digit address code, the birth date
 * YYYYMMDD, a 3-digit sequence and a check character: ISO 7064 MOD 11-2 over the first 17
 * digits with weights 2^(17-i) mod 11, mapped through `10X98765432`. A number counts only with
 * a real date and a valid check character, and only as a whole token (not 18 digits cut out of
 * a longer number or a 统一社会信用代码 with letters).
 * Mobile: 11 digits 1[3-9]xxxxxxxxx (MIIT numbering), optionally +86/0086 in front and written
 * 3-4-4 with spaces or hyphens; landlines (0573-87530807) and parts of longer numbers are not.
 */

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

export function idCardCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11]!;
}

export function isValidIdCardNumber(value: string): boolean {
  if (!/^[1-9]\d{16}[\dXx]$/.test(value)) return false;
  const year = Number(value.slice(6, 10));
  const month = Number(value.slice(10, 12));
  const day = Number(value.slice(12, 14));
  if (year < 1900 || year > 2100 || month < 1 || month > 12 || day < 1) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return false;
  return idCardCheckCharacter(value.slice(0, 17)) === value[17]!.toUpperCase();
}

const ID_CANDIDATE = /(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])/g;
const MOBILE_CANDIDATE = /(?<![0-9A-Za-z+])(?:(?:\+|00)86[ -]?)?(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?![0-9A-Za-z])/g;

export function findIdCardNumbers(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.normalize('NFKC').matchAll(ID_CANDIDATE)) {
    if (isValidIdCardNumber(match[0])) found.add(match[0].toUpperCase());
  }
  return [...found];
}

export function findMobileNumbers(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.normalize('NFKC').matchAll(MOBILE_CANDIDATE)) found.add(`${match[1]}${match[2]}${match[3]}`);
  return [...found];
}

/** `330481********9784`: enough for a reviewer to recognise, not enough to reuse. */
export function maskIdCard(value: string): string {
  return `${value.slice(0, 6)}********${value.slice(14)}`;
}

export function maskMobile(value: string): string {
  return `${value.slice(0, 3)}****${value.slice(7)}`;
}
