// Gated mixture models (train-sentiment --mixture): a specialist and a domain detector stored with the
// general model; the margin leans on the specialist for in-domain text, survives the file format, and
// the neutral band applies to the fixed-share score while the label's sign stays the score's.
import { describe, expect, it } from 'vitest';
import { attachMixture, calibrateNeutralBand, scoreRows, trainModel, type TrainRow } from '../../src/text/sentiment-trainer.js';
import { LinearModel } from '../../src/text/linear-model.js';
import { SentimentModel, featurize } from '../../src/text/sentiment.js';
import { FeatureSink } from '../../src/text/feature-hash.js';

// Reviews: 好 is positive, 差 negative. Weibo posts (with 转发 and an emoticon): the reverse for 绝了, which
// only the Weibo rows use, and 哭 negative.
const reviews: TrainRow[] = [];
const posts: TrainRow[] = [];
for (let i = 0; i < 60; i++) {
  reviews.push({ text: `快递很快，质量很好，商品${i}号`, label: 'positive' });
  reviews.push({ text: `包装太差了，商品${i}号退货`, label: 'negative' });
  posts.push({ text: `今天的演出绝了[哈哈] //@用户${i}: 转发`, label: 'positive' });
  posts.push({ text: `又加班到半夜[泪] 哭了 //@用户${i}: 转发`, label: 'negative' });
}
const rows = [...reviews, ...posts];
const inDomain = rows.map((r) => posts.includes(r));
const opts = { lang: 'zh' as const, bits: 16, epochs: 4, nbScale: true };

describe('gated mixture sentiment model', () => {
  const general = trainModel(rows, opts);
  const mixed = attachMixture(general, rows, inDomain, opts, { domain: 'weibo', s0: 0, s1: 0.8, specialistBits: 14, detectorBits: 12, neutralShare: 0.5 });

  it('margin = g + s(p) * (w - g), with s from the detector, and out[1] the fixed-share margin', () => {
    const sink = new FeatureSink(16);
    const out = new Float64Array(4), g = new Float64Array(4);
    featurize('zh', '演出绝了[哈哈] //@小明: 转发', sink, new Map());
    mixed.margins(sink, out);
    general.margins(sink, g);
    const mx = mixed.header.mixture!;
    const sw = mixed.mixWeights!.specialist, dw = mixed.mixWeights!.detector;
    let w = mx.specialistBias, d = mx.detectorBias;
    for (let i = 0; i < sink.n; i++) {
      w += sw[sink.idx[i] & (sw.length - 1)] * sink.val[i];
      d += dw[sink.idx[i] & (dw.length - 1)] * sink.val[i];
    }
    const p = 1 / (1 + Math.exp(-d));
    expect(p).toBeGreaterThan(0.5); // a Weibo-like post
    expect(out[0]).toBeCloseTo(g[0] + 0.8 * p * (w - g[0]), 6);
    expect(out[1]).toBeCloseTo(g[0] + 0.5 * (w - g[0]), 6);
  });

  it('survives the file format (int16) and scores both domains right', () => {
    const loaded = LinearModel.fromBuffer(mixed.toBuffer());
    expect(loaded.header.mixture?.domain).toBe('weibo');
    expect(loaded.mixWeights?.specialist.length).toBe(1 << 14);
    expect(loaded.mixWeights?.detector.length).toBe(1 << 12);
    const a = new SentimentModel(mixed), b = new SentimentModel(loaded);
    for (const t of ['质量很好，快递很快', '包装太差了', '演出绝了[哈哈]', '加班到半夜[泪] 哭了']) {
      expect(b.score(t).score).toBeCloseTo(a.score(t).score, 2);
    }
    expect(b.score('质量很好，快递很快').label).toBe('positive');
    expect(b.score('加班到半夜[泪] 哭了').label).toBe('negative');
  });

  it('labels: neutral from the band value, otherwise the sign of the score', () => {
    const loaded = LinearModel.fromBuffer(mixed.toBuffer());
    const three: TrainRow[] = [...rows.slice(0, 20), { text: '今天星期三', label: 'neutral' }, { text: '明天开会', label: 'neutral' }];
    const band = calibrateNeutralBand(scoreRows(new SentimentModel(loaded), three));
    loaded.header.neutral = { lo: band.lo, hi: band.hi };
    const m = new SentimentModel(loaded);
    for (const r of three) {
      const s = m.score(r.text);
      if (s.label === 'negative') expect(s.score).toBeLessThan(0);
      if (s.label === 'positive') expect(s.score).toBeGreaterThanOrEqual(0);
      if (s.label === 'neutral') expect(m.bandValue).toBeGreaterThanOrEqual(band.lo);
    }
  });
  it('keeps the specialist and the detector no bigger than the general model (they are read with its buckets)', () => {
    const tiny = trainModel(rows, { ...opts, bits: 12 });
    const m = attachMixture(tiny, rows, inDomain, { ...opts, bits: 12 }, { domain: 'weibo', s0: 0, s1: 0.8 });
    expect(m.header.mixture!.specialistBits).toBe(12);
    expect(m.header.mixture!.detectorBits).toBe(12);
    const loaded = LinearModel.fromBuffer(m.toBuffer());
    expect(loaded.mixWeights!.specialist.length).toBe(1 << 12);
  });
});
