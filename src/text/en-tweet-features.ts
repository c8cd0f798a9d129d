// English tweet features, version 2 ("en2"): a tweet tokenizer (lower case, URL -> <url>, @user ->
// <user>, elongation "sooo" -> "soo" with an elongation flag, hashtags kept and split on camel case,
// emoticons and emoji as tokens, "n't" -> not), word unigrams and bigrams with negation scope
// marking ("not good" -> not good_NEG until punctuation), character 2-5-grams of the normalized
// tweet, and dense lexicon features: a VADER-style compound valence from AFINN-165 (boosters,
// ALL-CAPS emphasis, negation flips, "but" clause weighting, exclamation marks), positive/negative
// word counts, the last polar word, and SentiWordNet-style senticon polarity (natural's
// senticon_en, when the model carries it). The word block and the character block are L2-normalized
// separately; the dense features are appended after normalization so they keep their scale.
import { FeatureSink, Kind, hashString, mix } from './feature-hash.js';
import type { Lexicon } from './en-features.js';

const NEGATIONS = new Set(['not', 'no', 'never', 'nor', 'none', 'nobody', 'nothing', 'neither', 'cannot', 'without', 'nowhere', 'hardly', 'barely',
  'dont', 'doesnt', 'didnt', 'wont', 'cant', 'isnt', 'arent', 'wasnt', 'werent', 'aint', 'shouldnt', 'wouldnt', 'couldnt', 'havent', 'hasnt', 'hadnt', 'neednt', 'mustnt']);
// VADER booster increments (B_INCR 0.293, B_DECR -0.293)
const BOOSTERS = new Map<string, number>();
for (const w of ['absolutely', 'amazingly', 'awfully', 'completely', 'considerably', 'decidedly', 'deeply', 'effing', 'enormously', 'entirely', 'especially',
  'exceptionally', 'extremely', 'fabulously', 'flipping', 'freaking', 'friggin', 'frigging', 'fucking', 'fully', 'greatly', 'highly', 'hugely', 'incredibly',
  'intensely', 'majorly', 'more', 'most', 'particularly', 'purely', 'quite', 'really', 'remarkably', 'so', 'substantially', 'thoroughly', 'totally',
  'tremendously', 'uber', 'unbelievably', 'unusually', 'utterly', 'very', 'super', 'too', 'such', 'damn', 'sooo', 'soo', 'hella', 'mad', 'fr']) BOOSTERS.set(w, 0.293);
for (const w of ['almost', 'barely', 'hardly', 'kind', 'kinda', 'kindof', 'less', 'little', 'marginally', 'occasionally', 'partly', 'scarcely', 'slightly',
  'somewhat', 'sort', 'sorta', 'sortof']) BOOSTERS.set(w, -0.293);
const CONTRAST = new Set(['but', 'however', 'although', 'though', 'yet', 'except']);
const POS_EMOTICON = /(?:^|\s)(?:[:;=8xX][-'o^]?[)\]dDpP}>3*]+|<3+|\^_*\^|\(:|\(;|:-?\)\)+)(?=\s|$|[.,!?])/g;
const NEG_EMOTICON = /(?:^|\s)(?:[:;=][-'o^]?[(\[{\/\\|]+|:'-?\(|[dD]:|>:-?\(|<\/3)(?=\s|$|[.,!?])/g;
const URL_RE = /\bhttps?:\/\/\S+|\bwww\.\S+/gi;
const MENTION_RE = /@\w+/g;
const HASHTAG_RE = /#(\w+)/g;
// tokens: <url> <user> placeholders, words (with apostrophes / inner hyphens), runs of ! and ?, clause punctuation, emoji (surrogate pairs, a few BMP symbols)
const TOKEN = /<url>|<user>|<pos>|<neg>|#?[a-z0-9][a-z0-9'_]*(?:-[a-z0-9]+)*|[!?]+|[.,;:]+|[\ud800-\udbff][\udc00-\udfff]|[\u2600-\u27bf]/g;

/** weight of the character block relative to the word block (unit norm), and of the dense lexicon features */
const CHAR_WEIGHT = 0.4, DENSE = 2;
const K_CHAR = 21, K_DENSE = 22, K_FLAG = 23, K_HASH = 24;

/** Optional extra lexicon: word -> polarity in [-1, 1] (natural's senticon_en). */
export type PolarityLexicon = ReadonlyMap<string, number>;

function splitHashtag(tag: string): string[] {
  // camelCase / PascalCase / digits: "NotHappy" -> not happy; all-lower tags stay one word
  const parts = tag.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/([A-Za-z])(\d)/g, '$1 $2').replace(/_/g, ' ').toLowerCase().split(' ');
  return parts.filter((p) => p.length > 0);
}

/** Hash of a negation-scope copy of a word. */
const negHash = (h: number) => mix(Kind.NegUni, h);

/** The features of one English text (original case, half-width) into the sink. */
export function enTweetFeatures(text: string, sink: FeatureSink, lexicon: Lexicon, senticon?: PolarityLexicon): void {
  sink.reset();
  // ALL-CAPS emphasis (VADER: caps words count more when the text is not all caps)
  let capsWords: Set<string> | null = null;
  let letters = 0, caps = 0;
  for (const m of text.matchAll(/[A-Za-z][A-Za-z']+/g)) {
    letters++;
    const w = m[0];
    if (w === w.toUpperCase()) { caps++; (capsWords ??= new Set()).add(w.toLowerCase()); }
  }
  const capsEmphasis = caps > 0 && caps < letters;
  let t = text.replace(URL_RE, ' <url> ').replace(MENTION_RE, ' <user> ');
  let posEmo = 0, negEmo = 0;
  t = t.replace(POS_EMOTICON, () => { posEmo++; return ' <pos> '; }).replace(NEG_EMOTICON, () => { negEmo++; return ' <neg> '; });
  let hashWords: string[] | null = null;
  t = t.replace(HASHTAG_RE, (_m, tag: string) => {
    const parts = splitHashtag(tag);
    if (parts.length > 1) (hashWords ??= []).push(...parts);
    return ' #' + tag.toLowerCase() + ' ' + (parts.length === 1 ? parts[0] : '');
  });
  let elongated = 0;
  const lower = t.toLowerCase().replace(/([a-z])\1{2,}/g, (_m, c: string) => { elongated++; return c + c; })
    .replace(/[\u2018\u2019`]/g, "'").replace(/n't\b/g, ' not').replace(/'(s|re|ve|ll|d|m)\b/g, ' $1');
  const words: string[] = lower.match(TOKEN) ?? [];
  if (hashWords) words.push('.', ...(hashWords as string[]));

  // word block
  let neg = false, after = false, boost = 0;
  let valBefore = 0, valAfter = 0, excl = 0, quest = 0, posN = 0, negN = 0, last = 0;
  let sentSum = 0, sentN = 0;
  let prev = 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const c0 = w.charCodeAt(0);
    if (c0 === 33 || c0 === 63) { // ! ?
      for (let k = 0; k < w.length; k++) if (w.charCodeAt(k) === 33) excl++; else quest++;
      neg = false;
      const h = hashString(w.length > 1 ? w.slice(0, 2) : w);
      sink.add(mix(Kind.Word, h));
      if (prev) sink.add(mix(Kind.WordBi, prev, h));
      prev = h;
      continue;
    }
    if (c0 === 46 || c0 === 44 || c0 === 59 || c0 === 58) { neg = false; prev = hashString('.'); continue; }
    const h = hashString(w);
    sink.add(neg ? negHash(h) : mix(Kind.Word, h));
    if (prev) sink.add(mix(Kind.WordBi, prev, h));
    if (after) sink.add(mix(Kind.AfterUni, h), 0.5);
    const v = lexicon.get(w) ?? (c0 === 35 ? lexicon.get(w.slice(1)) : undefined);
    if (v !== undefined) {
      let val = v;
      if (boost) val += Math.sign(v) * boost * 4 * 0.5; // booster before a lexicon word (scaled to AFINN's -5..5)
      if (capsEmphasis && capsWords?.has(w)) val += Math.sign(v) * 0.733 * 1.25;
      if (neg) val *= -0.74;
      if (after) valAfter += val; else valBefore += val;
      if (val > 0) posN++; else if (val < 0) negN++;
      last = Math.sign(val);
    }
    if (senticon) {
      const p = senticon.get(w);
      if (p !== undefined) { sentSum += neg ? -0.74 * p : p; sentN++; }
    }
    if (w === '<pos>') { valAfter += 2; posN++; last = 1; }
    else if (w === '<neg>') { valAfter -= 2; negN++; last = -1; }
    boost = BOOSTERS.get(w) ?? 0;
    if (NEGATIONS.has(w)) neg = true;
    if (CONTRAST.has(w)) { after = true; neg = false; sink.add(mix(K_FLAG, 1)); }
    prev = h;
  }
  const wordEnd = sink.n;
  normalizeRange(sink, 0, wordEnd, 1);

  // character 2-5-grams of the normalized tweet (spaces collapsed), hashed incrementally
  const cs = ' ' + words.join(' ') + ' ';
  const charStart = sink.n;
  for (let i = 0; i < cs.length - 1; i++) {
    let h = 0x811c9dc5;
    for (let len = 1; len <= 5 && i + len <= cs.length; len++) {
      h = Math.imul(h ^ cs.charCodeAt(i + len - 1), 0x01000193);
      if (len >= 2) sink.add(mix(K_CHAR, h, len));
    }
  }
  normalizeRange(sink, charStart, sink.n, CHAR_WEIGHT);

  // flags and dense features
  if (elongated) sink.add(mix(K_FLAG, 2), 0.5);
  if (capsEmphasis) sink.add(mix(K_FLAG, 3, Math.min(caps, 3)), 0.5);
  sink.add(mix(K_FLAG, 4, Math.min(excl, 3)), 0.5);
  sink.add(mix(K_FLAG, 5, Math.min(quest, 3)), 0.5);
  if (hashWords) sink.add(mix(K_HASH, 1), 0.3);
  let total = after ? valBefore * 0.5 + valAfter * 1.5 : valBefore + valAfter;
  if (total !== 0 && excl) total += Math.sign(total) * Math.min(excl, 4) * 0.292;
  if (total !== 0 && quest > 1) total += Math.sign(total) * Math.min(quest, 3) * 0.18;
  const compound = total / Math.sqrt(total * total + 15);
  sink.add(mix(K_DENSE, 1), DENSE * compound);
  sink.add(mix(K_DENSE, 2, compound > 0.05 ? 1 : compound < -0.05 ? 2 : 0), DENSE * 0.5);
  sink.add(mix(K_DENSE, 3), DENSE * Math.min(posN, 4) * 0.25);
  sink.add(mix(K_DENSE, 4), DENSE * Math.min(negN, 4) * 0.25);
  if (last) sink.add(mix(K_DENSE, 5), DENSE * last * 0.5);
  if (posEmo) sink.add(mix(K_DENSE, 6), DENSE * 0.5);
  if (negEmo) sink.add(mix(K_DENSE, 7), DENSE * 0.5);
  if (senticon && sentN) {
    sink.add(mix(K_DENSE, 8), DENSE * Math.tanh(sentSum));
    sink.add(mix(K_DENSE, 9), DENSE * sentSum / sentN);
  }
}

/** Scale the values of entries [from, to) to L2 norm `target`. */
function normalizeRange(sink: FeatureSink, from: number, to: number, target: number): void {
  let ss = 0;
  for (let i = from; i < to; i++) ss += sink.val[i] * sink.val[i];
  if (ss <= 0) return;
  const k = target / Math.sqrt(ss);
  for (let i = from; i < to; i++) sink.val[i] *= k;
}
