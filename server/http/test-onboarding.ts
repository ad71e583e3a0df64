/**
 * For the onboarding route tests: an organisation with two bureaus (A with a section A1, and B),
 * a unit admin of each, the department admin, an auditor and a member of staff — all signed in
 * through the real sign-in route — and helpers that file an application as the public form does
 * (multipart with a real PDF header) and walk it through review and allocation.
 */
import type { LightMyRequestResponse } from 'fastify';
import type { Clock } from '../platform/clock.js';
import type { Role } from '../storage/database.js';
import { createTestHttp, TEST_PASSWORD, type TestHttp } from './test-app.js';
import { signIn, type ApiClient } from './test-webmail.js';
import { REGULATION_VERSION } from '../../common/regulation.js';

export const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\n', 'latin1'), Buffer.alloc(200, 0x20), Buffer.from('\n%%EOF\n', 'latin1')]);
export const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);

export interface OnboardingFixture {
  t: TestHttp;
  units: { a: number; a1: number; b: number };
  adminA: ApiClient;
  adminB: ApiClient;
  dept: ApiClient;
  auditor: ApiClient;
  staff: ApiClient;
  /** Signs everyone in again (after the test clock moved past the sessions' idle limit). */
  signInAgain(): Promise<void>;
}

export async function createOnboardingFixture(options: { clock?: Clock } = {}): Promise<OnboardingFixture> {
  const t = await createTestHttp({ clock: options.clock });
  const sys = { address: 'system', via: 'cli' } as const;
  const d = t.services.directory;
  const a = await d.createUnit({ code: 'cza', name: '市财政局', parentCode: 'hn' }, sys);
  const a1 = await d.createUnit({ code: 'cza-ys', name: '预算科', parentCode: 'cza' }, sys);
  const b = await d.createUnit({ code: 'jyb', name: '市教育局', parentCode: 'hn' }, sys);
  const person = (address: string, displayName: string, unitCode: string, roles: Role[]) => d.createAccount({ address, displayName, unitCode, roles, password: TEST_PASSWORD }, sys);
  await person('admin.a@haining.gov.cn', '财政管理员', 'cza', ['staff', 'unit_admin']);
  await person('admin.b@haining.gov.cn', '教育管理员', 'jyb', ['staff', 'unit_admin']);
  await person('admin@haining.gov.cn', '系统管理员', 'hn', ['dept_admin']);
  await person('audit@haining.gov.cn', '审计员', 'hn', ['auditor']);
  const fixture: OnboardingFixture = {
    t,
    units: { a: a.id, a1: a1.id, b: b.id },
    adminA: await signIn(t, 'admin.a@haining.gov.cn'),
    adminB: await signIn(t, 'admin.b@haining.gov.cn'),
    dept: await signIn(t, 'admin@haining.gov.cn'),
    auditor: await signIn(t, 'audit@haining.gov.cn'),
    staff: await signIn(t),
    async signInAgain() {
      fixture.adminA = await signIn(t, 'admin.a@haining.gov.cn');
      fixture.adminB = await signIn(t, 'admin.b@haining.gov.cn');
      fixture.dept = await signIn(t, 'admin@haining.gov.cn');
      fixture.auditor = await signIn(t, 'audit@haining.gov.cn');
      fixture.staff = await signIn(t);
    },
  };
  return fixture;
}

export interface ApplicationInput {
  displayName?: string;
  unitId: number;
  title?: string;
  workId?: string;
  mobile?: string;
  reason?: string;
  acceptRegulation?: string;
  regulationVersion?: string;
  document?: { content: Buffer; filename: string; type: string } | null;
}

/** The multipart body the public form sends. */
export function applicationBody(input: ApplicationInput): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----govmailtest' + Math.random().toString(16).slice(2);
  const fields: Record<string, string> = {
    displayName: input.displayName ?? '张伟',
    unitId: String(input.unitId),
    title: input.title ?? '科员',
    workId: input.workId ?? 'HN2026-0017',
    mobile: input.mobile ?? '13800138000',
    reason: input.reason ?? '处理预算公文往来',
    regulationVersion: input.regulationVersion ?? REGULATION_VERSION,
    acceptRegulation: input.acceptRegulation ?? 'true',
  };
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`, 'utf8'));
  const doc = input.document === undefined ? { content: PDF, filename: '工作证.pdf', type: 'application/pdf' } : input.document;
  if (doc) {
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="document"; filename="${doc.filename}"\r\ncontent-type: ${doc.type}\r\n\r\n`, 'utf8'), doc.content, Buffer.from('\r\n', 'utf8'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export async function apply(t: TestHttp, input: ApplicationInput, remoteAddress = '198.51.100.1'): Promise<LightMyRequestResponse> {
  const { payload, headers } = applicationBody(input);
  return t.app.inject({ method: 'POST', url: '/api/applications', payload, headers, remoteAddress });
}

/** Files an application and returns its id and tracking code. */
export async function fileApplication(f: OnboardingFixture, input: ApplicationInput): Promise<{ id: number; trackingCode: string }> {
  const response = await apply(f.t, input);
  if (response.statusCode !== 201) throw new Error(`apply failed: ${response.statusCode} ${response.body}`);
  const { trackingCode } = response.json() as { trackingCode: string };
  const row = await f.t.services.db.selectFrom('account_applications').select('id').where('tracking_code', '=', trackingCode).executeTakeFirstOrThrow();
  return { id: row.id, trackingCode };
}

/** Apply → approve (unit admin A) → allocate (department); returns the account and the link's token. */
export async function onboardPerson(f: OnboardingFixture, input: ApplicationInput & { address?: string }): Promise<{ applicationId: number; accountId: number; address: string; token: string }> {
  const { id } = await fileApplication(f, input);
  const approved = await f.adminA.post(`/api/console/applications/${id}/approve`, {});
  if (approved.statusCode !== 200) throw new Error(`approve failed: ${approved.body}`);
  const detail = (await f.dept.get(`/api/console/applications/${id}`)).json() as { proposal: { address: string } };
  const allocated = await f.dept.post(`/api/console/applications/${id}/allocate`, { address: input.address ?? detail.proposal.address });
  if (allocated.statusCode !== 201) throw new Error(`allocate failed: ${allocated.body}`);
  const body = allocated.json() as { accountId: number; address: string; activation: { path: string } };
  return { applicationId: id, accountId: body.accountId, address: body.address, token: body.activation.path.split('/').pop()! };
}
