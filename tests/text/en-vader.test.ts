import { describe, expect, it } from 'vitest';
import { vaderScore } from '../../src/text/en-vader.js';
import { hashtagValence, CUE_FIRST, CUE_PHRASES } from '../../src/text/en-cues.js';
import { buildEnLexicon } from '../../src/text/en-lexicon-build.js';
import { enVaderFeatures } from '../../src/text/en-vader-features.js';
import { FeatureSink } from '../../src/text/feature-hash.js';
import { LinearModel } from '../../src/text/linear-model.js';
import { SentimentModel } from '../../src/text/sentiment.js';
import { crossValidateLogits, calibrateNeutralOffset, trainModel, type TrainRow } from '../../src/text/sentiment-trainer.js';

const lex = new Map([['good', 1.9], ['bad', -2.5], ['love', 3.2], ['hate', -2.7], ['fail', -2.5], ['win', 2.8]]);
const compound = (text: string, caps: string[] = [], excl = 0) => {
  const words = text.split(' ');
  const lexv = Float64Array.from(words, (w) => lex.get(w) ?? NaN);
  const c = Uint8Array.from(words, (w) => (caps.includes(w) ? 1 : 0));
  return vaderScore(words, lexv, words.length, c, caps.length > 0, excl, 0, new Float64Array(64)).compound;
};

describe('VADER-style rules', () => {
  it('scores polar words with the right sign and nothing as 0', () => {
    expect(compound('this is good')).toBeGreaterThan(0.3);
    expect(compound('this is bad')).toBeLessThan(-0.3);
    expect(compound('this is a phone')).toBe(0);
  });
  it('negation within three words flips and dampens (x -0.74)', () => {
    expect(compound('this is not good')).toBeLessThan(0);
    expect(compound('not really that good')).toBeLessThan(0);
    expect(Math.abs(compound('not good'))).toBeLessThan(Math.abs(compound('good')));
  });
  it('boosters, capitals and exclamation marks intensify; "but" weighs the second clause', () => {
    expect(compound('very good')).toBeGreaterThan(compound('good'));
    expect(compound('slightly good')).toBeLessThan(compound('good'));
    expect(compound('is good', ['good'])).toBeGreaterThan(compound('is good'));
    expect(compound('good', [], 3)).toBeGreaterThan(compound('good'));
    expect(compound('good but bad')).toBeLessThan(0);
    expect(compound('bad but good')).toBeGreaterThan(0);
  });
  it('a booster that is also a lexicon word keeps its valence and still boosts', () => {
    const withSuper = new Map([...lex, ['super', 2.9]]);
    const c = (text: string) => {
      const words = text.split(' ');
      return vaderScore(words, Float64Array.from(words, (w) => withSuper.get(w) ?? NaN), words.length, null, false, 0, 0, new Float64Array(64)).compound;
    };
    expect(c('it is super')).toBeGreaterThan(0.3);
    expect(c('super good')).toBeGreaterThan(c('good'));
  });
});

describe('cues and hashtags', () => {
  it('finds a polar word at the end or start of a hashtag', () => {
    expect(hashtagValence('windows10fail', lex)).toBe(-2.5);
    expect(hashtagValence('lovethisgame', lex)).toBe(3.2);
    expect(hashtagValence('monday', lex)).toBeUndefined();
  });
  it('every phrase cue has a first word in CUE_FIRST and two or three words', () => {
    for (const k of CUE_PHRASES.keys()) {
      expect(CUE_FIRST.has(k.split(' ')[0])).toBe(true);
      expect([2, 3]).toContain(k.split(' ').length);
    }
  });
});

describe('the en3 lexicon (VADER + AFINN + emoji + cues)', () => {
  const afinn = { good: 3, 'bad-ass': 3, superb: 5, zzzfoo: -2 };
  const { lexicon, counts } = buildEnLexicon(afinn);
  it('keeps VADER ratings, adds AFINN words VADER lacks (x0.8), emoji and emoticons', () => {
    expect(counts.vader).toBeGreaterThan(7000);
    expect(lexicon.good).toBe(1.9);
    expect(lexicon.zzzfoo).toBe(-1.6);
    expect(lexicon['bad-ass']).toBeUndefined();
    expect(lexicon['\u2764']).toBeGreaterThan(1); // heavy black heart
    expect(lexicon[':)']).toBeGreaterThan(0);
    expect(counts.emoji).toBeGreaterThan(100);
    expect(JSON.stringify(lexicon).length).toBeLessThan(200_000);
  });
});

describe('en3 features and training', () => {
  const { lexicon } = buildEnLexicon({});
  const lx = new Map(Object.entries(lexicon));
  const feats = (t: string) => {
    const s = new FeatureSink(18);
    enVaderFeatures(t, s, lx);
    return new Map(Array.from(s.idx.subarray(0, s.n)).map((k, i) => [k, s.val[i]]));
  };
  it('is deterministic and ignores URLs and mentions', () => {
    expect(feats('@bob so good http://x.co/a')).toEqual(feats('@alice so good https://t.co/zz'));
  });
  it('phrase cues and hashtags add features', () => {
    expect(feats('i am on hold').size).toBeGreaterThan(feats('i am on board').size);
    expect(feats('new update #windows10fail').size).toBeGreaterThan(feats('new update #windows10xyzq').size);
  });
  it('trains a 3-class model whose topic-grouped CV and scores make sense', () => {
    const rows: TrainRow[] = [];
    const P = ['i love this phone', 'great game, so good', 'what a good day :)', 'awesome show ❤'];
    const N = ['i hate this phone', 'terrible game, so bad', 'on hold for an hour again', 'still waiting, sick of it'];
    const U = ['the phone launches on monday', 'the game is at 8pm', 'tomorrow is friday', 'it is on tv tonight'];
    for (let i = 0; i < 12; i++) {
      for (const t of P) rows.push({ text: `${t} ${i}`, label: 'positive' });
      for (const t of N) rows.push({ text: `${t} ${i}`, label: 'negative' });
      for (const t of U) rows.push({ text: `${t} ${i}`, label: 'neutral' });
    }
    const opts = { lang: 'en' as const, bits: 16, epochs: 3, features: 'en3' as const, lexicon, seed: 1 };
    const oof = crossValidateLogits(rows, 4, (rs) => trainModel(rs, opts), (_r, i) => Math.floor((i * 4) / rows.length));
    expect(oof).toHaveLength(rows.length);
    expect(calibrateNeutralOffset(oof).accuracy).toBeGreaterThan(0.8);
    const m = new SentimentModel(LinearModel.fromBuffer(trainModel(rows, opts).toBuffer()));
    expect(m.ext.features).toBe('en3');
    expect(m.score('so good, i love it').score).toBeGreaterThan(0);
    expect(m.score('on hold again, terrible').score).toBeLessThan(0);
    expect(m.score('the show is on monday').label).toBe('neutral');
  });
});
