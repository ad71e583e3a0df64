/**
 * Classified markers (密级标志) in text, SPEC 3.2 (涉密不上网，上网不涉密). A state-secret
 * document is marked with its level — 绝密, 机密 or 秘密 — in one of the written forms of the
 * national standard for official documents (GB/T 9704): the level with ★ and the period
 * (秘密★10年, 绝密★启用前), a 密级 line (密级：机密), the level in brackets (【机密】, （绝密）),
 * or the level alone at the start of a line or of the subject (机密 关于…).
 *
 * What is NOT a marker, and must not block: the characters inside ordinary words — 秘书处
 * (secretariat), 机密性 (confidentiality, a property in security policies), 保密 (secrecy
 * work), 秘密 in running text (保守国家秘密, 工作秘密, 商业秘密) — so the level words count only
 * in the marker forms above, never as bare substrings.
 */

const LEVEL = '(?:绝密|机密|(?<!工作|商业|个人)秘密)';
const OPEN = '[\\[【(〔〖「『《<]';
const CLOSE = '[\\]】)〕〗」』》>]';

const MARKER_FORMS: { form: string; re: RegExp }[] = [
  // 秘密★10年, 机密★5年, 绝密★启用前, 机密☆长期
  { form: 'star', re: new RegExp(`${LEVEL}\\s*[★☆][^\\s，,。；;]{0,8}`, 'g') },
  // 密级：秘密, 密级: 绝密, 密级 机密
  { form: 'level-line', re: new RegExp(`密级\\s*[:：]?\\s*[“"'「『(]?\\s*${LEVEL}`, 'g') },
  // 【机密】, （绝密）, [秘密★1年]
  { form: 'bracket', re: new RegExp(`${OPEN}\\s*${LEVEL}(?:\\s*[★☆][^\\]】)〕〗」』》>]{0,8})?\\s*${CLOSE}`, 'g') },
  // 机密 关于…, a line that is only 秘密 — the level standing alone at a line start
  { form: 'line-start', re: new RegExp(`(?:^|\\n)[ \\t\\u3000]*${LEVEL}(?=[ \\t\\u3000]|[:：,，.。!！]|\\r?\\n|$)`, 'g') },
];

export interface MarkerMatch {
  /** The marker as written (NFKC-normalised: full-width brackets and colons become ASCII). */
  marker: string;
  form: string;
}

/** Full-width forms to ASCII (（ → (, ： → :), zero-width characters out: the same text, one spelling. */
export function normalizeForInspection(text: string): string {
  return text.normalize('NFKC').replace(/[\u200b-\u200d\u2060\ufeff\u00ad]/g, '');
}

export function findClassifiedMarkers(text: string): MarkerMatch[] {
  const normalized = normalizeForInspection(text);
  const found: MarkerMatch[] = [];
  const seen = new Set<string>();
  for (const { form, re } of MARKER_FORMS) {
    re.lastIndex = 0;
    for (const match of normalized.matchAll(re)) {
      const marker = match[0].trim();
      if (seen.has(marker)) continue;
      seen.add(marker);
      found.push({ marker, form });
    }
  }
  return found;
}
