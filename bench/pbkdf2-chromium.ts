/**
 * The cost of PBKDF2-HMAC-SM3 (common/secret-envelope.ts) in real Chromium, which is where the
 * 加密口令 is stretched (SPEC 3.2; smcrypto). Bundles the module as the webmail does and times it
 * in a page; prints ms per 1,000 iterations and the count for ~400 ms.
 *   npx tsx bench/pbkdf2-chromium.ts
 */
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import type { pbkdf2Sm3 as Pbkdf2Sm3 } from '../common/secret-envelope.js';

const bundle = await build({ entryPoints: ['common/secret-envelope.ts'], bundle: true, format: 'iife', globalName: 'SE', write: false, platform: 'browser' });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
try {
  const page = await browser.newPage();
  await page.setContent('<!doctype html><title>pbkdf2</title>');
  await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
  const runs = await page.evaluate(() => {
    const { pbkdf2Sm3 } = (globalThis as unknown as { SE: { pbkdf2Sm3: typeof Pbkdf2Sm3 } }).SE;
    pbkdf2Sm3('warm-up', new Uint8Array(16), 3000);
    const out: [number, number][] = [];
    for (const n of [50_000, 100_000, 200_000, 100_000]) {
      const t = performance.now();
      pbkdf2Sm3('汛期2026!口令', new Uint8Array(16), n);
      out.push([n, performance.now() - t]);
    }
    return out;
  });
  for (const [n, ms] of runs) console.log(`${n} iterations: ${ms.toFixed(0)} ms`);
  const perK = Math.min(...runs.map(([n, ms]) => (ms / n) * 1000));
  console.log(`${perK.toFixed(1)} ms per 1,000 iterations → ${Math.round(400 / perK) * 1000} iterations ≈ 400 ms`);
} finally {
  await browser.close();
}
