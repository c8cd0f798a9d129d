// The sentiment model file: a linear model over hashed features (binary logistic regression or
// 3-class softmax), its weights quantized to int16 and stored dense or sparse, with a JSON header
// (language, classes, neutral calibration, lexicon, provenance). Loading is one readFileSync and a
// typed-array copy, so it is cheap in every `score` process.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../core/errors.js';
import type { FeatureSink } from './feature-hash.js';

export type SentimentLabel = 'negative' | 'neutral' | 'positive';

export interface ModelHeader {
  format: 'flarewatch-sentiment';
  version: 1;
  lang: 'zh' | 'en';
  /** hashed feature space: 2^bits buckets */
  bits: number;
  /** ['negative','positive'] (binary logistic) or ['negative','neutral','positive'] (softmax) */
  classes: SentimentLabel[];
  bias: number[];
  /** neutral band on the score (binary models): lo <= score <= hi is neutral */
  neutral: { lo: number; hi: number };
  /** additive offsets to the class logits before argmax (softmax models) */
  offsets?: number[];
  /** word -> valence, for lexicon features (English) */
  lexicon?: Record<string, number>;
  /** quantization step of the int16 weights */
  scale: number;
  storage: 'dense' | 'sparse';
  nnz: number;
  /**
   * Multi-domain models: the domain names (exactly two, e.g. ['review', 'weibo']). The file then
   * holds one more weight vector, a logistic domain detector over 2^domainBits buckets (feature
   * bucket & mask), and the sentiment vector has domain-specific feature copies
   * (FeatureSink.addDomainCopies with the detected domain's 1-based index).
   */
  domains?: string[];
  domainBits?: number;
  /** feature extractor version: absent = the original one of the language, 'en2' = en-tweet-features.ts, 'en3' = en-vader-features.ts, 'zh2'/'zh3' = zh-features.ts ZH_VERSIONS */
  features?: 'en2' | 'en3' | 'zh2' | 'zh3';
  /** word -> polarity in [-1, 1] (natural's senticon_en), for 'en2' dense features */
  senticon?: Record<string, number>;
  /**
   * Two-head 3-class models: weight vector 0 is a polarity head (negative vs positive, trained on the
   * polar rows), vector 1 a subjectivity head (neutral vs polar); neutral iff p(polar) < threshold.
   */
  heads?: ['polarity', 'subjectivity'];
  subjectivityThreshold?: number;
  /**
   * Gated mixture (binary models): the file also holds a specialist vector (2^specialistBits
   * buckets, trained on one domain, e.g. Weibo posts) and a logistic detector of that domain
   * (2^detectorBits); margin = g + s * (w - g) with g the general margin, w the specialist's and
   * s = s0 + (s1 - s0) * p(domain | text). Buckets are the feature bucket & mask. With
   * neutralShare, the neutral band applies to the margin with s fixed at neutralShare (margins()
   * puts it in out[1]), while the sign of the score (the polarity) stays the gated one.
   */
  /**
   * English softmax models (issue 16): weight x the VADER-style compound of the text (en-vader.ts rules
   * over this lexicon: VADER + AFINN-165 + emoji valences) is added to the positive logit and taken
   * from the negative one, for the label and the score alike. A lexicon-and-rules ensemble member
   * that knows words the training tweets never showed.
   */
  vaderBlend?: { weight: number; lexicon: Record<string, number> };
  mixture?: { domain: string; specialistBits: number; detectorBits: number; specialistBias: number; detectorBias: number; s0: number; s1: number; neutralShare?: number };
  provenance: Record<string, unknown>;
}

export class ModelFileError extends UserError {
  override name = 'ModelFileError';
}

const MAGIC = 'FWSM1\n';

export type Weights = Float32Array | Int16Array;
export interface MixtureWeights { specialist: Weights; detector: Weights }

export class LinearModel {
  readonly dim: number;
  /**
   * @param weights one vector per class (one for binary models), real weight = value * weightScale;
   *   a loaded model keeps the int16 vectors as they are in the file (no conversion on load)
   */
  /** the domain detector's weights (multi-domain models), real weight = value * weightScale */
  readonly domainWeights: Weights | null;
  /** a gated mixture's specialist and detector weights (header.mixture), real weight = value * weightScale */
  readonly mixWeights: MixtureWeights | null;
  constructor(readonly header: ModelHeader, readonly weights: Weights[], readonly weightScale = 1, domainWeights: Weights | null = null,
    mixWeights: MixtureWeights | null = null) {
    this.dim = 1 << header.bits;
    this.domainWeights = domainWeights;
    this.mixWeights = header.mixture ? mixWeights : null;
  }

  /** Margin of a gated mixture (see ModelHeader.mixture), one pass over the features; out[1] = the neutral-band margin. */
  private mixMargin(sink: FeatureSink, out: Float64Array): number {
    const mx = this.header.mixture!, mw = this.mixWeights!;
    const gw = this.weights[0], sw = mw.specialist, dw = mw.detector, sm = sw.length - 1, dm = dw.length - 1;
    const idx = sink.idx, val = sink.val, n = sink.n;
    let gm = 0, w = 0, d = 0;
    for (let i = 0; i < n; i++) {
      const j = idx[i], v = val[i];
      gm += gw[j] * v;
      w += sw[j & sm] * v;
      d += dw[j & dm] * v;
    }
    const g = this.header.bias[0] + gm * this.weightScale;
    const p = 1 / (1 + Math.exp(-(mx.detectorBias + d * this.weightScale)));
    const s = mx.s0 + (mx.s1 - mx.s0) * p;
    const sw1 = mx.specialistBias + w * this.weightScale;
    out[1] = mx.neutralShare === undefined ? g + s * (sw1 - g) : g + mx.neutralShare * (sw1 - g);
    return g + s * (sw1 - g);
  }

  /** 1-based index into header.domains of the detected domain (0 for single-domain models). */
  detectDomain(sink: FeatureSink): number {
    const w = this.domainWeights;
    if (!w) return 0;
    const mask = w.length - 1;
    const idx = sink.idx, val = sink.val, n = sink.n;
    let m = 0;
    for (let i = 0; i < n; i++) m += w[idx[i] & mask] * val[i];
    return this.header.bias[this.weights.length] + m * this.weightScale > 0 ? 2 : 1;
  }

  /** Real value of weight j of class vector c. */
  weight(c: number, j: number): number {
    return this.weights[c][j] * this.weightScale;
  }

  get classCount(): number {
    return this.header.classes.length;
  }

  /** Raw linear scores of one feature vector: one margin (binary) or one logit per class. */
  margins(sink: FeatureSink, out: Float64Array): void {
    const k = this.weights.length;
    if (this.mixWeights && k === 1) { out[0] = this.mixMargin(sink, out); return; }
    const idx = sink.idx, val = sink.val, n = sink.n;
    for (let c = 0; c < k; c++) {
      const w = this.weights[c];
      let m = 0;
      for (let i = 0; i < n; i++) m += w[idx[i]] * val[i];
      out[c] = this.header.bias[c] + m * this.weightScale;
    }
  }

  static load(file: string): LinearModel {
    let buf: Buffer;
    try {
      buf = readFileSync(file);
    } catch (e) {
      throw new ModelFileError(`cannot read sentiment model ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        'train one with `flarewatch train-sentiment`, or pass the right --model-dir');
    }
    return LinearModel.fromBuffer(buf, file);
  }

  static fromBuffer(buf: Buffer, file = 'model'): LinearModel {
    if (buf.length < 12 || buf.toString('latin1', 0, MAGIC.length) !== MAGIC) {
      throw new ModelFileError(`${file} is not a flarewatch sentiment model`, 'retrain it with `flarewatch train-sentiment`');
    }
    const hlen = buf.readUInt32LE(MAGIC.length);
    const hstart = MAGIC.length + 4;
    const corrupt = (what: string) => new ModelFileError(`${file} is truncated or corrupt (${what})`,
      'copy the model file again, or retrain it with `flarewatch train-sentiment`');
    let header: ModelHeader;
    try {
      header = JSON.parse(buf.toString('utf8', hstart, hstart + hlen)) as ModelHeader;
    } catch {
      throw corrupt('unreadable header');
    }
    if (header.format !== 'flarewatch-sentiment' || header.version !== 1) {
      throw new ModelFileError(`${file}: unsupported model format`, 'retrain it with this version of flarewatch');
    }
    const bitsOk = (b: unknown): b is number => Number.isInteger(b) && (b as number) >= 1 && (b as number) <= 30;
    if (!bitsOk(header.bits)) throw corrupt(`bits ${String(header.bits)}`);
    if (!Array.isArray(header.classes) || (header.classes.length !== 2 && header.classes.length !== 3)) throw corrupt('classes');
    if (header.storage !== 'dense' && header.storage !== 'sparse') throw corrupt(`storage ${String(header.storage)}`);
    if (header.storage === 'sparse' && !(Number.isInteger(header.nnz) && header.nnz >= 0)) throw corrupt(`nnz ${String(header.nnz)}`);
    if (!(typeof header.scale === 'number' && Number.isFinite(header.scale))) throw corrupt('scale');
    if (header.domains && !bitsOk(header.domainBits)) throw corrupt(`domainBits ${String(header.domainBits)}`);
    const mx = header.mixture;
    if (mx && !(bitsOk(mx.specialistBits) && bitsOk(mx.detectorBits) && mx.specialistBits <= header.bits && mx.detectorBits <= header.bits)) {
      throw corrupt('mixture sizes (the specialist and the detector cannot be bigger than the general model)');
    }
    const dim = 1 << header.bits;
    const k = header.heads ? header.heads.length : header.classes.length === 2 ? 1 : header.classes.length;
    const biases = k + (header.domains ? 1 : 0);
    if (!Array.isArray(header.bias) || header.bias.length < biases || !header.bias.every((b) => typeof b === 'number' && Number.isFinite(b))) throw corrupt('bias');
    let off = hstart + hlen;
    off += (4 - (off % 4)) % 4;
    const units = header.storage === 'dense'
      ? k * dim + (header.domains && header.domainBits ? 1 << header.domainBits : 0)
        + (header.mixture ? (1 << header.mixture.specialistBits) + (1 << header.mixture.detectorBits) : 0)
      : header.nnz * 3; // sparse: uint32 index + int16 value per weight
    if (buf.length - off < units * 2) throw corrupt(`${buf.length} bytes, the header announces ${off + units * 2}`);
    // Views into the file's bytes when they are 4-aligned (readFileSync of a large file is), else one copy.
    const aligned = (buf.byteOffset + off) % 4 === 0;
    const data = aligned ? buf.buffer : buf.buffer.slice(buf.byteOffset + off, buf.byteOffset + buf.length);
    const base = aligned ? buf.byteOffset + off : 0;
    let weights: Int16Array[];
    let domainWeights: Int16Array | null = null;
    if (header.domains) {
      if (header.storage !== 'dense' || !header.domainBits) throw new ModelFileError(`${file}: a multi-domain model must be stored dense`, 'retrain it');
      domainWeights = new Int16Array(data, base + k * dim * 2, 1 << header.domainBits);
    }
    if (header.storage === 'dense') {
      weights = Array.from({ length: k }, (_, c) => new Int16Array(data, base + c * dim * 2, dim));
    } else {
      weights = Array.from({ length: k }, () => new Int16Array(dim));
      const idx = new Uint32Array(data, base, header.nnz);
      const q = new Int16Array(data, base + header.nnz * 4, header.nnz);
      // one pass per class vector (ids are sorted by class, then bucket), with bit operations: dim is a power of two
      const bits = header.bits, mask = dim - 1, nnz = header.nnz;
      let i = 0;
      for (let c = 0; c < k; c++) {
        const w = weights[c];
        while (i < nnz && idx[i] >>> bits === c) { w[idx[i] & mask] = q[i]; i++; }
      }
      for (; i < nnz; i++) {
        const c = idx[i] >>> bits;
        if (c >= k) throw corrupt(`weight index ${idx[i]} out of range`);
        weights[c][idx[i] & mask] = q[i];
      }
    }
    let mix: MixtureWeights | null = null;
    if (header.mixture) {
      if (header.storage !== 'dense') throw new ModelFileError(`${file}: a mixture model must be stored dense`, 'retrain it');
      const at = base + (k * dim + (domainWeights ? domainWeights.length : 0)) * 2;
      const sn = 1 << header.mixture.specialistBits;
      mix = { specialist: new Int16Array(data, at, sn), detector: new Int16Array(data, at + sn * 2, 1 << header.mixture.detectorBits) };
    }
    return new LinearModel(header, weights, header.scale, domainWeights, mix);
  }

  /**
   * Serialize: int16 quantization; weights under `prune` in absolute value are dropped. Storage
   * 'auto' writes sparse (index, value) pairs when that is smaller; 'dense' always writes the
   * vectors as they are, which loads without decoding (a few ms less per `score` start).
   */
  toBuffer(prune = 0, storage: 'auto' | 'dense' = 'auto'): Buffer {
    const dim = this.dim;
    let max = 0;
    for (const w of this.weights) for (let i = 0; i < dim; i++) max = Math.max(max, Math.abs(w[i] * this.weightScale));
    const dw = this.domainWeights;
    if (dw) for (let i = 0; i < dw.length; i++) max = Math.max(max, Math.abs(dw[i] * this.weightScale));
    const extra = this.mixWeights ? [this.mixWeights.specialist, this.mixWeights.detector] : [];
    if (dw) extra.unshift(dw);
    for (const x of extra) for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i] * this.weightScale));
    const scale = max > 0 ? max / 32767 : 1;
    const ids: number[] = [];
    for (let c = 0; c < this.weights.length; c++) {
      const w = this.weights[c];
      for (let i = 0; i < dim; i++) {
        const v = w[i] * this.weightScale;
        if (Math.abs(v) > prune && Math.round(v / scale) !== 0) ids.push(c * dim + i);
      }
    }
    const sparse = storage === 'auto' && !extra.length && ids.length * 6 < this.weights.length * dim * 2;
    let data: Buffer;
    if (sparse) {
      data = Buffer.alloc(ids.length * 6);
      const idx = new Uint32Array(data.buffer, data.byteOffset, ids.length);
      const q = new Int16Array(data.buffer, data.byteOffset + ids.length * 4, ids.length);
      ids.forEach((id, i) => {
        idx[i] = id;
        q[i] = Math.round(this.weight(Math.floor(id / dim), id % dim) / scale);
      });
    } else {
      const total = this.weights.length * dim + extra.reduce((a, x) => a + x.length, 0);
      data = Buffer.alloc(total * 2);
      const q = new Int16Array(data.buffer, data.byteOffset, total);
      for (let c = 0; c < this.weights.length; c++) for (let i = 0; i < dim; i++) {
        const v = this.weight(c, i);
        q[c * dim + i] = Math.abs(v) > prune ? Math.round(v / scale) : 0;
      }
      let at = this.weights.length * dim;
      for (const x of extra) for (let i = 0; i < x.length; i++) q[at++] = Math.round((x[i] * this.weightScale) / scale);
    }
    const header: ModelHeader = { ...this.header, scale, storage: sparse ? 'sparse' : 'dense', nnz: sparse ? ids.length : 0 };
    const hbuf = Buffer.from(JSON.stringify(header), 'utf8');
    const lenBuf = Buffer.alloc(4);
    lenBuf.writeUInt32LE(hbuf.length);
    const headLen = MAGIC.length + 4 + hbuf.length;
    const pad = Buffer.alloc((4 - (headLen % 4)) % 4);
    return Buffer.concat([Buffer.from(MAGIC, 'latin1'), lenBuf, hbuf, pad, data]);
  }

  save(file: string, prune = 0, storage: 'auto' | 'dense' = 'auto'): number {
    const buf = this.toBuffer(prune, storage);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, buf);
    return buf.length;
  }
}
