// The English model's lexicon-and-rules ensemble member (header.vaderBlend, issue 16) and the zh3
// comment-thread cue families (zh-features.ts CUE_FAMILIES; an option, no shipped model uses it).
import { describe, expect, it } from 'vitest';
import { defaultModelDir, loadSentimentModel, SentimentModel } from '../../src/text/sentiment.js';
import { FeatureSink, mix } from '../../src/text/feature-hash.js';
import { LinearModel } from '../../src/text/linear-model.js';
import { EN3, enVaderCompound, enVaderFeatures } from '../../src/text/en-vader-features.js';
import { zhFeatures, ZH_VERSIONS } from '../../src/text/zh-features.js';

const en = loadSentimentModel(defaultModelDir(), 'en');
const lexicon = new Map(Object.entries(en.model.header.vaderBlend?.lexicon ?? {}));
/** the shipped English model without its blend: the same weights and offsets */
const plain = new SentimentModel(new LinearModel({ ...en.model.header, vaderBlend: undefined }, en.model.weights, en.model.weightScale));

describe('English VADER-style blend', () => {
  it('the shipped model carries the blend weight and its lexicon', () => {
    expect(en.model.header.vaderBlend?.weight).toBe(0.5);
    expect(lexicon.size).toBeGreaterThan(8000);
  });
  it('compound: sign from the lexicon and rules, 0 without evidence', () => {
    const s = new FeatureSink(18);
    expect(enVaderCompound('I love this, what a great day :)', s, lexicon)).toBeGreaterThan(0.5);
    expect(enVaderCompound('Worst service ever. I hate waiting on hold', s, lexicon)).toBeLessThan(-0.5);
    expect(enVaderCompound('The meeting moved to 3pm on Tuesday', s, lexicon)).toBe(0);
    expect(enVaderCompound('This is not good', s, lexicon)).toBeLessThan(0);
  });
  it('the compound-only pass agrees with the full en3 features on the compound', () => {
    const a = new FeatureSink(18), b = new FeatureSink(18);
    const key = mix(25, 1) & ((1 << 18) - 1); // en-vader-features.ts: the dense compound feature, value EN3.dense x compound
    for (const t of ['Love it!!! 😍 #winning', 'not bad but the battery DIED again... on hold for 40 min', 'so sick of this #windows10fail', 'meh']) {
      const c = enVaderCompound(t, a, lexicon);
      enVaderFeatures(t, b, lexicon);
      let full = NaN;
      for (let i = 0; i < b.n; i++) if (b.idx[i] === key) full = b.val[i] / EN3.dense;
      expect(full, t).toBeCloseTo(c, 5);
    }
  });
  it('moves the logits towards the compound; labels and scores still agree', () => {
    const pos = 'Thank you so much, absolutely wonderful and amazing support';
    const neg = 'This is terrible, awful and disgusting. I hate it';
    expect(en.score(pos).score).toBeGreaterThanOrEqual(plain.score(pos).score);
    expect(en.score(neg).score).toBeLessThanOrEqual(plain.score(neg).score);
    for (const t of [pos, neg, 'ok', 'The store opens at 9', 'not sure this is good or bad tbh']) {
      const s = en.score(t);
      if (s.label === 'negative') expect(s.score).toBeLessThan(0);
    }
  });
  it('a direct decide(sink) after score() does not reuse the last text\'s blend', () => {
    const sink = new FeatureSink(en.model.header.bits);
    en.score('absolutely wonderful amazing fantastic');
    en.score('the store opens at 9');
    const a = en.decide(sink);
    const b = plain.decide(sink);
    expect(a).toEqual(b);
  });
});

describe('zh3 comment-thread cues', () => {
  const feats = (t: string, set = ZH_VERSIONS.zh1): Map<number, number> => {
    const s = new FeatureSink(19);
    zhFeatures(t, s, set);
    const m = new Map<number, number>();
    for (let i = 0; i < s.n; i++) m.set(s.idx[i], (m.get(s.idx[i]) ?? 0) + s.val[i]);
    return m;
  };
  it('adds cue features for sarcasm frames, weak negatives, appeals and negated questions', () => {
    for (const t of ['又是监控坏了，呵呵', '还有脸出来道歉', '官官相护，踢皮球，寒心', '希望早日真相大白', '不是说好的全额退款吗？']) {
      expect(feats(t, ZH_VERSIONS.zh3).size, t).toBeGreaterThan(feats(t).size);
    }
  });
  it('leaves a text without cues as zh1 has it (up to normalization)', () => {
    const a = feats('今天天气晴朗，适合出门'), b = feats('今天天气晴朗，适合出门', ZH_VERSIONS.zh3);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
  });
});
