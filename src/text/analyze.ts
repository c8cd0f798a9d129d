// The one entry point the rest of flarewatch uses for text understanding: language, normalized
// text, jieba tokens, sentiment (3 classes + score in [-1, 1]), severity (rules/severity.yaml) and
// social entities (emoticons, mentions, hashtags, URLs, repost chain). Models and rules load once
// per analyzer; sentiment models load lazily per language. The implementation is in
// text-analyzer.ts; this module adds the synchronous factory (YAML validated with zod on a cache
// miss, full file+line errors).
import { validateSeverityText } from './severity.js';
import { SeverityScorer } from './severity-scorer.js';
import { loadSeverityRulesSync } from './severity-cache.js';
import { buildTextAnalyzer, resolveSeverityFile, type TextAnalyzer, type TextAnalyzerOptions } from './text-analyzer.js';
import { loadDangerScorer } from './danger-rules.js';
import { validateDangerText } from './danger-schema.js';

export {
  buildTextAnalyzer, createTextAnalyzerFast, declaredLang, defaultSeverityFile, resolveSeverityFile,
  type AnalyzeInput, type TextAnalysis, type TextAnalyzer, type TextAnalyzerOptions,
} from './text-analyzer.js';

export function createTextAnalyzer(opts: TextAnalyzerOptions = {}): TextAnalyzer {
  const { rules } = loadSeverityRulesSync(resolveSeverityFile(opts), validateSeverityText);
  return buildTextAnalyzer(new SeverityScorer(rules), { ...opts, danger: opts.danger ?? loadDangerScorer(opts.rulesDir, validateDangerText) });
}
