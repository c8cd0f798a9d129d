// Training of the linear sentiment models: featurize labelled rows once into flat arrays, then
// per-coordinate AdaGrad logistic regression (binary) or softmax regression (3 classes) with a small
// L2 on touched weights, shuffled epochs from a seeded generator (deterministic), and evaluation
// helpers. Pure computation: reading files and the database is the command's job.
import { FeatureSink } from './feature-hash.js';
import { LinearModel, type ModelHeader, type SentimentLabel } from './linear-model.js';
import { featurize, SentimentModel, type FeatureOptions } from './sentiment.js';
import type { Lexicon } from './en-features.js';

export interface TrainRow { text: string; label: SentimentLabel; weight?: number; /** 1-based domain index (feature augmentation), 0/absent: none */ domain?: number }

export interface TrainOptions {
  lang: 'zh' | 'en';
  bits?: number;          // default 20 (zh) / 18 (en)
  epochs?: number;        // default 6
  lr?: number;            // AdaGrad step, default 0.2
  l2?: number;            // default 1e-6
  classes?: 2 | 3;        // default: 3 when any row is neutral
  seed?: number;
  /** NB-SVM style: scale features by their naive-Bayes log-count ratio (binary models), folded into the saved weights */
  nbScale?: boolean;
  lexicon?: Record<string, number>;
  /** multi-domain model: names of domains 1 and 2 (rows carry `domain`); adds a domain detector head */
  domains?: [string, string];
  /** hashed space of the domain detector, default 16 */
  domainBits?: number;
  /** feature extractor version ('en2': en-tweet-features.ts, 'zh2': zh-features.ts ZH_VERSIONS.zh2) */
  features?: 'en2' | 'en3' | 'zh2' | 'zh3';
  /** word -> polarity lexicon for 'en2' (natural's senticon_en) */
  senticon?: Record<string, number>;
  /** only these buckets (nonzero entries) get weights: the rest are dropped from the features (prune-and-retrain) */
  keep?: Uint8Array;
  provenance?: Record<string, unknown>;
  log?: (msg: string) => void;
}

export interface Featurized { offsets: Int32Array; idx: Int32Array; val: Float32Array; y: Uint8Array; w: Float32Array; n: number }

const CLASS3: SentimentLabel[] = ['negative', 'neutral', 'positive'];

export function featurizeRows(rows: TrainRow[], lang: 'zh' | 'en', bits: number, lexicon: Lexicon, classes: 2 | 3, ext?: FeatureOptions): Featurized {
  const sink = new FeatureSink(bits);
  const offsets = new Int32Array(rows.length + 1);
  let idx = new Int32Array(rows.length * 64);
  let val = new Float32Array(rows.length * 64);
  const y = new Uint8Array(rows.length);
  const w = new Float32Array(rows.length);
  let p = 0;
  rows.forEach((r, i) => {
    featurize(lang, r.text, sink, lexicon, undefined, ext);
    if (r.domain) sink.addDomainCopies(r.domain);
    if (p + sink.n > idx.length) {
      const ni = new Int32Array((p + sink.n) * 2); ni.set(idx.subarray(0, p)); idx = ni;
      const nv = new Float32Array((p + sink.n) * 2); nv.set(val.subarray(0, p)); val = nv;
    }
    idx.set(sink.idx.subarray(0, sink.n), p);
    val.set(sink.val.subarray(0, sink.n), p);
    p += sink.n;
    offsets[i + 1] = p;
    y[i] = classes === 2 ? (r.label === 'positive' ? 1 : 0) : CLASS3.indexOf(r.label);
    w[i] = r.weight ?? 1;
  });
  return { offsets, idx, val, y, w, n: rows.length };
}

/** Small seeded PRNG (mulberry32) so that training is reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function trainModel(rows: TrainRow[], opts: TrainOptions): LinearModel {
  const lang = opts.lang;
  const bits = opts.bits ?? (lang === 'zh' ? 20 : 18);
  const classes = opts.classes ?? (rows.some((r) => r.label === 'neutral') ? 3 : 2);
  const lexicon: Lexicon = new Map(Object.entries(opts.lexicon ?? {}));
  const ext: FeatureOptions = { features: opts.features, senticon: opts.senticon ? new Map(Object.entries(opts.senticon)) : undefined };
  const data = featurizeRows(rows, lang, bits, lexicon, classes, ext);
  const dim = 1 << bits;
  if (opts.keep) for (let q = 0; q < data.offsets[data.n]; q++) if (!opts.keep[data.idx[q]]) data.val[q] = 0;
  const k = classes === 2 ? 1 : 3;
  const W = Array.from({ length: k }, () => new Float32Array(dim));
  const G = Array.from({ length: k }, () => new Float32Array(dim));
  const bias = new Float64Array(k);
  const gb = new Float64Array(k);
  const lr = opts.lr ?? 0.2, l2 = opts.l2 ?? 1e-6, epochs = opts.epochs ?? 6;
  const rand = rng(opts.seed ?? 1);
  const r = k === 1 && opts.nbScale ? nbRatios(data, dim) : null;
  if (r) for (let q = 0; q < data.offsets[data.n]; q++) data.val[q] *= r[data.idx[q]];
  const order = Int32Array.from({ length: data.n }, (_, i) => i);
  const logits = new Float64Array(k);
  const grad = new Float64Array(k);
  for (let ep = 0; ep < epochs; ep++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = order[i]; order[i] = order[j]; order[j] = t;
    }
    let loss = 0;
    for (const r of order) {
      const a = data.offsets[r], b = data.offsets[r + 1];
      for (let c = 0; c < k; c++) {
        let m = bias[c];
        const w = W[c];
        for (let q = a; q < b; q++) m += w[data.idx[q]] * data.val[q];
        logits[c] = m;
      }
      const yw = data.w[r];
      if (k === 1) {
        const p = 1 / (1 + Math.exp(-logits[0]));
        grad[0] = (p - data.y[r]) * yw;
        loss -= yw * Math.log(Math.max(1e-12, data.y[r] ? p : 1 - p));
      } else {
        const mx = Math.max(logits[0], logits[1], logits[2]);
        let z = 0;
        for (let c = 0; c < k; c++) { logits[c] = Math.exp(logits[c] - mx); z += logits[c]; }
        for (let c = 0; c < k; c++) grad[c] = (logits[c] / z - (data.y[r] === c ? 1 : 0)) * yw;
        loss -= yw * Math.log(Math.max(1e-12, logits[data.y[r]] / z));
      }
      for (let c = 0; c < k; c++) {
        const g = grad[c];
        if (g === 0) continue;
        const w = W[c], gg = G[c];
        for (let q = a; q < b; q++) {
          const j = data.idx[q];
          const gj = g * data.val[q] + l2 * w[j];
          gg[j] += gj * gj;
          w[j] -= (lr * gj) / Math.sqrt(gg[j] + 1e-8);
        }
        gb[c] += g * g;
        bias[c] -= (lr * g) / Math.sqrt(gb[c] + 1e-8);
      }
    }
    opts.log?.(`epoch ${ep + 1}/${epochs}: mean loss ${(loss / data.n).toFixed(4)}`);
  }
  if (r) for (let j = 0; j < dim; j++) W[0][j] *= r[j];
  const header: ModelHeader = {
    format: 'flarewatch-sentiment', version: 1, lang, bits,
    classes: classes === 2 ? ['negative', 'positive'] : CLASS3,
    bias: Array.from(bias), neutral: { lo: 0, hi: 0 }, offsets: classes === 3 ? [0, 0, 0] : undefined,
    lexicon: opts.lexicon, scale: 1, storage: 'dense', nnz: 0, provenance: opts.provenance ?? {},
    ...(opts.features ? { features: opts.features } : {}), ...(opts.senticon ? { senticon: opts.senticon } : {}),
  };
  if (!opts.domains) return new LinearModel(header, W);
  // Domain detector: logistic regression on the plain (not augmented) features, domain 2 vs 1.
  const domainBits = opts.domainBits ?? 16;
  const labelled = rows.filter((x) => x.domain === 1 || x.domain === 2)
    .map((x): TrainRow => ({ text: x.text, label: x.domain === 2 ? 'positive' : 'negative' }));
  const det = trainModel(labelled, { lang, bits: domainBits, epochs: 3, lr: opts.lr, l2: 1e-6, seed: opts.seed, lexicon: opts.lexicon });
  return new LinearModel({ ...header, bias: [...header.bias, det.header.bias[0]], domains: opts.domains, domainBits },
    W, 1, det.weights[0]);
}

/** Naive-Bayes log-count ratios per bucket (smoothed, clipped), as in NB-SVM (Wang & Manning 2012). */
function nbRatios(data: Featurized, dim: number): Float32Array {
  const p = new Float32Array(dim), q = new Float32Array(dim);
  let sp = 0, sq = 0;
  for (let i = 0; i < data.n; i++) {
    const t = data.y[i] === 1 ? p : q;
    for (let k = data.offsets[i]; k < data.offsets[i + 1]; k++) {
      const v = data.w[i];
      t[data.idx[k]] += v;
      if (t === p) sp += v; else sq += v;
    }
  }
  const alpha = 1;
  const r = new Float32Array(dim);
  for (let j = 0; j < dim; j++) {
    const ratio = Math.log(((p[j] + alpha) / (sp + alpha * dim)) / ((q[j] + alpha) / (sq + alpha * dim)));
    r[j] = Math.max(0.05, Math.min(3, Math.abs(ratio) + 0.05));
  }
  return r;
}

export interface MixtureSpec {
  /** name of the specialist's domain (e.g. 'weibo') */
  domain: string;
  /** blend share of the specialist when p(domain) = 0 and when it is 1 */
  s0: number;
  s1: number;
  specialistBits?: number; // default 18
  detectorBits?: number;   // default 16
  /** weight of the in-domain rows when training the detector (balances a small domain), default 1 */
  detectorWeight?: number;
  /** the neutral band applies to the margin with the specialist's share fixed at this (ModelHeader.mixture.neutralShare) */
  neutralShare?: number;
}

/**
 * Gated mixture (binary models): a specialist trained on the in-domain rows (6+ epochs, L2 >= 3e-5,
 * as the --ensemble specialist) and a logistic detector of the domain (in-domain vs the rest of
 * `rows`) are stored with the general model; its margin becomes g + s(p) * (w - g), so in-domain
 * text leans on the specialist and other text keeps the general model (see ModelHeader.mixture).
 */
export function attachMixture(general: LinearModel, rows: TrainRow[], inDomain: boolean[], opts: TrainOptions, spec: MixtureSpec): LinearModel {
  if (general.header.classes.length !== 2 || general.domainWeights) throw new Error('attachMixture: needs a plain binary model');
  const sp = trainModel(rows.filter((_r, i) => inDomain[i]), {
    // the specialist and the detector are read with the general model's feature buckets (masked), so they cannot be bigger
    ...opts, bits: Math.min(spec.specialistBits ?? 18, general.header.bits), epochs: Math.max(opts.epochs ?? 6, 6), l2: Math.max(opts.l2 ?? 0, 3e-5), log: undefined, keep: undefined,
  });
  const dw = spec.detectorWeight ?? 1;
  const det = trainModel(rows.map((r, i): TrainRow => ({ text: r.text, label: inDomain[i] ? 'positive' : 'negative', weight: inDomain[i] ? dw : 1 })), {
    lang: opts.lang, bits: Math.min(spec.detectorBits ?? 16, general.header.bits), epochs: 3, lr: opts.lr, l2: 1e-6, seed: opts.seed, lexicon: opts.lexicon, features: opts.features,
  });
  const scale = general.weightScale;
  const unscaled = (m: LinearModel): Float32Array => Float32Array.from(m.weights[0], (x) => (x * m.weightScale) / scale);
  return new LinearModel({
    ...general.header,
    mixture: { domain: spec.domain, specialistBits: sp.header.bits, detectorBits: det.header.bits, specialistBias: sp.header.bias[0], detectorBias: det.header.bias[0], s0: spec.s0, s1: spec.s1, ...(spec.neutralShare !== undefined ? { neutralShare: spec.neutralShare } : {}) },
  }, general.weights, scale, null, { specialist: unscaled(sp), detector: unscaled(det) });
}

/** (1 - share) * a + share * b: linear models over the same features blend into one weight vector. */
export function blendModels(a: LinearModel, b: LinearModel, share: number): LinearModel {
  if (a.header.bits !== b.header.bits || a.weights.length !== b.weights.length) throw new Error('blendModels: models differ in shape');
  const weights = a.weights.map((wa, c) => {
    const wb = b.weights[c];
    const w = new Float32Array(wa.length);
    for (let j = 0; j < w.length; j++) w[j] = (1 - share) * wa[j] * a.weightScale + share * wb[j] * b.weightScale;
    return w;
  });
  const bias = a.header.bias.map((x, c) => (1 - share) * x + share * b.header.bias[c]);
  return new LinearModel({ ...a.header, bias }, weights);
}

export interface Scored { truth: SentimentLabel; score: number; label: SentimentLabel; /** the value the neutral band applies to (default: score) */ band?: number }

export function scoreRows(model: SentimentModel, rows: TrainRow[]): Scored[] {
  return rows.map((r) => {
    const s = model.score(r.text);
    return { truth: r.label, ...s, band: model.bandValue };
  });
}

/** Two-class accuracy (negative iff score < 0) over rows whose truth is not neutral. */
export function binaryAccuracy(scored: Scored[]): number {
  const xs = scored.filter((s) => s.truth !== 'neutral');
  if (!xs.length) return NaN;
  return xs.filter((s) => (s.score < 0 ? 'negative' : 'positive') === s.truth).length / xs.length;
}

export function threeClassAccuracy(scored: Scored[]): number {
  return scored.length ? scored.filter((s) => s.label === s.truth).length / scored.length : NaN;
}

/**
 * Calibrate the neutral band of a binary model on held-out 3-class rows: the {lo, hi} pair (lo <= 0
 * <= hi, so that "negative" always means score < 0) that maximizes 3-class accuracy.
 */
export function calibrateNeutralBand(scored: Scored[]): { lo: number; hi: number; accuracy: number } {
  let best = { lo: 0, hi: 0, accuracy: -1 };
  for (let lo = 0; lo >= -0.9; lo -= 0.025) {
    for (let hi = 0; hi <= 0.95; hi += 0.025) {
      let ok = 0;
      for (const s of scored) {
        const b = s.band ?? s.score;
        const l = b >= lo && b <= hi ? 'neutral' : s.score < 0 ? 'negative' : 'positive';
        if (l === s.truth) ok++;
      }
      const acc = ok / scored.length;
      if (acc > best.accuracy + 1e-9) best = { lo: round3(lo), hi: round3(hi), accuracy: acc };
    }
  }
  return best;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * A two-head 3-class model: a polarity head (negative vs positive) trained on the polar rows and a
 * subjectivity head (neutral vs polar) trained on all rows, both binary logistic (NB-scaled when
 * opts.nbScale). The neutral threshold on p(polar) starts at 0.5; calibrate it with
 * calibrateSubjectivity on held-out rows.
 */
export function trainTwoHead(rows: TrainRow[], opts: TrainOptions): LinearModel {
  const polar = rows.filter((r) => r.label !== 'neutral');
  const pol = trainModel(polar, { ...opts, classes: 2 });
  const subjRows = rows.map((r): TrainRow => ({ ...r, label: r.label === 'neutral' ? 'negative' : 'positive' }));
  const subj = trainModel(subjRows, { ...opts, classes: 2 });
  return new LinearModel({
    ...pol.header, classes: CLASS3, bias: [pol.header.bias[0], subj.header.bias[0]], heads: ['polarity', 'subjectivity'], subjectivityThreshold: 0.5,
  }, [pol.weights[0], subj.weights[0]], 1);
}

export interface HeadScore { truth: SentimentLabel; pol: number; subj: number }

/** The p(polar) threshold that maximizes 3-class accuracy on held-out rows (labels: neutral below it, else the sign of the polarity). */
export function calibrateSubjectivity(scored: HeadScore[]): { threshold: number; accuracy: number } {
  let best = { threshold: 0.5, accuracy: -1 };
  for (let t = 0.2; t <= 0.8 + 1e-9; t += 0.01) {
    let ok = 0;
    for (const s of scored) {
      const l = s.subj < t ? 'neutral' : s.pol < 0 ? 'negative' : 'positive';
      if (l === s.truth) ok++;
    }
    const acc = ok / scored.length;
    if (acc > best.accuracy + 1e-9) best = { threshold: round3(t), accuracy: acc };
  }
  return best;
}

/** Deterministic k-fold assignment of row i (by a hash of its text, so duplicates share a fold). */
export function foldOf(text: string, k: number, salt = 11): number {
  let h = 0x811c9dc5 ^ salt;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return ((h >>> 0) % 1000003) % k;
}

/**
 * k-fold cross-validation of a trainer on rows: the out-of-fold head outputs of every row (for a
 * two-head or binary model; binary models report subj = 1).
 */
export function crossValidate(rows: TrainRow[], k: number, train: (rows: TrainRow[]) => LinearModel): HeadScore[] {
  const out: HeadScore[] = [];
  for (let f = 0; f < k; f++) {
    const tr = rows.filter((r) => foldOf(r.text, k) !== f);
    const te = rows.filter((r) => foldOf(r.text, k) === f);
    const m = new SentimentModel(train(tr));
    for (const r of te) {
      if (m.model.header.heads) out.push({ truth: r.label, ...m.heads(r.text) });
      else out.push({ truth: r.label, pol: m.score(r.text).score, subj: 1 });
    }
  }
  return out;
}

export interface LogitScore { truth: SentimentLabel; logits: [number, number, number] }

/** k-fold out-of-fold class logits of a 3-class softmax trainer (for calibrating the neutral offset and choosing L2). */
export function crossValidateLogits(rows: TrainRow[], k: number, train: (rows: TrainRow[]) => LinearModel,
  /** fold of row i (default: by text hash); e.g. contiguous blocks for topic-grouped CV */ foldOfRow = (r: TrainRow, _i: number) => foldOf(r.text, k)): LogitScore[] {
  const out: LogitScore[] = [];
  const o = new Float64Array(4);
  const folds = rows.map(foldOfRow);
  for (let f = 0; f < k; f++) {
    const m = train(rows.filter((_r, i) => folds[i] !== f));
    const sm = new SentimentModel(m);
    const s = new FeatureSink(m.header.bits);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (folds[i] !== f) continue;
      featurize(m.header.lang, r.text, s, sm.lexicon, undefined, sm.ext);
      m.margins(s, o);
      out.push({ truth: r.label, logits: [o[0], o[1], o[2]] });
    }
  }
  return out;
}

/** Label of calibrated logits: an offset on the neutral logit only, so "negative" still implies p(neg) > p(pos), i.e. score < 0. */
export function labelOfLogits(l: readonly number[], neutralOffset: number): SentimentLabel {
  const a1 = l[1] + neutralOffset;
  return l[0] >= a1 && l[0] >= l[2] ? 'negative' : l[2] >= a1 ? 'positive' : 'neutral';
}

/** The neutral-logit offset that maximizes 3-class accuracy on held-out logits. */
export function calibrateNeutralOffset(scored: LogitScore[]): { offset: number; accuracy: number } {
  let best = { offset: 0, accuracy: -1 };
  for (let off = -1.5; off <= 1.5 + 1e-9; off += 0.05) {
    const acc = scored.filter((s) => labelOfLogits(s.logits, off) === s.truth).length / scored.length;
    if (acc > best.accuracy + 1e-9 || (Math.abs(acc - best.accuracy) < 1e-9 && Math.abs(off) < Math.abs(best.offset))) best = { offset: round3(off), accuracy: acc };
  }
  return best;
}

/** Two-class accuracy (negative iff p(neg) > p(pos)) of out-of-fold logits over the polar rows. */
export function logitBinaryAccuracy(scored: LogitScore[]): number {
  const xs = scored.filter((s) => s.truth !== 'neutral');
  return xs.filter((s) => (s.logits[0] > s.logits[2] ? 'negative' : 'positive') === s.truth).length / xs.length;
}
