// chart.js (served locally as /assets/vendor/chart.umd.min.js, global `Chart`) behind a tiny
// wrapper that destroys the previous chart on a canvas before drawing a new one, plus what the
// time charts share: bucket labels on the server's zone clock (FLAREWATCH_TZ), axis and legend
// options that stay readable at 390 px, KPI changes (▲/▼) and share-of-voice percentages. Labels
// and tooltips are drawn on canvas, so crawled text never reaches the DOM as markup.
import { lang, t } from './i18n.js';

interface ChartInstance { destroy(): void; update(mode?: string): void; data: { labels: unknown[]; datasets: { data: unknown[] }[] } }
type ChartCtor = new (el: HTMLCanvasElement, config: unknown) => ChartInstance;
declare global { interface Window { Chart?: ChartCtor } }

const charts = new WeakMap<HTMLCanvasElement, ChartInstance>();

export const PALETTE = ['#1f5fa8', '#b35900', '#2e7d32', '#8e24aa', '#00838f', '#b3261e', '#6d4c41', '#546e7a', '#c2185b', '#8a6d00'];
export const SENTIMENT_COLORS: Record<string, string> = { negative: '#b3261e', neutral: '#90a4ae', positive: '#2e7d32', unknown: '#cfd8dc' };

export function draw(canvas: HTMLCanvasElement, config: Record<string, unknown>): ChartInstance | null {
  charts.get(canvas)?.destroy();
  const C = window.Chart;
  if (!C) { canvas.replaceWith(document.createTextNode('chart.js not loaded')); return null; }
  const opts = (config.options ?? {}) as Record<string, unknown>;
  const chart = new C(canvas, { ...config, options: { responsive: true, maintainAspectRatio: false, animation: false, ...opts } });
  charts.set(canvas, chart);
  canvas.dataset.drawn = '1';
  return chart;
}

export function chartBox(label: string, height = 260): { box: HTMLElement; canvas: HTMLCanvasElement } {
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  const box = document.createElement('div');
  box.className = 'chart-box';
  box.style.height = `${height}px`;
  box.appendChild(canvas);
  return { box, canvas };
}

// ---- buckets and time labels ----

export type BucketId = '1m' | '5m' | '15m' | '1h' | '1d';
export const BUCKET_MS: Record<BucketId, number> = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '1d': 86_400_000 };
export const BUCKET_IDS = Object.keys(BUCKET_MS) as BucketId[];
/** the server's limit (src/server/timeseries.ts MAX_BUCKETS) */
export const MAX_BUCKETS = 500;

const fmtCache = new Map<string, Intl.DateTimeFormat>();
function dtf(zone: string, kind: 'time' | 'dayTime' | 'day' | 'full'): Intl.DateTimeFormat {
  const key = `${lang()}|${zone}|${kind}`;
  let f = fmtCache.get(key);
  if (!f) {
    const o: Intl.DateTimeFormatOptions = kind === 'time' ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
      : kind === 'dayTime' ? { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
        : kind === 'day' ? { month: '2-digit', day: '2-digit' }
          : { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
    f = new Intl.DateTimeFormat(lang() === 'zh' ? 'zh-CN' : 'en-GB', { ...o, timeZone: zone });
    fmtCache.set(key, f);
  }
  return f;
}

/** The day (in `zone`) of an instant, for telling whether a range crosses midnight. */
function dayOf(ms: number, zone: string): string { return dtf(zone, 'day').format(new Date(ms)); }

/**
 * Axis labels for bucket starts: 14:05 for minute buckets within one day, 12/04 14:05 across days,
 * 12/04 14:00 for hours, 12/04 for days; all on the clock of `zone`.
 */
export function bucketLabels(starts: string[], bucket: BucketId, zone: string): string[] {
  const ms = starts.map((s) => Date.parse(s));
  if (bucket === '1d') return ms.map((m) => dtf(zone, 'day').format(new Date(m)));
  const oneDay = ms.length === 0 || dayOf(ms[0], zone) === dayOf(ms[ms.length - 1], zone);
  if (bucket !== '1h' && oneDay) return ms.map((m) => dtf(zone, 'time').format(new Date(m)));
  return ms.map((m) => dtf(zone, 'dayTime').format(new Date(m)));
}

/** A bucket as a tooltip title: its start and end on the zone's clock (2026/12/05 03:55–04:00). */
export function bucketTitle(start: string, bucket: BucketId, zone: string): string {
  const s = Date.parse(start);
  const e = s + BUCKET_MS[bucket];
  if (bucket === '1d') return dtf(zone, 'full').format(new Date(s)).slice(0, 10);
  return `${dtf(zone, 'full').format(new Date(s))}–${dtf(zone, 'time').format(new Date(e))}`;
}

/** 'per 5 min' / '每 5 分钟' */
export function bucketText(bucket: BucketId): string { return t(`bucket_${bucket}`); }

/** Buckets worth offering for a range (at most MAX_BUCKETS of them; estimated from its length). */
export function bucketsFor(rangeMs: number): BucketId[] {
  return BUCKET_IDS.filter((b) => Math.ceil(rangeMs / BUCKET_MS[b]) <= MAX_BUCKETS && rangeMs / BUCKET_MS[b] >= 1);
}

// ---- KPIs ----

export interface Kpi { current: number | null; previous: number | null; change: number | null; changeRatio: number | null }
export type Trend = 'up' | 'down' | 'flat' | 'none';

/**
 * The change of a KPI against the previous period as shown on its tile: ▲ 12% / ▼ 3.4%, for a
 * share in percentage points (▲ 2.1 pp), '—' when there is nothing to compare, and 'new' when the
 * previous period had none.
 */
export function kpiChange(k: Kpi, kind: 'count' | 'share'): { text: string; trend: Trend } {
  if (k.current == null || k.previous == null || k.change == null) return { text: t('kpiNoCompare'), trend: 'none' };
  if (k.change === 0) return { text: `＝ ${t('kpiSame')}`, trend: 'flat' };
  const arrow = k.change > 0 ? '▲' : '▼';
  const trend: Trend = k.change > 0 ? 'up' : 'down';
  if (kind === 'share') return { text: `${arrow} ${fmtFixed(Math.abs(k.change) * 100, 1)} ${t('kpiPoints')}`, trend };
  if (k.previous === 0) return { text: `${arrow} ${t('kpiFromZero')}`, trend };
  const pct = Math.abs(k.changeRatio ?? 0) * 100;
  return { text: `${arrow} ${fmtFixed(pct, pct >= 100 ? 0 : 1)}%`, trend };
}

function fmtFixed(v: number, digits: number): string {
  return new Intl.NumberFormat(lang() === 'zh' ? 'zh-CN' : 'en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(v);
}

/** 0.6712 -> '67.1%' */
export function pct(share: number | null | undefined, digits = 1): string {
  return share == null || !Number.isFinite(share) ? '—' : `${fmtFixed(share * 100, digits)}%`;
}

/** Compact counts for axes and chart labels: 1,234 / 12.3k / 1.2M (zh: 1.2万, 120万). */
export function compact(n: number): string {
  return new Intl.NumberFormat(lang() === 'zh' ? 'zh-CN' : 'en-US', { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}

// ---- share of voice ----

/** Per-bucket percentages (0-100) of each topic's mentions; every bucket with mentions sums to 100. */
export function sharePercents(mentions: Record<string, number[]>, n: number): Record<string, number[]> {
  const ids = Object.keys(mentions);
  const sums = Array.from({ length: n }, (_, i) => ids.reduce((a, id) => a + (mentions[id][i] ?? 0), 0));
  const out: Record<string, number[]> = {};
  for (const id of ids) out[id] = sums.map((s, i) => (s > 0 ? ((mentions[id][i] ?? 0) / s) * 100 : 0));
  return out;
}

// ---- shared chart options ----

/** x axis of bucket labels: never rotated, thinned to what fits, so 168 hours read on a phone too. */
export function timeAxis(stacked = false): Record<string, unknown> {
  return { stacked, ticks: { maxRotation: 0, autoSkip: true, autoSkipPadding: 14, font: { size: 11 } }, grid: { display: false } };
}

export function legendBottom(): Record<string, unknown> {
  return { position: 'bottom', labels: { boxWidth: 12, boxHeight: 12, padding: 10, font: { size: 12 } } };
}

/** Tooltip titles with the bucket's full start–end, from its index. */
export function bucketTooltip(starts: string[], bucket: BucketId, zone: string): Record<string, unknown> {
  return { callbacks: { title: (items: { dataIndex: number }[]) => (items.length ? bucketTitle(starts[items[0].dataIndex], bucket, zone) : '') } };
}

// ---- the incident chart's reposts axis ----

/** A round number at or above v (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 x 10^k). */
export function niceCeil(v: number): number {
  if (!(v > 0)) return 10;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v * (1 - 1e-12)) return Math.round(m * p * 1e6) / 1e6;
  return 10 * p;
}

/**
 * The reposts axis of the incident chart: scaled to the actual series when the forecast band would
 * dwarf it (its high end more than 4x the reposts so far); the band is then clipped at the top and
 * labelled with its numbers. `max` undefined: chart.js fits everything.
 */
export function repostAxis(actualMax: number, forecast: { reposts: number; low: number; high: number } | null): { max: number | undefined; clipped: boolean } {
  if (!forecast || actualMax <= 0 || forecast.high <= actualMax * 4) return { max: undefined, clipped: false };
  return { max: niceCeil(actualMax * 1.6), clipped: true };
}
