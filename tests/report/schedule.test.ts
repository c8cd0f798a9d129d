// rules/reports.yaml validation and the scheduled report email, against an in-process SMTP server
// on 127.0.0.1 (the PDF attachment tests skip without Chromium).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/connection.js';
import { readEnv } from '../../src/config/env.js';
import { ConfigError } from '../../src/core/errors.js';
import { loadReportsConfig } from '../../src/report/reports-config.js';
import { startReportSchedule } from '../../src/report/schedule.js';
import { startSmtp, type LocalSmtp } from '../alerting/smtp.js';
import { createFixtureDb } from './fixture-db.js';
import { chromium } from './helpers.js';

const rules = (yaml: string | null) => {
  const dir = mkdtempSync(join(tmpdir(), 'fw-report-rules-'));
  if (yaml !== null) writeFileSync(join(dir, 'reports.yaml'), yaml);
  return dir;
};
// Monday 2026-03-09 09:00 in Shanghai: the report covers 2026-03-02..2026-03-08
const MONDAY_9 = new Date('2026-03-09T01:00:00Z');

describe('rules/reports.yaml', () => {
  it('defaults to Mondays 09:00 Asia/Shanghai, PDF, zh-CN, no recipients', () => {
    expect(loadReportsConfig(rules(null))).toMatchObject({ cron: '0 9 * * 1', timezone: 'Asia/Shanghai', format: 'pdf', lang: 'zh-CN', recipients: [], file: null });
    expect(loadReportsConfig(rules(''))).toMatchObject({ cron: '0 9 * * 1', recipients: [] });
  });

  it('the shipped rules/reports.yaml is valid', () => {
    expect(loadReportsConfig(new URL('../../rules/', import.meta.url).pathname).cron).toBe('0 9 * * 1');
  });

  it('names the file, the line and the fix for mistakes', () => {
    const bad = (y: string) => { try { loadReportsConfig(rules(y)); } catch (e) { expect(e).toBeInstanceOf(ConfigError); return (e as Error).message; } throw new Error('no error'); };
    expect(bad('recipients: [a@example.com]\ncron: "61 9 * * 1"\n')).toMatch(/reports\.yaml line 2: cron '61 9 \* \* 1' is not a valid cron expression/);
    expect(bad('recipient: [a@example.com]\n')).toMatch(/line 1: unknown field 'recipient' \(did you mean 'recipients'\?\)/);
    expect(bad('recipients: [not-an-address]\n')).toMatch(/recipients/);
    expect(bad('timezone: Asia/Shangai\n')).toMatch(/time zone/);
    expect(bad('format: docx\n')).toMatch(/use one of: html, pdf, csv, xlsx, json/);
  });
});

describe('the scheduled report email', () => {
  let smtp: LocalSmtp;
  let db: Db;
  const logs: string[] = [];
  const log = (level: string, msg: string) => { logs.push(`${level}: ${msg}`); };
  beforeAll(async () => {
    smtp = await startSmtp();
    db = openDb(createFixtureDb());
  });
  afterAll(async () => {
    db.close();
    await smtp.close();
  });

  it('without SMTP_URL: a clear warning, no crash, nothing sent', async () => {
    const s = startReportSchedule({ db, env: readEnv({}), rulesDir: rules('recipients: [pr@example.com]\n'), log, now: () => MONDAY_9 });
    expect(logs.join('\n')).toMatch(/SMTP_URL is not set/);
    const r = await s.runNow();
    expect(r).toMatchObject({ sent: false, skipped: 'SMTP_URL is not set' });
    await s.stop();
  });

  it('without recipients nothing is scheduled', async () => {
    const s = startReportSchedule({ db, env: readEnv({ SMTP_URL: smtp.url }), rulesDir: rules(null), log, now: () => MONDAY_9 });
    expect(s.nextRun()).toBeNull();
    expect(logs.join('\n')).toMatch(/no recipients/);
    await s.stop();
  });

  it('schedules Mondays 09:00 Asia/Shanghai by default', async () => {
    const s = startReportSchedule({ db, env: readEnv({ SMTP_URL: smtp.url }), rulesDir: rules('recipients: [pr@example.com]\n'), log });
    const next = s.nextRun()!;
    expect(new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(next)).toBe('Mon 09:00');
    await s.stop();
  });

  it.skipIf(!chromium)('the timer mails last week\'s PDF report to the recipients', async () => {
    const before = smtp.mails.length;
    const s = startReportSchedule({
      db, env: readEnv({ SMTP_URL: smtp.url, SMTP_FROM: 'Flarewatch <fw@test.local>' }), log, now: () => MONDAY_9,
      rulesDir: rules('cron: "* * * * * *"\nrecipients: [pr@example.com, analyst@example.com]\n'),
    });
    const deadline = Date.now() + 40_000;
    while (smtp.mails.length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await s.stop();
    const mail = smtp.mails[before];
    expect(mail, logs.join('\n')).toBeDefined();
    expect(mail.to.sort()).toEqual(['analyst@example.com', 'pr@example.com']);
    const raw = mail.raw.replace(/\r\n/g, '\n');
    expect(raw).toMatch(/Content-Type: application\/pdf/);
    expect(raw).toMatch(/filename=.*flarewatch-report-2026-03-02_2026-03-08\.pdf/);
    const b64 = raw.split(/Content-Type: application\/pdf[\s\S]*?\n\n/)[1].split('\n--')[0].replace(/\s+/g, '');
    const pdf = Buffer.from(b64, 'base64');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(10_000);
  }, 60_000);

  it('a non-PDF format is attached as configured (json, via runNow)', async () => {
    const before = smtp.mails.length;
    const s = startReportSchedule({ db, env: readEnv({ SMTP_URL: smtp.url }), log, now: () => MONDAY_9, rulesDir: rules('format: json\nlang: en\nrecipients: [pr@example.com]\n') });
    const r = await s.runNow();
    await s.stop();
    expect(r).toMatchObject({ sent: true, attachment: { format: 'json', filename: 'flarewatch-report-2026-03-02_2026-03-08.json' } });
    expect(smtp.mails.length).toBe(before + 1);
    expect(smtp.mails[before].raw).toMatch(/Subject:[^\n]*Flarewatch[^\n]*Weekly[ _]media[ _]monitoring/);
  });

  it('without a usable Chromium the HTML report is attached instead, and the mail says so', async () => {
    const before = smtp.mails.length;
    const s = startReportSchedule({ db, env: readEnv({ SMTP_URL: smtp.url, PUPPETEER_EXECUTABLE_PATH: '/nonexistent/chromium' }), log, now: () => MONDAY_9, rulesDir: rules('recipients: [pr@example.com]\n') });
    const r = await s.runNow();
    await s.stop();
    expect(r).toMatchObject({ sent: true, attachment: { format: 'html' } });
    expect(smtp.mails[before].raw).toMatch(/Content-Type: text\/html; charset=utf-8;?\s+name=/);
    expect(logs.join('\n')).toMatch(/apt-get install -y chromium fonts-wqy-microhei/);
  });
});
