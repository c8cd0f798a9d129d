// rules/danger.yaml: where it is (a rules folder without its own uses the one shipped with
// flarewatch) and loading it through the warm-start JSON cache; validation (zod) is in
// danger-schema.ts and is only imported on a cache miss by the async loader.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_RULES_DIR } from '../core/paths.js';
import { loadCachedRules, loadCachedRulesSync, severityCacheDir } from './severity-cache.js';
import { DangerScorer, type DangerRules } from './danger-scorer.js';

const looksLikeDanger = (x: unknown): x is DangerRules => {
  const r = x as DangerRules;
  return !!r && typeof r === 'object' && Array.isArray(r.negators) && Array.isArray(r.patterns) && !!r.families && typeof r.families === 'object';
};

/** The danger.yaml of a rules folder, or the shipped one. */
export function resolveDangerFile(rulesDir?: string): string {
  if (rulesDir && existsSync(join(rulesDir, 'danger.yaml'))) return join(rulesDir, 'danger.yaml');
  return join(DEFAULT_RULES_DIR, 'danger.yaml');
}

/** Synchronous: the caller passes the validator (danger-schema.ts's validateDangerText). */
export function loadDangerScorer(rulesDir: string | undefined, validate: (file: string, text: string) => DangerRules, cacheDir: string | null = severityCacheDir()): DangerScorer {
  return new DangerScorer(loadCachedRulesSync(resolveDangerFile(rulesDir), 'danger', validate, looksLikeDanger, cacheDir).rules);
}

/** Asynchronous: zod and yaml are imported only when the cache misses. */
export async function loadDangerScorerFast(rulesDir?: string, cacheDir: string | null = severityCacheDir()): Promise<DangerScorer> {
  const { rules } = await loadCachedRules(resolveDangerFile(rulesDir), 'danger', async () => (await import('./danger-schema.js')).validateDangerText, looksLikeDanger, cacheDir);
  return new DangerScorer(rules);
}
