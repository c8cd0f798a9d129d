// Rising keywords: terms (jieba words, English words) whose number of posts grew most against the
// previous period. Score = (now - before) / sqrt(before + 1), so a jump from 0 to 30 outranks one
// from 300 to 320; terms of the watch queries themselves, stop words (function words such as 这是,
// 就是, 觉得) and numbers are left out, and so are people: user names from @mentions and //@ repost
// chains, as the pipeline leaves them out of a story's vocabulary (a term inside a name mentioned
// in the same post, or equal to a name mentioned anywhere in either period).
import { Segmenter } from '../text/segment.js';
import { normalizeForMatch } from '../text/normalize.js';
import { extractEntities, stripUrlsAndMentions } from '../text/entities.js';
import type { KeywordRow } from './report-data.js';

const STOP = new Set(`我们 你们 他们 她们 它们 这个 那个 这些 那些 什么 就是 还是 没有 一个 自己 真的 可以 因为 所以 但是 如果 已经 现在
今天 昨天 明天 大家 这样 那么 不是 然后 还有 知道 觉得 时候 怎么 为什么 这么 一下 一直 非常 可能 应该 有点 一样 一些 以后 之前 之后
出来 起来 东西 看到 这种 那种 而且 不过 只是 只有 虽然 其实 不会 不能 不要 还是 或者 以及 我的 你的 他的 她的 的话 一点 很多 所有
这是 那是 也是 都是 只是 真是 可是 于是 而是 总是 就是说 还是说 的是 是的 不是说 这里 那里 哪里 这边 那边 这次 那次 这位 那位 各位
这样子 那样 怎样 怎么样 怎么办 为啥 多少 哪个 哪些 有人 没人 别人 人家 大家伙 一起 一定 一般 还要 还会 还能 刚刚 刚才 马上 正在 开始
结果 最后 以前 目前 本来 原来 其他 其它 另外 此外 对于 关于 根据 通过 并且 不然 否则 只要 除了 为了 由于 好像 似乎 感觉 认为 表示
有没有 是不是 会不会 能不能 要不要 简直 居然 竟然 果然 终于 确实 实在 特别 比较 而已 不少 很多 太多 好多 一次 一天 这家 那家 我家
我们的 大家的 哈哈 哈哈哈 呵呵 嗯嗯 啊啊 真的是 有点儿 一下子 这么多 那么多 不知道 没想到 怎么会 出现 发现 进行 问题 情况 事情
转发 微博 网页 链接 网页链接 视频 秒拍 秒拍视频 全文 展开 收起 回复 评论 点赞 图片 查看 the and for you are with this that have has was were
not but from they their them its our your what when will would can could just about into than then there here been more some very also
http https www com cn html`.split(/\s+/).filter(Boolean));

const KEEP = /^(?:[\p{Script=Han}]{2,}|[a-z][a-z0-9'-]{2,})$/u;

/** User names a text mentions (@name) or reposts through (//@name:), normalized like the terms. */
function peopleOf(text: string): string[] {
  if (!text.includes('@')) return [];
  const e = extractEntities(text);
  return [...e.mentions, ...e.reposts.map((r) => r.user)].map((n) => normalizeForMatch(n.replace(/^@/, ''))).filter(Boolean);
}

function docTerms(seg: Segmenter, text: string, banned: Set<string>, people: string[]): Set<string> {
  const out = new Set<string>();
  for (const t of seg.cut(normalizeForMatch(people.length ? stripUrlsAndMentions(text) : text))) {
    const w = t.trim();
    if (!KEEP.test(w) || STOP.has(w) || banned.has(w)) continue;
    // the pipeline's people filter: a term inside a user name of this post is that person, not a topic
    if (people.length && people.some((p) => p.includes(w))) continue;
    out.add(w);
  }
  return out;
}

function countDocs(seg: Segmenter, texts: Iterable<string>, banned: Set<string>, cap: number, people: Set<string>): Map<string, number> {
  const df = new Map<string, number>();
  let n = 0;
  for (const text of texts) {
    if (n++ >= cap) break;
    const names = peopleOf(text);
    for (const p of names) people.add(p);
    for (const w of docTerms(seg, text, banned, names)) df.set(w, (df.get(w) ?? 0) + 1);
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
  const people = new Set<string>();
  const now = countDocs(seg, current, banned, cap, people);
  const before = countDocs(seg, previous, banned, cap, people);
  const min = opts.minCount ?? 2;
  const rows: (KeywordRow & { score: number })[] = [];
  for (const [term, count] of now) {
    if (count < min || people.has(term)) continue; // a name mentioned with @ elsewhere, written here without it
    const prev = before.get(term) ?? 0;
    if (count <= prev) continue;
    rows.push({ term, count, previous: prev, growth: prev ? Math.round((count / prev) * 100) / 100 : null, score: (count - prev) / Math.sqrt(prev + 1) });
  }
  rows.sort((a, b) => b.score - a.score || b.count - a.count || a.term.localeCompare(b.term));
  return rows.slice(0, opts.limit ?? 20).map(({ score: _s, ...r }) => r);
}
