// Severity of a post from validated severity rules (rules/severity.yaml): weighted term lists by
// category (safety, legal, regulator, mass action, fraud, privacy, discrimination, service failure).
// One left-to-right scan with terms indexed by first character, longest match first; guards against
// false hits (a digit term inside a longer number, an English term inside a word, a negated mention
// such as 没有异物). Score = 1 - prod(1 - termWeight * categoryWeight) over the distinct matched terms.
// This module imports neither zod nor yaml (validation lives in severity.ts), so a process that gets
// its rules from the JSON cache (severity-cache.ts) does not pay for them.
import { normalizeForMatch } from './normalize.js';

/** Validated severity rules (the shape SeverityFileSchema in severity.ts produces). */
export interface SeverityRules {
  version?: 1;
  negators: string[];
  categories: Record<string, { label?: string; weight: number; negatable: boolean; terms: (string | { term: string; weight: number })[] }>;
}

export interface Severity { score: number; terms: string[]; categories: string[] }

interface Term { text: string; weight: number; category: number; digits: boolean; word: boolean; negatable: boolean }

const isDigit = (c: number) => c >= 48 && c <= 57;
const isWordChar = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90);
const CLAUSE_END = /[,.!?;，。！？；\n]/;
const NOT_NEGATING = ['没想到', '没多久', '没过多久', '无论', '无意'];

export class SeverityScorer {
  private readonly byFirst = new Map<number, Term[]>();
  /** 1 where some term starts with that UTF-16 unit: the scan skips other characters without a Map lookup */
  private readonly firstFlags = new Uint8Array(65536);
  private readonly categoryIds: string[];
  private readonly negators: string[];

  constructor(readonly rules: SeverityRules) {
    this.categoryIds = Object.keys(rules.categories);
    this.negators = rules.negators.map((n) => normalizeForMatch(n) + (/\s$/.test(n) ? ' ' : ''));
    this.categoryIds.forEach((id, ci) => {
      const cat = rules.categories[id];
      for (const t of cat.terms) {
        const raw = typeof t === 'string' ? t : t.term;
        const text = normalizeForMatch(raw);
        if (!text) continue;
        const term: Term = {
          text, weight: (typeof t === 'string' ? 1 : t.weight) * cat.weight, category: ci,
          digits: /^\d+$/.test(text), word: /^[a-z0-9]/.test(text) && /[a-z0-9]$/.test(text), negatable: cat.negatable,
        };
        const k = text.charCodeAt(0);
        const list = this.byFirst.get(k) ?? [];
        list.push(term);
        list.sort((a, b) => b.text.length - a.text.length);
        this.byFirst.set(k, list);
        this.firstFlags[k] = 1;
      }
    });
  }

  /** The category of a matched term (as Severity.terms gives it), undefined when it is not a term of the rules. */
  categoryOf(term: string): string | undefined {
    const t = this.byFirst.get(term.charCodeAt(0))?.find((x) => x.text === term);
    return t ? this.categoryIds[t.category] : undefined;
  }

  /** Severity of a normalized text (normalizeForMatch). */
  score(norm: string): Severity {
    let keep = 1;
    let terms: string[] | null = null;
    let cats: string[] | null = null;
    const first = this.firstFlags;
    for (let i = 0; i < norm.length; i++) {
      const c = norm.charCodeAt(i);
      if (first[c] === 0) continue;
      const list = this.byFirst.get(c);
      if (!list) continue;
      for (const t of list) {
        if (!norm.startsWith(t.text, i)) continue;
        const end = i + t.text.length;
        if (t.digits && ((i > 0 && isDigit(norm.charCodeAt(i - 1))) || (end < norm.length && isDigit(norm.charCodeAt(end))))) continue;
        if (t.word && ((i > 0 && isWordChar(norm.charCodeAt(i - 1))) || (end < norm.length && isWordChar(norm.charCodeAt(end))))) continue;
        if (t.negatable && this.negated(norm, i, t.word)) { i = end - 1; break; }
        terms ??= [];
        if (!terms.includes(t.text)) {
          terms.push(t.text);
          keep *= 1 - Math.min(1, t.weight);
          const cid = this.categoryIds[t.category];
          cats ??= [];
          if (!cats.includes(cid)) cats.push(cid);
        }
        i = end - 1;
        break;
      }
    }
    return { score: Math.round((1 - keep) * 1000) / 1000, terms: terms ?? [], categories: cats ?? [] };
  }

  /** A negator within a few characters before position i, in the same clause. */
  private negated(norm: string, i: number, english: boolean): boolean {
    const from = Math.max(0, i - (english ? 14 : 5));
    let window = norm.slice(from, i);
    const cut = Math.max(...[...window].map((ch, k) => (CLAUSE_END.test(ch) ? k + 1 : 0)), 0);
    window = window.slice(cut);
    if (!window) return false;
    for (const n of NOT_NEGATING) if (norm.slice(Math.max(0, i - 6), i + 1).includes(n)) return false;
    return this.negators.some((n) => window.includes(n));
  }
}

