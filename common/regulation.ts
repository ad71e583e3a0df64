/**
 * The regulation applicants scroll through and accept (《海宁市公务电子邮箱使用管理规定》, the text
 * in `regulation.zh.md` beside this file), and the acceptable-use statement accepted at
 * activation (SPEC Art. 2, 3.1). A new text gets a new version; the server records which
 * version each person accepted and refuses an acceptance of an older one.
 */
export const REGULATION_VERSION = '2026-11-28';

/** The articles of the regulation shown as the acceptable-use statement at activation (三.1–2, 四.1–3). */
export const AUP_SECTIONS = ['三、电子邮箱使用规范', '四、电子邮箱安全管理'] as const;
