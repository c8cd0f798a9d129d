// Danger of a headline or short post (rules/danger.yaml): is this item about trouble for the name it
// mentions? Term families by kind (hazard, official action, exposure, turmoil, company response,
// and the benign and debunk families that speak against a crisis) plus headline patterns, matched
// on normalized text with a negation guard (未检出 is not 检出). Pure and synchronous; validation of
// the YAML lives in danger-rules.ts so a warm `score` never loads zod or yaml.
import { normalizeForMatch } from './normalize.js';

export type DangerKind = 'hazard' | 'official' | 'exposure' | 'turmoil' | 'response' | 'benign' | 'debunk';

/** Validated danger rules (what DangerFileSchema in danger-rules.ts produces). */
export interface DangerRules {
  version?: 1;
  negators: string[];
  families: Record<string, {
    kind: DangerKind; health?: boolean; label?: { zh?: string; en?: string }; weight: number; source?: string;
    terms: (string | { term: string; weight: number })[];
  }>;
  patterns: { family: string; weight: number; re: string; note?: string }[];
  /** compounds removed before matching (感染力 is not an infection) */
  exclude?: string[];
}

export interface DangerHit { family: string; kind: DangerKind; term: string; weight: number }

export interface Danger {
  /** 0..1: how strongly the text reads as trouble, after benign and debunk damping */
  score: number;
  /** 0..1: launch/ambassador/sales-record/award wording */
  benign: number;
  /** 0..1: a rumour denied */
  debunk: number;
  /** a health hazard (contaminant, foreign object, disease, death or injury) is named */
  health: boolean;
  /** an official action (investigation, penalty, recall, delisting) is named */
  official: boolean;
  /** the strongest hit of each matched family, strongest first */
  hits: DangerHit[];
}

interface Term { text: string; weight: number; family: number; word: boolean }

const isWordChar = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
const NEGATION_WINDOW = 4;
const CLAUSE_BREAK_CODES = new Set([...',.!?;:，。！？；：、'].map((c) => c.charCodeAt(0)));
const NOT_NEGATING = ['无论', '无意', '无故', '无良', '无奈', '无辜', '无数', '无法', '没想到', '没多久', '不仅', '不少', '不久', '未来', '未成年', '无人机'];
const HAZARD_BENIGN_DAMPING = 0.35;
const OTHER_BENIGN_DAMPING = 0.75;
const DEBUNK_DAMPING = 0.85;
/** a company answering, alone, is never more than this */
const RESPONSE_ALONE_CAP = 0.35;

export const NO_DANGER: Danger = Object.freeze({ score: 0, benign: 0, debunk: 0, health: false, official: false, hits: [] }) as Danger;

export class DangerScorer {
  private readonly byFirst = new Map<number, Term[]>();
  /** 1 where some term starts with that UTF-16 unit: the scan skips other characters without a Map lookup */
  private readonly firstFlags = new Uint8Array(65536);
  private readonly familyIds: string[];
  private readonly patterns: { family: number; weight: number; re: RegExp }[];
  private readonly negators: string[];
  private readonly exclude: string[];
  /** negators by their first UTF-16 unit */
  private readonly negByFirst = new Map<number, string[]>();

  constructor(readonly rules: DangerRules) {
    this.familyIds = Object.keys(rules.families);
    this.negators = rules.negators.map((n) => normalizeForMatch(n) + (/\s$/.test(n) ? ' ' : ''));
    this.exclude = (rules.exclude ?? []).map((x) => normalizeForMatch(x)).filter(Boolean);
    for (const n of this.negators) {
      if (!n) continue;
      const k = n.charCodeAt(0);
      this.negByFirst.set(k, [...(this.negByFirst.get(k) ?? []), n]);
    }
    this.familyIds.forEach((id, fi) => {
      const fam = rules.families[id];
      for (const t of fam.terms) {
        const text = normalizeForMatch(typeof t === 'string' ? t : t.term);
        if (!text) continue;
        const term: Term = { text, weight: (typeof t === 'string' ? 1 : t.weight) * fam.weight, family: fi, word: /^[a-z0-9]/.test(text) && /[a-z0-9]$/.test(text) };
        const k = text.charCodeAt(0);
        const list = this.byFirst.get(k) ?? [];
        list.push(term);
        list.sort((a, b) => b.text.length - a.text.length);
        this.byFirst.set(k, list);
        this.firstFlags[k] = 1;
      }
    });
    // a pattern's weight is absolute (not multiplied by its family's)
    this.patterns = rules.patterns.map((p) => ({ family: this.familyIds.indexOf(p.family), weight: p.weight, re: new RegExp(p.re, 'u') }))
      .filter((p) => p.family >= 0);
  }

  /**
   * A negator up to four characters before the match, in the same clause (未检出农药, 并未发现异物,
   * 没有过期); words that only start like a negator (无故, 无良, 没想到) do not negate. Scans the few
   * characters before the match without building strings.
   */
  private negated(text: string, at: number): boolean {
    const from = Math.max(0, at - NEGATION_WINDOW);
    let start = from;
    for (let i = at - 1; i >= from; i--) if (CLAUSE_BREAK_CODES.has(text.charCodeAt(i))) { start = i + 1; break; }
    for (let i = start; i < at; i++) {
      const list = this.negByFirst.get(text.charCodeAt(i));
      if (!list) continue;
      if (NOT_NEGATING.some((w) => text.startsWith(w, i))) continue;
      for (const n of list) if (i + n.length <= at && text.startsWith(n, i)) return true;
    }
    return false;
  }

  /** Score already-normalized text (normalizeForMatch). */
  scoreNormalized(input: string): Danger {
    if (!input) return NO_DANGER;
    let text = input;
    for (const x of this.exclude) if (text.includes(x)) text = text.split(x).join(' '.repeat(x.length));
    const best = new Map<number, DangerHit>();
    const add = (family: number, term: string, weight: number) => {
      const prev = best.get(family);
      if (!prev || weight > prev.weight) best.set(family, { family: this.familyIds[family], kind: this.rules.families[this.familyIds[family]].kind, term, weight });
    };
    const flags = this.firstFlags;
    for (let i = 0; i < text.length; i++) {
      if (!flags[text.charCodeAt(i)]) continue;
      const list = this.byFirst.get(text.charCodeAt(i));
      if (!list) continue;
      for (const t of list) {
        if (!text.startsWith(t.text, i)) continue;
        if (t.word && ((i > 0 && isWordChar(text.charCodeAt(i - 1))) || isWordChar(text.charCodeAt(i + t.text.length)))) continue;
        const kind = this.rules.families[this.familyIds[t.family]].kind;
        if (kind !== 'debunk' && kind !== 'benign' && this.negated(text, i)) continue;
        add(t.family, t.text, t.weight);
      }
    }
    for (const p of this.patterns) {
      const m = p.re.exec(text);
      if (m && !this.negated(text, m.index)) add(p.family, m[0].slice(0, 24), p.weight);
    }
    if (!best.size) return NO_DANGER;
    const hits = [...best.values()].sort((a, b) => b.weight - a.weight);
    let benign = 0, debunk = 0, hazard = 1, other = 1, response = 0, health = false, official = false;
    for (const h of hits) {
      if (h.kind === 'benign') benign = Math.max(benign, h.weight);
      else if (h.kind === 'debunk') debunk = Math.max(debunk, h.weight);
      else if (h.kind === 'response') response = Math.max(response, h.weight);
      else if (h.kind === 'hazard') hazard *= 1 - h.weight;
      else other *= 1 - h.weight;
    }
    hazard = 1 - hazard;
    other = 1 - other;
    // good news cancels only weaker trouble: 代言人塌房 stays trouble, 新车谍照曝光 does not
    const damp = (d: number, strength: number) => 1 - d * benign * Math.max(0, 1 - strength / Math.max(benign, 1e-9));
    const h2 = hazard * damp(HAZARD_BENIGN_DAMPING, hazard);
    const o2 = other * damp(OTHER_BENIGN_DAMPING, other);
    const r2 = response * damp(OTHER_BENIGN_DAMPING, response);
    let score = 1 - (1 - h2) * (1 - o2) * (1 - r2);
    if (hazard === 0 && other === 0) score = Math.min(score, RESPONSE_ALONE_CAP);
    score *= 1 - DEBUNK_DAMPING * debunk;
    for (const h of hits) {
      const fam = this.rules.families[h.family];
      if (fam.health && h.weight * damp(HAZARD_BENIGN_DAMPING, h.weight) * (1 - DEBUNK_DAMPING * debunk) >= 0.45) health = true;
      if (h.kind === 'official' && h.weight * damp(OTHER_BENIGN_DAMPING, h.weight) * (1 - DEBUNK_DAMPING * debunk) >= 0.45) official = true;
    }
    return { score: Math.round(score * 1000) / 1000, benign, debunk, health, official, hits };
  }

  score(text: string): Danger {
    return this.scoreNormalized(normalizeForMatch(text));
  }
}
