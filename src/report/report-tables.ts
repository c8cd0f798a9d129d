// The report as named tables (summary, incidents, alerts, posts, top negative posts, authors,
// keywords, sources): the shared shape behind the CSV and XLSX renderers. Cells are typed
// (string | number | null) so numbers stay numbers; text is raw here and made safe by each writer.
import { LEVELS } from '../core/alert.js';
import { formatInZone } from './date-range.js';
import { formatDuration, words } from './i18n.js';
import type { PeriodKpis, PostRow, ReportData } from './report-data.js';
import { outcomeText, timelineText } from './render-html.js';
import { localizeReasons } from '../i18n/reason-text.js';

export type Cell = string | number | null;
export interface Column { key: string; header: string; width?: number; kind?: 'text' | 'number' | 'url' | 'time' }
export interface Table { name: string; title: string; columns: Column[]; rows: Cell[][] }

const round = (n: number | null, d = 1) => (n == null ? null : Math.round(n * 10 ** d) / 10 ** d);

function kpiRows(d: ReportData): Cell[][] {
  const w = words(d.lang);
  const c = d.summary.current, p = d.summary.previous;
  const delta = (a: number | null, b: number | null) => (a == null || b == null ? null : round(a - b, 3));
  const row = (name: string, f: (k: PeriodKpis) => number | null): Cell[] => [name, f(c), f(p), delta(f(c), f(p))];
  return [
    row(w.volume, (k) => k.volume),
    row(w.collected, (k) => k.collected),
    row(`${w.negativeShare} (%)`, (k) => round(k.negativeShare == null ? null : k.negativeShare * 100, 1)),
    row(w.incidentsTotal, (k) => k.incidents),
    ...LEVELS.map((l) => row(`${w.incidentsLevel} ${l}`, (k) => k.incidentsByLevel[l])),
    row(w.alertsTotal, (k) => k.alerts),
    row(`${w.medianTta} (min)`, (k) => round(k.medianTtaSeconds == null ? null : k.medianTtaSeconds / 60, 1)),
    row(`${w.medianTtr} (min)`, (k) => round(k.medianTtrSeconds == null ? null : k.medianTtrSeconds / 60, 1)),
  ];
}

function postColumns(d: ReportData): Column[] {
  const w = words(d.lang);
  return [
    { key: 'published', header: w.published, width: 17, kind: 'time' }, { key: 'source', header: w.source, width: 10 },
    { key: 'id', header: w.id, width: 18 }, { key: 'kind', header: w.kind, width: 8 },
    { key: 'author', header: w.author, width: 16 }, { key: 'followers', header: w.followers, width: 11, kind: 'number' },
    { key: 'title', header: w.titleCol, width: 24 }, { key: 'text', header: w.text, width: 60 },
    { key: 'sentiment', header: w.sentiment, width: 9 }, { key: 'sentimentScore', header: w.sentimentScore, width: 9, kind: 'number' },
    { key: 'severity', header: w.severity, width: 9, kind: 'number' }, { key: 'reposts', header: w.reposts, width: 9, kind: 'number' },
    { key: 'comments', header: w.comments, width: 9, kind: 'number' }, { key: 'likes', header: w.likes, width: 9, kind: 'number' },
    { key: 'topics', header: w.topic, width: 12 }, { key: 'incident', header: w.incident, width: 10 },
    { key: 'url', header: w.url, width: 40, kind: 'url' },
  ];
}

function postRow(p: PostRow, d: ReportData): Cell[] {
  const w = words(d.lang);
  return [formatInZone(p.publishedAt, d.zone), p.source, p.id, p.kind, p.author, p.followers, p.title, p.text,
    w[p.sentiment], round(p.sentimentScore, 3), round(p.severity, 3), p.reposts, p.comments, p.likes,
    p.topics.join(','), p.incident, p.url];
}

export function reportTables(d: ReportData): Table[] {
  const w = words(d.lang);
  const topics = d.topics.map((t) => `${t.name} (${t.id})`).join(', ') || w.allTopics;
  const summary: Table = {
    name: 'summary', title: w.summary,
    columns: [{ key: 'kpi', header: w.kpi, width: 36 }, { key: 'current', header: w.current, width: 14, kind: 'number' },
      { key: 'previous', header: w.prev, width: 14, kind: 'number' }, { key: 'change', header: w.change, width: 12, kind: 'number' }],
    rows: [[w.reportFor, topics, null, null], [w.period, d.period.label, d.previous.label, null], ...kpiRows(d)],
  };
  const incidents: Table = {
    name: 'incidents', title: w.incidents,
    columns: [{ key: 'id', header: w.id, width: 9 }, { key: 'topic', header: w.topic, width: 12 }, { key: 'title', header: w.titleCol, width: 40 },
      { key: 'level', header: w.level, width: 8 }, { key: 'peakRisk', header: w.peakRisk, width: 9, kind: 'number' },
      { key: 'opened', header: w.opened, width: 17, kind: 'time' }, { key: 'posts', header: w.postCount, width: 8, kind: 'number' },
      { key: 'sources', header: w.sources, width: 16 }, { key: 'status', header: w.status, width: 12 }, { key: 'owner', header: w.owner, width: 12 },
      { key: 'tta', header: w.tta, width: 12 }, { key: 'ttr', header: w.ttr, width: 12 },
      { key: 'timeline', header: w.timeline, width: 70 }, { key: 'outcome', header: w.outcome, width: 16 }, { key: 'reasons', header: w.reasons, width: 50 }],
    rows: d.incidents.map((i) => [i.id, i.topic, i.title, i.peakLevel, i.peakRisk, formatInZone(i.openedAt, d.zone), i.postCount, i.sources.join(','),
      w.statusNames[i.status] ?? i.status, i.owner, formatDuration(i.ttaSeconds, d.lang), formatDuration(i.ttrSeconds, d.lang),
      timelineText(i.timeline, d.zone, w), outcomeText(i, w), localizeReasons(i.reasons, d.lang).join('; ')]),
  };
  const alerts: Table = {
    name: 'alerts', title: w.alerts,
    columns: [{ key: 'at', header: w.at, width: 17, kind: 'time' }, { key: 'topic', header: w.topic, width: 12 }, { key: 'incident', header: w.incident, width: 9 },
      { key: 'level', header: w.level, width: 7 }, { key: 'state', header: w.state, width: 9 }, { key: 'risk', header: w.risk, width: 7, kind: 'number' },
      { key: 'title', header: w.titleCol, width: 40 }, { key: 'reasons', header: w.reasons, width: 50 }, { key: 'posts', header: w.postCount, width: 8, kind: 'number' }],
    rows: d.alerts.map((a) => [formatInZone(a.at, d.zone), a.topic, a.incident, a.level, a.state, Math.round(a.risk), a.title, localizeReasons(a.reasons, d.lang).join('; '), a.posts]),
  };
  const cols = postColumns(d);
  const posts: Table = { name: 'posts', title: w.posts, columns: cols, rows: d.posts.map((p) => postRow(p, d)) };
  const negative: Table = { name: 'top-negative', title: w.topNegative, columns: cols, rows: d.topNegative.map((p) => postRow(p, d)) };
  const authors: Table = {
    name: 'authors', title: w.influentialAuthors,
    columns: [{ key: 'name', header: w.author, width: 18 }, { key: 'source', header: w.source, width: 10 }, { key: 'id', header: w.id, width: 14 },
      { key: 'followers', header: w.followers, width: 11, kind: 'number' }, { key: 'posts', header: w.authorPosts, width: 8, kind: 'number' },
      { key: 'negative', header: w.negativePosts, width: 10, kind: 'number' }, { key: 'engagement', header: w.engagement, width: 10, kind: 'number' },
      { key: 'url', header: w.url, width: 40, kind: 'url' }],
    rows: d.authors.map((a) => [a.name, a.source, a.id, a.followers, a.posts, a.negativePosts, a.engagement, a.topPostUrl]),
  };
  const keywords: Table = {
    name: 'keywords', title: w.risingKeywords,
    columns: [{ key: 'term', header: w.keyword, width: 16 }, { key: 'count', header: w.countNow, width: 10, kind: 'number' },
      { key: 'previous', header: w.countPrev, width: 10, kind: 'number' }, { key: 'growth', header: w.growth, width: 10, kind: 'number' }],
    rows: d.risingKeywords.map((k) => [k.term, k.count, k.previous, k.growth]),
  };
  const sources: Table = {
    name: 'sources', title: w.sourceHealth,
    columns: [{ key: 'source', header: w.source, width: 20 }, { key: 'adapter', header: w.adapter, width: 10 }, { key: 'state', header: w.healthy, width: 9 },
      { key: 'lastSuccess', header: w.lastSuccess, width: 17, kind: 'time' }, { key: 'errors', header: w.errors, width: 8, kind: 'number' },
      { key: 'items', header: w.items, width: 9, kind: 'number' }, { key: 'lastError', header: w.lastError, width: 50 }],
    rows: [
      ...d.sourceHealth.configured.map((s) => [s.id, s.adapter, s.blocked ? w.blocked : s.healthy ? w.ok : w.failing, formatInZone(s.lastSuccessAt, d.zone),
        s.errorsInPeriod, s.itemsInPeriod, s.lastError] as Cell[]),
      ...d.sourceHealth.platforms.map((p) => [p.source, null, null, formatInZone(p.lastSeenAt, d.zone), null, p.posts, null] as Cell[]),
    ],
  };
  return [summary, incidents, alerts, posts, negative, authors, keywords, sources];
}
