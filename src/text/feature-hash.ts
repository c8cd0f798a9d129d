// Hashed sparse feature vectors for the linear sentiment models: a reusable sink of (bucket, value)
// pairs and integer hash mixing, so that feature extraction allocates no strings per n-gram.

/** Feature kinds: each gets its own seed so that, e.g., a negated bigram never shares a bucket with a plain one. */
export const Kind = {
  Uni: 1, Bi: 2, Tri: 3, NegUni: 4, NegBi: 5, DegUni: 6, DegBi: 7, AfterUni: 8, AfterBi: 9,
  Emoticon: 10, Emoji: 11, Cue: 12, Bucket: 13, Lexicon: 14, Bias: 15, QuadChar: 16, RepostUni: 17, Word: 18, WordBi: 19, Domain: 20,
  /** zh2: character 4-grams, skip-bigrams, dictionary words */
  Quad: 21, SkipBi: 22, ZhWord: 23,
} as const;

/** Mix up to three integers with a kind into a 32-bit hash (murmur3-style finalizer). */
export function mix(kind: number, a: number, b = 0, c = 0): number {
  let h = Math.imul(kind ^ 0x2545f491, 0x9e3779b1);
  h = Math.imul(h ^ a, 0x85ebca6b); h ^= h >>> 13;
  h = Math.imul(h ^ b, 0xc2b2ae35); h ^= h >>> 16;
  h = Math.imul(h ^ c, 0x27d4eb2f); h ^= h >>> 15;
  return h >>> 0;
}

/** FNV-1a hash of a string (for words, emoticon names, lexicon entries). */
export function hashString(s: string, from = 0, to = s.length): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h | 0x40000000) >>> 0;
}

/** A growable list of (bucket, value) pairs; duplicates are allowed and simply add up. */
export class FeatureSink {
  idx: Int32Array;
  val: Float32Array;
  n = 0;
  mask: number;
  constructor(bits: number, capacity = 1024) {
    this.mask = (1 << bits) - 1;
    this.idx = new Int32Array(capacity);
    this.val = new Float32Array(capacity);
  }
  reset(): void {
    this.n = 0;
  }
  add(hash: number, value = 1): void {
    if (this.n === this.idx.length) this.grow();
    this.idx[this.n] = hash & this.mask;
    this.val[this.n++] = value;
  }
  private grow(): void {
    const idx = new Int32Array(this.idx.length * 2);
    idx.set(this.idx);
    const val = new Float32Array(this.val.length * 2);
    val.set(this.val);
    this.idx = idx;
    this.val = val;
  }
  /**
   * Append a domain-specific copy of the first `n` entries (feature augmentation for multi-domain
   * learning: the shared weights learn what holds everywhere, the copies what differs per domain).
   */
  addDomainCopies(domain: number, n = this.n, scale = 1): void {
    for (let i = 0; i < n; i++) this.add(mix(Kind.Domain, this.idx[i], domain), this.val[i] * scale);
  }
  /** Scale the values so the vector has unit L2 norm (counting duplicates as separate entries). */
  normalize(): void {
    let ss = 0;
    for (let i = 0; i < this.n; i++) ss += this.val[i] * this.val[i];
    if (ss <= 0) return;
    const k = 1 / Math.sqrt(ss);
    for (let i = 0; i < this.n; i++) this.val[i] *= k;
  }
}
