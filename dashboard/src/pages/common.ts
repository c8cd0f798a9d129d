// Bits shared by several pages: level badges, incident rows, sentiment labels, post rows.
import { h, extLink, truncate, type Child } from '../dom.js';
import { lang, t } from '../i18n.js';
import { sourceName } from '../../../src/i18n/reason-text.js';
import { fmtNum, fmtTime, levelClass } from '../format.js';

export interface IncidentRow { id: string; topic: string; title: string; level: string | null; state: string; status: string; risk: number; peakRisk: number; owner: string | null; openedAt: string; updatedAt: string; postCount: number; reasons: string[]; forecast: { reposts: number; low: number; high: number } | null; sources: string[]; acknowledgedAt: string | null; acknowledgedBy: string | null }
export interface PostRow { pk: number; key: string; source: string; id: string; kind: string; url: string | null; author: { name: string | null; followers: number | null; verified: boolean }; title: string | null; text: string | null; publishedAt: string | null; firstSeenAt: string; metrics: { reposts: number; comments: number; likes: number }; sentiment: { label: string | null; score: number | null; corrected: boolean }; severity: { score: number } }

export function levelBadge(level: unknown): HTMLElement {
  return h('span', { className: levelClass(level) }, typeof level === 'string' && level ? level : '—');
}

export function statusText(s: unknown): string { return t(`st_${String(s)}`); }

/** The pipeline's alert state (quiet | pending | firing | resolved), not the desk's status. */
export function alertStateText(s: unknown): string { return t(`as_${String(s)}`); }

export function sentimentText(label: unknown): string {
  return label === 'negative' || label === 'neutral' || label === 'positive' ? t(label) : t('unknown');
}

export function incidentLink(i: { id: string; title: string }): HTMLElement {
  return h('a', { href: `#/incident/${encodeURIComponent(i.id)}`, 'data-incident': i.id }, truncate(i.title, 80) || i.id);
}

export function incidentCells(i: IncidentRow): Child[] {
  return [levelBadge(i.level), incidentLink(i), i.topic, fmtNum(i.risk), statusText(i.status), i.owner ?? '—', fmtTime(i.updatedAt, 'short')];
}
export const incidentHeaders = () => [t('level'), t('title'), t('topic'), t('risk'), t('status'), t('owner'), t('updated')];

export function postCells(p: PostRow, extra?: Child): Child[] {
  return [
    h('span', { title: p.source }, sourceName(p.source, lang())),
    h('span', null, truncate(p.author.name ?? '—', 40), p.author.verified ? h('span', { className: 'verified', title: 'verified' }, ' ✓') : null),
    fmtNum(p.author.followers),
    h('div', { className: 'post-text' }, p.title ? h('strong', null, truncate(p.title, 120), ' ') : null, truncate(p.text ?? '', 280)),
    `${fmtNum(p.metrics.reposts)} / ${fmtNum(p.metrics.comments)} / ${fmtNum(p.metrics.likes)}`,
    h('span', { className: `sent sent-${String(p.sentiment.label)}` }, sentimentText(p.sentiment.label), p.sentiment.corrected ? ' *' : ''),
    fmtTime(p.publishedAt ?? p.firstSeenAt, 'short'),
    extLink(p.url, t('original')),
    extra ?? null,
  ];
}
export const postHeaders = () => [t('source'), t('author'), t('followers'), t('text'), `${t('reach')} (↻/💬/♥)`, t('sentiment'), t('published'), t('original')];
