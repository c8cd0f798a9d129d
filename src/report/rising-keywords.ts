// Rising keywords: terms (jieba words, English words) whose number of posts grew most against the
// previous period. Score = (now - before) / sqrt(before + 1), so a jump from 0 to 30 outranks one
// from 300 to 320; terms of the watch queries themselves, stop words and numbers are left out.
import { Segmenter } from '../text/segment.js';
import { normalizeForMatch } from '../text/normalize.js';
import type { KeywordRow } from './report-data.js';

const STOP = new Set(`我们 你们 他们 她们 它们 这个 那个 这些 那些 什么 就是 还是 没有 一个 自己 真的 可以 因为 所以 但是 如果 已经 现在
今天 昨天 明天 大家 这样 那么 不是 然后 还有 知道 觉得 时候 怎么 为什么 这么 一下 一直 非常 可能 应该 有点 一样 一些 以后 之前 之后
出来 起来 东西 看到 这种 那种 而且 不过 只是 只有 虽然 其实 不会 不能 不要 还是 或者 以及 我的 你的 他的 她的 的话 一点 很多 所有
转发 微博 网页 链接 网页链接 视频 秒拍 秒拍视频 全文 展开 收起 回复 评论 点赞 图片 查看 the and for you are with this that have has was were
not but from they their them its our your what when will would can could just about into than then there here been more some very also
http https www com cn html`.split(/\s+/).filter(Boolean));

const KEEP = /^(?:[\p{Script=Han}]{2,}|[a-z][a-z0-9'-]{2,})$/u;

function docTerms(seg: Segmenter, text: string, banned: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const t of seg.cut(normalizeForMatch(text))) {
    const w = t.trim();
    if (!KEEP.test(w) || STOP.has(w) || banned.has(w)) continue;
    out.add(w);
  }
  return out;
}

function countDocs(seg: Segmenter, texts: Iterable<string>, banned: Set<string>, cap: number): Map<string, number> {
  const df = new Map<string, number>();
  let n = 0;
  for (const text of texts) {
    if (n++ >= cap) break;
    for (const w of docTerms(seg, text, banned)) df.set(w, (df.get(w) ?? 0) + 1);
  }
  return df;
}

/** Words of the topic queries (lower-cased, quotes and operators removed), excluded from keywords. */
export function queryWords(queries: readonly string[], seg: Segmenter): Set<string> {
  const out = new Set<string>();
  for (const q of queries) {
    for (const part of normalizeForMatch(q).replace(/["()]/g, ' ').split(/\s+/)) {
      const w = part.replace(/^-|^(source|author|title):/, '');
      if (!w || /^(and|or|not|near\/\d+)$/.test(w)) continue;
      out.add(w);
      for (const t of seg.cut(w)) out.add(t);
    }
  }
  return out;
}

export interface RisingOptions { limit?: number; minCount?: number; cap?: number; userWords?: string[] }

export function risingKeywords(current: Iterable<string>, previous: Iterable<string>, queries: readonly string[], opts: RisingOptions = {}): KeywordRow[] {
  const seg = new Segmenter();
  if (opts.userWords?.length) seg.addUserWords(opts.userWords);
  const banned = queryWords(queries, seg);
  const cap = opts.cap ?? 20_000;
  const now = countDocs(seg, current, banned, cap);
  const before = countDocs(seg, previous, banned, cap);
  const min = opts.minCount ?? 2;
  const rows: (KeywordRow & { score: number })[] = [];
  for (const [term, count] of now) {
    if (count < min) continue;
    const prev = before.get(term) ?? 0;
    if (count <= prev) continue;
    rows.push({ term, count, previous: prev, growth: prev ? Math.round((count / prev) * 100) / 100 : null, score: (count - prev) / Math.sqrt(prev + 1) });
  }
  rows.sort((a, b) => b.score - a.score || b.count - a.count || a.term.localeCompare(b.term));
  return rows.slice(0, opts.limit ?? 20).map(({ score: _s, ...r }) => r);
}
