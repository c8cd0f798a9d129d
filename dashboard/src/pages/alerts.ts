// Alerts: history (with per-channel delivery receipts on demand) and silences (create, expire). The
// silence form offers the values the dashboard shows (topic names, levels), and previews which open
// incidents the silence would catch before it is saved; the server resolves names to ids.
import { h, mount, truncate } from '../dom.js';
import { t } from '../i18n.js';
import { api, ApiError } from '../api.js';
import { fmtNum, fmtTime } from '../format.js';
import { busy, section, table, type PageCtx } from '../ctx.js';
import { incidentLink, levelBadge, alertStateText } from './common.js';

interface AlertRow { id: number; at: string; topic: string; incident: string | null; level: string; state: string; risk: number; title: string; kind?: string }
interface Delivery { id: number; receiver: string; channel: string; status: string; attempts: number | { at: string; ok: number; statusCode: number | null; detail: string | null }[]; sentAt: string | null; lastError: string | null }
interface Matcher { name: string; value: string; isRegex: boolean; isEqual: boolean }
interface Silence { id: number; matchers: Matcher[]; startsAt: string; endsAt: string; createdBy: string | null; comment: string | null }
interface Preview { matchers: Matcher[]; incidents: { id: string; title: string; topic: string; topicName: string; level: string | null; state: string; status: string; risk: number }[]; total: number; checked: number }

const LABELS = ['topic', 'level', 'incident', 'source', 'category', 'kind', 'state'];
/** values the form suggests per label (topic names come from /topics) */
const SUGGEST: Record<string, string[]> = { level: ['P1', 'P2', 'P3', 'P4'], kind: ['incident', 'source-health', 'reminder', 'digest', 'escalation'], state: ['firing', 'resolved'] };

export async function alertsPage(ctx: PageCtx): Promise<void> {
  const [{ alerts }, silRes, topicRes] = await Promise.all([
    api.get<{ alerts: AlertRow[] }>('/alerts?limit=200'),
    api.get<{ silences: Silence[] }>('/silences').catch(() => ({ silences: [] as Silence[] })),
    api.get<{ topics: { id: string; name: string }[] }>('/topics').catch(() => ({ topics: [] as { id: string; name: string }[] })),
  ]);
  const topicName = new Map(topicRes.topics.map((tp) => [tp.id, tp.name]));
  const matcherText = (m: Matcher) => {
    const v = m.name === 'topic' && !m.isRegex && topicName.has(m.value) ? `${topicName.get(m.value)} (${m.value})` : m.value;
    return `${t(`lbl_${m.name}`)}${m.isEqual ? (m.isRegex ? '=~' : '=') : (m.isRegex ? '!~' : '!=')}${v}`;
  };
  const now = new Date().toISOString();
  const receipts = (a: AlertRow) => {
    const box = h('div', { className: 'receipts' });
    const btn = h('button', { type: 'button', className: 'link', 'aria-expanded': 'false' }, t('deliveries'));
    btn.addEventListener('click', () => busy(ctx, btn, async () => {
      const r = await api.get<{ deliveries: Delivery[] }>(`/deliveries?alert=${a.id}`);
      btn.setAttribute('aria-expanded', 'true');
      mount(box, r.deliveries.length ? h('ul', null, r.deliveries.map((d) => h('li', null,
        `${d.receiver} · ${d.channel} · ${d.status} · ${t('attempts')} ${Array.isArray(d.attempts) ? d.attempts.length : d.attempts}`,
        d.sentAt ? ` · ${fmtTime(d.sentAt, 'short')}` : '', d.lastError ? h('span', { className: 'error' }, ` · ${truncate(d.lastError, 120)}`) : null))) : h('span', { className: 'muted' }, t('none')));
    }));
    return h('div', null, btn, box);
  };

  const name = h('select', { id: 'sil-name' }, LABELS.map((n) => h('option', { value: n }, t(`lbl_${n}`))));
  const suggestions = h('datalist', { id: 'sil-values' });
  const fillSuggestions = () => mount(suggestions, (name.value === 'topic' ? topicRes.topics.map((tp) => tp.name) : SUGGEST[name.value] ?? []).map((v) => h('option', { value: v })));
  const value = h('input', { id: 'sil-value', required: true, list: 'sil-values', autocomplete: 'off' });
  const duration = h('input', { id: 'sil-duration', value: '2h', size: 6 });
  const comment = h('input', { id: 'sil-comment', size: 30 });
  const create = h('button', { type: 'submit', className: 'primary', disabled: !ctx.can('analyst') }, t('createSilence'));
  const previewBtn = h('button', { type: 'button', id: 'sil-preview-btn' }, t('previewSilence'));
  const preview = h('div', { id: 'sil-preview', 'aria-live': 'polite' });
  const body = () => ({ matchers: [{ name: name.value, value: value.value }], duration: duration.value, comment: comment.value || undefined });
  const showError = (e: unknown) => {
    const b = e instanceof ApiError ? e.body as { error?: string; hint?: string } : {};
    mount(preview, h('div', { className: 'error', role: 'alert', id: 'sil-error' }, b.error ?? (e as Error).message, b.hint ? h('div', null, `${t('hint')}: ${b.hint}`) : null));
  };
  let previewSeq = 0;
  const runPreview = async () => {
    if (!value.value.trim()) { mount(preview); return; }
    const seq = ++previewSeq;
    try {
      const p = await api.post<Preview>('/silences/preview', body());
      if (seq !== previewSeq) return;
      mount(preview,
        h('p', { className: p.total ? '' : 'error', id: 'sil-preview-summary' }, p.matchers.map(matcherText).join(', '), ' → ',
          p.total ? `${t('silenceCatches')} ${p.total} ${t('silenceCatchesOf')}` : t('silenceCatchesNone')),
        p.incidents.length ? h('ul', { id: 'sil-preview-list' }, p.incidents.map((i) => h('li', null, levelBadge(i.level), ' ', incidentLink(i), ` · ${i.topicName} · ${t('risk')} ${fmtNum(i.risk)}`))) : null);
    } catch (e) {
      if (seq === previewSeq) showError(e);
    }
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const later = () => { clearTimeout(timer); timer = setTimeout(() => void runPreview(), 300); };
  name.addEventListener('change', () => { fillSuggestions(); later(); });
  value.addEventListener('input', later);
  previewBtn.addEventListener('click', () => void runPreview());
  fillSuggestions();
  const form = h('form', { className: 'row', id: 'sil-form', on: { submit: (ev: Event) => {
    ev.preventDefault();
    create.disabled = true;
    api.post('/silences', body())
      .then(async () => { await alertsPage(ctx); ctx.say(t('saved'), 'ok'); })
      .catch((e: unknown) => { showError(e); create.disabled = false; });
  } } },
  h('label', { for: 'sil-name' }, t('matcher')), name, h('label', { for: 'sil-value' }, t('value')), value, suggestions,
  h('label', { for: 'sil-duration' }, t('duration')), duration, h('label', { for: 'sil-comment' }, t('comment')), comment, previewBtn, create);

  mount(ctx.root, h('h1', null, t('alerts')),
    section(t('silences'), form, preview, table([t('matcher'), t('from'), t('to'), t('comment'), t('state'), ''], silRes.silences.map((s) => {
      const activeNow = s.startsAt <= now && s.endsAt > now;
      const exp = h('button', { type: 'button', disabled: !activeNow || !ctx.can('analyst') }, t('expire'));
      exp.addEventListener('click', () => busy(ctx, exp, async () => { await api.del(`/silences/${s.id}`); await alertsPage(ctx); }));
      return [s.matchers.map(matcherText).join(', '), fmtTime(s.startsAt, 'short'), fmtTime(s.endsAt, 'short'), s.comment ?? '', activeNow ? t('active') : t('expired'), exp];
    }))),
    section(t('history'), table([t('published'), t('level'), t('title'), t('topic'), t('alertState'), t('risk'), t('deliveries')], alerts.map((a) => [
      fmtTime(a.at, 'short'), levelBadge(a.level),
      a.incident ? h('a', { href: `#/incident/${encodeURIComponent(a.incident)}` }, truncate(a.title, 80)) : truncate(a.title, 80),
      topicName.get(a.topic) ?? a.topic, alertStateText(a.state), fmtNum(a.risk), receipts(a)]))));
}
