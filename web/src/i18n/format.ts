/**
 * Dates, times and sizes as people read them. Mail times are shown in Asia/Shanghai whatever
 * the computer's own time zone: everyone at the city government reads the same clock.
 */
import type { Locale } from './index.js';

export const TIME_ZONE = 'Asia/Shanghai';

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { timeZone: TIME_ZONE, ...options });
    formatters.set(key, f);
  }
  return f;
}

/** Year, month and day of the instant in Asia/Shanghai. */
function dayOf(date: Date): { year: number; month: number; day: number } {
  const parts = formatter('en', { year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(date);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { year: get('year'), month: get('month'), day: get('day') };
}

/** `YYYY-MM-DD` of the instant in Asia/Shanghai. */
export function shanghaiDay(date: Date): string {
  const { year, month, day } = dayOf(date);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Compact, for the message list: the time today, the date this year, else the full date. */
export function formatListDate(locale: Locale, iso: string, now = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const d = dayOf(date);
  const n = dayOf(now);
  if (d.year === n.year && d.month === n.month && d.day === n.day) return formatter(locale, { hour: '2-digit', minute: '2-digit', hour12: false }).format(date);
  if (d.year === n.year) return formatter(locale, { month: 'short', day: 'numeric' }).format(date);
  return formatter(locale, { year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

/** Full date and time, for the reading pane and receipts. */
export function formatDateTime(locale: Locale, iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return formatter(locale, { year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short', hour: '2-digit', minute: '2-digit', hour12: false }).format(date);
}

/** Month, day and time: for tables of times within the same year or so (receipts). */
export function formatShortDateTime(locale: Locale, iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return formatter(locale, { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(date);
}

export function formatTime(locale: Locale, date: Date): string {
  return formatter(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(date);
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(1)} GB`;
}
