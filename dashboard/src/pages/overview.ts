// Overview: a Grafana-style time range (last 15 min, 1 h, 6 h, 24 h, 7 d, 30 d or custom, kept in the URL)
// that drives every chart of the page, with bucket sizes that follow it (1 min … 1 day, or chosen);
// KPI tiles against the previous period; risk per topic; volume by source; sentiment over time;
// share of voice across watched topics; top open incidents; and the live alert feed (SSE; new alerts
// appear without reload; a range ending now is redrawn every minute and just after a new alert).
// A banner lists what setup is missing for alerts to reach people (GET /healthz `setup`). Times are
// on the server's FLAREWATCH_TZ clock (Asia/Shanghai by default).
import { h, mount, truncate } from '../dom.js';
import { t } from '../i18n.js';
import { api, qs } from '../api.js';
import {
  draw, chartBox, PALETTE, SENTIMENT_COLORS, BUCKET_MS, bucketLabels, bucketText, bucketTooltip, bucketsFor, kpiChange, legendBottom, pct,
  sharePercents, timeAxis, compact, type BucketId, type Kpi,
} from '../charts.js';
import { fmtNum, fmtTime } from '../format.js';
import { onAlert, type LiveAlert } from '../live.js';
import { section, table, type PageCtx } from '../ctx.js';
import { alertStateText, incidentCells, incidentHeaders, levelBadge, type IncidentRow } from './common.js';

const RANGES = ['15m', '1h', '6h', '24h', '7d', '30d'] as const;
const RANGE_MS: Record<string, number> = { '15m': 900_000, '1h': 3_600_000, '6h': 21_600_000, '24h': 86_400_000, '7d': 604_800_000, '30d': 2_592_000_000 };
type Sentiment = 'negative' | 'neutral' | 'positive' | 'unknown';

/** GET /overview (src/server/routes/read-routes.ts, src/server/timeseries.ts) */
interface Overview {
  from: string; to: string; range: string | null; bucket: BucketId; bucketMs: number; timeZone: string; buckets: string[];
  series: { volume: Record<string, number[]>; sentiment: Record<Sentiment, number[]>; risk: Record<string, (number | null)[]>; mentions: Record<string, number[]> };
  shareOfVoice: { totals: { topic: string; name: string; n: number; share: number }[] };
  topics: { id: string; name: string }[];
  previous: { from: string; to: string };
  kpis: { posts: Kpi; negativeShare: Kpi; incidents: Kpi; alertsP1P2: Kpi };
  totals: { posts: number; negative: number; neutral: number; positive: number; unknown: number };
  topIncidents: IncidentRow[];
}
interface Topic { id: string; name: string; risk: number | null; open_incidents: number }

/** What the picker asks for: a relative range, or a custom from/to (wall-clock times in the server's zone), and a bucket or auto. */
export interface RangeChoice { range: string | null; from: string | null; to: string | null; bucket: BucketId | null }

let unsubscribe: (() => void) | null = null;

/** An open item of the setup checklist (GET /healthz `setup`, src/server/setup-checklist.ts). */
interface SetupItem { id: string; problem: string; fix: string; variables?: string[]; receivers?: string[]; channels?: string[]; noneWorks?: boolean; linksTo?: string }

async function setupItems(): Promise<SetupItem[]> {
  try {
    const r = await fetch('/healthz', { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
    const body = (await r.json()) as { setup?: unknown };
    return Array.isArray(body.setup) ? (body.setup as SetupItem[]).filter((x) => x && typeof x.id === 'string') : [];
  } catch { return []; } // the banner is a help, never a reason for the page to fail
}

/** The item in the chosen language ({variables}, {receivers}, ... filled in), or the server's English for an id this build does not know. */
function setupText(it: SetupItem, fix: boolean): string {
  const key = `setup_${it.id.replace(/-/g, '_')}${fix ? '_fix' : ''}`;
  const tpl = t(key);
  if (tpl === key) return fix ? it.fix : it.problem;
  const filled = tpl.replace(/\{(\w+)\}/g, (_m, k: string) => {
    const v = (it as unknown as Record<string, unknown>)[k];
    return Array.isArray(v) ? v.join(', ') : typeof v === 'string' ? v : '';
  });
  return !fix && it.noneWorks ? t('setupNoneWorks') + filled : filled;
}

/** What is missing and how to fix it, until it is fixed; text nodes only. */
function setupBanner(items: SetupItem[]): HTMLElement | null {
  if (!items.length) return null;
  return h('div', { className: 'notice setup-banner', id: 'setup-banner', role: 'status' },
    h('strong', null, t('setupTitle')),
    h('ul', null, items.map((it) => h('li', { 'data-setup': it.id },
      h('span', null, setupText(it, false)), ' ', h('span', { className: 'muted' }, `${t('setupFix')}${setupText(it, true)}`)))));
}

function alertItem(a: LiveAlert, topicName: (id: string) => string): HTMLElement {
  return h('li', { className: 'alert-item', 'data-alert': a.id ?? '' },
    levelBadge(a.level), ' ',
    a.incident ? h('a', { href: `#/incident/${encodeURIComponent(a.incident)}` }, truncate(a.title, 90)) : h('span', null, truncate(a.title, 90)),
    h('span', { className: 'muted' }, ` · ${topicName(a.topic)} · ${t('risk')} ${fmtNum(a.risk)} · ${alertStateText(a.state)} · ${fmtTime(a.at, 'short')}`));
}

/** The choice in the page's URL (#/overview?range=6h, ?from=…&to=…, &bucket=5m); 24 h by default. */
export function choiceFromQuery(q: URLSearchParams): RangeChoice {
  const bucket = (q.get('bucket') ?? '') in BUCKET_MS ? (q.get('bucket') as BucketId) : null;
  const from = q.get('from'), to = q.get('to');
  if (from && to) return { range: null, from, to, bucket };
  const range = q.get('range');
  return { range: range && (RANGES as readonly string[]).includes(range) ? range : '24h', from: null, to: null, bucket };
}

/** The API query and the page's hash for a choice. */
export function choiceQuery(c: RangeChoice): Record<string, string | undefined> {
  return c.range ? { range: c.range, bucket: c.bucket ?? undefined } : { from: c.from ?? undefined, to: c.to ?? undefined, bucket: c.bucket ?? undefined };
}

/** 'Asia/Shanghai' reads as 北京时间 / Beijing time; any other zone by its name. */
function zoneText(zone: string): string { return zone === 'Asia/Shanghai' ? t('zoneBeijing') : zone; }

/** A datetime-local value (wall clock in `zone`) for an instant. */
function wallTime(iso: string, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(iso));
  const g = (k: string) => parts.find((p) => p.type === k)?.value ?? '00';
  return `${g('year')}-${g('month')}-${g('day')}T${g('hour')}:${g('minute')}`;
}

// ---- charts ----

function riskChart(canvas: HTMLCanvasElement, o: Overview, name: (id: string) => string, labels: string[]): void {
  const ids = Object.keys(o.series.risk).sort();
  const dense = o.buckets.length > 60;
  draw(canvas, {
    type: 'line',
    data: {
      labels,
      datasets: ids.map((id, i) => ({
        label: name(id), borderColor: PALETTE[i % PALETTE.length], backgroundColor: PALETTE[i % PALETTE.length], tension: 0.2, spanGaps: true,
        pointRadius: dense ? 0 : 2, borderWidth: 2, data: o.series.risk[id], clip: 6,
      })),
    },
    options: {
      layout: { padding: { top: 6 } }, // a risk of 100 is drawn whole, not cut by the top edge
      interaction: { mode: 'index', intersect: false },
      plugins: { legend: legendBottom(), tooltip: bucketTooltip(o.buckets, o.bucket, o.timeZone) },
      scales: { x: timeAxis(), y: { min: 0, max: 100, ticks: { stepSize: 25 }, title: { display: true, text: t('risk') } } },
    },
  });
}

function stackedBars(canvas: HTMLCanvasElement, o: Overview, labels: string[], datasets: { label: string; data: number[]; color: string }[], yTitle: string): void {
  draw(canvas, {
    type: 'bar',
    data: { labels, datasets: datasets.map((d) => ({ label: d.label, data: d.data, backgroundColor: d.color, borderWidth: 0, barPercentage: 1, categoryPercentage: 0.85 })) },
    options: {
      interaction: { mode: 'index', intersect: false },
      plugins: { legend: legendBottom(), tooltip: bucketTooltip(o.buckets, o.bucket, o.timeZone) },
      scales: { x: timeAxis(true), y: { stacked: true, beginAtZero: true, ticks: { precision: 0, callback: (v: number) => compact(v) }, title: { display: true, text: yTitle } } },
    },
  });
}

function volumeChart(canvas: HTMLCanvasElement, o: Overview, labels: string[]): void {
  const sources = Object.keys(o.series.volume).sort((a, b) => sum(o.series.volume[b]) - sum(o.series.volume[a]));
  stackedBars(canvas, o, labels, sources.map((s, i) => ({ label: s, data: o.series.volume[s], color: PALETTE[i % PALETTE.length] })), t('postsAxis'));
}

function sentimentChart(canvas: HTMLCanvasElement, o: Overview, labels: string[]): void {
  const order: Sentiment[] = ['negative', 'neutral', 'positive', 'unknown'];
  const shown = order.filter((s) => s !== 'unknown' || sum(o.series.sentiment.unknown ?? []) > 0);
  stackedBars(canvas, o, labels, shown.map((s) => ({ label: t(s), data: o.series.sentiment[s] ?? [], color: SENTIMENT_COLORS[s] })), t('postsAxis'));
}

function shareChart(canvas: HTMLCanvasElement, o: Overview, labels: string[], name: (id: string) => string): void {
  const ids = o.shareOfVoice.totals.map((x) => x.topic);
  const share = sharePercents(o.series.mentions, o.buckets.length);
  draw(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: ids.map((id, i) => ({ label: name(id), data: share[id], backgroundColor: PALETTE[i % PALETTE.length], borderWidth: 0, barPercentage: 1, categoryPercentage: 0.85 })),
    },
    options: {
      interaction: { mode: 'index', intersect: false },
      plugins: {
        legend: legendBottom(),
        tooltip: { callbacks: {
          ...(bucketTooltip(o.buckets, o.bucket, o.timeZone).callbacks as Record<string, unknown>),
          label: (item: { dataset: { label: string }; datasetIndex: number; dataIndex: number; raw: number }) =>
            `${item.dataset.label}: ${pct(item.raw / 100)} (${fmtNum(o.series.mentions[ids[item.datasetIndex]]?.[item.dataIndex] ?? 0)})`,
        } },
      },
      scales: { x: timeAxis(true), y: { stacked: true, min: 0, max: 100, ticks: { stepSize: 25, callback: (v: number) => `${v}%` }, title: { display: true, text: t('share') } } },
    },
  });
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + (b ?? 0), 0);

// ---- KPI tiles ----

/** A KPI tile; `worseWhenUp` colours the change (red when it grows, green when it shrinks), null leaves it neutral. */
function kpiTile(id: string, label: string, value: string, k: Kpi, kind: 'count' | 'share', worseWhenUp: boolean | null, prevText: string): HTMLElement {
  const c = kpiChange(k, kind);
  const tone = worseWhenUp === null || c.trend === 'none' || c.trend === 'flat' ? 'flat' : (c.trend === 'up') === worseWhenUp ? 'worse' : 'better';
  return h('div', { className: 'kpi', id, 'data-trend': c.trend },
    h('div', { className: 'kpi-label' }, label),
    h('div', { className: 'kpi-value' }, value),
    h('div', { className: `kpi-change kpi-${tone}` }, c.text),
    k.previous == null ? null : h('div', { className: 'kpi-prev muted' }, `${t('kpiPrevious')} ${prevText}`));
}

function kpiTiles(o: Overview): HTMLElement {
  const k = o.kpis;
  return h('div', { className: 'kpis', id: 'kpis', role: 'group', 'aria-label': t('kpiTitle') },
    kpiTile('kpi-posts', t('kpiPosts'), fmtNum(k.posts.current), k.posts, 'count', null, fmtNum(k.posts.previous)),
    kpiTile('kpi-negative', t('kpiNegativeShare'), pct(k.negativeShare.current), k.negativeShare, 'share', true, pct(k.negativeShare.previous)),
    kpiTile('kpi-incidents', t('kpiIncidents'), fmtNum(k.incidents.current), k.incidents, 'count', true, fmtNum(k.incidents.previous)),
    kpiTile('kpi-alerts', t('kpiAlerts'), fmtNum(k.alertsP1P2.current), k.alertsP1P2, 'count', true, fmtNum(k.alertsP1P2.previous)));
}

function shareTotals(o: Overview, name: (id: string) => string): HTMLElement {
  const rows = o.shareOfVoice.totals;
  const all = sum(rows.map((r) => r.n));
  return h('div', { id: 'sov-totals' },
    table([t('topic'), t('mentions'), t('share')], rows.map((r, i) => [
      h('span', null, h('span', { className: `swatch swatch-${i % PALETTE.length}`, 'aria-hidden': 'true' }), truncate(name(r.topic), 40)),
      fmtNum(r.n), pct(r.share)]), t('shareOfVoice')),
    all === 0 ? h('p', { className: 'muted' }, t('noDataInRange')) : null,
    o.topics.length < 2 ? h('p', { className: 'muted', id: 'sov-hint' }, t('sovOneTopic')) : null);
}

// ---- the page ----

export async function overviewPage(ctx: PageCtx): Promise<void> {
  unsubscribe?.();
  let choice = choiceFromQuery(ctx.query);
  const [o, topicsRes, alertsRes, setup] = await Promise.all([
    api.get<Overview>(`/overview${qs(choiceQuery(choice))}`),
    api.get<{ topics: Topic[] }>('/topics'),
    api.get<{ alerts: LiveAlert[] }>('/alerts?limit=20'),
    setupItems(),
  ]);
  const topics = topicsRes.topics;
  const name = (id: string) => topics.find((x) => x.id === id)?.name ?? o.topics?.find((x) => x.id === id)?.name ?? id;

  const risk = chartBox(t('riskByTopic'), 240);
  risk.canvas.id = 'risk-chart';
  const vol = chartBox(t('volumeBySource'), 240);
  vol.canvas.id = 'volume-chart';
  const sent = chartBox(t('sentimentOverTime'), 240);
  sent.canvas.id = 'sentiment-chart';
  const sov = chartBox(t('shareOfVoice'), 240);
  sov.canvas.id = 'sov-chart';
  const feed = h('ul', { className: 'alert-feed', id: 'alert-feed', 'aria-live': 'polite' }, alertsRes.alerts.map((a) => alertItem(a, name)));

  // the picker: relative ranges, custom from/to (wall clock of the server's zone), bucket size
  const rangeButtons = [...RANGES, 'custom'].map((r) => h('button', { type: 'button', className: 'seg', 'data-range': r }, t(`range_${r}`)));
  const fromInput = h('input', { type: 'datetime-local', id: 'range-from', step: 60 });
  const toInput = h('input', { type: 'datetime-local', id: 'range-to', step: 60 });
  const applyBtn = h('button', { type: 'button', className: 'primary', id: 'range-apply' }, t('apply'));
  const customError = h('span', { className: 'error', id: 'range-error', role: 'alert' });
  const custom = h('div', { className: 'range-custom', id: 'range-custom', hidden: true },
    h('span', { className: 'range-field' }, h('label', { for: 'range-from' }, t('from')), fromInput),
    h('span', { className: 'range-field' }, h('label', { for: 'range-to' }, t('to')), toInput), applyBtn, customError);
  const bucketSelect = h('select', { id: 'bucket-select', 'aria-label': t('interval') });
  const rangeInfo = h('p', { className: 'muted range-info', id: 'range-info', 'aria-live': 'polite' });
  const picker = h('div', { className: 'range-picker', id: 'range-picker' },
    h('div', { className: 'range seg-group', role: 'group', 'aria-label': t('timeRange') }, rangeButtons),
    h('label', { className: 'bucket-pick' }, `${t('interval')} `, bucketSelect),
    custom);

  const kpiSlot = h('div', { id: 'kpi-slot' });
  const sentTotals = h('p', { className: 'muted', id: 'sentiment-totals' });
  const volTotals = h('p', { className: 'muted', id: 'volume-totals' });
  const sovSlot = h('div', { id: 'sov-slot' });
  const topicCards = h('div', { className: 'topic-cards' }, topics.map((tp) =>
    h('div', { className: 'topic-card' }, h('div', { className: 'topic-name' }, truncate(tp.name, 40)),
      h('div', { className: 'topic-risk' }, tp.risk == null ? '—' : fmtNum(tp.risk)),
      h('div', { className: 'muted' }, `${t('incidents')}: ${tp.open_incidents}`))));

  mount(ctx.root,
    h('div', { className: 'page-head' }, h('h1', null, t('overview')), picker),
    setupBanner(setup),
    rangeInfo,
    kpiSlot,
    h('div', { className: 'grid-2' },
      section(t('riskByTopic'), topicCards, risk.box),
      section(t('liveAlerts'), feed)),
    h('div', { className: 'grid-even' },
      section(t('volumeBySource'), vol.box, volTotals),
      section(t('sentimentOverTime'), sent.box, sentTotals)),
    h('div', { className: 'grid-2' },
      section(t('shareOfVoice'), sov.box),
      section(t('shareTotals'), sovSlot)),
    section(t('topIncidents'), table(incidentHeaders(), o.topIncidents.map((i) => { const cells = incidentCells(i); cells[2] = name(i.topic); return cells; }), t('topIncidents'))));

  /** Draw everything that depends on the range. */
  const render = (d: Overview) => {
    const labels = bucketLabels(d.buckets, d.bucket, d.timeZone);
    for (const b of rangeButtons) {
      const on = b.dataset.range === (choice.range ?? 'custom');
      b.className = on ? 'seg active' : 'seg';
      b.setAttribute('aria-pressed', String(on));
    }
    custom.hidden = choice.range !== null && !custom.dataset.open;
    fromInput.value = wallTime(d.from, d.timeZone);
    toInput.value = wallTime(d.to, d.timeZone);
    mount(bucketSelect,
      h('option', { value: '', selected: !choice.bucket }, `${t('bucketAuto')} (${bucketText(d.bucket)})`),
      bucketsFor(Date.parse(d.to) - Date.parse(d.from)).map((b) => h('option', { value: b, selected: choice.bucket === b }, bucketText(b))));
    rangeInfo.textContent = `${fmtTime(d.from, 'short')} – ${fmtTime(d.to, 'short')} · ${t('perBar')} ${bucketText(d.bucket)} · ${zoneText(d.timeZone)} · ${t('kpiComparedWith')} ${fmtTime(d.previous.from, 'short')} – ${fmtTime(d.previous.to, 'short')}`;
    mount(kpiSlot, kpiTiles(d));
    riskChart(risk.canvas, d, name, labels);
    volumeChart(vol.canvas, d, labels);
    sentimentChart(sent.canvas, d, labels);
    shareChart(sov.canvas, d, labels, name);
    for (const c of [risk.canvas, vol.canvas, sent.canvas, sov.canvas]) { c.dataset.bucket = d.bucket; c.dataset.buckets = String(d.buckets.length); }
    const tot = d.totals;
    volTotals.textContent = tot.posts ? `${t('kpiPosts')} ${fmtNum(tot.posts)}` : t('noDataInRange');
    sentTotals.textContent = tot.posts
      ? `${t('negative')} ${fmtNum(tot.negative)} (${pct(tot.negative / tot.posts)}) · ${t('neutral')} ${fmtNum(tot.neutral)} (${pct(tot.neutral / tot.posts)}) · ${t('positive')} ${fmtNum(tot.positive)} (${pct(tot.positive / tot.posts)})`
      : t('noDataInRange');
    mount(sovSlot, shareTotals(d, name));
    ctx.root.dataset.bucket = d.bucket;
  };

  let seq = 0;
  const load = async (next: RangeChoice) => {
    const mine = ++seq;
    customError.textContent = '';
    try {
      const d = await api.get<Overview>(`/overview${qs(choiceQuery(next))}`);
      if (mine !== seq || !document.body.contains(ctx.root)) return;
      choice = next;
      history.replaceState(null, '', `#/overview${qs(choiceQuery(choice))}`); // bookmarkable; no re-route
      render(d);
    } catch (e) {
      if (mine === seq) customError.textContent = e instanceof Error ? e.message : String(e);
      custom.hidden = false;
    }
  };

  for (const b of rangeButtons) {
    b.addEventListener('click', () => {
      const r = b.dataset.range!;
      if (r === 'custom') { custom.dataset.open = '1'; custom.hidden = false; fromInput.focus(); return; }
      delete custom.dataset.open;
      void load({ range: r, from: null, to: null, bucket: fitsOrAuto(choice.bucket, RANGE_MS[r]) });
    });
  }
  applyBtn.addEventListener('click', () => {
    if (!fromInput.value || !toInput.value) { customError.textContent = t('rangeMissing'); return; }
    if (fromInput.value >= toInput.value) { customError.textContent = t('rangeOrder'); return; }
    const len = Date.parse(`${toInput.value}:00Z`) - Date.parse(`${fromInput.value}:00Z`);
    if (!bucketsFor(len).length) { customError.textContent = t('rangeTooLong'); return; }
    void load({ range: null, from: fromInput.value, to: toInput.value, bucket: fitsOrAuto(choice.bucket, len) });
  });
  bucketSelect.addEventListener('change', () => void load({ ...choice, bucket: (bucketSelect.value || null) as BucketId | null }));

  render(o);

  // a range ending now moves on: redraw a minute later, and soon after a new alert
  let refresh: ReturnType<typeof setTimeout> | null = null;
  const later = (ms: number) => {
    if (refresh) clearTimeout(refresh);
    refresh = setTimeout(() => {
      if (!document.body.contains(ctx.root)) return; // left the page
      if (choice.range) void load(choice);
      later(60_000);
    }, ms);
  };
  later(60_000);

  unsubscribe = onAlert((a) => {
    if (!document.body.contains(feed)) { unsubscribe?.(); unsubscribe = null; return; }
    const li = alertItem(a, name);
    li.classList.add('fresh');
    feed.insertBefore(li, feed.firstChild);
    while (feed.children.length > 50) feed.lastElementChild?.remove();
    later(2_000);
  });
}

/** Keep a chosen bucket when the new range can have it; else back to automatic. */
function fitsOrAuto(bucket: BucketId | null, rangeMs: number): BucketId | null {
  return bucket && bucketsFor(rangeMs).includes(bucket) ? bucket : null;
}
