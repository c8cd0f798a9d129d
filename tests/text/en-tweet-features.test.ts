import { describe, expect, it } from 'vitest';
import { FeatureSink } from '../../src/text/feature-hash.js';
import { enTweetFeatures } from '../../src/text/en-tweet-features.js';
import { LinearModel } from '../../src/text/linear-model.js';
import { SentimentModel } from '../../src/text/sentiment.js';
import { calibrateNeutralOffset, calibrateSubjectivity, crossValidateLogits, labelOfLogits, trainModel, trainTwoHead, type TrainRow } from '../../src/text/sentiment-trainer.js';

const lex = new Map([['good', 3], ['bad', -3], ['love', 3], ['hate', -3]]);
const feats = (t: string) => {
  const s = new FeatureSink(18);
  enTweetFeatures(t, s, lex);
  return new Map(Array.from(s.idx.subarray(0, s.n)).map((k, i) => [k, s.val[i]]));
};

describe('en2 tweet features', () => {
  it('normalizes users, URLs and elongation to the same features', () => {
    expect([...feats('@bob sooooo good http://x.co/a').keys()].sort()).toEqual([...feats('@alice soooo good https://t.co/zz').keys()].sort());
  });
  it('marks negation scope until punctuation and flips the lexicon valence', () => {
    const plain = feats('this is good'), negated = feats('this is not good');
    const only = [...negated.keys()].filter((k) => !plain.has(k));
    expect(only.length).toBeGreaterThan(0);
    expect(feats('not good. good')).not.toEqual(feats('not good good'));
  });
  it('splits camel-case hashtags', () => {
    const a = feats('#LoveIt'), b = feats('#loveit');
    expect(a.size).toBeGreaterThan(b.size);
  });
});

describe('en2 training, two heads and calibration', () => {
  const rows: TrainRow[] = [];
  const P = ['i love this phone', 'great game, so good', 'what a good day :)', 'love it, amazing'];
  const N = ['i hate this phone', 'terrible game, so bad', 'what a bad day :(', 'hate it, awful'];
  const U = ['the phone launches on monday', 'the game is at 8pm', 'tomorrow is friday', 'it is on tv tonight'];
  for (let i = 0; i < 15; i++) {
    for (const t of P) rows.push({ text: `${t} ${i}`, label: 'positive' });
    for (const t of N) rows.push({ text: `${t} ${i}`, label: 'negative' });
    for (const t of U) rows.push({ text: `${t} ${i}`, label: 'neutral' });
  }
  const opts = { lang: 'en' as const, bits: 16, epochs: 4, features: 'en2' as const, lexicon: Object.fromEntries(lex) };
  it('a softmax en2 model survives the file round trip with its feature version', () => {
    const m = LinearModel.fromBuffer(trainModel(rows, { ...opts, classes: 3 }).toBuffer());
    expect(m.header.features).toBe('en2');
    const sm = new SentimentModel(m);
    expect(sm.score('i love it').label).toBe('positive');
    expect(sm.score('i hate it').score).toBeLessThan(0);
  });
  it('the two-head model separates polarity from subjectivity', () => {
    const sm = new SentimentModel(LinearModel.fromBuffer(trainTwoHead(rows, opts).toBuffer()));
    expect(sm.score('so bad, i hate it').label).toBe('negative');
    expect(sm.score('so bad, i hate it').score).toBeLessThan(0);
    const cal = calibrateSubjectivity(rows.map((r) => ({ truth: r.label, ...sm.heads(r.text) })));
    expect(cal.accuracy).toBeGreaterThan(0.9);
  });
  it('cross-validated logits calibrate a neutral offset that keeps "negative" meaning p(neg) > p(pos)', () => {
    const oof = crossValidateLogits(rows, 3, (rs) => trainModel(rs, { ...opts, classes: 3 }));
    expect(oof.length).toBe(rows.length);
    const cal = calibrateNeutralOffset(oof);
    expect(cal.accuracy).toBeGreaterThan(0.8);
    expect(labelOfLogits([1, 5, 0], -10)).toBe('negative');
    expect(labelOfLogits([0, 5, 1], -10)).toBe('positive');
  });
});
