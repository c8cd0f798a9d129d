// Word segmentation with @node-rs/jieba (default dictionary) plus a user dictionary built from the
// watch topics, so brand and product names stay whole tokens. jieba is loaded lazily and
// synchronously on first use (its dictionary costs ~150 ms), so commands that never segment do not
// pay for it.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface JiebaLike { cut(s: string, hmm?: boolean | null): string[]; loadDict(d: Uint8Array): void }

const PUNCT_ONLY = /^[\s\p{P}\p{S}]*$/u;

export class Segmenter {
  private jieba: JiebaLike | null = null;
  private readonly pending: string[] = [];
  private readonly known = new Set<string>();

  /** Add user-dictionary words (brand and product names); words with spaces cannot be jieba words and are skipped. */
  addUserWords(words: readonly string[]): void {
    for (const w of words) {
      const word = w.trim();
      if (word.length < 2 || /\s/.test(word) || this.known.has(word)) continue;
      this.known.add(word);
      this.pending.push(word);
    }
    if (this.jieba && this.pending.length) this.flush();
  }

  /** Tokens of a (normalized) text, without whitespace and punctuation-only tokens. */
  cut(text: string): string[] {
    if (!text) return [];
    const j = this.load();
    const out: string[] = [];
    for (const t of j.cut(text, true)) if (!PUNCT_ONLY.test(t)) out.push(t);
    return out;
  }

  private load(): JiebaLike {
    if (!this.jieba) {
      const { Jieba } = require('@node-rs/jieba') as { Jieba: { withDict(d: Uint8Array): JiebaLike } };
      const { dict } = require('@node-rs/jieba/dict.js') as { dict: Uint8Array };
      this.jieba = Jieba.withDict(dict);
      this.flush();
    }
    return this.jieba;
  }

  private flush(): void {
    if (!this.jieba || !this.pending.length) return;
    // A high frequency makes jieba prefer the whole word over its parts.
    this.jieba.loadDict(Buffer.from(this.pending.map((w) => `${w} 1000000 nz`).join('\n') + '\n', 'utf8'));
    this.pending.length = 0;
  }
}
