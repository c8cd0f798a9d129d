// tieba: Baidu Tieba by path: forum list /f?kw= (the thread list sits inside HTML comments of
// Bigpipe <code> blocks, as on the live site), thread /p/ID (floors), floor replies /p/comment
// (楼中楼), search /f/search/res. A thread's post id is its first floor's post id (the list's
// data-field gives it as first_post_id), so list items and thread pages merge; other floors are
// comments whose parentId is that id.
import { z } from 'zod';
import { load, type CheerioAPI } from 'cheerio';
import { defineAdapter, absoluteUrl, type CrawlRequest, type Page } from '../src/crawl/adapter.js';
import { ParseError } from '../src/crawl/errors.js';
import { parseSiteDate } from '../src/crawl/dates.js';
import { htmlToText, parseCount, str, get } from '../src/crawl/text.js';
import type { Observation } from '../src/core/observation.js';

const params = z.object({
  /** fetch each listed thread's first page to get its text and floors */
  details: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
}).strict();

/** Bring the HTML hidden in comments (Bigpipe pagelets) back into the document. */
export function uncommentPagelets(html: string): string {
  const hidden: string[] = [];
  html.replace(/<!--([\s\S]*?)-->/g, (_all, body: string) => {
    if (/j_thread_list|l_post|s_post|lzl_single_post|thread_list|frs_list_pager/.test(body)) hidden.push(body);
    return '';
  });
  return hidden.length ? html + '\n' + hidden.join('\n') : html;
}

function dataField($: CheerioAPI, el: Parameters<CheerioAPI>[0]): unknown {
  const raw = $(el).attr('data-field');
  if (!raw) return null;
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}

function listPage($: CheerioAPI, page: Page, now: Date, details: boolean) {
  const obs: Observation[] = [];
  const requests: CrawlRequest[] = [];
  const seen = new Set<string>();
  $('li.j_thread_list, li[data-tid]').each((_i, li) => {
    const df = dataField($, li);
    const tid = str($(li).attr('data-tid')) ?? str(get(df, 'id'));
    if (!tid || seen.has(tid)) return;
    seen.add(tid);
    const a = $(li).find('a.j_th_tit').first();
    const title = str(a.attr('title')) ?? str(a.text());
    if (!title) return;
    const firstPid = str(get(df, 'first_post_id'));
    const threadUrl = absoluteUrl(`/p/${tid}`, page.url)!;
    const name = str($(li).find('.frs-author-name, .tb_icon_author a').first().text()) ?? str(get(df, 'author_nickname')) ?? str(get(df, 'author_name'));
    const authorId = str(get(dataField($, $(li).find('.tb_icon_author').get(0)), 'user_id'));
    const date = str($(li).find('.is_show_create_time').first().text()) ?? str($(li).find('.threadlist_reply_date').first().text());
    const id = firstPid ?? tid;
    obs.push({
      at: '', source: 'tieba', kind: 'post', id, url: `https://tieba.baidu.com/p/${tid}`,
      author: name || authorId ? { id: authorId, name } : null,
      title, text: htmlToText($(li).find('.threadlist_abs').first().html()) || null,
      publishedAt: parseSiteDate(date, now),
      metrics: { comments: parseCount(get(df, 'reply_num')) ?? parseCount($(li).find('.threadlist_rep_num').first().text()) ?? 0 },
      extra: { tid, ...(get(df, 'is_top') ? { top: true } : {}), ...(get(df, 'is_good') ? { good: true } : {}) },
    });
    if (details) requests.push({ url: threadUrl, follow: 'detail', meta: { postId: id, tid } });
  });
  const next = absoluteUrl($('#frs_list_pager a.next, a.next.pagination-item').first().attr('href'), page.url);
  if (next) requests.push({ url: next, follow: 'next' });
  return { observations: obs, requests };
}

function threadPage($: CheerioAPI, page: Page, now: Date) {
  const tid = /\/p\/(\d+)/.exec(new URL(page.url).pathname)?.[1] ?? null;
  const title = str($('.core_title_txt').first().attr('title')) ?? str($('.core_title_txt, h1, h3').first().text());
  let postId = str(page.request.meta?.postId);
  const obs: Observation[] = [];
  $('div.l_post').each((_i, el) => {
    const df = dataField($, el);
    const pid = str(get(df, 'content', 'post_id')) ?? str($(el).attr('data-pid'));
    if (!pid) return;
    const floor = parseCount(get(df, 'content', 'post_no'));
    const contentEl = $(el).find(`#post_content_${pid}`).first();
    contentEl.find('.replace_tip, .post_bubble_top, .post_bubble_bottom').remove();
    const text = htmlToText((contentEl.length ? contentEl : $(el).find('.d_post_content').first()).html());
    const tail = $(el).find('.tail-info, .post-tail-wrap span').toArray().map((t) => $(t).text().trim()).find((t) => /\d{4}-\d{1,2}-\d{1,2}/.test(t));
    const date = tail ?? str(get(df, 'content', 'date'));
    const author = {
      id: str(get(df, 'author', 'user_id')),
      name: str($(el).find('.p_author_name').first().text()) ?? str(get(df, 'author', 'user_nickname')) ?? str(get(df, 'author', 'user_name')),
    };
    const isFirst = floor === 1;
    if (isFirst) postId = pid;
    const o: Observation = {
      at: '', source: 'tieba', kind: isFirst ? 'post' : 'comment', id: pid,
      url: tid ? `https://tieba.baidu.com/p/${tid}?pid=${pid}#${pid}` : null,
      parentId: isFirst ? null : postId ?? (tid ? `t${tid}` : null),
      author, title: isFirst ? title : null, text: text || (isFirst ? null : ''),
      publishedAt: parseSiteDate(date, now),
      metrics: { comments: parseCount(get(df, 'content', 'comment_num')) ?? 0 },
      extra: { tid, floor },
    };
    if (isFirst) {
      const replies = parseCount($('.l_reply_num .red').first().text());
      if (replies != null) o.metrics = { comments: replies };
    }
    if (o.text || o.title) obs.push(o);
  });
  const nextA = $('a').filter((_i, a) => $(a).text().trim() === '下一页').first();
  const next = absoluteUrl(nextA.attr('href'), page.url);
  return { observations: obs, requests: next ? [{ url: next, follow: 'next' as const, meta: { postId } }] : [] };
}

function floorReplies($: CheerioAPI, page: Page, now: Date) {
  const q = new URL(page.url).searchParams;
  const pid = q.get('pid');
  const tid = q.get('tid');
  const obs: Observation[] = [];
  $('li.lzl_single_post').each((_i, li) => {
    const df = dataField($, li);
    const id = str(get(df, 'spid'));
    if (!id) return;
    obs.push({
      at: '', source: 'tieba', kind: 'comment', id, parentId: pid,
      url: tid ? `https://tieba.baidu.com/p/${tid}?pid=${pid}#${pid}` : null,
      author: { name: str(get(df, 'showname')) ?? str(get(df, 'user_name')) ?? str($(li).find('.lzl_cnt a.j_user_card').first().text()) },
      text: htmlToText($(li).find('.lzl_content_main').first().html()),
      publishedAt: parseSiteDate(str($(li).find('.lzl_time').first().text()), now),
      extra: { tid, floorReply: true },
    });
  });
  const nextA = $('.j_pager a, a').filter((_i, a) => $(a).text().trim() === '下一页').first();
  const pn = Number(q.get('pn') ?? '1');
  const next = nextA.length ? (() => { const u = new URL(page.url); u.searchParams.set('pn', String(pn + 1)); return u.href; })() : null;
  return { observations: obs, requests: next ? [{ url: next, follow: 'next' as const }] : [] };
}

function searchPage($: CheerioAPI, page: Page, now: Date) {
  const obs: Observation[] = [];
  $('.s_post').each((_i, el) => {
    const a = $(el).find('a.bluelink').first();
    const href = absoluteUrl(a.attr('href'), page.url);
    if (!href) return;
    const u = new URL(href);
    const tid = /\/p\/(\d+)/.exec(u.pathname)?.[1];
    const pid = u.searchParams.get('pid') ?? /#(\d+)$/.exec(href)?.[1] ?? tid;
    if (!pid) return;
    const fonts = $(el).find('a font, font.p_violet').toArray().map((f) => $(f).text().trim());
    obs.push({
      at: '', source: 'tieba', kind: 'post', id: pid, url: `https://tieba.baidu.com${u.pathname}${u.search}`,
      title: str(a.text()), text: htmlToText($(el).find('.p_content').first().html()) || null,
      author: fonts[1] ? { name: fonts[1] } : null,
      publishedAt: parseSiteDate(str($(el).find('.p_date').first().text()), now),
      extra: { tid, forum: fonts[0] ?? null },
    });
  });
  const next = absoluteUrl($('.pager a.next').first().attr('href'), page.url);
  return { observations: obs, requests: next ? [{ url: next, follow: 'next' as const }] : [] };
}

export default defineAdapter({
  id: 'tieba',
  description: 'Baidu Tieba: forum list /f?kw=, thread /p/ID, floor replies /p/comment, search /f/search/res',
  example: 'https://tieba.baidu.com/f?kw=%E7%89%9B%E5%A5%B6&ie=utf-8&pn=0',
  params,
  features: { requireConfig: [] },
  headers: () => ({ accept: 'text/html,application/xhtml+xml', referer: 'https://tieba.baidu.com/' }),
  reobserveUrl: (obs, _p, sourceUrl) => {
    const tid = /\/p\/(\d+)/.exec(obs.url ?? '')?.[1];
    return tid ? absoluteUrl(`/p/${tid}`, sourceUrl) : null;
  },
  parse({ page, params: p, now }) {
    const path = new URL(page.url).pathname.replace(/\/+$/, '') || '/';
    if (/^\s*[{[]/.test(page.text)) throw new ParseError(`tieba: expected an HTML page at ${page.url}, got JSON`, page.url);
    const $ = load(uncommentPagelets(page.text));
    if (path === '/p/comment' || path.endsWith('/p/totalComment')) return floorReplies($, page, now);
    if (/\/p\/\d+$/.test(path)) return threadPage($, page, now);
    if (path.startsWith('/f/search')) return searchPage($, page, now);
    if (path === '/f' || path.startsWith('/f/')) return listPage($, page, now, p.details);
    throw new ParseError(`tieba: cannot tell the kind of page from the path ${path} (expected /f?kw=, /p/ID, /p/comment or /f/search/res)`, page.url);
  },
});
