// The incidents list (open first, filter by desk status) with bulk actions for analysts and admins
// (PagerDuty-style): tick incidents, then acknowledge, assign or set the status of all of them at
// once through POST /api/v1/incidents/bulk. The desk answers each incident's outcome; the result
// box lists every one (done, already so, or refused and why, in the interface language).
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { api, qs } from '../api.js';
import { busy, section, type PageCtx } from '../ctx.js';
import { incidentCells, incidentHeaders, statusText, type IncidentRow } from './common.js';

const STATUSES = ['new', 'acknowledged', 'responding', 'resolved', 'false_alarm'];

interface BulkItem { id: string; ok: boolean; changed?: boolean; code?: string; error?: string; incident?: { status: string; owner: string | null; mergedInto: string | null } }
interface BulkAnswer { ok: boolean; action: string; done: number; unchanged: number; refused: number; results: BulkItem[] }
interface BulkBody { action: 'ack' | 'assign' | 'status'; owner?: string | null; status?: string }

const fill = (s: string, v: Record<string, string | number>) => s.replace(/\{(\w+)\}/g, (m, k: string) => (k in v ? String(v[k]) : m));

/** Why the desk refused one incident, in the interface language (the server's English text is the fallback). */
function refusal(item: BulkItem, body: BulkBody): string {
  const inc = item.incident;
  if (item.code === 'not_found' || !inc) return t('bulkNotFound');
  if (inc.mergedInto) return fill(t('bulkMerged'), { id: inc.mergedInto });
  if (body.action === 'ack' && (inc.status === 'resolved' || inc.status === 'false_alarm')) return fill(t('bulkAckClosed'), { status: statusText(inc.status) });
  if (body.action === 'status' && body.status) return fill(t('bulkNoTransition'), { from: statusText(inc.status), to: statusText(body.status) });
  return item.error ?? t('error');
}

function outcome(item: BulkItem, body: BulkBody): string {
  if (!item.ok) return refusal(item, body);
  if (!item.changed) return t('bulkUnchanged');
  if (body.action === 'ack') return t('acknowledged');
  if (body.action === 'assign') return item.incident?.owner ? `${t('owner')}: ${item.incident.owner}` : t('bulkOwnerCleared');
  return statusText(item.incident?.status ?? body.status);
}

export async function incidentsPage(ctx: PageCtx): Promise<void> {
  const status = ctx.query.get('status') ?? 'open';
  const sel = h('select', { id: 'inc-status', on: { change: () => { location.hash = `#/incidents?status=${encodeURIComponent(sel.value)}`; } } },
    ['open', ...STATUSES].map((s) => h('option', { value: s, selected: s === status }, s === 'open' ? t('any') : statusText(s))));
  const analyst = ctx.can('analyst');
  const picked = new Set<string>();
  const listBox = h('div', { id: 'incident-list' });
  const resultBox = h('div', { id: 'bulk-results', 'aria-live': 'polite' });

  // the bulk bar: what is ticked, and the three actions
  const count = h('span', { id: 'bulk-count', className: 'muted' });
  const ackBtn = h('button', { type: 'button', className: 'primary', id: 'bulk-ack' }, t('acknowledge'));
  const owner = h('input', { id: 'bulk-owner', maxlength: 100, placeholder: t('owner'), size: 12 });
  const assignBtn = h('button', { type: 'button', id: 'bulk-assign' }, t('assign'));
  const target = h('select', { id: 'bulk-status' }, STATUSES.filter((s) => s !== 'new').map((s) => h('option', { value: s }, statusText(s))));
  const statusBtn = h('button', { type: 'button', id: 'bulk-set-status' }, t('bulkSetStatus'));
  const clearBtn = h('button', { type: 'button', className: 'link', id: 'bulk-clear' }, t('bulkClear'));
  const actions = [ackBtn, assignBtn, statusBtn, clearBtn];
  const bar = h('div', { className: 'card bulk-bar row', id: 'bulk-bar', role: 'group', 'aria-label': t('bulkActions') },
    h('strong', null, t('bulkActions')), count, ackBtn,
    h('label', { for: 'bulk-owner', className: 'sr-only' }, t('owner')), owner, assignBtn,
    h('label', { for: 'bulk-status', className: 'sr-only' }, t('status')), target, statusBtn, clearBtn);

  let boxes: HTMLInputElement[] = [];
  let all: HTMLInputElement | null = null;
  const sync = () => {
    count.textContent = fill(t('bulkSelected'), { n: picked.size });
    for (const b of actions) b.disabled = picked.size === 0;
    if (all) { all.checked = boxes.length > 0 && picked.size === boxes.length; all.indeterminate = picked.size > 0 && picked.size < boxes.length; }
  };

  const draw = async () => {
    const { incidents } = await api.get<{ incidents: IncidentRow[] }>(`/incidents${qs({ status, limit: 200 })}`);
    for (const id of [...picked]) if (!incidents.some((i) => i.id === id)) picked.delete(id);
    boxes = [];
    const pick = (i: IncidentRow) => {
      const b = h('input', { type: 'checkbox', className: 'bulk-pick', 'data-id': i.id, 'aria-label': `${t('select')} ${i.id}`, checked: picked.has(i.id) });
      b.addEventListener('change', () => { if (b.checked) picked.add(i.id); else picked.delete(i.id); sync(); });
      boxes.push(b);
      return b;
    };
    all = analyst ? h('input', { type: 'checkbox', id: 'bulk-all', 'aria-label': t('selectAll') }) : null;
    all?.addEventListener('change', () => {
      for (const b of boxes) { b.checked = all!.checked; if (b.checked) picked.add(b.dataset.id!); else picked.delete(b.dataset.id!); }
      sync();
    });
    const headers = [...(all ? [all] : []), ...incidentHeaders()];
    mount(listBox, h('div', { className: 'table-wrap' }, h('table', null,
      h('caption', { className: 'sr-only' }, t('incidents')),
      h('thead', null, h('tr', null, headers.map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', null, incidents.length
        ? incidents.map((i) => h('tr', { 'data-incident-row': i.id }, [...(analyst ? [pick(i)] : []), ...incidentCells(i)].map((c) => h('td', null, c))))
        : h('tr', null, h('td', { colspan: headers.length, className: 'muted' }, t('none')))))));
    sync();
  };

  const run = (btn: HTMLButtonElement, body: BulkBody) => busy(ctx, btn, async () => {
    const ids = [...picked];
    if (!ids.length) return;
    const r = await api.post<BulkAnswer>('/incidents/bulk', { ids, ...body });
    mount(resultBox, h('div', { className: `card ${r.ok ? '' : 'notice'}`, id: 'bulk-summary' },
      h('p', null, fill(t('bulkSummary'), { done: r.done, unchanged: r.unchanged, refused: r.refused })),
      h('ul', { className: 'bulk-result-list' }, r.results.map((x) => h('li', { 'data-result': x.id, className: x.ok ? 'ok' : 'error' },
        x.ok ? '✓ ' : '✗ ', h('a', { href: `#/incident/${encodeURIComponent(x.id)}` }, x.id), ': ', outcome(x, body))))));
    picked.clear();
    await draw();
    ctx.say(fill(t('bulkSummary'), { done: r.done, unchanged: r.unchanged, refused: r.refused }), r.ok ? 'ok' : 'error');
  });
  ackBtn.addEventListener('click', () => run(ackBtn, { action: 'ack' }));
  assignBtn.addEventListener('click', () => run(assignBtn, { action: 'assign', owner: owner.value.trim() || null }));
  statusBtn.addEventListener('click', () => run(statusBtn, { action: 'status', status: target.value }));
  clearBtn.addEventListener('click', () => { picked.clear(); for (const b of boxes) b.checked = false; sync(); });

  mount(ctx.root, h('h1', null, t('incidents')), h('label', { for: 'inc-status' }, `${t('status')} `), sel,
    analyst ? bar : null, resultBox, section(t('incidents'), listBox));
  await draw();
}
