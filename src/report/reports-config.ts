// rules/reports.yaml: the scheduled report email (when, in which zone, to whom, which format and
// language, optionally one topic). Validated with zod through loadYamlFile, so mistakes come back
// with file, line and hint. A missing file means the defaults with no recipients (email off).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { validate as validateCron } from 'node-cron';
import { ConfigError } from '../core/errors.js';
import { loadYamlFile, lineOf, objectKeys } from '../config/yaml-file.js';
import { REPORT_LANGS } from './i18n.js';
import { REPORT_FORMATS } from './render.js';

export const DEFAULT_REPORT_CRON = '0 9 * * 1';
export const DEFAULT_REPORT_ZONE = 'Asia/Shanghai';

const zoneOk = (z: string) => { try { new Intl.DateTimeFormat('en-US', { timeZone: z }); return true; } catch { return false; } };

export const reportsConfigSchema = z.object({
  enabled: z.boolean().default(true),
  cron: z.string().default(DEFAULT_REPORT_CRON),
  timezone: z.string().refine(zoneOk, 'not a known IANA time zone (e.g. Asia/Shanghai)').default(DEFAULT_REPORT_ZONE),
  recipients: z.array(z.string().email('not an email address')).default([]),
  format: z.enum(REPORT_FORMATS).default('pdf'),
  lang: z.enum(REPORT_LANGS).default('zh-CN'),
  topic: z.string().min(1).nullable().default(null),
  subject: z.string().min(1).optional(),
}).strict();

export type ReportsConfig = z.infer<typeof reportsConfigSchema>;

export const REPORTS_FILE = 'reports.yaml';

export function defaultReportsConfig(): ReportsConfig {
  return reportsConfigSchema.parse({});
}

/** Load rules/reports.yaml (defaults when the file is absent); cron expressions are checked too. */
export function loadReportsConfig(rulesDir: string): ReportsConfig & { file: string | null } {
  const file = join(rulesDir, REPORTS_FILE);
  if (!existsSync(file)) return { ...defaultReportsConfig(), file: null };
  // an empty file (null document) means all defaults
  const loaded = loadYamlFile(file, z.preprocess((v) => v ?? {}, reportsConfigSchema), () => objectKeys(reportsConfigSchema));
  const cfg = loaded.data;
  if (!validateCron(cfg.cron)) {
    throw new ConfigError(file, lineOf(loaded.doc, loaded.lines, ['cron']), `cron '${cfg.cron}' is not a valid cron expression`,
      'five fields: minute hour day-of-month month day-of-week, e.g. "0 9 * * 1" for Mondays at 09:00');
  }
  return { ...cfg, file };
}
