/** Epoch milliseconds (what the onboarding API sends) shown like every other date: Asia/Shanghai. */
import { formatDateTime } from './format.js';
import type { Locale } from './index.js';

export function formatMillis(locale: Locale, ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '' : formatDateTime(locale, new Date(ms).toISOString());
}
