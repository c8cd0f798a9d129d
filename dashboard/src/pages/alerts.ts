// Alerts: history (with per-channel delivery receipts on demand) and silences (create, expire).
import { h, mount, truncate } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { fmtNum, fmtTime } from '../format.js';
import { busy, section, table, type PageCtx } from '../ctx.js';
import { levelBadge } from './common.js';

interface AlertRow { id: number; at: string; topic: string; incident: string | null; level: string; state: string; risk: number; title: string; kind?: string }
interface Delivery { id: number; receiver: string; channel: string; status: string; attempts: number | { at: string; ok: number; statusCode: number | null; detail: string | null }[]; sentAt: string | null; lastError: string | null }
interface Silence { id: number; matchers: { name: string; value: string; isRegex: boolean; isEqual: boolean }[]; startsAt: string; endsAt: string; createdBy: string | null; comment: string | null }

export async function alertsPage(ctx: PageCtx): Promise<void> {
  const [{ alerts }, silRes] = await Promise.all([
    api.get<{ alerts: AlertRow[] }>('/alerts?limit=200'),
    api.get<{ silences: Silence[] }>('/silences').catch(() => ({ silences: [] as Silence[] })),
  ]);
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

  const name = h('select', { id: 'sil-name' }, ['topic', 'level', 'incident', 'source', 'category', 'kind'].map((n) => h('option', { value: n }, n)));
  const value = h('input', { id: 'sil-value', required: true });
  const duration = h('input', { id: 'sil-duration', value: '2h', size: 6 });
  const comment = h('input', { id: 'sil-comment', size: 30 });
  const create = h('button', { type: 'submit', className: 'primary', disabled: !ctx.can('analyst') }, t('createSilence'));
  const form = h('form', { className: 'row', on: { submit: (ev: Event) => {
    ev.preventDefault();
    busy(ctx, create, async () => {
      await api.post('/silences', { matchers: [{ name: name.value, value: value.value }], duration: duration.value, comment: comment.value || undefined });
      await alertsPage(ctx);
    }, t('saved'));
  } } },
  h('label', { for: 'sil-name' }, t('matcher')), name, h('label', { for: 'sil-value' }, t('value')), value,
  h('label', { for: 'sil-duration' }, t('duration')), duration, h('label', { for: 'sil-comment' }, t('comment')), comment, create);

  mount(ctx.root, h('h1', null, t('alerts')),
    section(t('silences'), form, table([t('matcher'), t('from'), t('to'), t('comment'), t('state'), ''], silRes.silences.map((s) => {
      const activeNow = s.startsAt <= now && s.endsAt > now;
      const exp = h('button', { type: 'button', disabled: !activeNow || !ctx.can('analyst') }, t('expire'));
      exp.addEventListener('click', () => busy(ctx, exp, async () => { await api.del(`/silences/${s.id}`); await alertsPage(ctx); }));
      return [s.matchers.map((m) => `${m.name}${m.isEqual ? (m.isRegex ? '=~' : '=') : (m.isRegex ? '!~' : '!=')}${m.value}`).join(', '), fmtTime(s.startsAt, 'short'), fmtTime(s.endsAt, 'short'), s.comment ?? '', activeNow ? t('active') : t('expired'), exp];
    }))),
    section(t('history'), table([t('published'), t('level'), t('title'), t('topic'), t('state'), t('risk'), t('deliveries')], alerts.map((a) => [
      fmtTime(a.at, 'short'), levelBadge(a.level),
      a.incident ? h('a', { href: `#/incident/${encodeURIComponent(a.incident)}` }, truncate(a.title, 80)) : truncate(a.title, 80),
      a.topic, a.state, fmtNum(a.risk), receipts(a)]))));
}
