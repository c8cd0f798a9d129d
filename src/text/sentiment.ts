// Sentiment scoring with the trained linear models: Chinese (char n-grams + rule features) and
// English (word n-grams + lexicon + VADER-style rules). Three classes with a score in [-1, 1]:
// for a binary model score = 2p - 1 and the neutral band {lo, hi} was calibrated on held-out data;
// for a softmax model score = p(positive) - p(negative), label = argmax of calibrated logits.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../core/paths.js';
import { FeatureSink } from './feature-hash.js';
import { zhFeatures, ZH_VERSIONS } from './zh-features.js';
import { enFeatures, type Lexicon } from './en-features.js';
import { enTweetFeatures, type PolarityLexicon } from './en-tweet-features.js';
import { enVaderCompound, enVaderFeatures } from './en-vader-features.js';
import { LinearModel, ModelFileError, type SentimentLabel } from './linear-model.js';
import { normalizeForMatch, toHalfWidth } from './normalize.js';

export interface Sentiment { label: SentimentLabel; score: number }

export const MODEL_FILES = { zh: 'zh-sentiment.bin', en: 'en-sentiment.bin' } as const;

/** Feature extraction shared by training and scoring. `text` is the raw text (not normalized). */
export function featurize(lang: 'zh' | 'en', text: string, sink: FeatureSink, lexicon: Lexicon, normalized?: string, ext?: FeatureOptions): void {
  if (lang === 'zh') zhFeatures(normalized ?? normalizeForMatch(text), sink, ext?.features === 'zh2' || ext?.features === 'zh3' ? ZH_VERSIONS[ext.features] : undefined);
  else if (ext?.features === 'en3') enVaderFeatures(toHalfWidth(text), sink, lexicon);
  else if (ext?.features === 'en2') enTweetFeatures(toHalfWidth(text), sink, lexicon, ext.senticon);
  else enFeatures(toHalfWidth(text), sink, lexicon);
}

/** Which feature extractor a model uses (from its header). */
export interface FeatureOptions { features?: 'en2' | 'en3' | 'zh2' | 'zh3'; senticon?: PolarityLexicon }

const EMPTY_LEXICON: Lexicon = new Map();

export class SentimentModel {
  private readonly sink: FeatureSink;
  private readonly out = new Float64Array(4);
  readonly lexicon: Lexicon;
  readonly ext: FeatureOptions;
  /** binary models: the value the neutral band was applied to in the last decide() (the score, except for gated mixtures) */
  bandValue = 0;
  /** header.vaderBlend: its lexicon and a scratch sink for the compound; `blend` is the pending logit shift of the text being scored */
  private readonly blendLexicon: Lexicon | null;
  private readonly blendSink: FeatureSink | null;
  private blend = 0;
  constructor(readonly model: LinearModel) {
    this.sink = new FeatureSink(model.header.bits);
    const h = model.header;
    this.blendLexicon = h.vaderBlend ? new Map(Object.entries(h.vaderBlend.lexicon)) : null;
    this.blendSink = h.vaderBlend ? new FeatureSink(h.bits) : null;
    this.lexicon = h.lexicon ? new Map(Object.entries(h.lexicon)) : EMPTY_LEXICON;
    this.ext = { features: h.features, senticon: h.senticon ? new Map(Object.entries(h.senticon)) : undefined };
  }

  get lang(): 'zh' | 'en' {
    return this.model.header.lang;
  }

  /** Score one text; `normalized` (normalizeForMatch of the text) saves work when the caller has it. */
  score(text: string, normalized?: string): Sentiment {
    featurize(this.lang, text, this.sink, this.lexicon, normalized, this.ext);
    if (this.sink.n === 0) { this.bandValue = 0; return { label: 'neutral', score: 0 }; }
    if (this.model.domainWeights) this.sink.addDomainCopies(this.model.detectDomain(this.sink));
    if (this.blendLexicon && this.blendSink) this.blend = this.model.header.vaderBlend!.weight * enVaderCompound(toHalfWidth(text), this.blendSink, this.blendLexicon);
    return this.decide(this.sink);
  }

  /** Raw head outputs of a two-head model: polarity in [-1, 1] and p(polar). */
  heads(text: string): { pol: number; subj: number } {
    featurize(this.lang, text, this.sink, this.lexicon, undefined, this.ext);
    this.model.margins(this.sink, this.out);
    return { pol: Math.tanh(this.out[0] / 2), subj: 1 / (1 + Math.exp(-this.out[1])) };
  }

  decide(sink: FeatureSink): Sentiment {
    const h = this.model.header;
    this.model.margins(sink, this.out);
    if (h.heads) {
      const pol = Math.tanh(this.out[0] / 2);
      const subj = 1 / (1 + Math.exp(-this.out[1]));
      const label: SentimentLabel = subj < (h.subjectivityThreshold ?? 0.5) ? 'neutral' : pol < 0 ? 'negative' : 'positive';
      // the polarity decides the sign; a text that is probably neutral gets a smaller magnitude
      let score = round4(pol * Math.sqrt(subj));
      if (score === 0) score = pol < 0 ? -0.0001 : 0;
      return { label, score };
    }
    if (h.classes.length === 2) {
      const score = Math.tanh(this.out[0] / 2);
      // a gated mixture bands a fixed-share score for neutral (ModelHeader.mixture.neutralShare); the sign stays the score's
      const band = this.bandValue = h.mixture ? Math.tanh(this.out[1] / 2) : score;
      // labels and scores agree: a confident gated score is never called neutral, and a neutral
      // text's score is shrunk towards 0 (its sign, which the two-class reading uses, is kept)
      const inBand = band >= h.neutral.lo && band <= h.neutral.hi && Math.abs(score) < CONFIDENT_SCORE;
      const label: SentimentLabel = inBand ? 'neutral' : score < 0 ? 'negative' : 'positive';
      const shown = inBand ? score * NEUTRAL_SHRINK : score;
      return { label, score: round4(shown) || (score < 0 ? -0.0001 : 0) };
    }
    // class offsets (a calibrated neutral offset, a prior shift) apply to the label and the score alike
    const o = this.out;
    const off = h.offsets ?? [0, 0, 0];
    const b = this.blend;
    this.blend = 0; // set by score() for the text it scores; a direct decide(sink) call has no text to blend
    const a0 = o[0] + off[0] - b, a1 = o[1] + off[1], a2 = o[2] + off[2] + b;
    const m = Math.max(a0, a1, a2);
    const e0 = Math.exp(a0 - m), e1 = Math.exp(a1 - m), e2 = Math.exp(a2 - m);
    const score = (e2 - e0) / (e0 + e1 + e2);
    const label: SentimentLabel = a0 >= a1 && a0 >= a2 ? 'negative' : a2 >= a1 ? 'positive' : 'neutral';
    const r = round4(score);
    return { label, score: label === 'negative' && !(r < 0) ? -0.0001 : r };
  }
}

/** a gated two-class score this far from 0 decides the label whatever the neutral band says */
const CONFIDENT_SCORE = 0.7;
/** a neutral text's score is scaled by this, so |score| < 0.175 for every neutral label */
const NEUTRAL_SHRINK = 0.25;

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}

/** The directory of the models shipped with flarewatch (data/models at the package root). */
export function defaultModelDir(): string {
  return join(PACKAGE_ROOT, 'data', 'models');
}

/** Load one language's model from a directory; a clear ModelFileError when it is missing. */
export function loadSentimentModel(modelDir: string, lang: 'zh' | 'en'): SentimentModel {
  const file = join(modelDir, MODEL_FILES[lang]);
  if (!existsSync(file)) {
    throw new ModelFileError(`no ${lang} sentiment model at ${file}`,
      `train one: flarewatch train-sentiment --lang ${lang} --in LABELLED.jsonl --out ${file}`);
  }
  const m = new SentimentModel(LinearModel.load(file));
  if (m.lang !== lang) throw new ModelFileError(`${file} is a ${m.lang} model, expected ${lang}`);
  return m;
}
