// Sources: health (state from the server, crawl/source-health.ts; last success, items per hour, error
// streak, blocked) and "crawl now"; a source's id leads to its page (accounts, QR login, resume: source.ts).
import { h, mount, truncate } from '../dom.js';
import { lang, t } from '../i18n.js';
import { sourceName } from '../../../src/i18n/reason-text.js';
import { api } from '../api.js';
import { fmtNum, fmtTime } from '../format.js';
import { busy, section, table, type PageCtx } from '../ctx.js';

interface Source { id: string; adapter: string; url: string; enabled: number; last_success_at: string | null; last_error: string | null; error_streak: number; blocked: number; blocked_reason: string | null; healthy: number; items_last_run: number; items_per_hour: number | null;
  state?: 'pending' | 'ok' | 'degraded' | 'not-working' | 'failing' | 'empty' | 'blocked' }

export async function sourcesPage(ctx: PageCtx): Promise<void> {
  const { sources } = await api.get<{ sources: Source[] }>('/sources');
  mount(ctx.root, h('h1', null, t('sources')), section(t('health'), table(
    [t('source'), t('platform'), t('health'), t('lastSuccess'), t('itemsPerHour'), t('errorStreak'), t('blocked'), t('lastError'), ''],
    sources.map((s) => {
      const btn = h('button', { type: 'button', disabled: !ctx.can('analyst') || !s.enabled, 'data-source': s.id }, t('crawlNow'));
      btn.addEventListener('click', () => busy(ctx, btn, async () => { await api.post(`/sources/${encodeURIComponent(s.id)}/crawl`, {}); await sourcesPage(ctx); }, `${t('crawlNow')}: ${s.id} ✓`));
      const state = s.state ?? (s.healthy === 1 && s.blocked !== 1 ? 'ok' : 'failing');
      const label = t(`src_${state.replace('-', '_')}`);
      return [h('a', { href: `#/source/${encodeURIComponent(s.id)}`, 'data-source-link': s.id }, s.id), h('span', { title: s.adapter }, sourceName(s.adapter, lang())), h('span', { className: state === 'ok' ? 'ok' : state === 'pending' ? 'muted' : 'bad', 'data-state': state }, label), fmtTime(s.last_success_at, 'short'),
        fmtNum(s.items_per_hour ?? s.items_last_run), String(s.error_streak), s.blocked ? `✗ ${truncate(s.blocked_reason ?? '', 60)}` : '—', truncate(s.last_error ?? '', 80), btn];
    }), t('health'), { stack: true })));
}
