import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSeverityRules, loadSeverityRulesSync, severityCacheKey } from '../../src/text/severity-cache.js';
import { validateSeverityText } from '../../src/text/severity.js';
import { SeverityScorer } from '../../src/text/severity-scorer.js';
import { ConfigError } from '../../src/core/errors.js';

const RULES = new URL('../../rules/severity.yaml', import.meta.url).pathname;

describe('severity rules cache', () => {
  it('validates on a miss, then serves the same rules from the JSON cache', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'fw-sevcache-'));
    const a = await loadSeverityRules(RULES, cache);
    expect(a.hit).toBe(false);
    expect(readdirSync(cache).filter((f) => f.endsWith('.json'))).toHaveLength(1);
    const b = await loadSeverityRules(RULES, cache);
    expect(b.hit).toBe(true);
    expect(b.rules).toEqual(a.rules);
    const c = loadSeverityRulesSync(RULES, validateSeverityText, cache);
    expect(c.hit).toBe(true);
    expect(new SeverityScorer(c.rules).score('孩子中毒住院').terms).toEqual(['中毒', '住院']);
  });
  it('misses when the file changes and still reports errors with the line', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'fw-sevcache-'));
    const dir = mkdtempSync(join(tmpdir(), 'fw-sevrules-'));
    const file = join(dir, 'severity.yaml');
    writeFileSync(file, 'categories:\n  safety:\n    terms: [中毒]\n');
    expect((await loadSeverityRules(file, cache)).hit).toBe(false);
    writeFileSync(file, 'categories:\n  safety:\n    terms: [中毒, 住院]\n');
    const r = await loadSeverityRules(file, cache);
    expect(r.hit).toBe(false);
    expect(r.rules.categories.safety.terms).toEqual(['中毒', '住院']);
    writeFileSync(file, 'categories:\n  safety:\n    termz: [中毒]\n');
    await expect(loadSeverityRules(file, cache)).rejects.toBeInstanceOf(ConfigError);
    expect(() => loadSeverityRulesSync(file, validateSeverityText, cache)).toThrow(/line 3/);
  });
  it('ignores a corrupt cache file', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'fw-sevcache-'));
    const key = severityCacheKey(readFileSync(RULES, 'utf8'));
    writeFileSync(join(cache, `severity-${key}.json`), '{"key": "' + key + '", "rules": {"oops": 1}}');
    const r = await loadSeverityRules(RULES, cache);
    expect(r.hit).toBe(false);
    expect(Object.keys(r.rules.categories)).toContain('safety');
  });
});
