// The extractive incident brief: what happened, who is affected and what is being said, taken from
// the incident's own posts. Pure (posts in, brief out; no clock, no database, no network).
//
// What happened: the posts are cut into sentences (repost chains, links, @mentions and emoticons
// dropped), and each sentence is scored by its centrality among all of them (LexRank: a random walk
// over the cosine similarity of character-bigram (Chinese) and word (Latin) tf-idf vectors), raised
// for sentences from the earliest and most-shared posts and for repeated copies. Near-copies are
// merged before and skipped during the pick, so the brief never says one thing twice; the picked
// sentences are told in the order they were first posted.
// Who is affected: mentions of people and groups (孩子, 家长, 员工, 用户, 乘客, ...; children,
// parents, ...) counted by posts, and the harms named (the posts' severity terms plus a small
// harm lexicon: 住院, 腹泻, poisoning, ...).
// What is being said: complaint themes (quality, health and safety, service, refunds, ...) by
// the share of posts that raise them, each with the best-scored sentence that does.
import { normalizeForMatch } from '../text/normalize.js';
import { extractEntities } from '../text/entities.js';

export type BriefLang = 'zh-CN' | 'en';

export interface BriefPost {
  /** source:id */
  key: string;
  text: string | null;
  title?: string | null;
  publishedAt?: string | null;
  reposts?: number | null;
  comments?: number | null;
  likes?: number | null;
  /** severity terms the scorer found in the post (posts.severity_terms) */
  severityTerms?: readonly string[] | null;
}

export interface BriefSentence {
  text: string;
  /** the post it was taken from (the earliest of its copies) */
  post: string;
  publishedAt: string | null;
  /** how many posts carry this sentence or a copy of it */
  copies: number;
  score: number;
}
export interface AffectedGroup { id: string; label: string; posts: number; terms: string[] }
export interface Harm { term: string; posts: number }
export interface Theme { id: string; label: string; posts: number; share: number; terms: string[]; example: string | null }

export interface ExtractiveBrief {
  lang: BriefLang;
  /** posts read */
  posts: number;
  /** of them, posts left out of who and what because none of their sentences is like the others' */
  offStory: number;
  /** what happened: the most representative sentences, in posting order */
  sentences: BriefSentence[];
  who: { groups: AffectedGroup[]; harms: Harm[] };
  said: Theme[];
  /** the brief as one paragraph in `lang` */
  summary: string;
}

export interface BriefOptions {
  /** sentences to pick (default 3) */
  maxSentences?: number;
  /** sentences considered at most (default 400; the earliest and most-shared posts first) */
  maxCandidates?: number;
}

// ---- lexicons: people and groups, harms, complaint themes (normalized: simplified, lower case) ----

interface Group { id: string; zh: string; en: string; terms: string[] }
const GROUPS: Group[] = [
  { id: 'children', zh: '儿童', en: 'children', terms: ['孩子', '儿童', '小孩', '宝宝', '婴儿', '幼儿', '小朋友', '儿子', '女儿', 'child', 'children', 'kid', 'kids', 'baby', 'babies', 'infant', 'infants', 'toddler', 'son', 'daughter'] },
  { id: 'students', zh: '学生', en: 'students', terms: ['学生', '小学生', '中学生', '大学生', '考生', 'student', 'students', 'pupil', 'pupils'] },
  { id: 'parents', zh: '家长和家人', en: 'parents and families', terms: ['家长', '父母', '宝妈', '宝爸', '妈妈', '爸爸', '家属', 'parent', 'parents', 'mom', 'mum', 'mother', 'mothers', 'dad', 'father', 'fathers', 'family', 'families'] },
  { id: 'elderly', zh: '老人', en: 'older people', terms: ['老人', '老年人', '爷爷', '奶奶', '外婆', '外公', 'elderly', 'senior', 'seniors', 'grandparents', 'grandmother', 'grandfather'] },
  { id: 'employees', zh: '员工', en: 'employees', terms: ['员工', '职工', '工人', '打工人', '店员', '骑手', '外卖员', '快递员', '司机', '实习生', '保安', 'employee', 'employees', 'worker', 'workers', 'staff', 'rider', 'riders', 'courier', 'couriers', 'driver', 'drivers', 'intern', 'interns'] },
  { id: 'customers', zh: '用户和消费者', en: 'users and customers', terms: ['用户', '消费者', '顾客', '客户', '买家', '会员', '食客', 'user', 'users', 'customer', 'customers', 'consumer', 'consumers', 'buyer', 'buyers', 'subscriber', 'subscribers', 'shoppers'] },
  { id: 'owners', zh: '车主和业主', en: 'car and home owners', terms: ['车主', '业主', '房主', 'homeowner', 'homeowners', 'car owners', 'owners'] },
  { id: 'passengers', zh: '乘客和游客', en: 'passengers and travellers', terms: ['乘客', '旅客', '游客', '乘车人', 'passenger', 'passengers', 'traveller', 'travellers', 'traveler', 'travelers', 'tourist', 'tourists'] },
  { id: 'patients', zh: '患者', en: 'patients', terms: ['患者', '病人', '病患', '孕妇', 'patient', 'patients', 'pregnant'] },
  { id: 'residents', zh: '居民', en: 'residents', terms: ['居民', '村民', '市民', '住户', '邻居', 'resident', 'residents', 'neighbours', 'neighbors', 'locals'] },
  { id: 'women', zh: '女性', en: 'women', terms: ['女性', '女生', '女员工', '女孩', 'woman', 'women', 'girls'] },
];

const HARMS = [
  '中毒', '食物中毒', '腹泻', '拉肚子', '呕吐', '上吐下泻', '发烧', '发热', '住院', '送医', '急诊', '抢救', '过敏', '受伤', '烫伤', '骨折', '死亡', '身亡', '去世', '猝死', '致癌',
  '超标', '异物', '变质', '发霉', '过期', '泄露', '诈骗', '被骗', '爆炸', '起火', '自燃', '坠落', '欠薪', '性骚扰',
  'poisoning', 'food poisoning', 'diarrhea', 'diarrhoea', 'vomiting', 'fever', 'hospitalized', 'hospitalised', 'hospital', 'emergency room', 'allergic', 'allergy', 'injured', 'injury', 'injuries', 'burned', 'burns',
  'died', 'death', 'deaths', 'dead', 'cancer', 'contaminated', 'contamination', 'mold', 'mould', 'expired', 'leaked', 'leak', 'breach', 'fraud', 'scam', 'scammed', 'explosion', 'exploded', 'fire', 'unpaid wages', 'harassment',
];

interface ThemeDef { id: string; zh: string; en: string; terms: string[] }
const THEMES: ThemeDef[] = [
  { id: 'health', zh: '健康与安全', en: 'health and safety', terms: ['中毒', '腹泻', '拉肚子', '呕吐', '上吐下泻', '住院', '送医', '过敏', '受伤', '安全', '致癌', '超标', '身体不适', '不舒服', '死亡', 'poisoning', 'diarrhea', 'vomit*', 'hospital*', 'allerg*', 'injur*', 'unsafe', 'safety', 'cancer', 'sick'] },
  { id: 'quality', zh: '产品质量', en: 'product quality', terms: ['质量', '异物', '变质', '发霉', '过期', '有虫', '头发', '口感', '异味', '发臭', '假货', '次品', '坏了', '故障', '破损', 'quality', 'defect*', 'broken', 'mold', 'mould', 'moldy', 'expired', 'fake', 'counterfeit', 'smell*', 'faulty', 'contaminat*'] },
  { id: 'service', zh: '客服与处理', en: 'customer service and handling', terms: ['客服', '态度', '不理', '推诿', '踢皮球', '投诉无门', '没人管', '敷衍', '不回复', '不处理', '拖着', '机器人', 'customer service', 'support', 'ignored', 'ignoring', 'no reply', 'no response', 'rude', 'runaround'] },
  { id: 'refund', zh: '退款与赔偿', en: 'refunds and compensation', terms: ['退款', '退货', '赔偿', '赔付', '退钱', '索赔', '给个说法', 'refund*', 'compensat*', 'money back', 'reimburs*'] },
  { id: 'fraud', zh: '价格与欺诈', en: 'pricing and deception', terms: ['欺诈', '虚假宣传', '骗', '乱收费', '涨价', '霸王条款', '套路', '割韭菜', '智商税', 'fraud*', 'scam*', 'misleading', 'overcharg*', 'price*', 'rip-off', 'ripoff', 'lied'] },
  { id: 'delay', zh: '延误与履约', en: 'delays and fulfilment', terms: ['延误', '迟到', '没发货', '不发货', '物流', '排队', '等了', '取消', '停运', '晚点', 'delay*', 'cancel*', 'never arrived', 'waiting', 'queue*', 'shipping'] },
  { id: 'privacy', zh: '隐私与数据', en: 'privacy and data', terms: ['泄露', '隐私', '个人信息', '偷拍', '监控', 'privacy', 'leak*', 'personal data', 'breach', 'tracking'] },
  { id: 'labour', zh: '员工权益', en: 'treatment of workers', terms: ['欠薪', '加班', '裁员', '克扣', '压榨', '996', '辞退', '工资', 'unpaid', 'overtime', 'layoff*', 'laid off', 'fired', 'wages'] },
  { id: 'regulator', zh: '监管与维权', en: 'regulators and legal action', terms: ['通报', '立案', '罚款', '约谈', '下架', '召回', '起诉', '律师', '维权', '12315', '市场监管', '报警', 'recall*', 'regulator*', 'lawsuit', 'sue', 'sued', 'fined', 'investigat*', 'police'] },
  { id: 'response', zh: '公司回应', en: "the company's response", terms: ['回应', '道歉', '致歉', '声明', '公关', '澄清', 'statement', 'apolog*', 'responded', 'response', 'says nothing', 'silent', 'silence'] },
  { id: 'trust', zh: '抵制与失望', en: 'boycotts and lost trust', terms: ['抵制', '不买了', '再也不', '拉黑', '失望', '取关', '卸载', '避雷', 'boycott*', 'never again', 'disappointed', 'uninstall*', 'never buy'] },
];

const EN_STOP = new Set(('the a an and or but of to in on at for with from by is are was were be been being it its this that these those i me my we our you your he she they them their '
  + 'his her not no so as if then than too very just can could would should will shall do does did done have has had having there here what which who whom when where why how all any '
  + 'some more most other such only own same into over under again further once about after before up down out off also rt via amp').split(' '));

// ---- text to sentences and features ----

const CJK = /[\u3400-\u9fff]/;
const CLEAN_URL = /\bhttps?:\/\/\S+/gi;
const CLEAN_MENTION = /@[\w\u3400-\u9fff\u00c0-\u024f-]{1,30}/g;
const CLEAN_EMOTICON = /\[[\w\u3400-\u9fff]{1,8}\]/g;
const CLEAN_EMOJI = /\p{Extended_Pictographic}\uFE0F?/gu;
const HASH_MARKS = /[#＃]/g;

/** The author's own words of a post (a bare repost uses the text it reposts), without links, mentions, emoticons. */
function ownWords(text: string): string {
  const e = extractEntities(text);
  // a repost that adds little ('转发', 'same') stands for the text it reposts
  const own = informative(e.ownText.trim()) || !e.reposts.length ? e.ownText.trim() : e.reposts.map((r) => r.text).join(' ');
  return own.replace(CLEAN_URL, ' ').replace(CLEAN_MENTION, ' ').replace(CLEAN_EMOTICON, ' ').replace(CLEAN_EMOJI, ' ').replace(HASH_MARKS, ' ')
    .replace(/[ \t\u3000]+/g, ' ').trim();
}

/** Sentences of a text: cut after 。！？；… and line breaks, and after . ! ? before a space; long ones at a comma. */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/(?<=[。！？!?；;…])|\n+|(?<=[.!?])\s+/)) {
    let s = part.replace(/^[\s,，、:：;；.。!！?？)）\]】」』"'”’-]+/, '').trim();
    while (s.length > 140) { // a run-on Weibo sentence: cut at the last comma before 120
      const at = Math.max(s.lastIndexOf('，', 120), s.lastIndexOf(', ', 120), s.lastIndexOf('、', 120));
      const cut = at >= 30 ? at + 1 : 120;
      out.push(s.slice(0, cut).trim());
      s = s.slice(cut).replace(/^[\s,，、]+/, '').trim();
    }
    if (s) out.push(s);
  }
  return out;
}

/** Long enough to say something: 6+ CJK characters, or 4+ words. */
function informative(s: string): boolean {
  const cjk = (s.match(/[\u3400-\u9fff]/g) ?? []).length;
  if (cjk >= 6) return true;
  return (s.match(/[A-Za-z]{2,}/g) ?? []).length >= 4;
}

/** Character bigrams of CJK runs and Latin words (no stop words), with counts. */
function features(norm: string): Map<string, number> {
  const f = new Map<string, number>();
  const add = (k: string) => f.set(k, (f.get(k) ?? 0) + 1);
  for (const run of norm.match(/[\u3400-\u9fff]+/g) ?? []) {
    if (run.length === 1) add(run);
    for (let i = 0; i + 1 < run.length; i++) add(run.slice(i, i + 2));
  }
  for (const w of norm.match(/[a-z0-9][a-z0-9'-]*[a-z0-9]|[a-z]/g) ?? []) if (w.length > 1 && !EN_STOP.has(w)) add(`w:${w}`);
  return f;
}

/** The sentence reduced to letters and digits: copies that differ only in punctuation or spacing are one. */
const copyKey = (norm: string) => norm.replace(/[^\p{L}\p{N}]+/gu, '');

/**
 * A term found in normalized text: Chinese as a substring; Latin as whole words (a plural s
 * allowed), or as a word start when the term ends with * ('allerg*' finds allergic, allergy).
 */
function hasTerm(norm: string, term: string): boolean {
  if (CJK.test(term)) return norm.includes(term);
  const prefix = term.endsWith('*');
  const t = prefix ? term.slice(0, -1) : term;
  for (let i = norm.indexOf(t); i >= 0; i = norm.indexOf(t, i + 1)) {
    if (i > 0 && /[a-z0-9]/.test(norm[i - 1])) continue;
    if (prefix) return true;
    let end = i + t.length;
    if (norm[end] === 's') end++;
    if (end >= norm.length || !/[a-z0-9]/.test(norm[end])) return true;
  }
  return false;
}
const shown = (term: string) => term.replace(/\*$/, '');

// ---- ranking ----

interface Candidate {
  text: string; norm: string; post: string; time: number; publishedAt: string | null; shares: number; copies: number;
  vec: Map<string, number>; feats: Set<string>; score: number;
  /** every post carrying this sentence or a copy of it */
  posts: Set<string>;
  /** LexRank centrality (mean 1) */
  central: number;
  /** it shares three bigrams or words (the brand's too) with other sentences, or a third of its own when short */
  connected: boolean;
}

function cosineMatrix(cands: Candidate[]): Float64Array {
  const n = cands.length;
  const df = new Map<string, number>();
  for (const c of cands) for (const k of c.vec.keys()) df.set(k, (df.get(k) ?? 0) + 1);
  const weighted = cands.map((c) => {
    const w = new Map<string, number>();
    let norm = 0;
    for (const [k, tf] of c.vec) { const x = tf * Math.log((n + 1) / (df.get(k)! + 0.5)); w.set(k, x); norm += x * x; }
    norm = Math.sqrt(norm) || 1;
    for (const [k, x] of w) w.set(k, x / norm);
    return w;
  });
  // dot products through an inverted index: only pairs that share a feature are visited
  const inv = new Map<string, [number, number][]>();
  weighted.forEach((w, i) => { for (const [k, x] of w) { let l = inv.get(k); if (!l) inv.set(k, l = []); l.push([i, x]); } });
  const sim = new Float64Array(n * n);
  for (const list of inv.values()) {
    if (list.length > n * 0.5 && n > 8) continue; // a feature in most sentences (的是, the brand) says nothing about which is central
    for (let a = 0; a < list.length; a++) for (let b = a + 1; b < list.length; b++) {
      const [i, x] = list[a];
      const [j, y] = list[b];
      sim[i * n + j] += x * y;
      sim[j * n + i] += x * y;
    }
  }
  return sim;
}

/** LexRank (continuous): the stationary distribution of a damped walk over the similarity graph, scaled so the mean is 1. */
function centrality(sim: Float64Array, n: number): number[] {
  if (n === 1) return [1];
  const rowSum = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) rowSum[i] += sim[i * n + j];
  let p = new Float64Array(n).fill(1 / n);
  const d = 0.85;
  for (let it = 0; it < 60; it++) {
    const next = new Float64Array(n).fill((1 - d) / n);
    let dangling = 0;
    for (let i = 0; i < n; i++) {
      if (rowSum[i] === 0) { dangling += p[i]; continue; }
      const share = (d * p[i]) / rowSum[i];
      for (let j = 0; j < n; j++) { const s = sim[i * n + j]; if (s > 0) next[j] += share * s; }
    }
    for (let j = 0; j < n; j++) next[j] += (d * dangling) / n;
    let delta = 0;
    for (let j = 0; j < n; j++) delta += Math.abs(next[j] - p[j]);
    p = next;
    if (delta < 1e-7) break;
  }
  return [...p].map((x) => x * n);
}

/** Jaccard of bigram sets, or containment of the smaller in the larger: near-copies say the same thing. */
function nearCopy(a: Set<string>, b: Set<string>): boolean {
  if (a.size === 0 || b.size === 0) return false;
  let both = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const k of small) if (large.has(k)) both++;
  return both / (a.size + b.size - both) >= 0.55 || both / small.size >= 0.8;
}

const num = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);
const timeOf = (p: BriefPost, i: number) => { const t = p.publishedAt ? Date.parse(p.publishedAt) : NaN; return Number.isFinite(t) ? t : Number.MAX_SAFE_INTEGER - 1e6 + i; };

/** The candidates: every informative sentence of every post, copies merged (counted, earliest and most-shared kept). */
function candidates(posts: readonly BriefPost[], maxCandidates: number): Candidate[] {
  const byCopy = new Map<string, Candidate>();
  const ordered = posts.map((p, i) => ({ p, t: timeOf(p, i), shares: num(p.reposts) + num(p.comments) + 0.2 * num(p.likes) }));
  // read the earliest and the most-shared posts first, so a capped list keeps them
  const early = [...ordered].sort((a, b) => a.t - b.t);
  const shared = [...ordered].sort((a, b) => b.shares - a.shares);
  const seen = new Set<BriefPost>();
  const queue: typeof ordered = [];
  for (let i = 0; i < ordered.length; i++) for (const x of [early[i], shared[i]]) if (!seen.has(x.p)) { seen.add(x.p); queue.push(x); }
  for (const { p, t, shares } of queue) {
    const parts = [...(p.title ? splitSentences(ownWords(p.title)) : []), ...splitSentences(ownWords(p.text ?? ''))];
    const inPost = new Set<string>();
    for (const text of parts) {
      if (!informative(text)) continue;
      const norm = normalizeForMatch(text);
      const key = copyKey(norm);
      if (!key || inPost.has(key)) continue;
      inPost.add(key);
      const had = byCopy.get(key);
      if (had) {
        had.copies++;
        had.posts.add(p.key);
        had.shares = Math.max(had.shares, shares);
        if (t < had.time) Object.assign(had, { text, post: p.key, time: t, publishedAt: p.publishedAt ?? null });
        continue;
      }
      if (byCopy.size >= maxCandidates) continue;
      const vec = features(norm);
      byCopy.set(key, { text, norm, post: p.key, time: t, publishedAt: p.publishedAt ?? null, shares, copies: 1, vec, feats: new Set(vec.keys()), score: 0, posts: new Set([p.key]), central: 0, connected: false });
    }
  }
  const out = [...byCopy.values()];
  const df = new Map<string, number>();
  for (const c of out) for (const k of c.feats) df.set(k, (df.get(k) ?? 0) + 1);
  for (const c of out) {
    let shared = 0;
    for (const k of c.feats) if (df.get(k)! >= 2) shared++;
    c.connected = c.copies > 1 || shared >= Math.min(3, Math.ceil(0.3 * c.feats.size));
  }
  return out;
}

function rank(cands: Candidate[]): Candidate[] {
  const n = cands.length;
  if (n === 0) return [];
  const c = centrality(cosineMatrix(cands), n);
  const maxShare = Math.max(...cands.map((x) => Math.log1p(x.shares) + Math.log(x.copies)), 1e-9);
  const times = [...new Set(cands.map((x) => x.time))].sort((a, b) => a - b);
  const timeRank = new Map(times.map((t, i) => [t, times.length > 1 ? i / (times.length - 1) : 0]));
  cands.forEach((x, i) => {
    const shared = (Math.log1p(x.shares) + Math.log(x.copies)) / maxShare; // 0..1
    const early = 1 - timeRank.get(x.time)!;                                 // 1 for the first post
    const chars = [...x.text].length;
    const length = chars < 10 ? 0.7 : chars > 110 ? 0.85 : 1;
    const harm = HARMS.some((h) => hasTerm(x.norm, h)) ? 1.15 : 1;
    x.central = c[i];
    x.score = c[i] * (1 + 0.5 * shared + 0.35 * early) * length * harm;
  });
  return [...cands].sort((a, b) => b.score - a.score || a.time - b.time);
}

// ---- who and what ----

function countGroups(norms: string[], lang: BriefLang): AffectedGroup[] {
  const out: AffectedGroup[] = [];
  for (const g of GROUPS) {
    const found = new Set<string>();
    let posts = 0;
    for (const n of norms) {
      const hit = g.terms.filter((t) => hasTerm(n, t));
      if (hit.length) { posts++; for (const h of hit) found.add(h); }
    }
    if (posts) out.push({ id: g.id, label: lang === 'en' ? g.en : g.zh, posts, terms: [...found].slice(0, 6) });
  }
  return out.sort((a, b) => b.posts - a.posts).slice(0, 4);
}

function countHarms(posts: readonly BriefPost[], norms: string[]): Harm[] {
  const counts = new Map<string, number>();
  posts.forEach((p, i) => {
    const terms = new Set<string>();
    for (const t of p.severityTerms ?? []) if (typeof t === 'string' && t.trim()) terms.add(normalizeForMatch(t));
    for (const h of HARMS) if (hasTerm(norms[i], h)) terms.add(h);
    // a longer term found covers its parts (食物中毒 over 中毒, food poisoning over poisoning)
    for (const t of [...terms]) for (const u of terms) if (u !== t && u.includes(t)) { terms.delete(t); break; }
    for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
  });
  return [...counts].map(([term, n]) => ({ term, posts: n })).sort((a, b) => b.posts - a.posts || a.term.localeCompare(b.term)).slice(0, 6);
}

function countThemes(norms: string[], ranked: Candidate[], lang: BriefLang): Theme[] {
  const total = norms.length || 1;
  const out: Theme[] = [];
  for (const th of THEMES) {
    const found = new Set<string>();
    let posts = 0;
    for (const n of norms) {
      const hit = th.terms.filter((t) => hasTerm(n, t));
      if (hit.length) { posts++; for (const h of hit) found.add(shown(h)); }
    }
    if (!posts) continue;
    const example = ranked.find((c) => th.terms.some((t) => hasTerm(c.norm, t)));
    out.push({ id: th.id, label: lang === 'en' ? th.en : th.zh, posts, share: Math.round((posts / total) * 100) / 100, terms: [...found].slice(0, 6), example: example ? clip(example.text, 80) : null });
  }
  return out.sort((a, b) => b.posts - a.posts).slice(0, 3);
}

/** Centrality (mean 1) under which a post's best sentence is taken for off the story. */
const OFF_STORY = 0.45;

const clip = (s: string, n: number) => { const cs = [...s]; return cs.length > n ? `${cs.slice(0, n - 1).join('')}…` : s; };
const endStop = (s: string) => (/[。！？!?.…]$/.test(s) ? s : `${s}${CJK.test(s.slice(-1)) ? '。' : '.'}`);

function paragraph(lang: BriefLang, sentences: BriefSentence[], groups: AffectedGroup[], harms: Harm[], themes: Theme[]): string {
  const zh = lang === 'zh-CN';
  const parts: string[] = [];
  const what = sentences.map((s) => endStop(s.text));
  if (what.length) parts.push(zh ? what.join('') : what.join(' '));
  const who: string[] = [];
  if (groups.length) who.push(zh ? `涉及${groups.map((g) => `${g.label}（${g.posts} 条帖子）`).join('、')}` : `Affected: ${groups.map((g) => `${g.label} (${g.posts} post${g.posts === 1 ? '' : 's'})`).join(', ')}`);
  if (harms.length) who.push(zh ? `提到的问题：${harms.map((h) => h.term).join('、')}` : `problems mentioned: ${harms.map((h) => h.term).join(', ')}`);
  if (who.length) parts.push(zh ? `${who.join('；')}。` : `${who.join('; ')}.`);
  if (themes.length) {
    parts.push(zh ? `主要说法：${themes.map((t) => `${t.label}（${Math.round(t.share * 100)}%）`).join('、')}。`
      : `What people say: ${themes.map((t) => `${t.label} (${Math.round(t.share * 100)}%)`).join(', ')}.`);
  }
  return parts.join(zh ? '' : ' ');
}

/** The extractive brief of an incident's posts, worded for `lang`. */
export function extractiveBrief(posts: readonly BriefPost[], lang: BriefLang, opts: BriefOptions = {}): ExtractiveBrief {
  const maxSentences = opts.maxSentences ?? 3;
  const ranked = rank(candidates(posts, opts.maxCandidates ?? 400));
  const picked: Candidate[] = [];
  let chars = 0;
  for (const c of ranked) {
    if (picked.length >= maxSentences) break;
    if (picked.some((p) => nearCopy(p.feats, c.feats))) continue; // never the same thing twice
    const len = [...c.text].length;
    if (picked.length > 0 && chars + len > 260) continue; // a short brief: 3 sentences, not 3 paragraphs
    picked.push(c);
    chars += len;
  }
  const sentences = picked.sort((a, b) => a.time - b.time)
    .map((c) => ({ text: c.text, post: c.post, publishedAt: c.publishedAt, copies: c.copies, score: Math.round(c.score * 1000) / 1000 }));
  // who and what are counted over the posts on the story: a post whose every sentence sits apart
  // from the rest (an advert, a stray mention) is left out
  const read = new Set<string>();
  const on = new Set<string>();
  for (const c of ranked) for (const k of c.posts) { read.add(k); if (c.connected || c.central >= OFF_STORY) on.add(k); }
  const onStory = posts.filter((p) => !read.has(p.key) || on.has(p.key));
  const norms = onStory.map((p) => normalizeForMatch(`${p.title ?? ''} ${p.text ?? ''}`));
  const groups = countGroups(norms, lang);
  const harms = countHarms(onStory, norms);
  const said = countThemes(norms, ranked, lang);
  return { lang, posts: posts.length, offStory: posts.length - onStory.length, sentences, who: { groups, harms }, said, summary: paragraph(lang, sentences, groups, harms, said) };
}

/** The posts ordered by how well they represent the incident (the posts of the best sentences first): what an LLM is shown first. */
export function representativePosts<P extends BriefPost>(posts: readonly P[], opts: BriefOptions = {}): P[] {
  const ranked = rank(candidates(posts, opts.maxCandidates ?? 400));
  const byKey = new Map(posts.map((p) => [p.key, p]));
  const out: P[] = [];
  const seen = new Set<string>();
  for (const c of ranked) if (!seen.has(c.post)) { seen.add(c.post); out.push(byKey.get(c.post)!); }
  for (const p of posts) if (!seen.has(p.key)) { seen.add(p.key); out.push(p); }
  return out;
}
