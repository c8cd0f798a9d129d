// The text analyzer proper: language, normalized text, jieba tokens, sentiment (3 classes + score
// in [-1, 1]), severity and social entities (emoticons, mentions, hashtags, URLs, repost chain),
// built around an already-loaded SeverityScorer. Sentiment models load lazily per language, jieba
// only when tokens are asked for. No zod/yaml here: `createTextAnalyzerFast` gets its rules from the
// JSON cache (severity-cache.ts); analyze.ts keeps the synchronous `createTextAnalyzer` API.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_RULES_DIR } from '../core/paths.js';
import { normalizeForMatch } from './normalize.js';
import { detectLanguage, type Lang } from './language.js';
import { extractEntities, type RepostHop } from './entities.js';
import { Segmenter } from './segment.js';
import { defaultModelDir, loadSentimentModel, type Sentiment, type SentimentModel } from './sentiment.js';
import { SeverityScorer, type Severity } from './severity-scorer.js';
import { loadSeverityRules } from './severity-cache.js';
import { NO_DANGER, type Danger, type DangerScorer } from './danger-scorer.js';
import { applyDanger } from './danger-fold.js';

export interface TextAnalysis {
  lang: 'zh' | 'en' | 'other';
  normalized: string;          // normalizeForMatch(title + ' ' + text)
  tokens: string[];            // jieba tokens of the normalized text (for FTS and key phrases)
  sentiment: { label: 'negative' | 'neutral' | 'positive'; score: number };  // score in [-1,1]; "negative" implies score<0
  severity: { score: number; terms: string[]; categories: string[] };
  /** danger of the text as a headline (rules/danger.yaml), already folded into sentiment and severity */
  danger: Danger;
  emoticons: string[]; mentions: string[]; hashtags: string[]; urls: string[];
  /** emoji characters, in order */
  emoji: string[];
  /** `//@user: text` repost chain, nearest hop first */
  reposts: RepostHop[];
}

export interface AnalyzeInput { text?: string | null; title?: string | null; lang?: string | null }

export interface TextAnalyzer {
  analyze(input: AnalyzeInput): TextAnalysis;
  addUserWords(words: string[]): void;
  /** the severity category of a term that analyze() reported in severity.terms ('other' if unknown) */
  termCategory(term: string): string;
}

export interface TextAnalyzerOptions {
  /** rules directory; its severity.yaml is used when present (else the one shipped with flarewatch) */
  rulesDir?: string;
  /** explicit severity rules file (overrides rulesDir) */
  severityFile?: string;
  /** directory with zh-sentiment.bin / en-sentiment.bin (default: data/models of the package) */
  modelDir?: string;
  /** user dictionary words (brand and product names) for jieba */
  userWords?: string[];
  /** false: skip jieba segmentation (tokens = []), as `score` does for speed; default true */
  segment?: boolean;
  /** headline danger rules (rules/danger.yaml); without them danger is always 0 */
  danger?: DangerScorer;
}


/** The severity.yaml shipped with flarewatch (rules/ at the package root). */
export function defaultSeverityFile(): string {
  return join(DEFAULT_RULES_DIR, 'severity.yaml');
}

export function resolveSeverityFile(opts: Pick<TextAnalyzerOptions, 'rulesDir' | 'severityFile'>): string {
  if (opts.severityFile) return opts.severityFile;
  if (opts.rulesDir && existsSync(join(opts.rulesDir, 'severity.yaml'))) return join(opts.rulesDir, 'severity.yaml');
  return defaultSeverityFile();
}

/** Map a declared language ('zh-CN', 'en-US', 'zh', 'ja') to ours; null when absent. */
export function declaredLang(lang: string | null | undefined): Lang | null {
  if (!lang) return null;
  const l = lang.toLowerCase();
  if (l.startsWith('zh') || l === 'cn' || l === 'chs' || l === 'cht') return 'zh';
  if (l.startsWith('en')) return 'en';
  return 'other';
}

const NEUTRAL: Sentiment = { label: 'neutral', score: 0 };

/** Build an analyzer around loaded severity rules (the other options as in createTextAnalyzer). */
export function buildTextAnalyzer(severity: SeverityScorer, opts: Omit<TextAnalyzerOptions, 'rulesDir' | 'severityFile'> = {}): TextAnalyzer {
  const modelDir = opts.modelDir ?? defaultModelDir();
  const models: Partial<Record<'zh' | 'en', SentimentModel>> = {};
  const model = (lang: 'zh' | 'en') => (models[lang] ??= loadSentimentModel(modelDir, lang));
  const segmenter = new Segmenter();
  const segment = opts.segment ?? true;
  const addUserWords = (words: string[]) => segmenter.addUserWords(words.map((w) => normalizeForMatch(w)));
  if (opts.userWords?.length) addUserWords(opts.userWords);

  /** danger term or pattern match -> its family, for termCategory */
  const dangerTerms = new Map<string, string>();

  function analyze(input: AnalyzeInput): TextAnalysis {
    const title = input.title ?? '';
    const text = input.text ?? '';
    const raw = title && text ? `${title} ${text}` : title || text;
    const normalized = normalizeForMatch(raw);
    const lang = declaredLang(input.lang) ?? detectLanguage(raw);
    const ent = extractEntities(raw);
    let sentiment = NEUTRAL;
    if (normalized) {
      // 'other': a Han-script text goes to the Chinese model, anything else to the English one.
      const which = lang === 'zh' || (lang === 'other' && /[\u4e00-\u9fff]/.test(normalized)) ? 'zh' : 'en';
      sentiment = model(which).score(raw, which === 'zh' ? normalized : undefined);
    }
    const sev0: Severity = severity.score(normalized);
    const danger = opts.danger ? opts.danger.scoreNormalized(normalized) : NO_DANGER;
    for (const h of danger.hits) if (!dangerTerms.has(h.term) && dangerTerms.size < 50_000) dangerTerms.set(h.term, h.family);
    const folded = applyDanger(normalized, sentiment, sev0, danger);
    return {
      lang, normalized,
      tokens: segment ? segmenter.cut(normalized) : [],
      sentiment: folded.sentiment, severity: folded.severity, danger,
      emoticons: ent.emoticons, mentions: ent.mentions, hashtags: ent.hashtags, urls: ent.urls,
      emoji: ent.emoji, reposts: ent.reposts,
    };
  }

  return { analyze, addUserWords, termCategory: (term) => severity.categoryOf(term) ?? dangerTerms.get(term) ?? 'other' };
}

/** createTextAnalyzer for commands that start often (score): rules from the JSON cache when warm. */
export async function createTextAnalyzerFast(opts: TextAnalyzerOptions = {}): Promise<TextAnalyzer> {
  const { rules } = await loadSeverityRules(resolveSeverityFile(opts));
  const danger = opts.danger ?? await (await import('./danger-rules.js')).loadDangerScorerFast(opts.rulesDir);
  return buildTextAnalyzer(new SeverityScorer(rules), { ...opts, danger });
}
