// Settings (admin): the alert receivers and channels from rules/alerting.yaml (secrets masked by
// the server), with a test send per receiver.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { busy, errorBox, section, table, type PageCtx } from '../ctx.js';

interface Receivers { file: string | null; receivers: { name: string; channels: { type: string; config: Record<string, unknown> }[] }[]; smtpConfigured: boolean }

export async function settingsPage(ctx: PageCtx): Promise<void> {
  let data: Receivers;
  try { data = await api.get<Receivers>('/settings/channels'); } catch (e) { return void mount(ctx.root, h('h1', null, t('settings')), errorBox(e)); }
  mount(ctx.root, h('h1', null, t('settings')), section(t('channels'),
    h('p', { className: 'muted' }, `${data.file ?? 'rules/alerting.yaml'} · SMTP: ${data.smtpConfigured ? '✓' : '✗'}`),
    table([t('receiver'), t('channel'), '', ''], data.receivers.flatMap((r) => r.channels.map((c) => {
      const btn = h('button', { type: 'button' }, t('testSend'));
      btn.addEventListener('click', () => busy(ctx, btn, () => api.post('/channels/test', { receiver: r.name, channel: c.type }), `${t('sent')}: ${r.name}/${c.type}`));
      return [r.name, c.type, Object.entries(c.config).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`).join(' · '), btn];
    })))));
}
