// English sentiment features, version 3 ("en3"): the word n-grams of en1 (unigrams, bigrams,
// negation-scope and after-"but" copies, emoticons, emoji, "!"/"?" buckets), scaled down as a block,
// plus dense features from our VADER-style rule scorer (en-vader.ts) over the model's lexicon (VADER
// + AFINN-165 + emoji valences, stored in the model header): compound, positive and negative
// proportions, the last clause's valence, and a no-evidence flag. The dense features carry what
// generalizes to new topics (lexical knowledge and rules); the n-grams adjust it.
import { FeatureSink, Kind, hashString, mix } from './feature-hash.js';
import { stripUrlsAndMentions } from './entities.js';
import { VADER_NEGATE, vaderScore } from './en-vader.js';
import type { Lexicon } from './en-features.js';
import { CUE_FIRST, CUE_PHRASES, hashtagValence } from './en-cues.js';

const CONTRAST = new Set(['but', 'however', 'although', 'though', 'yet']);
const POS_EMOTICON = /(?:^|\s)(?:[:;=8][-']?[)\]dp}>]|<3|\^_\^|\(:)/gi;
const NEG_EMOTICON = /(?:^|\s)(?:[:;=][-']?[(\[{\/\\|]|:'\(|d:|>:\()/gi;
const TOKEN = /[a-z0-9][a-z0-9']*|[!?]+|[.,;:]+|[\ud800-\udbff][\udc00-\udfff]|[\u2600-\u27bf]/g;

/**
 * Block weights: the n-gram block is L2-normalized to `ngram`, the dense rule features are scaled by
 * `dense` (chosen by topic-grouped CV on en-train; a trained model depends on them: change only to
 * experiment, then retrain).
 */
export const EN3 = { ngram: 1, dense: 2, cues: true };

const K_VADER = 25;
const CAPS2 = /[A-Z]{2}/;
const MAX_WORDS = 512;
const words = new Array<string>(MAX_WORDS);
const caps = new Uint8Array(MAX_WORDS);
const vals = new Float64Array(MAX_WORDS + 8);
const lexv = new Float64Array(MAX_WORDS + 8);

/** The compound of the last enVaderFeatures call (VADER-style, -1..1; 0 without evidence). */
let lastCompound = 0;

/**
 * The VADER-style compound of one English text (original case, half-width) over `lexicon`, by the
 * same tokenizer, cues and rules as the en3 dense features (`scratch` receives the en3 features).
 */
export function enVaderCompound(text: string, scratch: FeatureSink, lexicon: Lexicon): number {
  enVaderFeatures(text, scratch, lexicon, true);
  return lastCompound;
}

/** The features of one English text (original case, half-width) into the sink; `compoundOnly`: only work out the compound (the sink gets no n-grams). */
export function enVaderFeatures(text: string, sink: FeatureSink, lexicon: Lexicon, compoundOnly = false): void {
  sink.reset();
  const raw = stripUrlsAndMentions(text);
  const lower = raw.toLowerCase();
  const toks: string[] = lower.replace(/#/g, ' ').replace(/n't\b/g, 'nt').match(TOKEN) ?? [];
  let capsWords: Set<string> | null = null;
  let letters = 0, nCaps = 0;
  if (CAPS2.test(raw)) {
    for (const w of raw.match(/[A-Za-z][A-Za-z']+/g) ?? []) {
      letters++;
      if (w === w.toUpperCase()) { nCaps++; (capsWords ??= new Set()).add(w.toLowerCase().replace(/n't$/, 'nt')); }
    }
  }
  const capDiff = nCaps > 0 && nCaps < letters;
  let neg = 0, after = false, excl = 0, quest = 0, nw = 0, prev = 0, cue = 0;
  let p1 = '', p2 = '';
  for (let i = 0; i < toks.length; i++) {
    const w = toks[i];
    const c0 = w.charCodeAt(0);
    if (c0 === 33 || c0 === 63) { // ! ?
      for (let k = 0; k < w.length; k++) if (w.charCodeAt(k) === 33) excl++; else quest++;
      neg = 0;
      prev = hashString(w[0]);
      sink.add(mix(Kind.Uni, prev));
      continue;
    }
    if (c0 === 46 || c0 === 44 || c0 === 59 || c0 === 58) { neg = 0; prev = 0; continue; }
    if (nw < MAX_WORDS) { caps[nw] = capsWords?.has(w) ? 1 : 0; lexv[nw] = lexicon.get(w) ?? NaN; words[nw++] = w; }
    if (compoundOnly) {
      if (c0 >= 0x2600) continue;
      if (p1 && EN3.cues) {
        const c2 = CUE_FIRST.has(p1) ? CUE_PHRASES.get(p1 + ' ' + w) : CUE_FIRST.has(p2) ? CUE_PHRASES.get(p2 + ' ' + p1 + ' ' + w) : undefined;
        if (c2 !== undefined) cue += c2;
      }
      p2 = p1; p1 = w;
      continue;
    }
    if (c0 >= 0x2600) { sink.add(mix(Kind.Emoji, w.codePointAt(0) ?? c0)); prev = 0; continue; }
    const h = hashString(w);
    sink.add(mix(Kind.Word, h));
    if (prev) sink.add(mix(Kind.WordBi, prev, h));
    if (neg > 0) sink.add(mix(Kind.NegUni, h));
    if (after) sink.add(mix(Kind.AfterUni, h), 0.7);
    if (p1 && EN3.cues) {
      const c2 = CUE_FIRST.has(p1) ? CUE_PHRASES.get(p1 + ' ' + w) : CUE_FIRST.has(p2) ? CUE_PHRASES.get(p2 + ' ' + p1 + ' ' + w) : undefined;
      if (c2 !== undefined) { cue += c2; sink.add(mix(K_VADER, 7, c2 > 0 ? 1 : 2)); }
    }
    p2 = p1; p1 = w;
    if (VADER_NEGATE.has(w)) neg = 4;
    else if (neg > 0) neg--;
    if (CONTRAST.has(w)) { after = true; sink.add(mix(Kind.Cue, 1)); }
    prev = h;
  }
  for (const _ of lower.matchAll(POS_EMOTICON)) { sink.add(mix(Kind.Emoticon, 1)); if (nw < MAX_WORDS) { caps[nw] = 0; lexv[nw] = lexicon.get(':)') ?? NaN; words[nw++] = ':)'; } }
  for (const _ of lower.matchAll(NEG_EMOTICON)) { sink.add(mix(Kind.Emoticon, 2)); if (nw < MAX_WORDS) { caps[nw] = 0; lexv[nw] = lexicon.get(':(') ?? NaN; words[nw++] = ':('; } }
  sink.add(mix(Kind.Bucket, 2, Math.min(excl, 4)), 0.5);
  sink.add(mix(Kind.Bucket, 3, Math.min(quest, 3)), 0.5);
  sink.normalize();
  if (EN3.ngram !== 1) for (let i = 0; i < sink.n; i++) sink.val[i] *= EN3.ngram;
  // dense rule features, added after normalization so they keep their scale
  if (EN3.cues && raw.includes('#')) {
    for (const m of raw.matchAll(/#([A-Za-z]\w{3,})/g)) {
      const tag = m[1].toLowerCase();
      if (lexicon.has(tag)) continue; // already a word token
      const hv = hashtagValence(tag, lexicon);
      if (hv !== undefined) { cue += hv; sink.add(mix(K_VADER, 8, hv > 0 ? 1 : 2)); }
    }
  }
  const v = vaderScore(words, lexv, nw, caps, capDiff, excl, quest, vals, cue);
  lastCompound = v.compound;
  const d = EN3.dense;
  sink.add(mix(K_VADER, 1), d * v.compound);
  sink.add(mix(K_VADER, 2), d * v.pos);
  sink.add(mix(K_VADER, 3), d * v.neg);
  sink.add(mix(K_VADER, 4, v.compound >= 0.05 ? 1 : v.compound <= -0.05 ? 2 : 0), d * 0.5);
  if (v.last) sink.add(mix(K_VADER, 5), d * Math.tanh(v.last / 4));
  if (!v.hits) sink.add(mix(K_VADER, 6), d * 0.5);
  if (cue) sink.add(mix(K_VADER, 9), d * Math.tanh(cue / 3));
}
