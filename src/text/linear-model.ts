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
  /** feature extractor version: absent = the original one of the language, 'en2' = en-tweet-features.ts, 'en3' = en-vader-features.ts */
  features?: 'en2' | 'en3';
  /** word -> polarity in [-1, 1] (natural's senticon_en), for 'en2' dense features */
  senticon?: Record<string, number>;
  /**
   * Two-head 3-class models: weight vector 0 is a polarity head (negative vs positive, trained on the
   * polar rows), vector 1 a subjectivity head (neutral vs polar); neutral iff p(polar) < threshold.
   */
  heads?: ['polarity', 'subjectivity'];
  subjectivityThreshold?: number;
  provenance: Record<string, unknown>;
}

export class ModelFileError extends UserError {
  override name = 'ModelFileError';
}

const MAGIC = 'FWSM1\n';

export type Weights = Float32Array | Int16Array;

export class LinearModel {
  readonly dim: number;
  /**
   * @param weights one vector per class (one for binary models), real weight = value * weightScale;
   *   a loaded model keeps the int16 vectors as they are in the file (no conversion on load)
   */
  /** the domain detector's weights (multi-domain models), real weight = value * weightScale */
  readonly domainWeights: Weights | null;
  constructor(readonly header: ModelHeader, readonly weights: Weights[], readonly weightScale = 1, domainWeights: Weights | null = null) {
    this.dim = 1 << header.bits;
    this.domainWeights = domainWeights;
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
    const header = JSON.parse(buf.toString('utf8', hstart, hstart + hlen)) as ModelHeader;
    if (header.format !== 'flarewatch-sentiment' || header.version !== 1) {
      throw new ModelFileError(`${file}: unsupported model format`, 'retrain it with this version of flarewatch');
    }
    const dim = 1 << header.bits;
    const k = header.heads ? header.heads.length : header.classes.length === 2 ? 1 : header.classes.length;
    let off = hstart + hlen;
    off += (4 - (off % 4)) % 4;
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
      for (let i = 0; i < header.nnz; i++) weights[Math.floor(idx[i] / dim)][idx[i] % dim] = q[i];
    }
    return new LinearModel(header, weights, header.scale, domainWeights);
  }

  /** Serialize: int16 quantization; weights under `prune` in absolute value are dropped. */
  toBuffer(prune = 0): Buffer {
    const dim = this.dim;
    let max = 0;
    for (const w of this.weights) for (let i = 0; i < dim; i++) max = Math.max(max, Math.abs(w[i] * this.weightScale));
    const dw = this.domainWeights;
    if (dw) for (let i = 0; i < dw.length; i++) max = Math.max(max, Math.abs(dw[i] * this.weightScale));
    const scale = max > 0 ? max / 32767 : 1;
    const ids: number[] = [];
    for (let c = 0; c < this.weights.length; c++) {
      const w = this.weights[c];
      for (let i = 0; i < dim; i++) {
        const v = w[i] * this.weightScale;
        if (Math.abs(v) > prune && Math.round(v / scale) !== 0) ids.push(c * dim + i);
      }
    }
    const sparse = !dw && ids.length * 6 < this.weights.length * dim * 2;
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
      const total = this.weights.length * dim + (dw ? dw.length : 0);
      data = Buffer.alloc(total * 2);
      const q = new Int16Array(data.buffer, data.byteOffset, total);
      for (let c = 0; c < this.weights.length; c++) for (let i = 0; i < dim; i++) {
        const v = this.weight(c, i);
        q[c * dim + i] = Math.abs(v) > prune ? Math.round(v / scale) : 0;
      }
      if (dw) for (let i = 0; i < dw.length; i++) q[this.weights.length * dim + i] = Math.round((dw[i] * this.weightScale) / scale);
    }
    const header: ModelHeader = { ...this.header, scale, storage: sparse ? 'sparse' : 'dense', nnz: sparse ? ids.length : 0 };
    const hbuf = Buffer.from(JSON.stringify(header), 'utf8');
    const lenBuf = Buffer.alloc(4);
    lenBuf.writeUInt32LE(hbuf.length);
    const headLen = MAGIC.length + 4 + hbuf.length;
    const pad = Buffer.alloc((4 - (headLen % 4)) % 4);
    return Buffer.concat([Buffer.from(MAGIC, 'latin1'), lenBuf, hbuf, pad, data]);
  }

  save(file: string, prune = 0): number {
    const buf = this.toBuffer(prune);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, buf);
    return buf.length;
  }
}
