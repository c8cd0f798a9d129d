// heimao: 黑猫投诉 (tousu.sina.com.cn) complaints, with title, company, demand, status and amount.
// Reads the JSON list APIs (/api/index/s?keywords=..., /api/company/received_complaints?couid=...:
// result.data.lists[].main + author) and the complaint page /complaint/view/SN/ (the
// "投诉编号 / 投诉对象 / 投诉问题 / 投诉要求 / 涉诉金额 / 投诉进度" list).
import { z } from 'zod';
import { load } from 'cheerio';
import { defineAdapter, absoluteUrl, type CrawlRequest } from '../src/crawl/adapter.js';
import { ParseError } from '../src/crawl/errors.js';
import { parseSiteDate } from '../src/crawl/dates.js';
import { htmlToText, parseCount, str, get, asArray } from '../src/crawl/text.js';
import type { Observation } from '../src/core/observation.js';

const params = z.object({ details: z.enum(['true', 'false']).default('false').transform((v) => v === 'true') }).strict();
const SITE = 'https://tousu.sina.com.cn';

const STATUS: Record<string, string> = { '1': '待分配', '2': '待处理', '3': '处理中', '4': '已回复', '5': '已完成', '6': '已关闭' };
const statusText = (v: unknown): string | null => { const s = str(v); return s ? STATUS[s] ?? s : null; };
const amountOf = (v: unknown): number | null => { const s = str(v); if (!s) return null; const m = /(\d+(?:\.\d+)?)/.exec(s.replace(/,/g, '')); return m ? Number(m[1]) : null; };

function fromApi(row: unknown, now: Date): Observation | null {
  const m = get(row, 'main') ?? row;
  const sn = str(get(m, 'sn')) ?? str(get(m, 'id'));
  const title = htmlToText(str(get(m, 'title')));
  if (!sn || !title) return null;
  const url = absoluteUrl(str(get(m, 'url')), SITE) ?? `${SITE}/complaint/view/${sn}/`;
  return {
    at: '', source: 'heimao', kind: 'post', id: sn, url,
    author: { name: str(get(row, 'author', 'title')) ?? str(get(m, 'nickname')), id: str(get(row, 'author', 'id')) },
    title, text: htmlToText(str(get(m, 'summary')) ?? str(get(m, 'content'))) || title,
    publishedAt: parseSiteDate(parseCount(get(m, 'timestamp')) ?? str(get(m, 'created_at')), now),
    metrics: { likes: parseCount(get(m, 'upvote_amount')) ?? parseCount(get(m, 'vote_num')) ?? 0, comments: parseCount(get(m, 'comment_amount')) ?? parseCount(get(m, 'comment_num')) ?? 0 },
    extra: {
      company: htmlToText(str(get(m, 'cotitle')) ?? str(get(m, 'company'))) || null,
      issue: str(get(m, 'issue')),
      demand: htmlToText(str(get(m, 'appeal')) ?? str(get(m, 'demand'))) || null,
      status: statusText(get(m, 'status')),
      amount: amountOf(get(m, 'cost') ?? get(m, 'amount') ?? get(m, 'money')),
    },
  };
}

export default defineAdapter({
  id: 'heimao',
  description: '黑猫投诉 complaints (tousu.sina.com.cn): search/company list APIs and complaint pages; title, company, demand, status, amount',
  example: 'https://tousu.sina.com.cn/api/index/s?keywords=%E5%A4%96%E5%8D%96&page_size=10&page=1',
  params,
  features: { requireConfig: [] },
  headers: () => ({ accept: 'application/json, text/html;q=0.9', referer: 'https://tousu.sina.com.cn/' }),
  reobserveUrl: (obs, _p, sourceUrl) => absoluteUrl(`/complaint/view/${encodeURIComponent(obs.id)}/`, sourceUrl),
  parse({ page, params: p, now }) {
    const t = page.text.trimStart();
    if (t.startsWith('{')) {
      let data: unknown;
      try { data = JSON.parse(t); } catch { throw new ParseError(`heimao: broken JSON at ${page.url}`, page.url); }
      const d = get(data, 'result', 'data') ?? get(data, 'data');
      const lists = asArray(get(d, 'lists') ?? get(d, 'list'));
      const obs = lists.map((r) => fromApi(r, now)).filter((o): o is Observation => !!o);
      const requests: CrawlRequest[] = [];
      if (p.details) for (const o of obs) if (o.url) requests.push({ url: absoluteUrl(new URL(o.url).pathname, page.url)!, follow: 'detail' });
      const u = new URL(page.url);
      const pageNo = Number(u.searchParams.get('page') ?? '1');
      const pages = parseCount(get(d, 'pager', 'page_amount')) ?? parseCount(get(d, 'pager', 'pages'));
      if (obs.length && (pages == null || pageNo < pages)) { u.searchParams.set('page', String(pageNo + 1)); requests.push({ url: u.href, follow: 'next' }); }
      return { observations: obs, requests };
    }
    const $ = load(t);
    const sn = /\/complaint\/view\/(\d+)/.exec(new URL(page.url).pathname)?.[1];
    if (!sn) throw new ParseError(`heimao: cannot tell the kind of page from ${page.url} (expected /api/... JSON or /complaint/view/SN/)`, page.url);
    const fields: Record<string, string> = {};
    $('ul.ts-q-list li, .ts-q-list li').each((_i, li) => {
      const label = $(li).find('label, .ts-q-label, span').first().text().replace(/[：:\s]/g, '');
      const whole = $(li).text().replace(/\s+/g, ' ').trim();
      const value = whole.replace(/^[^：:]*[：:]\s*/, '').trim();
      if (label) fields[label] = value;
    });
    const title = str($('h1.article, .article h1, h1').first().text()) ?? str($('title').text());
    const text = htmlToText($('.ts-d-item .ts-d-cont, .ts-reply .ts-d-cont, .ts-d-question').first().html()) || null;
    const steps = $('.ts-d-steplist .ts-d-item, .ts-d-steplist li').length;
    const date = str($('.ts-d-steplist .time, .ts-d-item .time').last().text());
    if (!title) return { observations: [] };
    return {
      observations: [{
        at: '', source: 'heimao', kind: 'post', id: sn, url: `${SITE}/complaint/view/${sn}/`,
        author: { name: str($('.ts-d-user .u-name, .ts-d-user span').first().text()) },
        title, text: text ?? fields['投诉问题'] ?? title,
        publishedAt: parseSiteDate(date, now),
        extra: {
          company: fields['投诉对象'] ?? null, issue: fields['投诉问题'] ?? null, demand: fields['投诉要求'] ?? null,
          amount: amountOf(fields['涉诉金额']), status: fields['投诉进度'] ?? null, steps,
        },
      }],
    };
  },
});
