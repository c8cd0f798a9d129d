// The incident page's brief (GET /api/v1/incidents/:id/brief in the interface language): what
// happened, who is affected, what is being said, and who wrote it: the extractive brief (the
// posts' own most representative sentences) or the configured language model, named with its
// host, or why the model's brief is not shown. Loaded after the page is drawn, so a slow model
// never holds the page; all text goes in as text nodes.
import { h, mount, truncate } from '../dom.js';
import { lang, t } from '../i18n.js';
import { api } from '../api.js';
import { section } from '../ctx.js';

interface Brief {
  writer: 'extractive' | 'llm'; model: string | null; endpoint: string | null; fallback: { reason: string } | null;
  posts: number; summary: string;
  sentences: { text: string; post: string; copies: number }[];
  who: { groups: { id: string; label: string; posts: number }[]; harms: { term: string; posts: number }[] };
  said: { id: string; label: string; posts: number; share: number; example: string | null }[];
}

const fill = (s: string, v: Record<string, string>) => s.replace(/\{(\w+)\}/g, (m, k: string) => v[k] ?? m);
const pct = (x: number) => `${Math.round(x * 100)}%`;

function draw(box: HTMLElement, b: Brief): void {
  const zh = lang() === 'zh';
  const list = zh ? '、' : ', ';
  if (b.posts === 0 || (!b.sentences.length && b.writer === 'extractive')) { mount(box, h('p', { className: 'muted', id: 'brief-none' }, t('briefNone'))); return; }
  const what = b.writer === 'llm'
    ? h('p', { id: 'brief-what', className: 'brief-llm' }, b.summary)
    : h('ul', { id: 'brief-what', className: 'brief-sentences' }, b.sentences.map((s) => h('li', { 'data-post': s.post }, `“${truncate(s.text, 160)}”`,
      s.copies > 1 ? h('span', { className: 'muted' }, ` ×${s.copies}`) : null)));
  const groups = b.who.groups.map((g) => `${g.label}${zh ? `（${g.posts} ${t('briefPosts')}）` : ` (${g.posts} ${t('briefPosts')})`}`).join(list);
  const harms = b.who.harms.map((x) => x.term).join(list);
  const writer = b.writer === 'llm'
    ? fill(t('briefByLlm'), { model: b.model ?? '', host: b.endpoint ?? '' })
    : b.fallback ? fill(t('briefFallback'), { reason: b.fallback.reason }) : t('briefByExtract');
  mount(box,
    h('h3', null, t('briefWhat')), what,
    groups || harms ? [h('h3', null, t('briefWho')), h('p', { id: 'brief-who' },
      groups || null, groups && harms ? h('br') : null, harms ? `${t('briefHarms')}${zh ? '：' : ': '}${harms}` : null)] : null,
    b.said.length ? [h('h3', null, t('briefSaid')), h('ul', { id: 'brief-said' }, b.said.map((s) => h('li', { 'data-theme': s.id },
      h('strong', null, s.label), ` ${pct(s.share)}`, s.example ? h('span', { className: 'muted' }, `${zh ? '：' : ': '}“${s.example}”`) : null)))] : null,
    h('p', { className: `muted${b.fallback ? ' notice' : ''}`, id: 'brief-writer', 'data-writer': b.writer }, writer));
}

/** The brief's section; it fills itself when the brief arrives. */
export function briefSection(incidentId: string): HTMLElement {
  const box = h('div', { id: 'brief-body', 'aria-live': 'polite' }, h('p', { className: 'muted' }, t('briefLoading')));
  const el = section(t('brief'), box);
  el.id = 'incident-brief';
  api.get<{ brief: Brief }>(`/incidents/${encodeURIComponent(incidentId)}/brief?lang=${lang() === 'zh' ? 'zh-CN' : 'en'}`)
    .then((r) => draw(box, r.brief))
    .catch((e: unknown) => mount(box, h('p', { className: 'error', id: 'brief-error' }, `${t('error')}: ${e instanceof Error ? e.message : String(e)}`)));
  return el;
}
