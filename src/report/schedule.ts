// The scheduled report email: node-cron fires per rules/reports.yaml (default Mondays 09:00
// Asia/Shanghai) and mails last week's report to the recipients. Failures are logged, never thrown
// out of the timer; a missing SMTP_URL or an empty recipient list is a clear warning at start.
import cron from 'node-cron';
import type { Db } from '../db/connection.js';
import type { Env } from '../config/env.js';
import { emailReport, type EmailReportResult, type ReportLog } from './email-report.js';
import { loadReportsConfig, type ReportsConfig } from './reports-config.js';

export interface ReportSchedule {
  stop(): Promise<void>;
  /** build and mail the report now (what the timer does) */
  runNow(): Promise<EmailReportResult | null>;
  /** next firing time, null when nothing is scheduled */
  nextRun(): Date | null;
  config: ReportsConfig;
}

export interface ReportScheduleDeps {
  db: Db;
  env: Env;
  rulesDir: string;
  log: ReportLog;
  /** wall clock (tests pass a fixed one) */
  now?: () => Date;
}

/** Start the weekly report email. Throws ConfigError for an invalid rules/reports.yaml. */
export function startReportSchedule(deps: ReportScheduleDeps): ReportSchedule {
  const { db, env, rulesDir, log } = deps;
  const now = deps.now ?? (() => new Date());
  const config = loadReportsConfig(rulesDir);
  const where = config.file ?? `${rulesDir}/reports.yaml (absent)`;
  let running: Promise<EmailReportResult | null> | null = null;
  const runNow = (): Promise<EmailReportResult | null> => {
    running ??= emailReport({ db, env, config, now: now(), log })
      .catch((e: unknown) => { log('error', `report email failed: ${(e as Error).message}`); return null; })
      .finally(() => { running = null; });
    return running;
  };
  if (!config.enabled) {
    log('info', `report email disabled in ${where}`);
    return { stop: async () => {}, runNow, nextRun: () => null, config };
  }
  if (!config.recipients.length) {
    log('info', `report email off: no recipients in ${where} (add recipients: [you@example.com])`);
    return { stop: async () => {}, runNow, nextRun: () => null, config };
  }
  if (!env.smtpUrl) log('warn', `report email to ${config.recipients.join(', ')} will not be sent: SMTP_URL is not set (e.g. smtp://user:pass@host:25)`);
  const task = cron.schedule(config.cron, () => runNow(), { timezone: config.timezone, name: 'flarewatch-weekly-report', noOverlap: true });
  log('info', `report email scheduled '${config.cron}' (${config.timezone}) to ${config.recipients.length} recipient(s); next ${task.getNextRun()?.toISOString() ?? 'unknown'}`);
  return {
    async stop() {
      await task.stop();
      await task.destroy();
      await running;
    },
    runNow,
    nextRun: () => task.getNextRun(),
    config,
  };
}
