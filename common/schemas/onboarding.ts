/**
 * Onboarding API contracts (SPEC Art. 2), shared by server and web: public application and
 * status lookup, activation, and the console's applications, accounts, units and bulk import.
 */
import { z } from 'zod';
import { ROLES } from '../roles.js';

export const ACCOUNT_STATE_VALUES = ['applied', 'approved', 'pending_activation', 'active', 'locked', 'suspended', 'deactivating', 'deactivated', 'purged'] as const;
export const APPLICATION_STATE_VALUES = ['applied', 'approved', 'rejected', 'allocated'] as const;

const mobile = z.string().trim().regex(/^1[3-9]\d{9}$/, '手机号码格式不正确');

/** Fields of the public application form (multipart fields beside the `document` file). */
export const applyFieldsSchema = z.object({
  displayName: z.string().trim().min(1).max(40),
  unitId: z.coerce.number().int().positive(),
  title: z.string().trim().min(1).max(60),
  workId: z.string().trim().min(2).max(40),
  mobile,
  reason: z.string().trim().min(2).max(500),
  regulationVersion: z.string().min(1).max(40),
  /** The applicant scrolled through the regulation and accepted it. */
  acceptRegulation: z.literal('true', { error: '请阅读并同意管理规定' }),
});
export type ApplyFields = z.infer<typeof applyFieldsSchema>;

export const applyResultSchema = z.object({ trackingCode: z.string() });
export type ApplyResult = z.infer<typeof applyResultSchema>;

export const applicationStatusSchema = z.object({
  trackingCode: z.string(),
  state: z.enum(APPLICATION_STATE_VALUES),
  displayName: z.string(),
  unitName: z.string(),
  createdAt: z.number(),
  reviewedAt: z.number().nullable(),
  rejectReason: z.string().nullable(),
  /** Once allocated: the address, so the applicant knows it; the link comes from the unit admin. */
  address: z.string().nullable(),
});
export type ApplicationStatus = z.infer<typeof applicationStatusSchema>;

export const publicUnitSchema = z.object({ id: z.number().int(), name: z.string(), parentId: z.number().int().nullable() });
export type PublicUnit = z.infer<typeof publicUnitSchema>;

// ── activation ────────────────────────────────────────────────────────────────────────

export const activationInfoSchema = z.object({
  displayName: z.string(),
  address: z.string(),
  unitName: z.string(),
  expiresAt: z.number(),
  /** The password policy in force (console 密码策略), in words, to show beside the field. */
  policy: z.array(z.string()).optional(),
});
export type ActivationInfo = z.infer<typeof activationInfoSchema>;

export const activateRequestSchema = z.object({
  workId: z.string().trim().min(1).max(40),
  password: z.string().min(1).max(1024),
  acceptAup: z.literal(true, { error: '请阅读并接受使用规范' }),
  aupVersion: z.string().min(1).max(40),
});
export type ActivateRequest = z.infer<typeof activateRequestSchema>;
export const activateResultSchema = z.object({ address: z.string() });

// ── console: applications ───────────────────────────────────────────────────────────────

export const historyEntrySchema = z.object({
  at: z.number(),
  action: z.string(),
  fromState: z.string().nullable(),
  toState: z.string(),
  actor: z.string(),
  reason: z.string().nullable(),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

export const applicationViewSchema = z.object({
  id: z.number().int(),
  trackingCode: z.string(),
  state: z.enum(APPLICATION_STATE_VALUES),
  displayName: z.string(),
  unitId: z.number().int(),
  unitName: z.string(),
  title: z.string(),
  workId: z.string(),
  mobile: z.string(),
  reason: z.string(),
  document: z.object({ name: z.string(), type: z.string(), size: z.number() }).nullable(),
  createdAt: z.number(),
  reviewedAt: z.number().nullable(),
  rejectReason: z.string().nullable(),
  address: z.string().nullable(),
  accountId: z.number().int().nullable(),
});
export type ApplicationView = z.infer<typeof applicationViewSchema>;

export const applicationDetailSchema = applicationViewSchema.extend({
  history: z.array(historyEntrySchema),
  /** What the viewer may do with it now. */
  canReview: z.boolean(),
  canAllocate: z.boolean(),
  /** For allocation: the address proposed from the name's pinyin, the default quota. */
  proposal: z.object({ address: z.string(), quotaBytes: z.number() }).nullable(),
});
export type ApplicationDetail = z.infer<typeof applicationDetailSchema>;

export const pageQuerySchema = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(20),
});

export const applicationListQuerySchema = pageQuerySchema.extend({ state: z.enum(APPLICATION_STATE_VALUES).optional() });
export const applicationPageSchema = z.object({ total: z.number(), items: z.array(applicationViewSchema) });
export type ApplicationPage = z.infer<typeof applicationPageSchema>;

export const rejectRequestSchema = z.object({ reason: z.string().trim().min(2, '请填写驳回理由').max(500) });
export const approveRequestSchema = z.object({ note: z.string().trim().max(500).optional() });
export const allocateRequestSchema = z.object({
  address: z.string().trim().toLowerCase().min(3).max(254),
  quotaBytes: z.number().int().min(0).optional(),
  roles: z.array(z.enum(ROLES)).min(1).optional(),
});
export type AllocateRequest = z.infer<typeof allocateRequestSchema>;

export const activationLinkSchema = z.object({ path: z.string(), url: z.string(), expiresAt: z.number() });
export type ActivationLinkView = z.infer<typeof activationLinkSchema>;
export const allocateResultSchema = z.object({ accountId: z.number().int(), address: z.string(), activation: activationLinkSchema });
export type AllocateResult = z.infer<typeof allocateResultSchema>;

// ── console: accounts ───────────────────────────────────────────────────────────────────

export const accountListQuerySchema = pageQuerySchema.extend({
  unitId: z.coerce.number().int().positive().optional(),
  /** With unitId: include the unit's sub-units. Default true. */
  subUnits: z.enum(['true', 'false']).default('true'),
  state: z.enum(ACCOUNT_STATE_VALUES).optional(),
  /** `expired`: pending accounts without a live activation link. */
  activation: z.enum(['expired']).optional(),
  q: z.string().trim().max(100).optional(),
});
/** What the web client sends (the schema coerces the query-string values). */
export interface AccountListQuery {
  unitId?: number;
  subUnits?: 'true' | 'false';
  state?: (typeof ACCOUNT_STATE_VALUES)[number];
  activation?: 'expired';
  q?: string;
  offset: number;
  limit: number;
}

export const consoleAccountSchema = z.object({
  id: z.number().int(),
  address: z.string(),
  displayName: z.string(),
  unitId: z.number().int(),
  unitName: z.string(),
  title: z.string().nullable(),
  roles: z.array(z.enum(ROLES)),
  state: z.enum(ACCOUNT_STATE_VALUES),
  quotaBytes: z.number(),
  usedBytes: z.number(),
  createdAt: z.number(),
});
export type ConsoleAccount = z.infer<typeof consoleAccountSchema>;
export const accountPageSchema = z.object({ total: z.number(), items: z.array(consoleAccountSchema) });
export type AccountPage = z.infer<typeof accountPageSchema>;

export const accountDetailSchema = consoleAccountSchema.extend({
  workId: z.string().nullable(),
  mobile: z.string().nullable(),
  activatedAt: z.number().nullable(),
  aupVersion: z.string().nullable(),
  /** The newest activation link: when it expires, and whether it can still be used. */
  activation: z.object({ issuedAt: z.number(), expiresAt: z.number(), status: z.enum(['live', 'expired', 'used', 'revoked']) }).nullable(),
  history: z.array(historyEntrySchema),
  /** Policy actions the viewer may take on this account (the actions slot shows buttons by these). */
  allowed: z.array(z.string()),
  /** Life-cycle actions legal from the current state (lifecycle.ts). */
  transitions: z.array(z.string()),
});
export type AccountDetail = z.infer<typeof accountDetailSchema>;

export const reissueRequestSchema = z.object({ ids: z.array(z.number().int().positive()).min(1).max(500) });
export const reissueResultSchema = z.object({
  results: z.array(z.object({ id: z.number().int(), address: z.string().nullable(), activation: activationLinkSchema.nullable(), error: z.string().nullable() })),
});
export type ReissueResult = z.infer<typeof reissueResultSchema>;

// ── console: units ──────────────────────────────────────────────────────────────────────

export const consoleUnitSchema = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  parentId: z.number().int().nullable(),
  contactAddress: z.string().nullable(),
  accounts: z.number().int(),
});
export type ConsoleUnit = z.infer<typeof consoleUnitSchema>;

export const createUnitSchema = z.object({
  code: z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, '单位代码须为小写字母、数字或连字符'),
  name: z.string().trim().min(1).max(60),
  parentId: z.number().int().positive().nullable(),
  contactAddress: z.email().nullable().optional(),
});
export const updateUnitSchema = z.object({
  name: z.string().trim().min(1).max(60).optional(),
  parentId: z.number().int().positive().nullable().optional(),
  contactAddress: z.email().nullable().optional(),
});
export type UpdateUnit = z.infer<typeof updateUnitSchema>;

// ── console: bulk onboarding ────────────────────────────────────────────────────────────

export const importRowSchema = z.object({
  row: z.number().int(),
  displayName: z.string(),
  unit: z.string(),
  address: z.string().nullable(),
  errors: z.array(z.object({ code: z.string(), message: z.string() })),
  /** After apply: the created account's link. */
  activation: activationLinkSchema.nullable(),
});
export type ImportRow = z.infer<typeof importRowSchema>;
export const importReportSchema = z.object({
  applied: z.boolean(),
  total: z.number().int(),
  valid: z.number().int(),
  invalid: z.number().int(),
  created: z.number().int(),
  rows: z.array(importRowSchema),
});
export type ImportReport = z.infer<typeof importReportSchema>;
