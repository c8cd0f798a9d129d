// Assigns a topic's new post to an incident (story): through its parent (comments, reposts), the
// original text of a `//@user:` repost chain or a near-duplicate (simhash within 3 bits), or shared
// key terms; otherwise a complaint opens a new incident. Pure over the given open incidents.
import type { IncidentState } from './incident-state.js';

export interface ClusterCandidate {
  parentIncidents: string[];
  /** simhash of the post's own content (the chain's original text for reposts) */
  hash: string | null;
  /** content tokens (stop words and topic terms removed) */
  tokens: string[];
  publishedAt: number;
}

export interface ClusterOptions {
  windowMs: number;
  maxHamming: number;
  minSharedTerms: number;
  minOverlap: number;
  /** incidents holding a post whose hash is within maxHamming of the given one */
  nearHashes(hash: string, maxDistance: number): { incidentId: string; distance: number }[];
  /** incident id -> number of the given tokens in its vocabulary (an inverted index; may be stale) */
  sharingTerms(tokens: string[]): Map<string, number>;
}

/** Returns the id of the incident to join, or null. */
export function findIncident(post: ClusterCandidate, open: IncidentState[], o: ClusterOptions): string | null {
  const byId = new Map<string, IncidentState>();
  for (const s of open) if (!s.closed && s.kind === 'story' && post.publishedAt - s.lastPostAt <= o.windowMs) byId.set(s.id, s);
  for (const id of post.parentIncidents) if (byId.has(id)) return id;
  if (post.hash) {
    let best: { id: string; d: number } | null = null;
    for (const n of o.nearHashes(post.hash, o.maxHamming)) {
      if ((!best || n.distance < best.d) && byId.has(n.incidentId)) best = { id: n.incidentId, d: n.distance };
    }
    if (best) return best.id;
  }
  if (post.tokens.length >= o.minSharedTerms) {
    let best: { id: string; score: number } | null = null;
    const set = new Set(post.tokens);
    for (const [id, count] of o.sharingTerms(post.tokens)) {
      const s = byId.get(id);
      if (!s || count < o.minSharedTerms) continue;
      let shared = 0, weight = 0, total = 0;
      for (const [t, w] of Object.entries(s.terms)) {
        total += w;
        if (set.has(t)) { shared++; weight += w; }
      }
      if (shared < o.minSharedTerms || !total) continue;
      const score = (shared / set.size) * 0.5 + (weight / total) * 0.5;
      if (score >= o.minOverlap && (!best || score > best.score)) best = { id: s.id, score };
    }
    if (best) return best.id;
  }
  return null;
}

/** Add a post's tokens to the incident vocabulary (kept to the 60 heaviest terms). */
export function absorbTerms(s: IncidentState, tokens: string[]): void {
  for (const t of new Set(tokens)) s.terms[t] = (s.terms[t] ?? 0) + 1;
  const entries = Object.entries(s.terms);
  if (entries.length > 90) {
    entries.sort((a, b) => b[1] - a[1]);
    s.terms = Object.fromEntries(entries.slice(0, 60));
  }
}

const STOP = new Set(['的', '了', '是', '我', '你', '他', '她', '它', '们', '在', '和', '就', '都', '也', '还', '又', '吗', '吧', '啊', '呢', '哦',
  '有', '没', '不', '这', '那', '个', '一个', '什么', '怎么', '这个', '那个', '就是', '还是', '但是', '可以', '自己', '没有', '我们', '你们',
  '他们', '转发', '微博', '转发微博', 'the', 'a', 'an', 'to', 'of', 'and', 'is', 'in', 'it', 'for', 'on', 'rt', 'http', 'https']);

/** Tokens that carry content: no stop words, punctuation, numbers, single characters or topic terms. */
export function contentTokens(tokens: string[], exclude: Set<string>, people: string[] = []): string[] {
  const out: string[] = [];
  for (const t of tokens) {
    if (t.length < 2 || STOP.has(t) || exclude.has(t)) continue;
    // user names from @mentions and //@ repost chains are not what a story is about
    if (people.length && people.some((p) => p.includes(t))) continue;
    if (/^[\p{P}\p{S}\d\s]+$/u.test(t)) continue;
    out.push(t);
  }
  return out;
}

/** The original text of a `转发 //@a: 评论 //@b: 原文` repost chain, or the text itself. */
export function chainOriginal(text: string): { own: string; original: string | null } {
  const parts = text.split(/\/\/\s*@[^:：\s]{1,30}\s*[:：]/);
  if (parts.length < 2) return { own: text, original: null };
  return { own: parts[0].trim(), original: parts[parts.length - 1].trim() };
}

export interface HotListCandidate {
  /** content tokens (topic terms removed) */
  tokens: string[];
  tone: 'danger' | 'positive' | 'neutral';
  /** the item only reports a company's answer (回应, 致歉, 声明): a follow-up of the story before it */
  followUp: boolean;
  publishedAt: number;
}

export interface HotListOptions {
  /** how far back a story may have last grown and still take a topic */
  windowMs: number;
  /** without a shared rare term, only a story this recent takes a topic of its own tone or a follow-up */
  sameToneWindowMs: number;
  /** summed idf of the shared terms that ties a topic to a story */
  minRareWeight: number;
  idf(token: string): number;
  tone(s: IncidentState): 'danger' | 'positive' | 'neutral';
}

/**
 * The story a hot-list topic (or a headline-like post) belongs to. Topics of one event share the
 * watched name and little else ("盒马郑重道歉" after "盒马粉木耳标签被指低俗擦边"), so: a shared rare
 * term ties a topic to a story (terms weighed against everything seen: 回应 counts for little,
 * 粉木耳 for much); else a follow-up or a topic of the same tone (trouble after trouble, good news
 * after good news) joins the newest such story of the name within `sameToneWindowMs`. Good news
 * never joins a troubled story, nor trouble a story of good news, without a shared rare term.
 */
export function findHotListStory(item: HotListCandidate, open: IncidentState[], o: HotListOptions): string | null {
  const live = open.filter((s) => !s.closed && s.kind === 'story' && item.publishedAt - s.lastPostAt <= o.windowMs);
  const toks = new Set(item.tokens);
  let best: { id: string; w: number } | null = null;
  for (const s of live) {
    const tone = o.tone(s);
    if ((item.tone === 'positive' && tone === 'danger') || (item.tone === 'danger' && tone === 'positive')) continue;
    let w = 0;
    for (const t of toks) if (t in s.terms) w += o.idf(t);
    if (w >= o.minRareWeight && (!best || w > best.w)) best = { id: s.id, w };
  }
  if (best) return best.id;
  let newest: IncidentState | null = null;
  for (const s of live) {
    if (item.publishedAt - s.lastPostAt > o.sameToneWindowMs) continue;
    const tone = o.tone(s);
    const fits = item.followUp ? tone === 'danger' : item.tone !== 'neutral' && tone === item.tone;
    if (fits && (!newest || s.lastPostAt > newest.lastPostAt)) newest = s;
  }
  return newest?.id ?? null;
}

/** The first sentence of a text, at most `max` characters: what a person reads as its headline. */
export function headlineOf(text: string, max = 48): string {
  const clean = text.replace(/https?:\/\/\S+/g, '').replace(/\/\/\s*@[^:：\s]{1,30}\s*[:：][\s\S]*$/, '').replace(/#([^#]{1,40})#/g, '$1').replace(/\s+/g, ' ').trim();
  const first = clean.split(/(?<=[。！？!?；;\n])/)[0]?.trim() || clean;
  const chars = [...first.replace(/[。！？!?；;，,、\s]+$/, '')];
  return chars.length > max ? chars.slice(0, max - 1).join('') + '…' : chars.join('');
}
