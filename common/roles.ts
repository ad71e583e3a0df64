/**
 * Account roles (SPEC Art. 1: 三员分立 — administrators, security officers and auditors are
 * different people). The server's storage types check at compile time that they list the same
 * roles (server/http/presenters/account.ts).
 */
export const ROLES = ['staff', 'unit_admin', 'dept_admin', 'security_officer', 'auditor'] as const;
export type Role = (typeof ROLES)[number];
