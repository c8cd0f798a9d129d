// Chinese sentiment features: character 1-3-grams over "units" (a Han character, a Latin word or
// number, an emoticon like [怒], an emoji, a punctuation mark), plus rule features: negation scope
// (不/没/别/未/无/非 ... until the clause ends), degree adverbs (很/太/非常 ...), contrast (the clause
// after 但是/不过/然而/可是 gets its own copies, so the model can weigh it more), rhetorical
// questions, sarcasm cues, emoticons and emoji, and length / punctuation buckets. Input is
// normalized text (normalizeForMatch). No jieba: character n-grams are faster and as accurate here.
import { FeatureSink, Kind, hashString, mix } from './feature-hash.js';
import { stripUrlsAndMentions } from './entities.js';

const NUM_UNIT = 0x3fffffff;
const PUNCT_BIT = 0x20000000;

const NEGATORS = new Set([...'不没别未无非莫勿甭']);
/** Words that start with a negator character but do not negate what follows. */
const NOT_NEGATING = ['不错', '不过', '不少', '不仅', '不但', '不管', '不然', '不禁', '不断', '不久', '不如', '不同', '非常', '非要',
  '无论', '无聊', '无语', '未来', '别人', '别的', '别说', '没想到', '没事', '没错', '不得不', '无比', '莫名'];
const DEGREE = new Set([...'很太超极挺最巨贼蛮真好更越']);
const CONTRAST = ['但是', '不过', '然而', '可是', '只是', '但', '却', '可惜'];
const CONTRAST_LIST = CONTRAST.map((w, k) => ({ w, k }));
const RHETORICAL = ['难道', '凭什么', '怎么能', '怎么可以', '有脸', '好意思', '何必', '谁让', '算什么', '有没有搞错', '还有没有', '什么玩意', '搞什么'];
const SARCASM = ['呵呵', '服了', '好棒棒', '厉害了', '真行', '真是好', '谢谢你全家', '高级黑', '[微笑]', '[doge]', '[允悲]', '[吃瓜]', '醉了', '就这', '真会玩', '佩服佩服', '666'];
/**
 * zh3 cue families (issue 16), each a group feature plus one feature per word:
 * 0 sarcasm and rhetorical frames of comment threads, 1 weak negatives (distrust, cover-up, brush-off),
 * 2 appeals and support (hope, demand for the truth, mourning, thanks).
 */
const CUE_FAMILIES: readonly (readonly string[])[] = [
  ['又是', '还有脸', '真是服了', '好一个', '真特么', '呵呵呵', '果然', '不愧是', '真有你的', '一天天', '合着', '真够', '可真', '真牛', '绝了', '笑死', '又双叒', '说好的', '不是说', '就这样', '能不能'],
  ['寒心', '心寒', '不作为', '保护伞', '官官相护', '踢皮球', '推诿', '草菅人命', '有鬼', '黑幕', '甩锅', '敷衍', '洗地', '吃相', '离谱', '失望', '无门', '压下去', '删帖', '被封', '冷血', '嚣张', '猖狂', '后台', '糊弄', '搪塞', '避重就轻', '双标', '割韭菜', '智商税', '翻车', '避雷', '退钱', '骗子', '垃圾', '黑心', '坑人', '没人管', '瞒报', '监控坏', '又删'],
  ['希望', '期待', '相信', '坐等', '早日', '一路走好', '致敬', '加油', '支持', '辛苦了', '感谢', '谢谢', '千古', '铭记', '真相大白', '水落石出', '绳之以法', '公道', '正义', '好样的'],
];

// Per-character flags, so the scan does table lookups instead of string sets and substring searches.
const F_NEG = 1, F_DEG = 2, F_CONTRAST = 4, F_CUE = 8, F_CUE3 = 16;
const CHAR_FLAGS = new Uint8Array(65536);
for (const c of NEGATORS) CHAR_FLAGS[c.charCodeAt(0)] |= F_NEG;
for (const c of DEGREE) CHAR_FLAGS[c.charCodeAt(0)] |= F_DEG;
for (const w of CONTRAST) CHAR_FLAGS[w.charCodeAt(0)] |= F_CONTRAST;
for (const w of [...RHETORICAL, ...SARCASM]) CHAR_FLAGS[w.charCodeAt(0)] |= F_CUE;
function byFirst(words: readonly string[]): Map<number, { w: string; k: number }[]> {
  const m = new Map<number, { w: string; k: number }[]>();
  words.forEach((w, k) => {
    const list = m.get(w.charCodeAt(0)) ?? [];
    list.push({ w, k });
    m.set(w.charCodeAt(0), list);
  });
  return m;
}
const NOT_NEGATING_BY_FIRST = byFirst(NOT_NEGATING);
const CUE3_BY_FIRST = new Map<number, { w: string; g: number; k: number }[]>();
CUE_FAMILIES.forEach((family, g) => family.forEach((w, k) => {
  const c = w.charCodeAt(0);
  CHAR_FLAGS[c] |= F_CUE3;
  const list = CUE3_BY_FIRST.get(c) ?? [];
  list.push({ w, g, k });
  CUE3_BY_FIRST.set(c, list);
}));
const RHETORICAL_BY_FIRST = byFirst(RHETORICAL);
const SARCASM_BY_FIRST = byFirst(SARCASM);

function startsWithAny(s: string, i: number, list: { w: string }[] | undefined): boolean {
  if (list) for (const x of list) if (s.startsWith(x.w, i)) return true;
  return false;
}

// Reused unit buffers (feature extraction is single-threaded and not re-entrant).
let units = new Int32Array(512);
let flags = new Uint8Array(512); // 1 negator start, 2 in negation scope, 4 after contrast, 8 punctuation

function isHan(c: number): boolean {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf);
}
function isAsciiWord(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
}
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}
function isClauseEnd(c: number): boolean {
  return c === 44 || c === 46 || c === 33 || c === 63 || c === 59 || c === 58 || c === 0xff0c || c === 0x3002 || c === 0x3001 || c === 0xff1b || c === 126 || c === 0x2026;
}


function bucket(n: number): number {
  return n <= 0 ? 0 : n === 1 ? 1 : n <= 3 ? 2 : n <= 7 ? 3 : n <= 15 ? 4 : n <= 31 ? 5 : n <= 63 ? 6 : n <= 127 ? 7 : 8;
}

/**
 * Which optional feature groups a feature-set version adds (0 = off, else the feature value).
 * zh1 is the original set (no version in the model header).
 */
export interface ZhFeatureSet {
  /** character 4-grams */
  quad: number;
  /** skip-bigrams (c_i, c_{i+2}) */
  skip: number;
  /** CUE_FAMILIES: a family feature (value x hits, capped at 2) and a word feature each, plus a negated-question frame (不/没...吗?) */
  cues3?: number;
}
export const ZH_VERSIONS: Record<'zh1' | 'zh2' | 'zh3', ZhFeatureSet> = {
  zh1: { quad: 0, skip: 0 },
  zh2: { quad: 0, skip: 0 },
  zh3: { quad: 0, skip: 0, cues3: 1 },
};

/** Append the features of one normalized Chinese text to the sink (then L2-normalized). */
export function zhFeatures(norm: string, sink: FeatureSink, set: ZhFeatureSet = ZH_VERSIONS.zh1): void {
  const quad = set.quad, skip = set.skip, cues3 = set.cues3 ?? 0;
  sink.reset();
  const s = stripUrlsAndMentions(norm);
  if (units.length < s.length + 4) {
    units = new Int32Array(s.length * 2 + 4);
    flags = new Uint8Array(s.length * 2 + 4);
  }
  let n = 0;
  let neg = 0; // remaining units in negation scope
  let after = 0;
  let excl = 0, quest = 0, emo = 0;
  let content = 0; // Han characters, Latin words, numbers, emoticons, emoji (not punctuation)
  let rhetorical = 0, sarcasm = 0; // bit k: cue k occurs in the text
  let fam0 = 0, fam1 = 0, fam2 = 0; // zh3 family hits
  let negQuestion = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (cues3 && CHAR_FLAGS[c] & F_CUE3) {
      const q3 = CUE3_BY_FIRST.get(c);
      if (q3) for (const x of q3) if (s.startsWith(x.w, i)) {
        if (x.g === 0) fam0++; else if (x.g === 1) fam1++; else fam2++;
        sink.add(mix(Kind.Cue, 8 + x.g, x.k), cues3);
      }
    }
    if (cues3 && c === 0x5417 /* 吗 */ && i + 1 < s.length && (s.charCodeAt(i + 1) === 63 || s.charCodeAt(i + 1) === 0xff1f)) {
      for (let j = Math.max(0, i - 8); j < i; j++) if (CHAR_FLAGS[s.charCodeAt(j)] & F_NEG) { negQuestion = true; break; }
    }
    if (CHAR_FLAGS[c] & F_CUE) {
      const r = RHETORICAL_BY_FIRST.get(c);
      if (r) for (const x of r) if (s.startsWith(x.w, i)) rhetorical |= 1 << x.k;
      const q = SARCASM_BY_FIRST.get(c);
      if (q) for (const x of q) if (s.startsWith(x.w, i)) sarcasm |= 1 << x.k;
    }
  }
  for (let i = 0; i < s.length;) {
    const c = s.charCodeAt(i);
    let f = after;
    const cf = CHAR_FLAGS[c];
    if (isHan(c)) {
      content++;
      if (cf & F_NEG) {
        if (!startsWithAny(s, i, NOT_NEGATING_BY_FIRST.get(c))) { f |= 1; neg = 4; units[n] = c; flags[n++] = f; i++; continue; }
      }
      if (cf & F_CONTRAST) {
        if (startsWithAny(s, i, CONTRAST_LIST)) { after = 4; f = 4; neg = 0; }
      }
      if (neg > 0) { f |= 2; neg--; }
      units[n] = c; flags[n++] = f; i++;
      continue;
    }
    if (isAsciiWord(c)) {
      let j = i + 1;
      while (j < s.length && isAsciiWord(s.charCodeAt(j))) j++;
      let allDigits = true;
      for (let k = i; k < j; k++) if (s.charCodeAt(k) > 57) { allDigits = false; break; }
      units[n] = allDigits ? NUM_UNIT : hashString(s, i, j) & 0x1fffffff;
      content++;
      if (neg > 0) { f |= 2; neg--; }
      flags[n++] = f;
      i = j;
      continue;
    }
    if (isSpace(c)) { i++; continue; }
    if (c === 91 /* [ */) {
      const close = s.indexOf(']', i + 1);
      if (close > i + 1 && close - i <= 9) {
        const h = hashString(s, i + 1, close);
        sink.add(mix(Kind.Emoticon, h));
        emo++;
        content++;
        units[n] = h & 0x1fffffff; flags[n++] = f;
        i = close + 1;
        continue;
      }
    }
    if (c >= 0xd800 && c <= 0xdbff) {
      const cp = s.codePointAt(i) ?? c;
      sink.add(mix(Kind.Emoji, cp));
      emo++;
      content++;
      units[n] = cp; flags[n++] = f;
      i += 2;
      continue;
    }
    // punctuation and symbols: collapse runs of the same mark, end the negation scope at clause ends
    if (c === 33 || c === 0xff01) excl++;
    else if (c === 63 || c === 0xff1f) quest++;
    if (isClauseEnd(c) || c === 33 || c === 63) neg = 0;
    if (n > 0 && units[n - 1] === (c | PUNCT_BIT)) { i++; continue; }
    units[n] = c | PUNCT_BIT; flags[n++] = f | 8;
    i++;
  }

  // nothing but mentions, links and punctuation: no features, so the text scores neutral
  if (content === 0) { sink.reset(); return; }

  for (let i = 0; i < n; i++) {
    const u = units[i];
    const fl = flags[i];
    const u1 = i + 1 < n ? units[i + 1] : -1;
    sink.add(mix(Kind.Uni, u));
    if (u1 !== -1) {
      sink.add(mix(Kind.Bi, u, u1));
      if (i + 2 < n) {
        const u2 = units[i + 2];
        sink.add(mix(Kind.Tri, u, u1, u2));
        if (skip) sink.add(mix(Kind.SkipBi, u, u2), skip);
        if (quad && i + 3 < n) sink.add(mix(Kind.Quad, mix(Kind.Tri, u, u1, u2), units[i + 3]), quad);
      }
    }
    if (fl & 2) {
      sink.add(mix(Kind.NegUni, u));
      if (u1 !== -1 && flags[i + 1] & 2) sink.add(mix(Kind.NegBi, u, u1));
    }
    if (fl & 4 && !(fl & 8)) {
      sink.add(mix(Kind.AfterUni, u), 0.7);
      if (u1 !== -1) sink.add(mix(Kind.AfterBi, u, u1), 0.7);
    }
    if (u1 !== -1 && u < 0x10000 && CHAR_FLAGS[u] & F_DEG && !(flags[i + 1] & 8)) {
      sink.add(mix(Kind.DegUni, u1));
      if (i + 2 < n && !(flags[i + 2] & 8)) sink.add(mix(Kind.DegBi, u1, units[i + 2]));
    }
  }

  for (let k = 0; rhetorical !== 0 && k < RHETORICAL.length; k++) if (rhetorical & (1 << k)) sink.add(mix(Kind.Cue, 1, k, quest > 0 ? 1 : 0));
  for (let k = 0; sarcasm !== 0 && k < SARCASM.length; k++) if (sarcasm & (1 << k)) sink.add(mix(Kind.Cue, 2, k));
  if (cues3) {
    if (fam0) sink.add(mix(Kind.Cue, 12, 0), cues3 * Math.min(fam0, 2));
    if (fam1) sink.add(mix(Kind.Cue, 12, 1), cues3 * Math.min(fam1, 2));
    if (fam2) sink.add(mix(Kind.Cue, 12, 2), cues3 * Math.min(fam2, 2));
    if (fam1 && quest) sink.add(mix(Kind.Cue, 12, 3), cues3);
    if (negQuestion) sink.add(mix(Kind.Cue, 12, 4), cues3);
  }
  sink.add(mix(Kind.Bucket, 1, bucket(n)), 0.5);
  sink.add(mix(Kind.Bucket, 2, bucket(excl)), 0.5);
  sink.add(mix(Kind.Bucket, 3, bucket(quest)), 0.5);
  sink.add(mix(Kind.Bucket, 4, bucket(emo)), 0.5);
  if (after) sink.add(mix(Kind.Bucket, 5, 1), 0.5);
  if (s.includes('//@')) sink.add(mix(Kind.Bucket, 6, 1), 0.5);
  sink.normalize();
}
