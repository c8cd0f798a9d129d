// rules/sources.yaml: the list of crawl sources (id, adapter, url, params, cron schedule, enabled,
// robots override, proxy, cookies env name, max pages, re-observation, accounts), validated with zod via
// src/config/yaml-file.ts so a mistake is reported with file, line and a hint.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import cron from 'node-cron';
import { loadYamlFile, objectKeys, lineOf } from '../config/yaml-file.js';
import { ConfigError } from '../core/errors.js';

const reobserveSchema = z.object({
  enabled: z.boolean().default(true),
  firstMinutes: z.number().positive().default(5),
  maxAgeHours: z.number().positive().default(24),
  limit: z.number().int().positive().default(30),
}).strict();

/** One account of a source that needs a login (src/crawl/account-pool.ts); secrets stay in the environment or the session file. */
const accountSchema = z.object({
  name: z.string().regex(/^[\w.-]{1,40}$/, 'letters, digits, . _ - (at most 40)'),
  /** name of the environment variable holding this account's cookie header */
  cookiesEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name, e.g. XHS_COOKIES_2').nullish(),
  /** this account's own proxy (default: the source's) */
  proxy: z.url({ protocol: /^http$/, message: 'must be an http:// proxy URL' }).nullish(),
  /** a saved browser session by name (data/sessions/<site>/<session>.json; default <source id>.<name>) */
  session: z.string().regex(/^[\w.-]{1,60}$/, 'letters, digits, . _ -').nullish(),
}).strict();

const sourceSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, 'use letters, digits, dot, dash or underscore'),
  adapter: z.string().min(1),
  url: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).default({}),
  schedule: z.string().default('*/10 * * * *'),
  enabled: z.boolean().default(true),
  /** 'respect' (default) or 'ignore' (only for sites you operate or have permission for) */
  robots: z.enum(['respect', 'ignore']).default('respect'),
  proxy: z.url({ protocol: /^http$/, message: 'must be an http:// proxy URL' }).nullish(),
  /** name of the environment variable holding this source's cookie header */
  cookiesEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name, e.g. WEIBO_COOKIES').nullish(),
  maxPages: z.number().int().positive().max(200).default(3),
  minIntervalMs: z.number().int().nonnegative().default(2000),
  reobserve: reobserveSchema.default({ enabled: true, firstMinutes: 5, maxAgeHours: 24, limit: 30 }),
  /** accounts crawls rotate among (logged-in ones added on the dashboard join them) */
  accounts: z.array(accountSchema).max(50).optional(),
}).strict();

const fileSchema = z.object({
  timezone: z.string().optional(),
  sources: z.array(sourceSchema).default([]),
}).strict();

export type SourceConfig = z.infer<typeof sourceSchema>;
export type SourceConfigInput = z.input<typeof sourceSchema>;

/** Normalize a source given in code (tests, demo) with the same defaults as the YAML file. */
export function sourceConfig(input: SourceConfigInput): SourceConfig {
  return sourceSchema.parse(input);
}

function knownKeys(path: (string | number)[]): readonly string[] | undefined {
  if (path.length === 0) return objectKeys(fileSchema);
  if (path[0] === 'sources' && path.length === 2) return objectKeys(sourceSchema);
  if (path[0] === 'sources' && path[2] === 'reobserve') return objectKeys(reobserveSchema);
  if (path[0] === 'sources' && path[2] === 'accounts' && path.length === 4) return objectKeys(accountSchema);
  return undefined;
}

/**
 * Load `<rulesDir>/sources.yaml`. A missing file means no sources. `adapterIds`, when given,
 * lets unknown adapters be reported with the line they are on.
 */
export function loadSourcesConfig(rulesDir: string, adapterIds?: readonly string[]): SourceConfig[] {
  const file = join(rulesDir, 'sources.yaml');
  if (!existsSync(file)) return [];
  const { data, doc, lines } = loadYamlFile(file, fileSchema, knownKeys);
  const seen = new Set<string>();
  data.sources.forEach((s, i) => {
    const at = (k: string) => lineOf(doc, lines, ['sources', i, k]);
    if (seen.has(s.id)) throw new ConfigError(file, at('id'), `duplicate source id '${s.id}'`, 'give every source its own id');
    seen.add(s.id);
    if (!cron.validate(s.schedule)) throw new ConfigError(file, at('schedule'), `schedule '${s.schedule}' is not a cron expression`, "e.g. '*/10 * * * *' = every 10 minutes (minute hour day month weekday)");
    const names = (s.accounts ?? []).map((a) => a.name);
    const twice = names.find((n, k) => names.indexOf(n) !== k);
    if (twice) throw new ConfigError(file, at('accounts'), `account '${twice}' is listed twice`, 'give every account of a source its own name');
    if (adapterIds && !adapterIds.includes(s.adapter)) throw new ConfigError(file, at('adapter'), `unknown adapter '${s.adapter}'`, `one of: ${[...adapterIds].sort().join(', ')}`);
  });
  return data.sources;
}
