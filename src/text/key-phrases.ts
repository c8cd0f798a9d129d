// Incident titles from key phrases: TF-IDF over the incident's tokens (jieba tokens, passed in by
// the caller) against an incremental document-frequency table, stopword filtering, and merging of
// adjacent tokens that keep occurring together into one phrase ("喝|出|异物" -> "喝出异物").

/** Incremental document frequencies: add every document's tokens once as it arrives. */
export class DocFreq {
  private readonly counts = new Map<string, number>();
  private n = 0;

  get documents(): number {
    return this.n;
  }

  add(tokens: readonly string[]): void {
    this.n++;
    for (const t of new Set(tokens)) this.counts.set(t, (this.counts.get(t) ?? 0) + 1);
  }

  df(token: string): number {
    return this.counts.get(token) ?? 0;
  }

  /** Smoothed inverse document frequency: ln((1 + N) / (1 + df)) + 1, always >= 1. */
  idf(token: string): number {
    return Math.log((1 + this.n) / (1 + this.df(token))) + 1;
  }
}

// Chinese function words, pronouns, fillers and social-media boilerplate; English function words.
const STOPWORDS = new Set(
  (
    '的 了 是 在 我 有 和 就 不 人 都 一 一个 上 也 很 到 说 要 去 你 会 着 没有 看 好 自己 这 那 他 她 它 们 我们 你们 他们 ' +
    '这个 那个 这些 那些 什么 怎么 怎么样 为什么 因为 所以 但是 但 然后 还是 已经 可以 就是 还有 真的 觉得 知道 现在 今天 ' +
    '昨天 明天 一下 一直 一样 这样 那样 这么 那么 如果 虽然 而且 或者 以及 以后 之后 之前 时候 大家 东西 还 又 再 才 只 ' +
    '被 把 让 给 对 从 向 跟 与 及 等 啊 吧 呢 吗 呀 哦 嗯 哈 哈哈 哈哈哈 嘛 啦 哎 唉 么 之 其 而 并 或 则 即 于 以 为 ' +
    '所 者 个 些 种 次 里 中 下 前 后 没 别 能 想 用 做 太 更 最 非常 特别 比较 有点 一点 一些 有些 多少 几个 每个 ' +
    '不是 不会 不能 不要 没什么 可能 应该 需要 希望 开始 出来 起来 知道 感觉 其实 然而 另外 而且 如何 哪里 这里 那里 ' +
    '很多 所有 各种 其他 其它 只是 一般 一次 一起 一定 直接 还要 还会 不过 只有 没想到 居然 竟然 结果 到底 简直 ' +
    '转发 微博 转发微博 网页链接 全文 展开 展开全文 回复 评论 视频 链接 原图 秒拍 超话 抽奖 分享 图片 ' +
    'the a an and or but if of to in on at by for with from as is are was were be been being it its this that these ' +
    'those i you he she we they me my your our their his her them not no so do does did have has had will would can ' +
    'could should just very too also than then there here what which who whom how why when where all any some rt via ' +
    'http https www com cn net org html htm amp'
  ).split(/\s+/),
);

const HAS_LETTER = /\p{L}/u;
const ASCII_WORD = /^[a-z0-9][a-z0-9'&.-]*$/i;
const NUMBERISH = /^[\d.,:%\/+-]+[年月日号时点分秒岁个次天条元块万亿k%]?$/iu;
const URLISH = /:\/\/|^www\.|\.(com|cn|net|org)(\/|$)/i;

/** A token that can neither be a key phrase alone nor start or end one. */
function isFunctionWord(t: string): boolean {
  return STOPWORDS.has(t) || !HAS_LETTER.test(t) || NUMBERISH.test(t) || URLISH.test(t) || (ASCII_WORD.test(t) && t.length < 3);
}

/** A token that cannot be a key phrase on its own (single characters may still sit in a phrase). */
function isStop(t: string): boolean {
  return [...t].length < 2 || isFunctionWord(t);
}

/** Tokens that end a phrase: multi-character function words, long numbers (ids), URL parts. */
function breaksPhrase(t: string): boolean {
  return ([...t].length >= 2 && STOPWORDS.has(t)) || /\d{3,}/.test(t) || URLISH.test(t);
}

/** Punctuation and whitespace tokens break phrases; they never sit inside one. */
const BREAK = /^[\s\p{P}\p{S}]*$/u;

function joinTokens(parts: readonly string[]): string {
  let out = parts[0];
  for (let i = 1; i < parts.length; i++)
    out += (/[a-z0-9]$/i.test(out) && /^[a-z0-9]/i.test(parts[i]) ? ' ' : '') + parts[i];
  return out;
}

export interface KeyPhraseOptions {
  /** how many phrases (default 3) */
  k?: number;
  /** terms to leave out, typically the topic's own brand names; tokens inside them are dropped too */
  exclude?: readonly string[];
}

interface Candidate { text: string; parts: string[]; docs: number; score: number }

/** longest phrase: tokens, and display width (CJK characters count 2) */
const MAX_PARTS = 4;
const MAX_WIDTH = 24;

function width(s: string): number {
  let w = 0;
  for (const ch of s) w += ch.charCodeAt(0) > 0x2e7f ? 2 : 1;
  return w;
}

/**
 * The k most characteristic phrases of an incident's documents (each a token list), best first.
 * Score = (1 + ln docsContaining) x idf. Adjacent tokens become one phrase when their bigram
 * accounts for at least half the occurrences of the rarer token, in 2+ documents.
 */
export function keyPhrases(docs: readonly (readonly string[])[], df: DocFreq, opts: KeyPhraseOptions = {}): string[] {
  const k = opts.k ?? 3;
  const exclude = (opts.exclude ?? []).map((e) => e.trim().toLowerCase()).filter(Boolean);
  const excluded = (t: string) => exclude.some((e) => e.includes(t) || (t.length >= 2 && t.includes(e)));

  // token sequences, with null where punctuation, an excluded term, a multi-character function
  // word or an @mention (up to the next punctuation or space) breaks adjacency
  const seqs = docs.map((d) => {
    let inMention = false;
    return d.map((raw) => {
      const t = raw.trim().toLowerCase();
      if (t.startsWith('@')) { inMention = true; return null; }
      if (t === '' || BREAK.test(t)) { inMention = false; return null; }
      if (inMention || excluded(t) || breaksPhrase(t)) return null;
      return t;
    });
  });

  const uni = new Map<string, number>();
  const bi = new Map<string, number>();
  const key = (a: string, b: string) => `${a}\u0000${b}`;
  for (const s of seqs) {
    const us = new Set<string>();
    const bs = new Set<string>();
    s.forEach((t, i) => {
      if (t === null) return;
      us.add(t);
      const n = s[i + 1];
      if (n != null) bs.add(key(t, n));
    });
    for (const t of us) uni.set(t, (uni.get(t) ?? 0) + 1);
    for (const b of bs) bi.set(b, (bi.get(b) ?? 0) + 1);
  }
  const strong = (a: string, b: string) => {
    const c = bi.get(key(a, b)) ?? 0;
    return c >= 2 && c >= 0.5 * Math.min(uni.get(a)!, uni.get(b)!);
  };

  // phrases: maximal runs of strong bigrams, trimmed so they start and end on content tokens
  const phraseDocs = new Map<string, { parts: string[]; docs: number }>();
  for (const s of seqs) {
    const seen = new Set<string>();
    let i = 0;
    while (i < s.length) {
      if (s[i] === null) { i++; continue; }
      let j = i;
      while (j + 1 < s.length && s[j + 1] !== null && strong(s[j]!, s[j + 1]!) && j + 1 - i < MAX_PARTS) j++;
      let a = i;
      let b = j;
      // a single character may start or end a phrase ("喝|出|异物") only next to a content token
      const dangling = (edge: string, inner: string) => isFunctionWord(edge) || ([...edge].length < 2 && isFunctionWord(inner));
      while (a < b && dangling(s[a]!, s[a + 1]!)) a++;
      while (b > a && dangling(s[b]!, s[b - 1]!)) b--;
      // too long: drop tokens from the end, then trim again
      while (b > a && width(joinTokens(s.slice(a, b + 1) as string[])) > MAX_WIDTH) {
        b--;
        while (b > a && dangling(s[b]!, s[b - 1]!)) b--;
      }
      if (b > a && s.slice(a, b + 1).some((t) => !isStop(t!))) {
        const parts = s.slice(a, b + 1) as string[];
        const text = joinTokens(parts);
        if (!seen.has(text)) {
          seen.add(text);
          const p = phraseDocs.get(text);
          if (p) p.docs++;
          else phraseDocs.set(text, { parts, docs: 1 });
        }
      }
      i = j + 1;
    }
  }

  const minDocs = docs.length >= 3 ? 2 : 1;
  const cands: Candidate[] = [];
  for (const [t, n] of uni) if (n >= minDocs && !isStop(t)) cands.push({ text: t, parts: [t], docs: n, score: (1 + Math.log(n)) * df.idf(t) });
  for (const [text, p] of phraseDocs) {
    if (p.docs < minDocs) continue;
    const content = p.parts.filter((t) => !isStop(t));
    const idf = Math.max(...content.map((t) => df.idf(t)));
    // a phrase outranks its parts when it accounts for most of their occurrences
    cands.push({ text, parts: p.parts, docs: p.docs, score: (1 + Math.log(p.docs)) * idf * (1 + 0.15 * (content.length - 1)) * 1.1 });
  }
  cands.sort((x, y) => y.score - x.score || y.text.length - x.text.length || (x.text < y.text ? -1 : 1));

  const picked: string[] = [];
  for (const c of cands) {
    if (picked.length >= k) break;
    if (picked.some((p) => p.includes(c.text) || c.text.includes(p))) continue;
    picked.push(c.text);
  }
  return picked;
}

export interface IncidentTitleOptions extends KeyPhraseOptions {
  /** shown first (the topic's name); its terms are excluded from the phrases */
  brand?: string;
  /** maximum title length in characters (default 30) */
  maxLength?: number;
}

/** A readable incident title such as "星河乳业 · 喝出异物 · 住院", at most ~30 characters. */
export function incidentTitle(docs: readonly (readonly string[])[], df: DocFreq, opts: IncidentTitleOptions = {}): string {
  const maxLength = opts.maxLength ?? 30;
  const brand = opts.brand?.trim();
  const exclude = [...(opts.exclude ?? []), ...(brand ? [brand] : [])];
  const phrases = keyPhrases(docs, df, { k: opts.k ?? 3, exclude });
  const parts: string[] = brand ? [brand] : [];
  for (const p of phrases) {
    const next = [...parts, p].join(' · ');
    if ([...next].length > maxLength) break;
    parts.push(p);
  }
  if (parts.length > (brand ? 1 : 0)) return parts.join(' · ');
  // no phrase: the first document's content words
  const first = (docs.find((d) => d.some((t) => !isStop(t.trim().toLowerCase()))) ?? []).filter((t) => !BREAK.test(t));
  const fallback = [brand, joinTokens(first.length ? first : [''])].filter(Boolean).join(' · ');
  const chars = [...fallback];
  return chars.length > maxLength ? chars.slice(0, maxLength - 1).join('') + '…' : fallback;
}
