// The HTML report: one self-contained page (inline CSS, inline SVG charts, no scripts, a CSP that
// forbids loading anything), which is also what the PDF is printed from. All crawled text is
// escaped; links are only written for http(s) URLs.
import { LEVELS, LEVEL_COLOR, LEVEL_NAME } from '../core/alert.js';
import { formatInZone } from './date-range.js';
import { formatDuration, words, type Words } from './i18n.js';
import type { IncidentRow, PeriodKpis, PostRow, ReportData, TimelineEvent } from './report-data.js';
import { escapeXml as esc, lineChart, sparkline, stackedBarChart } from './svg-charts.js';
import { localizeReasons } from '../i18n/reason-text.js';

export const SENTIMENT_COLOR = { negative: '#e53935', neutral: '#9e9e9e', positive: '#43a047', unknown: '#cfd8dc' } as const;
const TOPIC_COLORS = ['#d32f2f', '#1976d2', '#388e3c', '#7b1fa2', '#f57c00', '#0097a7', '#5d4037', '#c2185b'];

export function safeUrl(u: string | null | undefined): string | null {
  if (!u) return null;
  try {
    const p = new URL(u);
    return p.protocol === 'http:' || p.protocol === 'https:' ? p.href : null;
  } catch { return null; }
}

const num = (n: number | null | undefined) => (n == null ? '–' : Math.round(n).toLocaleString('en-US'));
const pct = (x: number | null) => (x == null ? '–' : `${(x * 100).toFixed(1)}%`);
const clip = (s: string, n: number) => ([...s].length > n ? `${[...s].slice(0, n).join('')}…` : s);

function change(cur: number | null, prev: number | null, kind: 'count' | 'share' | 'duration'): string {
  if (cur == null || prev == null) return '–';
  if (kind === 'share') {
    const d = (cur - prev) * 100;
    return `${d > 0 ? '▲' : d < 0 ? '▼' : '='} ${d >= 0 ? '+' : ''}${d.toFixed(1)} pp`;
  }
  const d = cur - prev;
  const rel = prev ? ` (${d >= 0 ? '+' : ''}${Math.round((d / prev) * 100)}%)` : '';
  const arrow = d > 0 ? '▲' : d < 0 ? '▼' : '=';
  if (kind === 'duration') return `${arrow}${rel}`;
  return `${arrow} ${d >= 0 ? '+' : ''}${num(d)}${rel}`;
}

function kpiTable(w: Words, cur: PeriodKpis, prev: PeriodKpis, lang: ReportData['lang']): string {
  const row = (name: string, a: string, b: string, c: string) => `<tr><th>${esc(name)}</th><td>${esc(a)}</td><td>${esc(b)}</td><td>${esc(c)}</td></tr>`;
  const rows = [
    row(w.volume, num(cur.volume), num(prev.volume), change(cur.volume, prev.volume, 'count')),
    row(w.collected, num(cur.collected), num(prev.collected), change(cur.collected, prev.collected, 'count')),
    row(w.negativeShare, pct(cur.negativeShare), pct(prev.negativeShare), change(cur.negativeShare, prev.negativeShare, 'share')),
    row(w.incidentsTotal, num(cur.incidents), num(prev.incidents), change(cur.incidents, prev.incidents, 'count')),
    ...LEVELS.map((l) => row(`${w.incidentsLevel} ${l} ${lang === 'en' ? LEVEL_NAME[l].en : LEVEL_NAME[l].zh}`,
      num(cur.incidentsByLevel[l]), num(prev.incidentsByLevel[l]), change(cur.incidentsByLevel[l], prev.incidentsByLevel[l], 'count'))),
    row(w.alertsTotal, num(cur.alerts), num(prev.alerts), change(cur.alerts, prev.alerts, 'count')),
    row(w.medianTta, formatDuration(cur.medianTtaSeconds, lang), formatDuration(prev.medianTtaSeconds, lang), change(cur.medianTtaSeconds, prev.medianTtaSeconds, 'duration')),
    row(w.medianTtr, formatDuration(cur.medianTtrSeconds, lang), formatDuration(prev.medianTtrSeconds, lang), change(cur.medianTtrSeconds, prev.medianTtrSeconds, 'duration')),
  ];
  return `<table class="kpi"><thead><tr><th>${esc(w.kpi)}</th><th>${esc(w.current)}</th><th>${esc(w.prev)}</th><th>${esc(w.change)}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function levelBadge(level: string | null, w: Words): string {
  if (!level || !(level in LEVEL_COLOR)) return `<span class="badge none">${esc(w.levelNone)}</span>`;
  return `<span class="badge" style="background:${LEVEL_COLOR[level as keyof typeof LEVEL_COLOR]}">${esc(level)}</span>`;
}

/** One line per event: `03-02 10:05 首帖 → 10:40 P3 (62) → …`. */
export function timelineText(events: TimelineEvent[], zone: string, w: Words): string {
  return events.map((e) => {
    const t = formatInZone(e.at, zone).slice(5);
    const what = e.event === 'first-post' ? w.firstPost : e.event === 'alert' ? `${e.level}${e.risk != null ? ` (${e.risk})` : ''}`
      : e.event === 'resolved' ? w.resolvedAt : e.event === 'acknowledged' ? w.statusNames.acknowledged : w.closedAt;
    return `${t} ${what}`;
  }).join(' → ');
}

export function outcomeText(i: IncidentRow, w: Words): string {
  const status = w.statusNames[i.status] ?? i.status;
  if (i.status === 'resolved' || i.status === 'false_alarm') return status;
  if (i.state === 'resolved') return `${w.resolvedAt} (${status})`;
  return `${w.openStatus} (${status})`;
}

function incidentsTable(d: ReportData, w: Words, print: boolean): string {
  if (!d.incidents.length) return `<p class="empty">${esc(w.none)}</p>`;
  if (print) return incidentsTablePrint(d, w);
  const head = [w.id, w.titleCol, w.level, w.peakRisk, w.opened, w.postCount, w.sources, w.tta, w.ttr, w.outcome].map((h) => `<th>${esc(h)}</th>`).join('');
  const rows = d.incidents.map((i) => `<tr class="inc"><td>${esc(i.id)}</td><td>${esc(clip(i.title, 60))}<div class="muted">${esc(i.topic)} · ${esc(localizeReasons(i.reasons.slice(0, 2), d.lang).join('; '))}</div></td>
<td>${levelBadge(i.peakLevel, w)}</td><td>${esc(Math.round(i.peakRisk))}</td><td class="nowrap">${esc(formatInZone(i.openedAt, d.zone))}</td><td>${esc(num(i.postCount))}</td>
<td>${esc(i.sources.join(', '))}</td><td>${esc(formatDuration(i.ttaSeconds, d.lang))}</td><td>${esc(formatDuration(i.ttrSeconds, d.lang))}</td><td>${esc(outcomeText(i, w))}${i.owner ? `<div class="muted">${esc(i.owner)}</div>` : ''}</td></tr>
<tr class="timeline"><td></td><td colspan="9"><div class="tl"><span class="spark">${sparkline(i.spread, i.riskPoints)}</span><span>${esc(w.timeline)}: ${esc(timelineText(i.timeline, d.zone, w))}</span></div></td></tr>`).join('');
  return `<table class="grid incidents"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

/**
 * The incident table for the PDF (A4 portrait): seven columns with short one-line headers and fixed
 * widths, the id above the level, topic, sources and reasons under the title, both durations in one
 * cell; the full table is in the HTML, CSV and XLSX reports.
 */
function incidentsTablePrint(d: ReportData, w: Words): string {
  const cols: [string, number][] = [[w.id, 10], [w.titleCol, 0], [w.riskShort, 7], [w.opened, 12], [w.postsShort, 7], [w.durations, 14], [w.outcome, 13]];
  const colgroup = `<colgroup>${cols.map(([, pctW]) => (pctW ? `<col style="width:${pctW}%">` : '<col>')).join('')}</colgroup>`;
  const head = cols.map(([h]) => `<th>${esc(h)}</th>`).join('');
  const rows = d.incidents.map((i) => `<tr class="inc"><td>${esc(i.id)}<div>${levelBadge(i.peakLevel, w)}</div></td>
<td>${esc(clip(i.title, 60))}<div class="muted">${esc([i.topic, i.sources.join(', '), i.reasons.slice(0, 2).join('; ')].filter(Boolean).join(' · '))}</div></td>
<td>${esc(Math.round(i.peakRisk))}</td><td>${esc(formatInZone(i.openedAt, d.zone).slice(5))}</td><td>${esc(num(i.postCount))}</td>
<td>${esc(formatDuration(i.ttaSeconds, d.lang))}<br>${esc(formatDuration(i.ttrSeconds, d.lang))}</td><td>${esc(outcomeText(i, w))}${i.owner ? `<div class="muted">${esc(i.owner)}</div>` : ''}</td></tr>
<tr class="timeline"><td></td><td colspan="6"><div class="tl"><span class="spark">${sparkline(i.spread, i.riskPoints)}</span><span>${esc(w.timeline)}: ${esc(timelineText(i.timeline, d.zone, w))}</span></div></td></tr>`).join('');
  return `<table class="grid incidents print">${colgroup}<thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

function postLink(p: PostRow, w: Words): string {
  const u = safeUrl(p.url);
  return u ? `<a href="${esc(u)}">${esc(w.linkText)}</a><div class="url">${esc(clip(u, 60))}</div>` : esc(p.key);
}

function negativeTable(d: ReportData, w: Words): string {
  if (!d.topNegative.length) return `<p class="empty">${esc(w.none)}</p>`;
  const head = [w.published, w.source, w.author, w.text, w.engagement, w.severity, w.link].map((h) => `<th>${esc(h)}</th>`).join('');
  const rows = d.topNegative.map((p) => `<tr><td>${esc(formatInZone(p.publishedAt, d.zone))}</td><td>${esc(p.source)}</td>
<td>${esc(p.author ?? '')}${p.followers != null ? `<div class="muted">${esc(num(p.followers))}</div>` : ''}</td>
<td class="text">${p.title ? `<b>${esc(clip(p.title, 60))}</b> ` : ''}${esc(clip(p.text, 160))}</td><td>${esc(num(p.engagement))}<div class="muted">${esc(`${num(p.reposts)}/${num(p.comments)}/${num(p.likes)}`)}</div></td>
<td>${esc(p.severity.toFixed(2))}</td><td>${postLink(p, w)}</td></tr>`).join('');
  return `<table class="grid"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

function authorsTable(d: ReportData, w: Words): string {
  if (!d.authors.length) return `<p class="empty">${esc(w.none)}</p>`;
  const head = [w.author, w.source, w.followers, w.authorPosts, w.negativePosts, w.engagement, w.link].map((h) => `<th>${esc(h)}</th>`).join('');
  const rows = d.authors.map((a) => {
    const u = safeUrl(a.topPostUrl);
    return `<tr><td>${esc(a.name ?? a.id)}${a.verified ? ' ✔' : ''}</td><td>${esc(a.source)}</td><td>${esc(num(a.followers))}</td><td>${esc(num(a.posts))}</td>
<td>${esc(num(a.negativePosts))}</td><td>${esc(num(a.engagement))}</td><td>${u ? `<a href="${esc(u)}">${esc(w.linkText)}</a>` : ''}</td></tr>`;
  }).join('');
  return `<table class="grid"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

function keywordsTable(d: ReportData, w: Words): string {
  if (!d.risingKeywords.length) return `<p class="empty">${esc(w.none)}</p>`;
  const head = [w.keyword, w.countNow, w.countPrev, w.growth].map((h) => `<th>${esc(h)}</th>`).join('');
  const rows = d.risingKeywords.map((k) => `<tr><td>${esc(k.term)}</td><td>${esc(num(k.count))}</td><td>${esc(num(k.previous))}</td><td>${esc(k.growth == null ? w.newTerm : `×${k.growth}`)}</td></tr>`).join('');
  return `<table class="grid narrow"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

function sourcesTable(d: ReportData, w: Words): string {
  const cfg = d.sourceHealth.configured;
  const parts: string[] = [];
  if (cfg.length) {
    const head = [w.source, w.adapter, w.healthy, w.lastSuccess, w.errors, w.items, w.lastError].map((h) => `<th>${esc(h)}</th>`).join('');
    parts.push(`<table class="grid"><thead><tr>${head}</tr></thead><tbody>${cfg.map((s) => `<tr><td>${esc(s.id)}</td><td>${esc(s.adapter)}</td>
<td class="${s.blocked || !s.healthy ? 'bad' : 'good'}">${esc(s.blocked ? w.blocked : s.healthy ? w.ok : w.failing)}</td><td>${esc(formatInZone(s.lastSuccessAt, d.zone))}</td>
<td>${esc(num(s.errorsInPeriod))}</td><td>${esc(num(s.itemsInPeriod))}</td><td class="text">${esc(clip(s.lastError ?? '', 80))}</td></tr>`).join('')}</tbody></table>`);
  } else parts.push(`<p class="muted">${esc(w.sourcesNote)}</p>`);
  if (d.sourceHealth.platforms.length) {
    parts.push(`<table class="grid narrow"><thead><tr><th>${esc(w.source)}</th><th>${esc(w.collected)}</th><th>${esc(w.lastSeen)}</th></tr></thead><tbody>${d.sourceHealth.platforms
      .map((p) => `<tr><td>${esc(p.source)}</td><td>${esc(num(p.posts))}</td><td>${esc(formatInZone(p.lastSeenAt, d.zone))}</td></tr>`).join('')}</tbody></table>`);
  }
  return parts.join('');
}

/** Bucket labels for charts: `03-02 14:00` for sub-day buckets, `03-02` for days. */
export function bucketLabels(d: ReportData): string[] {
  const sub = d.volumeTrend.bucketMs < 86_400_000;
  return d.volumeTrend.buckets.map((b) => (sub ? formatInZone(b, d.zone).slice(5) : formatInZone(b, d.zone, false).slice(5)));
}

export function chartsSvg(d: ReportData, w: Words): { risk: string; volume: string; sources: string } {
  const labels = bucketLabels(d);
  const sentiments = (['negative', 'neutral', 'positive', 'unknown'] as const);
  return {
    risk: lineChart({ title: w.riskTrend, labels, yLabel: w.riskAxis, yMax: 100, emptyText: w.noData,
      series: d.riskTrend.series.map((s, i) => ({ name: s.name, color: TOPIC_COLORS[i % TOPIC_COLORS.length], values: s.values })) }),
    volume: stackedBarChart({ title: w.volumeBySentiment, labels, yLabel: w.postsAxis, emptyText: w.noData,
      stacks: sentiments.filter((k) => k !== 'unknown' || d.volumeTrend.unknown.some((v) => v > 0)).map((k) => ({ name: w[k], color: SENTIMENT_COLOR[k], values: d.volumeTrend[k] })) }),
    sources: stackedBarChart({ title: w.volumeBySource, labels: d.volumeBySource.map((s) => s.source), yLabel: w.postsAxis, height: 220, emptyText: w.noData,
      stacks: sentiments.filter((k) => k !== 'unknown' || d.volumeBySource.some((s) => s.unknown > 0))
        .map((k) => ({ name: w[k], color: SENTIMENT_COLOR[k], values: d.volumeBySource.map((s) => s[k]) })) }),
  };
}

const CSS = `
*{box-sizing:border-box}body{font-family:'WenQuanYi Micro Hei','Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif;color:#222;margin:0;padding:24px;font-size:13px;line-height:1.45}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;border-bottom:2px solid #1976d2;padding-bottom:3px;margin:22px 0 8px;break-after:avoid}
.meta{color:#555;margin-bottom:8px}.muted{color:#777;font-size:11px}.url{color:#777;font-size:10px;word-break:break-all}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
thead th{background:#f1f5f9;white-space:nowrap}.nowrap{white-space:nowrap}
table.incidents.print{table-layout:fixed;font-size:11px}table.incidents.print td{overflow-wrap:anywhere}table.incidents.print thead th{overflow:hidden;text-overflow:ellipsis}
.basis{background:#fff8e1;border-left:3px solid #f0a000;padding:4px 8px;margin:4px 0 8px}table.kpi{width:auto;min-width:60%}table.kpi td{text-align:right}table.narrow{width:auto;min-width:40%}
tr{break-inside:avoid}.text{max-width:340px;word-break:break-word}.badge{color:#fff;border-radius:3px;padding:1px 6px;font-weight:bold}
.badge.none{background:#bbb}.tl{display:flex;gap:10px;align-items:center;font-size:11px;color:#444}.spark svg{display:block}
tr.timeline td{border-top:none;background:#fafafa}.chart{break-inside:avoid;margin:4px 0 10px}.empty{color:#888}.good{color:#2e7d32}.bad{color:#c62828;font-weight:bold}
a{color:#1565c0}@page{size:A4;margin:14mm 10mm 16mm 10mm}@media print{body{padding:0}}`;

export interface HtmlOptions { /** the layout printed to PDF (narrower incident table) */ print?: boolean }

export function renderHtml(d: ReportData, opts: HtmlOptions = {}): string {
  const w = words(d.lang);
  const charts = chartsSvg(d, w);
  const topics = d.topics.length ? d.topics.map((t) => `${t.name} (${t.id})`).join('、') : w.allTopics;
  return `<!DOCTYPE html>
<html lang="${esc(d.lang)}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`${d.title} · ${topics}`)}</title><style>${CSS}</style></head>
<body>
<h1>${esc(d.title)} · ${esc(topics)}</h1>
<div class="meta">${esc(w.reportFor)}: ${esc(topics)} · ${esc(w.period)}: ${esc(d.period.label)} (${esc(d.zone)}) · ${esc(w.previous)}: ${esc(d.previous.label)} · ${esc(w.generatedAt)}: ${esc(formatInZone(d.generatedAt, d.zone))}</div>
${d.period.basis !== 'requested' && w.basisNotes[d.period.basis] ? `<p class="basis" id="period-basis">${esc(w.basisNotes[d.period.basis])}</p>` : ''}
<section id="summary"><h2>${esc(w.summary)}</h2>${kpiTable(w, d.summary.current, d.summary.previous, d.lang)}</section>
<section id="risk-trend"><h2>${esc(w.riskTrend)}</h2><div class="chart">${charts.risk}</div></section>
<section id="volume"><h2>${esc(w.volumeBySentiment)}</h2><div class="chart">${charts.volume}</div>
<h2>${esc(w.volumeBySource)}</h2><div class="chart">${charts.sources}</div></section>
<section id="incidents"><h2>${esc(w.incidents)}</h2>${incidentsTable(d, w, opts.print ?? false)}</section>
<section id="top-negative"><h2>${esc(w.topNegative)}</h2>${negativeTable(d, w)}</section>
<section id="authors"><h2>${esc(w.influentialAuthors)}</h2>${authorsTable(d, w)}</section>
<section id="keywords"><h2>${esc(w.risingKeywords)}</h2>${keywordsTable(d, w)}</section>
<section id="sources"><h2>${esc(w.sourceHealth)}</h2>${sourcesTable(d, w)}</section>
</body></html>
`;
}
