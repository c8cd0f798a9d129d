// Display formatting: times in Asia/Shanghai (whatever the browser's zone), numbers, levels.
import { lang } from './i18n.js';

export const TIME_ZONE = 'Asia/Shanghai';
const cache = new Map<string, Intl.DateTimeFormat>();

function fmt(kind: 'full' | 'short' | 'hour'): Intl.DateTimeFormat {
  const key = `${lang()}:${kind}`;
  let f = cache.get(key);
  if (!f) {
    const o: Intl.DateTimeFormatOptions = kind === 'full'
      ? { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }
      : kind === 'short' ? { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }
        : { month: '2-digit', day: '2-digit', hour: '2-digit', hour12: false };
    f = new Intl.DateTimeFormat(lang() === 'zh' ? 'zh-CN' : 'en-GB', { ...o, timeZone: TIME_ZONE });
    cache.set(key, f);
  }
  return f;
}

export function fmtTime(iso: unknown, kind: 'full' | 'short' | 'hour' = 'full'): string {
  if (typeof iso !== 'string' || !iso) return '—';
  const d = new Date(iso.length === 13 ? `${iso}:00:00Z` : iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  return Number.isNaN(d.getTime()) ? '—' : fmt(kind).format(d);
}

export function fmtNum(n: unknown): string {
  const v = Number(n);
  if (!Number.isFinite(v)) return '—';
  return new Intl.NumberFormat(lang() === 'zh' ? 'zh-CN' : 'en-US', { maximumFractionDigits: 1 }).format(v);
}

export const LEVEL_COLORS: Record<string, string> = { P1: '#b3261e', P2: '#b35900', P3: '#8a6d00', P4: '#1f5fa8' };

export function levelClass(level: unknown): string {
  return typeof level === 'string' && /^P[1-4]$/.test(level) ? `level level-${level}` : 'level level-none';
}
