/**
 * What every end-to-end test in headless Chromium shares: Debian's browser and its flags, the
 * screenshot folder (test-results/, git-ignored) and a web build at least as new as the sources
 * (`npm test` builds first; a single file run by hand rebuilds when web/ or common/ changed).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];
export const SCREENSHOTS = path.join(REPO_ROOT, 'test-results');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds dist/web when it is older than web/ or common/, and makes the screenshot folder. */
export function ensureWebBuild(): void {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const index = path.join(REPO_ROOT, 'dist', 'web', 'index.html');
  const inputs = Math.max(newestMtime(path.join(REPO_ROOT, 'web')), newestMtime(path.join(REPO_ROOT, 'common')));
  if (existsSync(index) && statSync(index).mtimeMs >= inputs) return;
  // NODE_ENV is 'test' inside vitest, and Vite would then bundle React's development build.
  execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts'], { cwd: REPO_ROOT, stdio: 'pipe', env: { ...process.env, NODE_ENV: 'production' } });
}

/** Sign in through the sign-in page; waits for the mail list. */
export async function signInInBrowser(page: Page, base: string, address: string, password: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByLabel('邮箱地址').fill(address);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.locator('.list-title').first().waitFor();
}
