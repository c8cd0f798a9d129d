// Posts explorer: query-language search with source / sentiment / topic / time filters, paging
// ("load more"), CSV export of the same search, and sentiment correction by analysts (stored for
// retraining), saved searches and the query's matches marked in each post (saved-searches.ts).
// A query the server cannot parse is shown under the form (which stays), worded in the interface
// language from the error's code, with a caret under the character the server names (query-error.ts).
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { api, qs, ApiError } from '../api.js';
import { queryErrorOf, showQueryError } from './query-error.js';
import { section, type PageCtx } from '../ctx.js';
import { postCells, postHeaders, type PostRow } from './common.js';
import { savedSearchPanel, withMarkedText } from './saved-searches.js';

/** datetime-local values are Asia/Shanghai wall time; the API wants ISO with an offset. */
function shanghai(v: string): string { return v ? `${v}:00+08:00` : ''; }

export async function postsPage(ctx: PageCtx): Promise<void> {
  const topics = (await api.get<{ topics: { id: string; name: string }[] }>('/topics')).topics;
  const field = (name: string, el: HTMLInputElement | HTMLSelectElement, label: string) => h('div', { className: 'field' }, h('label', { for: `f-${name}` }, label), el);
  const q = h('input', { id: 'f-q', name: 'q', type: 'search', value: ctx.query.get('q') ?? '', 'aria-describedby': 'q-help', size: 40 });
  const source = h('input', { id: 'f-source', name: 'source', value: ctx.query.get('source') ?? '', size: 10 });
  const sentiment = h('select', { id: 'f-sentiment', name: 'sentiment' }, ['', 'negative', 'neutral', 'positive'].map((s) => h('option', { value: s, selected: s === (ctx.query.get('sentiment') ?? '') }, s ? t(s) : t('any'))));
  const topic = h('select', { id: 'f-topic', name: 'topic' }, h('option', { value: '' }, t('any')), topics.map((tp) => h('option', { value: tp.id, selected: tp.id === ctx.query.get('topic') }, tp.name)));
  const from = h('input', { id: 'f-from', name: 'from', type: 'datetime-local', value: ctx.query.get('from') ?? '' });
  const to = h('input', { id: 'f-to', name: 'to', type: 'datetime-local', value: ctx.query.get('to') ?? '' });
  const params = () => ({ q: q.value.trim(), source: source.value.trim(), sentiment: sentiment.value, topic: topic.value, from: shanghai(from.value), to: shanghai(to.value) });
  const results = h('div', { id: 'post-results' });
  const exportLink = h('a', { className: 'button', id: 'export-link', href: `/api/v1/posts/export.csv${qs(params())}`, download: '' }, t('export'));

  const form = h('form', { className: 'search card', role: 'search', on: { submit: (ev: Event) => {
    ev.preventDefault();
    const state = { q: q.value.trim(), source: source.value.trim(), sentiment: sentiment.value, topic: topic.value, from: from.value, to: to.value };
    location.hash = `#/posts${qs(state)}`;
  } } },
  field('q', q, t('query')), field('source', source, t('source')), field('sentiment', sentiment, t('sentiment')), field('topic', topic, t('topic')),
  field('from', from, `${t('from')} (UTC+8)`), field('to', to, `${t('to')} (UTC+8)`),
  h('button', { type: 'submit', className: 'primary' }, t('search')), exportLink,
  h('p', { id: 'q-help', className: 'muted' }, t('queryHelp')));

  const problems = h('div', { id: 'post-search-error' });
  const saved = savedSearchPanel(ctx, () => ({ q: q.value.trim(), source: source.value.trim(), sentiment: sentiment.value, topic: topic.value })); // saved searches: run, save, rename, delete
  mount(ctx.root, h('h1', null, t('posts')), form, saved, problems, section(t('posts'), results));

  const rows: PostRow[] = [];
  const body = h('tbody');
  const more = h('button', { type: 'button' }, t('loadMore'));
  const count = h('p', { className: 'muted', id: 'post-count' });
  const correction = (p: PostRow) => {
    if (!ctx.can('analyst')) return null;
    const sel = h('select', { 'aria-label': `${t('correct')} ${p.key}`, 'data-pk': p.pk },
      h('option', { value: '' }, `${t('correct')}…`), ['negative', 'neutral', 'positive'].map((s) => h('option', { value: s }, t(s))));
    sel.addEventListener('change', () => {
      if (!sel.value) return;
      api.post(`/posts/${p.pk}/sentiment`, { label: sel.value })
        .then(() => { ctx.say(`${t('saved')}: ${p.key} → ${t(sel.value)}`, 'ok'); })
        .catch((e: Error) => ctx.say(e.message, 'error'));
    });
    return sel;
  };
  // the API's cursor: where the next page starts; a search that ran out of time (truncated)
  // returns what it found so far and a cursor too, so "load more" continues where it stopped
  let next: number | null = null;
  const load = async (before?: number) => {
    const r = await api.get<{ posts: PostRow[]; scanned: number; truncated: boolean; nextBefore?: number | null }>(`/posts${qs({ ...params(), limit: 100, before })}`);
    rows.push(...r.posts);
    for (const p of r.posts) body.appendChild(h('tr', null, withMarkedText(postCells(p, correction(p)), p).map((c) => h('td', null, c))));
    next = r.nextBefore ?? (r.posts.length >= 100 ? r.posts[r.posts.length - 1].pk : null);
    count.textContent = `${rows.length} ${t('results')}${next !== null ? ' (…)' : ''}`;
    more.hidden = next === null;
  };
  more.addEventListener('click', () => void load(next ?? undefined).catch((e: Error) => ctx.say(e.message, 'error')));
  const headers = [...postHeaders(), ctx.can('analyst') ? t('correct') : ''];
  mount(results, count, h('div', { className: 'table-wrap' }, h('table', null, h('thead', null, h('tr', null, headers.map((x) => h('th', { scope: 'col' }, x)))), body)), more);
  try {
    await load();
  } catch (e) {
    // a bad search is shown under the form, which stays for the fix; the rest goes to the page's error box
    if (!(e instanceof ApiError) || e.status !== 400) throw e;
    const qe = queryErrorOf(e);
    if (qe) showQueryError(problems, q, qe, { help: 'q-help' });
    else mount(problems, h('div', { className: 'error', role: 'alert', id: 'query-error' }, e.message));
    mount(results, h('p', { className: 'muted' }, t('none')));
  }
}
