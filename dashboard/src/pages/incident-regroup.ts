// The desk's merge and split on the incident page (POST /incidents/:id/merge and /split): "merge
// into…" another open story of the same topic, "split selected posts" into a new incident, each
// behind an in-page confirmation; and the links between merged and split incidents. Built with
// h() only: incident titles are crawled text and stay text nodes.
import { clear, h, mount, truncate, type Child } from '../dom.js';
import { t } from '../i18n.js';
import { api, qs } from '../api.js';
import { busy, section, type PageCtx } from '../ctx.js';
import type { IncidentRow, PostRow } from './common.js';

/** what GET /incidents/:id adds about merges and splits */
export interface RegroupInfo { kind?: string; mergedInto?: string | null; splitFrom?: string | null; mergedFrom?: string[] }
type Incident = IncidentRow & RegroupInfo;

const incidentLink = (id: string): HTMLElement => h('a', { href: `#/incident/${encodeURIComponent(id)}`, 'data-incident': id }, id);
const fill = (text: string, vars: Record<string, string>): string => text.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
const goTo = (id: string): void => { location.hash = `#/incident/${encodeURIComponent(id)}`; };

/** Facts rows (dt/dd) naming the incident this one was merged into, split from, or took in. */
export function regroupFacts(inc: Incident): Child[] {
  const out: Child[] = [];
  if (inc.mergedInto) out.push(h('dt', null, t('mergedInto')), h('dd', { id: 'incident-merged-into' }, incidentLink(inc.mergedInto)));
  if (inc.splitFrom) out.push(h('dt', null, t('splitFrom')), h('dd', { id: 'incident-split-from' }, incidentLink(inc.splitFrom)));
  if (inc.mergedFrom?.length) out.push(h('dt', null, t('mergedFrom')), h('dd', { id: 'incident-merged-from' }, inc.mergedFrom.map((id, i) => [i ? ', ' : '', incidentLink(id)])));
  return out;
}

/** A notice on a merged incident pointing at the one to work on. */
export function mergedNotice(inc: Incident): HTMLElement | null {
  return inc.mergedInto ? h('p', { className: 'notice', role: 'status', id: 'merged-notice' }, t('mergedNotice'), ' ', incidentLink(inc.mergedInto)) : null;
}

/** Checkboxes for the post list, and the keys ticked. */
export interface PostSelection { header: string; cell(p: PostRow): HTMLElement; keys(): string[] }

export function postSelection(): PostSelection {
  const boxes: HTMLInputElement[] = [];
  return {
    header: t('selectPost'),
    cell(p) {
      const box = h('input', { type: 'checkbox', className: 'split-pick', 'data-key': p.key, 'aria-label': `${t('selectPost')} ${p.key}` });
      boxes.push(box);
      return box;
    },
    keys: () => boxes.filter((b) => b.checked).map((b) => b.dataset.key ?? '').filter(Boolean),
  };
}

/** Yes/cancel buttons shown in `box` with a question; `onYes` runs from the yes button. */
function confirmIn(ctx: PageCtx, box: HTMLElement, question: string, yesLabel: string, yesId: string, onYes: () => Promise<unknown>): void {
  const yes = h('button', { type: 'button', className: 'primary', id: yesId }, yesLabel);
  const no = h('button', { type: 'button' }, t('cancel'));
  mount(box, h('span', null, question), ' ', yes, ' ', no);
  box.hidden = false;
  no.addEventListener('click', () => { box.hidden = true; clear(box); });
  yes.addEventListener('click', () => busy(ctx, yes, onYes));
  yes.focus();
}

/** The merge and split controls (analysts and admins; none on a merged incident or a topic surge). */
export function regroupSection(ctx: PageCtx, inc: Incident, picked: PostSelection): HTMLElement | null {
  if (!ctx.can('analyst') || inc.mergedInto || (inc.kind && inc.kind !== 'story')) return null;
  const target = h('select', { id: 'merge-target', disabled: true }, h('option', { value: '' }, t('loading')));
  const mergeBtn = h('button', { type: 'button', id: 'merge-btn', disabled: true }, t('mergeInto'));
  const mergeConfirm = h('div', { className: 'row', id: 'merge-confirm', hidden: true });
  api.get<{ incidents: Incident[] }>(`/incidents${qs({ topic: inc.topic, status: 'open', all: 1, limit: 200 })}`).then(({ incidents }) => {
    const options = incidents.filter((x) => x.id !== inc.id && (x.kind ?? 'story') === 'story' && !x.mergedInto && x.state !== 'resolved');
    clear(target);
    if (!options.length) { target.append(h('option', { value: '' }, t('noMergeTargets'))); return; }
    for (const o of options) target.append(h('option', { value: o.id }, `${o.id} · ${truncate(o.title, 60)}`));
    target.disabled = false;
    mergeBtn.disabled = false;
  }, () => { mount(target, h('option', { value: '' }, t('error'))); });
  mergeBtn.addEventListener('click', () => {
    const to = target.value;
    if (!to) return;
    confirmIn(ctx, mergeConfirm, fill(t('mergeQuestion'), { from: inc.id, to: target.selectedOptions[0]?.textContent ?? to }), t('confirmMerge'), 'merge-yes', async () => {
      await api.post(`/incidents/${encodeURIComponent(to)}/merge`, { from: [inc.id] });
      ctx.say(t('mergeDone'), 'ok');
      goTo(to);
    });
  });

  const title = h('input', { id: 'split-title', maxlength: 200, placeholder: t('splitTitle') });
  const splitBtn = h('button', { type: 'button', id: 'split-btn' }, t('splitSelected'));
  const splitConfirm = h('div', { className: 'row', id: 'split-confirm', hidden: true });
  splitBtn.addEventListener('click', () => {
    const posts = picked.keys();
    if (!posts.length) { ctx.say(t('selectPostsFirst'), 'error'); return; }
    confirmIn(ctx, splitConfirm, fill(t('splitQuestion'), { n: String(posts.length) }), t('confirmSplit'), 'split-yes', async () => {
      const r = await api.post<{ incident: { id: string } }>(`/incidents/${encodeURIComponent(inc.id)}/split`, { posts, title: title.value.trim() || undefined });
      ctx.say(t('splitDone'), 'ok');
      goTo(r.incident.id);
    });
  });

  return section(t('regroup'),
    h('p', { className: 'muted' }, t('mergeHelp')),
    h('div', { className: 'row' }, h('label', { for: 'merge-target' }, t('mergeTarget')), target, mergeBtn),
    mergeConfirm,
    h('p', { className: 'muted' }, t('splitHelp')),
    h('div', { className: 'row' }, h('label', { for: 'split-title' }, t('splitTitle')), title, splitBtn),
    splitConfirm);
}
