/**
 * The account life cycle in the browser, one reusable step per function (SPEC Art. 2; the
 * deactivation steps of Art. 3.6 extend the chain in test/e2e/lifecycle.test.ts). Each step
 * drives the real pages in Chromium like a person: labels, buttons, the regulation scrolled.
 */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';

export interface Applicant {
  name: string;
  unitName: string;
  title: string;
  workId: string;
  mobile: string;
  reason: string;
  /** A PDF (or JPG/PNG) scan. */
  document: { name: string; mimeType: string; buffer: Buffer };
}

export const MINIMAL_PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');

/** Public application form → tracking code. */
export async function applyInBrowser(page: Page, base: string, who: Applicant): Promise<string> {
  await page.goto(`${base}/apply`);
  await page.getByLabel('姓名').fill(who.name);
  await page.getByLabel('所在单位').click();
  await page.locator('.ant-select-tree-node-content-wrapper', { hasText: who.unitName }).first().click();
  await page.getByLabel('职务').fill(who.title);
  await page.getByLabel('工作证号').fill(who.workId);
  await page.getByLabel('手机号码').fill(who.mobile);
  await page.getByLabel('申请理由').fill(who.reason);
  await page.locator('input[type=file]').setInputFiles(who.document);
  const accept = page.getByRole('checkbox', { name: /我已阅读并同意/ });
  // Acceptance is possible only after the regulation was scrolled to its end.
  expect(await accept.isDisabled()).toBe(true);
  await page.getByTestId('regulation').evaluate((el) => {
    el.scrollTop = el.scrollHeight;
    el.dispatchEvent(new Event('scroll'));
  });
  await expect.poll(() => accept.isDisabled()).toBe(false);
  await accept.check();
  await page.getByRole('button', { name: '提交申请' }).click();
  const code = (await page.getByTestId('tracking-code').innerText()).trim();
  expect(code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
  return code;
}

/** Status page by tracking code → the state text shown. */
export async function statusInBrowser(page: Page, base: string, code: string): Promise<string> {
  await page.goto(`${base}/apply/status?code=${encodeURIComponent(code)}`);
  const panel = page.getByTestId('application-status');
  await panel.waitFor();
  return panel.innerText();
}


/** Unit admin: the console's queue, open the application, approve. */
export async function approveInConsole(page: Page, base: string, applicantName: string): Promise<void> {
  await page.goto(`${base}/console/applications`);
  await page.getByRole('row').filter({ hasText: applicantName }).first().click();
  await page.getByRole('button', { name: '审核通过' }).click();
  await page.getByText('已审核通过').first().waitFor();
}

/** Department admin: open the approved application, allocate with the proposed address → { address, activation path }. */
export async function allocateInConsole(page: Page, base: string, applicantName: string, expectedAddress: string): Promise<{ address: string; path: string }> {
  await page.goto(`${base}/console/applications`);
  await page.getByText('已审核', { exact: true }).click();
  await page.getByRole('row').filter({ hasText: applicantName }).first().click();
  const address = page.getByLabel('邮箱地址');
  await expect.poll(() => address.inputValue()).toBe(expectedAddress);
  await page.getByRole('button', { name: '分配账号' }).click();
  const link = (await page.getByTestId('activation-link').innerText()).trim();
  const path = new URL(link).pathname;
  expect(path).toMatch(/^\/activate\/[A-Za-z0-9_-]{43}$/);
  return { address: expectedAddress, path };
}

/** The person: open the link, give the work-ID number, set a password, accept the rules. */
export async function activateInBrowser(page: Page, base: string, activationPath: string, workId: string, password: string): Promise<void> {
  await page.goto(`${base}${activationPath}`);
  await page.getByLabel('工作证号').fill(workId);
  await page.getByLabel('设置密码').fill(password);
  await page.getByLabel('确认密码').fill(password);
  await page.getByRole('checkbox', { name: /我已阅读并接受/ }).check();
  await page.getByRole('button', { name: '激活账号' }).click();
  await page.getByText('账号已激活').waitFor();
}
