// The posts page's saved searches (GET/POST/PATCH/DELETE /api/v1/searches: the signed-in user's
// own list; run one = open the posts page with its query and filters) and highlighted matches:
// the server sends where the query's terms occur in each post ([start, end) offsets, computed on
// normalized text, so Traditional and full-width spellings are marked too); they are drawn here as
// <mark> elements around text nodes, never as markup.
import { h, mount, type Child } from '../dom.js';
import { t } from '../i18n.js';
import { api, qs, ApiError } from '../api.js';
import { busy, section, type PageCtx } from '../ctx.js';
import { postHeaders, type PostRow } from './common.js';

export type Span = [number, number];
export type MarkedPost = PostRow & { highlight?: { text: Span[]; title: Span[] } };
interface SavedSearch { id: number; name: string; query: string; filters: { source?: string; sentiment?: string; topic?: string } }
export interface SearchState { q: string; source: string; sentiment: string; topic: string }

/**
 * `text` cut to about `max` characters with its spans as <mark> elements. When the first match
 * lies past the cut, the shown part starts a little before it (with a leading …), so a match deep
 * in a long post is still seen.
 */
export function markText(text: string, spans: Span[], max: number): Child[] {
  let from = 0;
  const first = spans[0];
  if (first && first[1] > max - 10) from = Math.max(0, first[0] - 40);
  if (from > 0 && /[\udc00-\udfff]/.test(text[from] ?? '')) from--; // never split a surrogate pair
  let to = Math.min(text.length, from + max - (from > 0 ? 2 : 1));
  if (to < text.length && /[\udc00-\udfff]/.test(text[to] ?? '')) to++;
  const out: Child[] = from > 0 ? ['…'] : [];
  let at = from;
  for (const [s0, e0] of spans) {
    const s = Math.max(s0, at);
    const e = Math.min(e0, to);
    if (e <= s) continue;
    if (s > at) out.push(text.slice(at, s));
    out.push(h('mark', null, text.slice(s, e)));
    at = e;
  }
  if (at < to) out.push(text.slice(at, to));
  if (to < text.length) out.push('…');
  return out;
}

/** The post's title and text with the query's matches marked (as the posts table's text column). */
export function markedPostText(p: MarkedPost): HTMLElement {
  const hl = p.highlight ?? { text: [], title: [] };
  return h('div', { className: 'post-text' },
    p.title ? h('strong', null, markText(p.title, hl.title, 120), ' ') : null,
    markText(p.text ?? '', hl.text, 280));
}

/** The post table's cells with the text column replaced by the marked one. */
export function withMarkedText(cells: Child[], p: MarkedPost): Child[] {
  const col = postHeaders().indexOf(t('text'));
  return col < 0 ? cells : cells.map((c, i) => (i === col ? markedPostText(p) : c));
}

const hashOf = (s: SavedSearch) => `#/posts${qs({ q: s.query, source: s.filters.source, sentiment: s.filters.sentiment, topic: s.filters.topic, saved: s.id })}`;

/** The saved-searches card: run, rename and delete the user's searches; save what the form holds now. */
export function savedSearchPanel(ctx: PageCtx, current: () => SearchState): HTMLElement {
  const list = h('ul', { className: 'saved-list', id: 'saved-list' });
  const name = h('input', { id: 'save-name', maxlength: 100, size: 20, placeholder: t('searchName') });
  const saveBtn = h('button', { type: 'button', id: 'save-search' }, t('saveSearch'));
  const problem = h('p', { className: 'error', id: 'save-error', role: 'alert', hidden: true });
  const say = (msg: string | null) => { problem.textContent = msg ?? ''; problem.hidden = !msg; };
  const explain = (e: unknown): string => (e instanceof ApiError && e.status === 409 ? t('nameTaken') : e instanceof Error ? e.message : String(e));
  const active = Number(ctx.query.get('saved') ?? NaN);

  const draw = async () => {
    const { searches } = await api.get<{ searches: SavedSearch[] }>('/searches');
    mount(list, searches.length ? searches.map((s) => {
      const link = h('a', { href: hashOf(s), 'data-search-id': s.id, className: 'saved-run', 'aria-current': s.id === active ? 'true' : null, title: `${t('runSearch')}: ${s.query}` }, s.name);
      const query = h('code', { className: 'muted saved-query' }, s.query);
      const renameBtn = h('button', { type: 'button', className: 'link saved-rename', 'data-search-id': s.id }, t('rename'));
      const delBtn = h('button', { type: 'button', className: 'link saved-delete', 'data-search-id': s.id }, t('delete'));
      const li = h('li', { 'data-search-id': s.id }, link, ' ', query, ' ', renameBtn, delBtn);
      renameBtn.addEventListener('click', () => {
        const input = h('input', { className: 'saved-new-name', value: s.name, maxlength: 100, size: 20, 'aria-label': `${t('rename')} ${s.name}` });
        const ok = h('button', { type: 'button', className: 'saved-rename-ok' }, t('save'));
        const cancel = h('button', { type: 'button', className: 'link' }, t('cancel'));
        ok.addEventListener('click', () => busy(ctx, ok, async () => {
          if (!input.value.trim()) return say(t('nameRequired'));
          try { await api.patch(`/searches/${s.id}`, { name: input.value }); } catch (e) { say(explain(e)); return; }
          say(null);
          await draw();
          ctx.say(t('searchRenamed'), 'ok');
        }));
        cancel.addEventListener('click', () => void draw());
        mount(li, input, ' ', ok, cancel);
        input.focus();
      });
      delBtn.addEventListener('click', () => {
        if (delBtn.dataset.confirm !== '1') { delBtn.dataset.confirm = '1'; delBtn.textContent = t('confirmDelete'); return; } // a second click deletes
        busy(ctx, delBtn, async () => { await api.del(`/searches/${s.id}`); await draw(); ctx.say(t('searchDeleted'), 'ok'); });
      });
      return li;
    }) : h('li', { className: 'muted' }, t('noSavedSearches')));
  };

  saveBtn.addEventListener('click', () => busy(ctx, saveBtn, async () => {
    const c = current();
    if (!name.value.trim()) return say(t('nameRequired'));
    if (!c.q) return say(t('queryRequired'));
    let saved: SavedSearch;
    try {
      saved = (await api.post<{ search: SavedSearch }>('/searches', { name: name.value, query: c.q, filters: { source: c.source, sentiment: c.sentiment, topic: c.topic } })).search;
    } catch (e) { say(explain(e)); return; }
    say(null);
    name.value = '';
    location.hash = hashOf(saved); // the saved search, run (and marked as the current one)
    ctx.say(t('searchSaved'), 'ok');
  }));

  const box = section(t('savedSearches'), list, h('div', { className: 'row' }, h('label', { for: 'save-name', className: 'sr-only' }, t('searchName')), name, saveBtn), problem);
  box.id = 'saved-searches';
  draw().catch((e: unknown) => say(explain(e)));
  return box;
}
