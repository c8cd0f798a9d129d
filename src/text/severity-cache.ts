// Warm-start cache of validated severity rules: the YAML file's text is hashed (two 32-bit FNV
// variants, plus the cache format version) and the validated rules are kept as JSON in a per-user
// directory under os.tmpdir(). A cache hit reads the YAML bytes, hashes them and parses the JSON:
// neither zod nor yaml is imported, which is most of `flarewatch score`'s startup. A miss (or an
// unreadable/corrupt cache) validates the YAML with the caller's validator (full ConfigError
// messages) and writes the cache atomically; failing to write the cache is never an error.
import { readFileSync, writeFileSync, renameSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../core/errors.js';
import type { SeverityRules } from './severity-scorer.js';

/** Bump when the validated shape (SeverityFileSchema's output) changes. */
const CACHE_VERSION = 1;

export type SeverityValidator = (file: string, text: string) => SeverityRules;

function fnv(s: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Content key of a rules text: independent of the file's path and mtime. */
export function severityCacheKey(text: string): string {
  return `v${CACHE_VERSION}-${fnv(text, 0x811c9dc5).toString(16)}-${fnv(text, 0x9747b28c).toString(16)}-${text.length}`;
}

/** The per-user cache directory (created on first write). */
export function severityCacheDir(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  return join(tmpdir(), `flarewatch-cache-${uid}`);
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, null, `cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

function looksLikeRules(x: unknown): x is SeverityRules {
  const r = x as SeverityRules;
  return !!r && typeof r === 'object' && Array.isArray(r.negators) && !!r.categories && typeof r.categories === 'object';
}

function readCacheAs<T>(dir: string, path: string, key: string, looksLike: (x: unknown) => x is T): T | null {
  try {
    // only trust a directory this user owns (another user could have planted it in a shared /tmp)
    if (typeof process.getuid === 'function' && statSync(dir).uid !== process.getuid()) return null;
    const o = JSON.parse(readFileSync(path, 'utf8')) as { key?: string; rules?: unknown };
    return o.key === key && looksLike(o.rules) ? o.rules : null;
  } catch {
    return null;
  }
}

function writeCache(dir: string, path: string, key: string, rules: unknown): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ key, rules }), { mode: 0o600 });
    renameSync(tmp, path);
  } catch {
    // a read-only or full temp directory only costs the next start its validation time
  }
}

export interface CachedRules { rules: SeverityRules; hit: boolean }

/**
 * Validated rules of any kind (severity.yaml, danger.yaml) from the cache when the file's text is
 * unchanged, else validated and cached: `kind` names the cache file, `looksLike` checks a cached
 * value's shape.
 */
export function loadCachedRulesSync<T>(file: string, kind: string, validate: (file: string, text: string) => T, looksLike: (x: unknown) => x is T, cacheDir: string | null = severityCacheDir()): { rules: T; hit: boolean } {
  const text = readText(file);
  const key = severityCacheKey(text);
  const path = cacheDir === null ? '' : join(cacheDir, `${kind}-${key}.json`);
  const cached = cacheDir === null ? null : readCacheAs(cacheDir, path, key, looksLike);
  if (cached) return { rules: cached, hit: true };
  const rules = validate(file, text);
  if (cacheDir !== null) writeCache(cacheDir, path, key, rules);
  return { rules, hit: false };
}

/** Same as loadCachedRulesSync, but the validator (zod + yaml) is imported only on a cache miss. */
export async function loadCachedRules<T>(file: string, kind: string, importValidator: () => Promise<(file: string, text: string) => T>, looksLike: (x: unknown) => x is T, cacheDir: string | null = severityCacheDir()): Promise<{ rules: T; hit: boolean }> {
  const text = readText(file);
  const key = severityCacheKey(text);
  const path = cacheDir === null ? '' : join(cacheDir, `${kind}-${key}.json`);
  const cached = cacheDir === null ? null : readCacheAs(cacheDir, path, key, looksLike);
  if (cached) return { rules: cached, hit: true };
  const rules = (await importValidator())(file, text);
  if (cacheDir !== null) writeCache(cacheDir, path, key, rules);
  return { rules, hit: false };
}

/** Severity rules through the cache (sync validator). */
export function loadSeverityRulesSync(file: string, validate: SeverityValidator, cacheDir: string | null = severityCacheDir()): CachedRules {
  return loadCachedRulesSync(file, 'severity', validate, looksLikeRules, cacheDir);
}

/** Severity rules through the cache; zod and yaml are imported only on a miss. */
export async function loadSeverityRules(file: string, cacheDir: string | null = severityCacheDir()): Promise<CachedRules> {
  return loadCachedRules(file, 'severity', async () => (await import('./severity.js')).validateSeverityText, looksLikeRules, cacheDir);
}
