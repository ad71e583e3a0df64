/**
 * The account life cycle end to end in headless Chromium against a real govmail (SPEC Art. 2):
 * apply on the public page (regulation scrolled through, a PDF scan) → the unit admin approves
 * in the console → the department admin allocates (address from pinyin) and gets the one-time
 * link → the person activates (work-ID number, policy password, acceptable use) → signs in to
 * the webmail. The steps are reusable (test/helpers/lifecycle-steps.ts); the deactivation chain
 * of Art. 3.6 continues from `state` below.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateInBrowser, allocateInConsole, applyInBrowser, approveInConsole, MINIMAL_PDF, statusInBrowser, type Applicant } from '../helpers/lifecycle-steps.js';
import { SEED_PASSWORD, startTestGovmail, type TestGovmail } from '../helpers/start-govmail.js';
import { CHROMIUM_ARGS, SCREENSHOTS, ensureWebBuild, signInInBrowser } from '../helpers/browser.js';

const UNIT_ADMIN = 'admin.hn@haining.gov.cn';
const DEPT_ADMIN = 'admin@haining.gov.cn';
const NEW_PASSWORD = 'Yanguan#Tide2026';

describe('account life cycle in the browser', () => {
  let gm: TestGovmail;
  let browser: Browser;
  let base: string;
  const pages: Page[] = [];
  /** Carried from step to step (the deactivation chain continues from here). */
  const state: { trackingCode?: string; address?: string; activationPath?: string } = {};

  const applicant: Applicant = {
    name: '沈悦',
    unitName: '海宁市',
    title: '科员',
    workId: 'HN-E2E-0042',
    mobile: '13912345678',
    reason: '接收和办理公文',
    document: { name: '工作证.pdf', mimeType: 'application/pdf', buffer: MINIMAL_PDF },
  };

  async function freshPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    pages.push(page);
    return page;
  }

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(SCREENSHOTS, { recursive: true });
    gm = await startTestGovmail({
      people: [
        { address: UNIT_ADMIN, displayName: '海宁管理员', roles: ['staff', 'unit_admin'] },
        { address: DEPT_ADMIN, displayName: '系统管理员', roles: ['dept_admin'] },
      ],
    });
    base = `http://127.0.0.1:${gm.ports.http}`;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gm?.stop();
  });

  it('apply → approve → allocate → activate → sign in', async () => {
    const public1 = await freshPage();
    state.trackingCode = await applyInBrowser(public1, base, applicant);
    await public1.screenshot({ path: path.join(SCREENSHOTS, 'lifecycle-applied.png') });
    expect(await statusInBrowser(public1, base, state.trackingCode)).toContain('待单位审核');

    const unitAdmin = await freshPage();
    await signInInBrowser(unitAdmin, base, UNIT_ADMIN, SEED_PASSWORD);
    // The webmail header links console users to the console.
    await unitAdmin.getByRole('link', { name: '管理控制台' }).click();
    await unitAdmin.getByRole('menuitem', { name: /账号申请审核/ }).waitFor();
    // A unit admin has no organisation editor (unit.manage is the department's).
    expect(await unitAdmin.getByRole('menuitem', { name: /组织机构/ }).count()).toBe(0);
    await approveInConsole(unitAdmin, base, applicant.name);

    const dept = await freshPage();
    await signInInBrowser(dept, base, DEPT_ADMIN, SEED_PASSWORD);
    const allocated = await allocateInConsole(dept, base, applicant.name, 'shenyue@haining.gov.cn');
    await dept.screenshot({ path: path.join(SCREENSHOTS, 'lifecycle-allocated.png') });
    state.address = allocated.address;
    state.activationPath = allocated.path;
    expect(await statusInBrowser(public1, base, state.trackingCode)).toContain('shenyue@haining.gov.cn');

    const person = await freshPage();
    await activateInBrowser(person, base, state.activationPath, applicant.workId, NEW_PASSWORD);
    await signInInBrowser(person, base, state.address, NEW_PASSWORD);
    await person.screenshot({ path: path.join(SCREENSHOTS, 'lifecycle-signed-in.png') });

    const account = await gm.services.directory.getAccount(state.address);
    expect(account.state).toBe('active');
    expect((await gm.services.lifecycle.history(account.id)).map((h) => h.action)).toEqual(['apply', 'approve', 'allocate', 'activate']);

    // The department admin sees the history on the account page.
    await dept.goto(`${base}/console/accounts/${account.id}`);
    await expect.poll(() => dept.getByTestId('state-history').innerText()).toContain('激活');
  }, 120_000);
});
