// Incidents: the list (open first) and one incident: timeline of volume and reposts with the
// forecast band, its posts with links to the originals, sources, reasons, the workflow (owner,
// status, notes, acknowledgement) and the evidence archive.
import { h, mount, truncate } from '../dom.js';
import { lang, t } from '../i18n.js';
import { localizeReason } from '../../../src/i18n/reason-text.js';
import { api } from '../api.js';
import { chartBox } from '../charts.js';
import { forecastText, incidentTimeline, type Forecast } from './incident-chart.js';
import { fmtNum, fmtTime } from '../format.js';
import { busy, section, table, type PageCtx } from '../ctx.js';
import { alertStateText, levelBadge, postCells, postHeaders, statusText, type IncidentRow, type PostRow } from './common.js';
import { mergedNotice, postSelection, regroupFacts, regroupSection, type RegroupInfo } from './incident-regroup.js';
import { briefSection } from './incident-brief.js';

const STATUSES = ['new', 'acknowledged', 'responding', 'resolved', 'false_alarm'];

export { incidentsPage } from './incidents-list.js'; // the list with its bulk actions

interface Detail { incident: IncidentRow & RegroupInfo & { categories: string[] }; posts: PostRow[]; risk: { at: string; risk: number }[]; volume: { bucket: string; posts: number; reposts: number }[]; alerts: { id: number; at: string; level: string; state: string; risk: number }[] }
interface Note { id: number; at: string; author: string | null; text: string }
interface Evidence { id: number; postPk: number | null; at: string; kind: string; url: string | null; source: string | null; postId: string | null }

export async function incidentPage(ctx: PageCtx): Promise<void> {
  const id = ctx.params[0] ?? '';
  const enc = encodeURIComponent(id);
  const d = await api.get<Detail>(`/incidents/${enc}`);
  const [notesRes, evRes, topicsRes] = await Promise.all([
    api.get<{ notes: Note[] } | Note[]>(`/incidents/${enc}/notes`).catch(() => ({ notes: [] as Note[] })),
    api.get<{ evidence: Evidence[] }>(`/incidents/${enc}/evidence`).catch(() => ({ evidence: [] as Evidence[] })),
    api.get<{ topics: { id: string; name: string }[] }>('/topics').catch(() => ({ topics: [] as { id: string; name: string }[] })), // the topic's name, not its id
  ]);
  const notes = Array.isArray(notesRes) ? notesRes : notesRes.notes ?? [];
  const inc = d.incident;
  const reload = () => incidentPage(ctx);
  const analyst = ctx.can('analyst');

  const chart = chartBox(t('timeline'), 280);
  chart.canvas.id = 'incident-chart';

  const ackBtn = h('button', { type: 'button', className: 'primary', id: 'ack-btn', disabled: !analyst || inc.status !== 'new' }, inc.status === 'new' ? t('acknowledge') : `${t('acknowledged')} ✓`);
  ackBtn.addEventListener('click', () => busy(ctx, ackBtn, async () => { await api.post(`/incidents/${enc}/ack`, {}); await reload(); ctx.say(t('acknowledged'), 'ok'); }));

  const owner = h('input', { id: 'owner', value: inc.owner ?? '', maxlength: 100, disabled: !analyst });
  const ownerBtn = h('button', { type: 'button', disabled: !analyst }, t('assign'));
  ownerBtn.addEventListener('click', () => busy(ctx, ownerBtn, () => api.post(`/incidents/${enc}/assign`, { owner: owner.value }), t('saved')));

  const status = h('select', { id: 'status-select', disabled: !analyst }, STATUSES.map((s) => h('option', { value: s, selected: s === inc.status }, statusText(s))));
  const statusBtn = h('button', { type: 'button', disabled: !analyst }, t('save'));
  statusBtn.addEventListener('click', () => busy(ctx, statusBtn, async () => { await api.post(`/incidents/${enc}/status`, { status: status.value }); await reload(); ctx.say(t('saved'), 'ok'); }));

  const noteText = h('textarea', { id: 'note-text', rows: 3, maxlength: 10000, disabled: !analyst });
  const noteBtn = h('button', { type: 'button', disabled: !analyst }, t('addNote'));
  noteBtn.addEventListener('click', () => busy(ctx, noteBtn, async () => { if (!noteText.value.trim()) return; await api.post(`/incidents/${enc}/notes`, { text: noteText.value }); await reload(); }));

  const archiveBtn = h('button', { type: 'button', disabled: !analyst }, t('archiveNow'));
  archiveBtn.addEventListener('click', () => busy(ctx, archiveBtn, async () => {
    const r = await api.post<{ skipped?: string; items: { ok: boolean; url: string; error?: string }[] }>(`/incidents/${enc}/evidence`, {});
    await reload();
    ctx.say(r.skipped ?? r.items.map((i) => (i.ok ? `✓ ${i.url}` : `✗ ${i.url}: ${i.error ?? ''}`)).join('; '), r.items.some((i) => !i.ok) ? 'error' : 'ok');
  }));

  const picked = postSelection(); // posts ticked for a split (analysts and admins)
  const regroup = regroupSection(ctx, inc, picked);
  const sourcesCount = new Map<string, number>();
  for (const p of d.posts) sourcesCount.set(p.source, (sourcesCount.get(p.source) ?? 0) + 1);

  mount(ctx.root,
    h('p', null, h('a', { href: '#/incidents' }, `← ${t('incidents')}`)),
    h('h1', { id: 'incident-title' }, levelBadge(inc.level), ' ', truncate(inc.title, 140)),
    mergedNotice(inc),
    h('dl', { className: 'facts' },
      h('dt', null, t('topic')), h('dd', { id: 'incident-topic' }, topicsRes.topics.find((x) => x.id === inc.topic)?.name ?? inc.topic),
      h('dt', null, t('risk')), h('dd', null, `${fmtNum(inc.risk)} (${t('peakRisk')} ${fmtNum(inc.peakRisk)})`),
      h('dt', null, t('alertState')), h('dd', { id: 'incident-alert-state' }, alertStateText(inc.state)),
      h('dt', null, t('status')), h('dd', { id: 'incident-status' }, statusText(inc.status)),
      h('dt', null, t('opened')), h('dd', null, fmtTime(inc.openedAt)),
      h('dt', null, t('postsCount')), h('dd', null, fmtNum(inc.postCount)),
      regroupFacts(inc),
      inc.forecast ? [h('dt', null, t('forecast')), h('dd', { id: 'incident-forecast' }, forecastText(inc.forecast as Forecast))] : null), // early: no number
    h('div', { className: 'grid-2' },
      section(t('timeline'), chart.box),
      section(t('workflow'),
        h('div', { className: 'row' }, ackBtn, inc.acknowledgedBy ? h('span', { className: 'muted' }, ` ${inc.acknowledgedBy} · ${fmtTime(inc.acknowledgedAt)}`) : null),
        h('div', { className: 'row' }, h('label', { for: 'owner' }, t('owner')), owner, ownerBtn),
        h('div', { className: 'row' }, h('label', { for: 'status-select' }, t('status')), status, statusBtn),
        h('h3', null, t('notes')),
        h('ul', { className: 'notes' }, notes.map((n) => h('li', null, h('span', { className: 'muted' }, `${fmtTime(n.at, 'short')} ${n.author ?? ''}: `), n.text))),
        h('label', { for: 'note-text', className: 'sr-only' }, t('addNote')), noteText, noteBtn)),
    h('div', { className: 'grid-2' },
      section(t('reasons'), h('ul', { id: 'reasons' }, (inc.reasons ?? []).map((r) => h('li', null, localizeReason(r, lang() === 'zh' ? 'zh-CN' : 'en'))))),
      section(t('sources'), h('ul', null, [...sourcesCount].sort((a, b) => b[1] - a[1]).map(([s, n]) => h('li', null, `${s}: ${n}`))))),
    regroup,
    section(t('keyPosts'), regroup ? table([...postHeaders(), picked.header], d.posts.map((p) => postCells(p, picked.cell(p))), t('keyPosts'))
      : table(postHeaders(), d.posts.map((p) => postCells(p)), t('keyPosts'))),
    section(t('evidence'),
      evRes.evidence.length ? table([t('published'), t('source'), t('original'), ''], evRes.evidence.map((e) => [
        fmtTime(e.at, 'short'), `${e.source ?? ''}:${e.postId ?? ''}`, e.url ?? '—',
        ctx.can('analyst') ? h('a', { href: `/api/v1/evidence/${e.id}/file`, target: '_blank', rel: 'noopener noreferrer' }, e.kind === 'screenshot' ? t('screenshot') : t('htmlSnapshot')) : '—', // files: analysts and admins
      ])) : h('p', { className: 'muted' }, t('noEvidence')),
      archiveBtn),
    section(t('alerts'), table([t('published'), t('level'), t('alertState'), t('risk')], d.alerts.map((a) => [fmtTime(a.at), levelBadge(a.level), alertStateText(a.state), fmtNum(a.risk)]))));
  ctx.root.querySelector('dl.facts')?.after(briefSection(id)); // the brief under the facts (incident-brief.ts)
  incidentTimeline(chart.canvas, d); // incident-chart.ts
}
