// VADER-style rule scoring of a tokenized English text (our own implementation of the rules of
// Hutto & Gilbert 2014, "VADER: A Parsimonious Rule-based Model for Sentiment Analysis of Social
// Media Text"): a word valence lexicon (the model header's lexicon: VADER's 7.5k entries merged with
// AFINN-165 and emoji valences at training time), boosters/dampeners on the three preceding words
// (decaying 1, 0.95, 0.9), negation on the three preceding words (x -0.74), "least", ALL-CAPS
// emphasis when the text is not all caps, "but" (clause before x0.5, after x1.5), and "!"/"?"
// emphasis. Pure computation over tokens the caller made; no allocation per token.

export const B_INCR = 0.293;
export const C_INCR = 0.733;
export const N_SCALAR = -0.74;

/** VADER's negation words, in our tokenizer's form ("n't" -> "nt": don't -> dont). */
export const VADER_NEGATE = new Set(['aint', 'arent', 'cannot', 'cant', 'couldnt', 'darent', 'didnt', 'doesnt', 'dont', 'hadnt', 'hasnt', 'havent', 'isnt',
  'mightnt', 'mustnt', 'neither', 'neednt', 'never', 'none', 'nope', 'nor', 'not', 'nothing', 'nowhere', 'oughtnt', 'shant', 'shouldnt', 'uhuh', 'wasnt',
  'werent', 'without', 'wont', 'wouldnt', 'rarely', 'seldom', 'despite', 'no', 'nobody']);

/** VADER's booster (+0.293) and dampener (-0.293) words, plus a few tweet spellings. */
export const VADER_BOOSTERS = new Map<string, number>();
for (const w of ['absolutely', 'amazingly', 'awfully', 'completely', 'considerably', 'decidedly', 'deeply', 'effing', 'enormously', 'entirely', 'especially',
  'exceptionally', 'extremely', 'fabulously', 'flipping', 'flippin', 'fricking', 'frickin', 'frigging', 'friggin', 'fully', 'fucking', 'greatly', 'hella',
  'highly', 'hugely', 'incredibly', 'intensely', 'majorly', 'more', 'most', 'particularly', 'purely', 'quite', 'really', 'remarkably', 'so', 'substantially',
  'thoroughly', 'totally', 'tremendously', 'uber', 'unbelievably', 'unusually', 'utterly', 'very', 'super', 'soo', 'sooo', 'freaking', 'freakin', 'fuckin',
  'rly', 'realy', 'extra', 'mega', 'def', 'definitely']) VADER_BOOSTERS.set(w, B_INCR);
for (const w of ['almost', 'barely', 'hardly', 'kinda', 'kindof', 'less', 'little', 'marginally', 'occasionally', 'partly', 'scarcely', 'slightly',
  'somewhat', 'sorta', 'sortof']) VADER_BOOSTERS.set(w, -B_INCR);

/** The result of scoring one text: VADER's compound and its positive/negative/neutral proportions, plus evidence counts. */
export interface VaderResult {
  compound: number;
  pos: number;
  neg: number;
  /** number of tokens with a non-zero valence */
  hits: number;
  /** sum of valences in the last clause (after the last "but"), sign of the final polar token */
  last: number;
}

/**
 * Score tokens (lower case; `caps[i]` true when token i was written in capitals); `lexv[i]` is the
 * lexicon valence of token i (NaN when it has none), looked up by the caller while tokenizing.
 * `capDiff`: some but not all words are in capitals. `excl`/`quest`: counts of "!" and "?" in the text.
 * `vals` is scratch space of at least `n` entries. `extra`: valence of phrase and hashtag cues found by the caller.
 */
export function vaderScore(words: readonly string[], lexv: Float64Array, n: number, caps: Uint8Array | null, capDiff: boolean, excl: number, quest: number,
  vals: Float64Array, extra = 0): VaderResult {
  let butAt = -1;
  for (let i = 0; i < n; i++) {
    const w = words[i];
    vals[i] = 0;
    if (w === 'but') butAt = i;
    let v = lexv[i];
    if (v !== v) continue; // NaN: not in the lexicon (a booster that is also a lexicon word, e.g. 'super', keeps its own valence)
    if (w === 'kind' && i + 1 < n && words[i + 1] === 'of') continue;
    if (capDiff && caps && caps[i]) v += v > 0 ? C_INCR : -C_INCR;
    for (let s = 0; s < 3 && i > s; s++) {
      const p = words[i - s - 1];
      const pv = lexv[i - s - 1];
      if (pv === pv && !VADER_NEGATE.has(p) && !VADER_BOOSTERS.has(p)) continue;
      let b = VADER_BOOSTERS.get(p);
      if (b !== undefined) {
        if (v < 0) b = -b;
        if (capDiff && caps && caps[i - s - 1]) b += v > 0 ? C_INCR : -C_INCR;
        v += s === 0 ? b : s === 1 ? b * 0.95 : b * 0.9;
      }
      if (VADER_NEGATE.has(p)) {
        // "never so good" (intensifies), "without doubt" (no flip)
        if (s >= 1 && p === 'never' && (words[i - s] === 'so' || words[i - s] === 'this')) v *= s === 1 ? 1.25 : 1.1;
        else if (!(s >= 1 && p === 'without' && words[i - s] === 'doubt')) v *= N_SCALAR;
      }
    }
    if (i > 0 && words[i - 1] === 'least' && (i < 2 || (words[i - 2] !== 'at' && words[i - 2] !== 'very'))) v *= N_SCALAR;
    vals[i] = v;
  }
  let sum = 0, pos = 0, neg = 0, neu = 0, hits = 0, last = 0;
  for (let i = 0; i < n; i++) {
    let v = vals[i];
    if (butAt >= 0) v *= i < butAt ? 0.5 : i > butAt ? 1.5 : 1;
    if (v > 0) { pos += v + 1; hits++; } else if (v < 0) { neg += v - 1; hits++; } else neu++;
    if (v !== 0 && i > butAt) last += v;
    sum += v;
  }
  if (extra) { sum += extra; last += extra; hits++; if (extra > 0) pos += extra + 1; else neg += extra - 1; }
  if (sum !== 0) {
    let ep = Math.min(excl, 4) * 0.292;
    if (quest > 1) ep += quest <= 3 ? quest * 0.18 : 0.96;
    sum += sum > 0 ? ep : -ep;
    if (sum > 0) pos += ep; else neg -= ep;
  }
  const compound = sum / Math.sqrt(sum * sum + 15);
  const total = pos - neg + neu;
  return { compound, pos: total ? pos / total : 0, neg: total ? -neg / total : 0, hits, last };
}
