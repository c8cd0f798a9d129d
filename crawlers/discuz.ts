// discuz: Discuz! 6/7/X forums. By path: forumdisplay.php / forum.php?mod=forumdisplay /
// forum-FID-PAGE.html (thread lists) and viewthread.php / forum.php?mod=viewthread /
// thread-TID-PAGE-1.html (posts). Many of these sites serve GBK; decoding is the runner's job.
// A thread is a `post` with id = tid (its first floor's text); replies are comments "p<pid>".
import { z } from 'zod';
import { load, type CheerioAPI } from 'cheerio';
import { defineAdapter, absoluteUrl, type CrawlRequest, type Page } from '../src/crawl/adapter.js';
import { ParseError } from '../src/crawl/errors.js';
import { parseSiteDate } from '../src/crawl/dates.js';
import { htmlToText, parseCount, str } from '../src/crawl/text.js';
import type { Observation } from '../src/core/observation.js';

const params = z.object({
  details: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
}).strict();

/** The thread id in any Discuz! thread link form, or null. */
export function threadIdOf(href: string | null | undefined, base: string): string | null {
  const abs = absoluteUrl(href, base);
  if (!abs) return null;
  const u = new URL(abs);
  const m = /(?:^|\/)thread-(\d+)-\d+-\d+\.html$/.exec(u.pathname);
  if (m) return m[1];
  const isView = /viewthread\.php$/.test(u.pathname) || (/forum\.php$/.test(u.pathname) && u.searchParams.get('mod') === 'viewthread');
  return isView ? (/^\d+$/.test(u.searchParams.get('tid') ?? '') ? u.searchParams.get('tid') : null) : null;
}

function threadUrl(tid: string, base: string): string {
  return new URL(`viewthread.php?tid=${tid}`, new URL('.', base)).href;
}

function listPage($: CheerioAPI, page: Page, now: Date, details: boolean) {
  const obs: Observation[] = [];
  const requests: CrawlRequest[] = [];
  const seen = new Set<string>();
  $('tbody[id^="normalthread_"], tbody[id^="stickthread_"]').each((_i, tb) => {
    const tid = /_(\d+)$/.exec($(tb).attr('id') ?? '')?.[1];
    if (!tid || seen.has(tid)) return;
    const a = $(tb).find('a.xst, span[id^="thread_"] a, th a[href*="tid="], th a[href*="thread-"]').filter((_j, x) => threadIdOf($(x).attr('href'), page.url) === tid).first();
    const title = str(a.text());
    if (!title) return;
    seen.add(tid);
    const by = $(tb).find('td.author, td.by').first();
    const authorA = by.find('cite a').first();
    const uid = /uid[=-](\d+)/.exec(authorA.attr('href') ?? '')?.[1] ?? null;
    const dateEl = by.find('em span[title]').first();
    const date = str(dateEl.attr('title')) ?? str(by.find('em').first().text());
    const nums = $(tb).find('td.nums, td.num').first();
    const replies = parseCount(nums.find('strong, a').first().text());
    const views = parseCount(nums.find('em').first().text());
    const linked = absoluteUrl(a.attr('href'), page.url);
    const url = linked && /thread-\d+-\d+-\d+\.html$/.test(new URL(linked).pathname) ? linked : threadUrl(tid, page.url);
    obs.push({
      at: '', source: 'discuz', kind: 'post', id: tid, url,
      author: authorA.length ? { id: uid, name: str(authorA.text()) } : null,
      title, text: null, publishedAt: parseSiteDate(date, now),
      metrics: { comments: replies ?? 0, views: views ?? 0 },
      extra: { sticky: ($(tb).attr('id') ?? '').startsWith('stick') || undefined },
    });
    if (details) requests.push({ url, follow: 'detail' });
  });
  // threads linked elsewhere on the page (announcements, digests, pinned links outside the table)
  $('a[href]').each((_i, a) => {
    const href = $(a).attr('href') ?? '';
    if (/goto=|[?&]page=\d|#/.test(href)) return;
    const tid = threadIdOf(href, page.url);
    const title = str($(a).text());
    if (!tid || seen.has(tid) || !title || /^\d+$/.test(title) || $(a).closest('.pages, .pg, .pages_btns').length) return;
    seen.add(tid);
    obs.push({ at: '', source: 'discuz', kind: 'post', id: tid, url: absoluteUrl(href, page.url), title, text: null, extra: { linked: true } });
  });
  const next = absoluteUrl($('.pages a.next, .pg a.nxt').first().attr('href'), page.url);
  if (next) requests.push({ url: next, follow: 'next' });
  return { observations: obs, requests };
}

function threadPage($: CheerioAPI, page: Page, now: Date) {
  const u = new URL(page.url);
  const tid = threadIdOf(page.url, page.url) ?? u.searchParams.get('tid');
  const title = str($('#thread_subject').first().text()) ?? str($('#threadtitle h1, .mainbox h1, h1').first().text()) ?? str($('title').text()?.split(' - ')[0]);
  const obs: Observation[] = [];
  const pageNo = Number(/thread-\d+-(\d+)-/.exec(u.pathname)?.[1] ?? u.searchParams.get('page') ?? '1');
  $('[id^="postmessage_"]').each((i, msg) => {
    const pid = /postmessage_(\d+)/.exec($(msg).attr('id') ?? '')?.[1];
    if (!pid) return;
    const post = $(msg).closest('[id^="post_"], table[id^="pid"], div[id^="pid"]');
    const authorA = post.find('.postauthor cite a, .postauthor .postinfo a, .authi a.xw1, .pls .authi a, .favatar .xw1').first();
    const uid = /uid[=-](\d+)/.exec(authorA.attr('href') ?? '')?.[1] ?? null;
    const dateEl = post.find('em[id^="authorposton"]').first();
    const dateText = str(dateEl.find('span[title]').attr('title')) ?? str(dateEl.text()?.replace(/^\s*发表于\s*/, '')) ?? str(/\d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}(:\d{2})?/.exec(post.find('.postinfo, .authi').text())?.[0]);
    const isFirst = pageNo === 1 && i === 0;
    const text = htmlToText($(msg).html());
    obs.push({
      at: '', source: 'discuz', kind: isFirst ? 'post' : 'comment', id: isFirst && tid ? tid : `p${pid}`,
      url: `${tid ? threadUrl(tid, page.url) : page.url}#pid${pid}`,
      parentId: isFirst ? null : tid,
      author: authorA.length ? { id: uid, name: str(authorA.text()) } : null,
      title: isFirst ? title : null, text,
      publishedAt: parseSiteDate(dateText, now),
      extra: { pid },
    });
  });
  const next = absoluteUrl($('.pages a.next, .pg a.nxt').first().attr('href'), page.url);
  return { observations: obs, requests: next ? [{ url: next, follow: 'next' as const }] : [] };
}

export default defineAdapter({
  id: 'discuz',
  description: 'Discuz! 6/7/X forums: forumdisplay.php, viewthread.php, forum-FID-PAGE.html, thread-TID-PAGE-1.html (GBK handled)',
  example: 'https://bbs.example.com/forumdisplay.php?fid=2',
  params,
  features: { requireConfig: [] },
  parse({ page, params: p, now }) {
    const u = new URL(page.url);
    const path = u.pathname;
    if (/^\s*[{[]/.test(page.text)) throw new ParseError(`discuz: expected an HTML page at ${page.url}, got JSON`, page.url);
    const $ = load(page.text);
    const mod = u.searchParams.get('mod');
    if (/viewthread\.php$/.test(path) || /thread-\d+-\d+-\d+\.html$/.test(path) || mod === 'viewthread') return threadPage($, page, now);
    if (/forumdisplay\.php$/.test(path) || /forum-\d+-\d+\.html$/.test(path) || mod === 'forumdisplay') return listPage($, page, now, p.details);
    throw new ParseError(`discuz: cannot tell the kind of page from ${path} (expected forumdisplay.php, viewthread.php, forum-FID-PAGE.html or thread-TID-PAGE-1.html)`, page.url);
  },
});
