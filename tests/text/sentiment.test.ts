import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultModelDir, featurize, loadSentimentModel, SentimentModel } from '../../src/text/sentiment.js';
import { FeatureSink } from '../../src/text/feature-hash.js';
import { LinearModel, ModelFileError } from '../../src/text/linear-model.js';
import { blendModels, calibrateNeutralBand, trainModel, type TrainRow } from '../../src/text/sentiment-trainer.js';

const zh = loadSentimentModel(defaultModelDir(), 'zh');
const en = loadSentimentModel(defaultModelDir(), 'en');

describe('shipped sentiment models', () => {
  it('Chinese: clear cases, negation scope, contrast, emoticons', () => {
    expect(zh.score('东西很好，物流也快，非常满意').score).toBeGreaterThan(0.3);
    expect(zh.score('太差了，喝出异物，再也不买了[怒]').score).toBeLessThan(-0.3);
    expect(zh.score('不好吃，一点都不新鲜').score).toBeLessThan(0);
    expect(zh.score('包装还行，但是味道太难吃了，失望').score).toBeLessThan(0);
    expect(zh.score('哈哈哈今天好开心[哈哈][爱你]').label).toBe('positive');
    expect(zh.score('客服推诿，投诉无门，退款一个月了还没到账').label).toBe('negative');
  });
  it('English: clear cases and negation', () => {
    expect(en.score('I love my new phone, it is awesome :)').score).toBeGreaterThan(0);
    expect(en.score('Worst update ever, my laptop is broken and support is useless').score).toBeLessThan(0);
    expect(en.score('This is not good at all').score).toBeLessThan(en.score('This is good').score);
  });
  it('scores stay in [-1, 1] and "negative" implies score < 0', () => {
    for (const t of ['', '。。。', '好', '不', '?', '[怒]', 'a'.repeat(5000), '星河乳业'.repeat(300)]) {
      for (const m of [zh, en]) {
        const s = m.score(t);
        expect(s.score).toBeGreaterThanOrEqual(-1);
        expect(s.score).toBeLessThanOrEqual(1);
        if (s.label === 'negative') expect(s.score).toBeLessThan(0);
      }
    }
  });
  it('a missing model is a ModelFileError that says how to train one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-models-'));
    expect(() => loadSentimentModel(dir, 'zh')).toThrow(ModelFileError);
    expect(() => loadSentimentModel(dir, 'zh')).toThrow(/train-sentiment/);
  });
  it('a truncated or corrupt model file is a ModelFileError naming the file, not a crash', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-models-'));
    for (const lang of ['zh', 'en'] as const) {
      const whole = readFileSync(join(defaultModelDir(), `${lang}-sentiment.bin`));
      const file = join(dir, `${lang}-sentiment.bin`);
      writeFileSync(file, whole.subarray(0, Math.floor(whole.length * 0.7)));
      expect(() => loadSentimentModel(dir, lang)).toThrow(ModelFileError);
      expect(() => loadSentimentModel(dir, lang)).toThrow(new RegExp(`${lang}-sentiment\\.bin is truncated or corrupt`));
      const broken = Buffer.from(whole);
      broken.write('{{{{', 10, 'latin1'); // the JSON header
      writeFileSync(file, broken);
      expect(() => loadSentimentModel(dir, lang)).toThrow(/unreadable header/);
    }
  });
  it('a header that parses but lies (sizes, storage, classes, bias, sparse indexes) is a ModelFileError too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-models-'));
    const small = trainModel([{ text: 'great phone', label: 'positive' }, { text: 'awful phone', label: 'negative' }, { text: 'the phone', label: 'neutral' }], { lang: 'en', bits: 10, epochs: 1 });
    const good = small.toBuffer();
    expect(good.toString('latin1', 0, 6)).toBe('FWSM1\n');
    // the file with its JSON header edited (re-laid out: magic, length, header, padding to 4, weights)
    const rewrite = (edit: (h: Record<string, unknown>) => void, buf = good): Buffer => {
      const hlen = buf.readUInt32LE(6);
      const h = JSON.parse(buf.toString('utf8', 10, 10 + hlen)) as Record<string, unknown>;
      let dataAt = 10 + hlen; dataAt += (4 - (dataAt % 4)) % 4;
      edit(h);
      const hb = Buffer.from(JSON.stringify(h), 'utf8');
      const len = Buffer.alloc(4); len.writeUInt32LE(hb.length);
      const pad = Buffer.alloc((4 - ((10 + hb.length) % 4)) % 4);
      return Buffer.concat([buf.subarray(0, 6), len, hb, pad, buf.subarray(dataAt)]);
    };
    expect(LinearModel.fromBuffer(rewrite(() => {})).header.bits).toBe(10); // the helper itself keeps a valid file valid
    const cases: [string, (h: Record<string, unknown>) => void][] = [
      ['bits', (h) => { h.bits = 31; }], ['bits', (h) => { h.bits = -1; }], ['storage', (h) => { h.storage = 'zip'; }],
      ['classes', (h) => { delete h.classes; }], ['bias', (h) => { h.bias = [0]; }], ['nnz', (h) => { h.storage = 'sparse'; h.nnz = -5; }],
      ['mixture sizes', (h) => { h.mixture = { domain: 'w', specialistBits: 12, detectorBits: 8, specialistBias: 0, detectorBias: 0, s0: 0, s1: 1 }; h.classes = ['negative', 'positive']; h.bias = [0]; }],
    ];
    for (const [what, edit] of cases) {
      writeFileSync(join(dir, 'en-sentiment.bin'), rewrite(edit));
      expect(() => loadSentimentModel(dir, 'en'), what).toThrow(ModelFileError);
    }
    // a sparse file whose weight index points past the last class vector
    const sparse = small.toBuffer();
    const h = JSON.parse(sparse.toString('utf8', 10, 10 + sparse.readUInt32LE(6))) as { storage: string; nnz: number };
    expect(h.storage).toBe('sparse'); // a tiny model is stored sparse
    expect(h.nnz).toBeGreaterThan(0);
    let off = 10 + sparse.readUInt32LE(6); off += (4 - (off % 4)) % 4;
    sparse.writeUInt32LE(7 << 10, off + (h.nnz - 1) * 4); // class 7 of a 3-class model
    writeFileSync(join(dir, 'en-sentiment.bin'), sparse);
    expect(() => loadSentimentModel(dir, 'en')).toThrow(/out of range/);
  });
  it('a text with nothing but mentions, links and punctuation is neutral with score 0', () => {
    const m = loadSentimentModel(defaultModelDir(), 'zh');
    for (const t of ['@某人', '//@某人:', '@某人 http://t.cn/abc ！！']) expect(m.score(t)).toEqual({ label: 'neutral', score: 0 });
    expect(m.score('太差了@某人').label).toBe('negative');
  });
});

describe('3-class class offsets (calibrated neutral offset, prior shift)', () => {
  // a skewed English set: many positives, few negatives; the ambiguous texts are where the prior decides
  const rows: TrainRow[] = [];
  for (let i = 0; i < 60; i++) rows.push({ text: `great phone love it ${i % 7}`, label: 'positive' }, { text: `the update is out today ${i % 5}`, label: 'neutral' });
  for (let i = 0; i < 12; i++) rows.push({ text: `awful phone hate it ${i % 3}`, label: 'negative' });
  const model = trainModel(rows, { lang: 'en', bits: 14, epochs: 4 });
  const texts = ['great phone love it', 'awful phone hate it', 'the phone update', 'phone', 'love the update but hate the phone'];

  it('label and score agree in sign whatever the offsets ("negative" implies score < 0)', () => {
    for (const offsets of [[0, 0, 0], [2, 0, -2], [-2, 0, 2], [5, -5, 0], [0.5, 0.5, 0.5]]) {
      const m = new SentimentModel(new LinearModel({ ...model.header, offsets }, model.weights, model.weightScale));
      for (const t of texts) {
        const s = m.score(t);
        if (s.label === 'negative') expect(s.score).toBeLessThan(0);
        if (s.label === 'positive') expect(s.score).toBeGreaterThan(0);
      }
    }
  });

  it('shifting the offsets towards negative lowers every score and never removes a negative label', () => {
    const plain = new SentimentModel(new LinearModel({ ...model.header, offsets: [0, 0, 0] }, model.weights, model.weightScale));
    const shifted = new SentimentModel(new LinearModel({ ...model.header, offsets: [0.8, 0, -0.8] }, model.weights, model.weightScale));
    for (const t of texts) {
      const a = plain.score(t), b = shifted.score(t);
      expect(b.score).toBeLessThanOrEqual(a.score);
      if (a.label === 'negative') expect(b.label).toBe('negative');
    }
  });
});

describe('training', () => {
  const pos = ['质量很好很满意', '味道不错下次还来', '送货快服务好', '非常喜欢推荐购买', '好吃又便宜', '包装精美很喜欢'];
  const neg = ['质量太差退货', '难吃死了不会再买', '送货慢态度差', '非常失望不推荐', '又贵又难吃', '包装破损很生气'];
  const rows: TrainRow[] = [];
  for (let i = 0; i < 20; i++) {
    for (const t of pos) rows.push({ text: t, label: 'positive' });
    for (const t of neg) rows.push({ text: t, label: 'negative' });
  }
  it('learns a small binary task, survives the file round trip, and is deterministic', () => {
    const m = trainModel(rows, { lang: 'zh', bits: 16, epochs: 3, nbScale: true });
    const loaded = new SentimentModel(LinearModel.fromBuffer(m.toBuffer()));
    expect(loaded.score('质量很好').score).toBeGreaterThan(0);
    expect(loaded.score('态度差很失望').score).toBeLessThan(0);
    const again = trainModel(rows, { lang: 'zh', bits: 16, epochs: 3, nbScale: true });
    expect(Buffer.compare(m.toBuffer(), again.toBuffer())).toBe(0);
    const blended = blendModels(m, again, 0.3);
    expect(new SentimentModel(blended).score('质量很好').score).toBeCloseTo(new SentimentModel(m).score('质量很好').score, 4);
  });
  it('trains a 3-class softmax model when neutral rows are present', () => {
    const r3: TrainRow[] = [...rows, ...Array.from({ length: 60 }, (_, i) => ({ text: `今天是星期${'一二三四五六'[i % 6]}，下午开会`, label: 'neutral' as const }))];
    const m = new SentimentModel(LinearModel.fromBuffer(trainModel(r3, { lang: 'zh', bits: 16, epochs: 4 }).toBuffer()));
    expect(m.model.header.classes).toEqual(['negative', 'neutral', 'positive']);
    expect(m.score('今天星期三下午开会').label).toBe('neutral');
    expect(m.score('非常喜欢').label).toBe('positive');
  });
  it('calibrates the neutral band with lo <= 0 <= hi', () => {
    const band = calibrateNeutralBand([
      { truth: 'negative', score: -0.8, label: 'negative' }, { truth: 'neutral', score: 0.1, label: 'positive' },
      { truth: 'neutral', score: -0.05, label: 'negative' }, { truth: 'positive', score: 0.9, label: 'positive' },
    ]);
    expect(band.lo).toBeLessThanOrEqual(0);
    expect(band.hi).toBeGreaterThanOrEqual(0.1);
    expect(band.accuracy).toBe(1);
  });
});

describe('multi-domain models (feature copies per domain + domain detector)', () => {
  const review = ['质量很好，物流快', '包装破损，差评', '味道不错，送餐准时', '太难吃了，退款', '很满意，会回购', '做工粗糙，不值这个价'];
  const weibo = ['今天好开心[哈哈] #周末#', '气死了[怒] 什么破天气', '哈哈哈笑死我了[doge]', '心情好差[泪][泪]', '爱你们[心] @小明', '无语了[允悲] 又加班'];
  const rows: TrainRow[] = [];
  for (let r = 0; r < 20; r++) {
    review.forEach((text, i) => rows.push({ text: `${text}${r}`, label: i % 2 ? 'negative' : 'positive', domain: 1 }));
    weibo.forEach((text, i) => rows.push({ text: `${text}${r}`, label: i % 2 ? 'negative' : 'positive', domain: 2 }));
  }
  it('round-trips through the file format, detects the domain and scores both domains', () => {
    const m = trainModel(rows, { lang: 'zh', bits: 14, epochs: 4, domains: ['review', 'weibo'], domainBits: 10 });
    const file = join(mkdtempSync(join(tmpdir(), 'fw-dom-')), 'zh.bin');
    m.save(file);
    const loaded = LinearModel.load(file);
    expect(loaded.header.domains).toEqual(['review', 'weibo']);
    expect(loaded.domainWeights?.length).toBe(1 << 10);
    const s = new SentimentModel(loaded);
    expect(s.score('质量很好，会回购').score).toBeGreaterThan(0);
    expect(s.score('气死了[怒][泪]').score).toBeLessThan(0);
    const sink = new FeatureSink(14);
    featurize('zh', '味道不错，送餐准时，满意', sink, new Map());
    expect(loaded.detectDomain(sink)).toBe(1);
    featurize('zh', '哈哈哈[doge] 今天好开心[哈哈] @小明', sink, new Map());
    expect(loaded.detectDomain(sink)).toBe(2);
  });
});
