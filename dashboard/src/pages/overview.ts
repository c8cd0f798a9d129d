// Overview: risk index per topic with a 24 h / 7 d trend, volume by source (stacked), sentiment
// share, top open incidents, and the live alert feed (SSE; new alerts appear without reload).
// A banner lists what setup is missing for alerts to reach people (GET /healthz `setup`).
import { h, mount, truncate } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { draw, chartBox, PALETTE } from '../charts.js';
import { fmtNum, fmtTime } from '../format.js';
import { onAlert, type LiveAlert } from '../live.js';
import { section, table, type PageCtx } from '../ctx.js';
import { incidentCells, incidentHeaders, levelBadge, type IncidentRow } from './common.js';

interface Overview { hours: number; bucket: 'hour' | 'day'; volume: { bucket: string; source: string; n: number }[]; sentiment: { label: string; n: number }[]; risk: { topic: string; bucket: string; risk: number }[]; topIncidents: IncidentRow[]; totals: { posts: number; negative: number } }
interface Topic { id: string; name: string; risk: number | null; open_incidents: number }

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

function alertItem(a: LiveAlert): HTMLElement {
  return h('li', { className: 'alert-item', 'data-alert': a.id ?? '' },
    levelBadge(a.level), ' ',
    a.incident ? h('a', { href: `#/incident/${encodeURIComponent(a.incident)}` }, truncate(a.title, 90)) : h('span', null, truncate(a.title, 90)),
    h('span', { className: 'muted' }, ` · ${a.topic} · ${t('risk')} ${fmtNum(a.risk)} · ${a.state} · ${fmtTime(a.at, 'short')}`));
}

function riskChart(canvas: HTMLCanvasElement, o: Overview, topics: Topic[]): void {
  const buckets = [...new Set(o.risk.map((r) => r.bucket))].sort();
  const ids = [...new Set(o.risk.map((r) => r.topic))];
  const name = (id: string) => topics.find((x) => x.id === id)?.name ?? id;
  draw(canvas, {
    type: 'line',
    data: {
      labels: buckets.map((b) => fmtTime(b, o.bucket === 'hour' ? 'hour' : 'short')),
      datasets: ids.map((id, i) => ({
        label: name(id), borderColor: PALETTE[i % PALETTE.length], backgroundColor: PALETTE[i % PALETTE.length], tension: 0.2, spanGaps: true,
        data: buckets.map((b) => o.risk.find((r) => r.topic === id && r.bucket === b)?.risk ?? null),
      })),
    },
    options: { scales: { y: { min: 0, max: 100, title: { display: true, text: t('risk') } } } },
  });
}

export async function overviewPage(ctx: PageCtx): Promise<void> {
  unsubscribe?.();
  let hours = ctx.query.get('range') === '7d' ? 168 : 24;
  const [o, topicsRes, alertsRes, setup] = await Promise.all([
    api.get<Overview>(`/overview?hours=${hours}`),
    api.get<{ topics: Topic[] }>('/topics'),
    api.get<{ alerts: LiveAlert[] }>('/alerts?limit=20'),
    setupItems(),
  ]);
  const topics = topicsRes.topics;
  const risk = chartBox(t('riskByTopic'));
  risk.canvas.id = 'risk-chart';
  const vol = chartBox(t('volumeBySource'));
  vol.canvas.id = 'volume-chart';
  const sent = chartBox(t('sentimentShare'), 220);
  sent.canvas.id = 'sentiment-chart';
  const feed = h('ul', { className: 'alert-feed', id: 'alert-feed', 'aria-live': 'polite' }, alertsRes.alerts.map(alertItem));

  const rangeBtn = (label: string, hrs: number) => h('button', { type: 'button', className: hrs === hours ? 'seg active' : 'seg', 'aria-pressed': String(hrs === hours), on: { click: async () => {
    hours = hrs;
    const next = await api.get<Overview>(`/overview?hours=${hours}`);
    riskChart(risk.canvas, next, topics);
    for (const b of document.querySelectorAll('.range .seg')) { const on = b.textContent === label; b.className = on ? 'seg active' : 'seg'; b.setAttribute('aria-pressed', String(on)); }
  } } }, label);

  const topicCards = h('div', { className: 'topic-cards' }, topics.map((tp) =>
    h('div', { className: 'topic-card' }, h('div', { className: 'topic-name' }, truncate(tp.name, 40)),
      h('div', { className: 'topic-risk' }, tp.risk == null ? '—' : fmtNum(tp.risk)),
      h('div', { className: 'muted' }, `${t('incidents')}: ${tp.open_incidents}`))));

  mount(ctx.root,
    h('h1', null, t('overview')),
    setupBanner(setup),
    h('div', { className: 'grid-2' },
      section(t('riskByTopic'), topicCards, h('div', { className: 'range', role: 'group', 'aria-label': t('riskByTopic') }, rangeBtn(t('trend24h'), 24), rangeBtn(t('trend7d'), 168)), risk.box),
      section(t('liveAlerts'), feed)),
    h('div', { className: 'grid-2' },
      section(t('volumeBySource'), vol.box),
      section(t('sentimentShare'), sent.box, h('p', { className: 'muted' }, `${fmtNum(o.totals?.posts)} · ${t('negative')} ${fmtNum(o.totals?.negative)}`))),
    section(t('topIncidents'), table(incidentHeaders(), o.topIncidents.map(incidentCells), t('topIncidents'))));

  riskChart(risk.canvas, o, topics);
  const buckets = [...new Set(o.volume.map((v) => v.bucket))].sort();
  const sources = [...new Set(o.volume.map((v) => v.source))].sort();
  draw(vol.canvas, {
    type: 'bar',
    data: {
      labels: buckets.map((b) => fmtTime(b, o.bucket === 'hour' ? 'hour' : 'short')),
      datasets: sources.map((s, i) => ({ label: s, backgroundColor: PALETTE[i % PALETTE.length], data: buckets.map((b) => o.volume.find((v) => v.bucket === b && v.source === s)?.n ?? 0) })),
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
  });
  const order = ['negative', 'neutral', 'positive', 'unknown'];
  const sentRows = [...o.sentiment].sort((a, b) => order.indexOf(a.label) - order.indexOf(b.label));
  draw(sent.canvas, {
    type: 'doughnut',
    data: { labels: sentRows.map((s) => t(order.includes(s.label) ? s.label : 'unknown')), datasets: [{ data: sentRows.map((s) => s.n), backgroundColor: sentRows.map((s) => ({ negative: '#b3261e', neutral: '#78909c', positive: '#2e7d32' } as Record<string, string>)[s.label] ?? '#bdbdbd') }] },
  });

  unsubscribe = onAlert((a) => {
    if (!document.body.contains(feed)) { unsubscribe?.(); unsubscribe = null; return; }
    const li = alertItem(a);
    li.classList.add('fresh');
    feed.insertBefore(li, feed.firstChild);
    while (feed.children.length > 50) feed.lastElementChild?.remove();
  });
}
