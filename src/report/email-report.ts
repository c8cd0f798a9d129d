// Mailing a report: build it for the last full week, render it (PDF by default; HTML when Chromium
// is missing, said so in the mail), and send it with nodemailer over SMTP_URL as an attachment,
// with the KPIs in the body. Returns what happened; never throws for a missing SMTP server.
import nodemailer from 'nodemailer';
import type { Db } from '../db/connection.js';
import type { Env } from '../config/env.js';
import { lastFullWeek } from './date-range.js';
import { buildReport } from './build-report.js';
import { formatDuration, words } from './i18n.js';
import { CONTENT_TYPES, renderReport, reportFileName, type ReportFormat } from './render.js';
import { ChromiumMissingError } from './render-pdf.js';
import type { ReportData } from './report-data.js';
import type { ReportsConfig } from './reports-config.js';
import { escapeXml } from './svg-charts.js';

export type ReportLog = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: object) => void;

export interface EmailReportResult {
  sent: boolean;
  /** why nothing was sent (no recipients, no SMTP server) */
  skipped?: string;
  recipients: string[];
  attachment?: { filename: string; bytes: number; format: ReportFormat };
  messageId?: string;
}

function summaryLines(d: ReportData): string[] {
  const w = words(d.lang);
  const c = d.summary.current, p = d.summary.previous;
  const share = (x: number | null) => (x == null ? '–' : `${(x * 100).toFixed(1)}%`);
  return [
    `${w.reportFor}: ${d.topics.map((t) => t.name).join(', ') || w.allTopics}`,
    `${w.period}: ${d.period.label} (${d.zone})`,
    `${w.volume}: ${c.volume} (${w.prev} ${p.volume})`,
    `${w.negativeShare}: ${share(c.negativeShare)} (${w.prev} ${share(p.negativeShare)})`,
    `${w.incidentsTotal}: ${c.incidents} (P1 ${c.incidentsByLevel.P1}, P2 ${c.incidentsByLevel.P2}, P3 ${c.incidentsByLevel.P3}, P4 ${c.incidentsByLevel.P4})`,
    `${w.medianTta}: ${formatDuration(c.medianTtaSeconds, d.lang)}; ${w.medianTtr}: ${formatDuration(c.medianTtrSeconds, d.lang)}`,
  ];
}

export async function emailReport(opts: { db: Db; env: Env; config: ReportsConfig; now: Date; log: ReportLog }): Promise<EmailReportResult> {
  const { db, env, config, now, log } = opts;
  const recipients = config.recipients;
  if (!recipients.length) return { sent: false, skipped: 'no recipients in rules/reports.yaml', recipients };
  if (!env.smtpUrl) {
    log('warn', 'report email not sent: SMTP_URL is not set (e.g. SMTP_URL=smtp://user:pass@host:25)', { recipients });
    return { sent: false, skipped: 'SMTP_URL is not set', recipients };
  }
  const period = lastFullWeek(now, config.timezone);
  const data = buildReport(db, { from: period.start, to: period.end, lang: config.lang, topic: config.topic, now, zone: config.timezone });
  let format: ReportFormat = config.format;
  let note = '';
  let content: Buffer;
  try {
    content = await renderReport(data, format, { executablePath: env.puppeteerExecutablePath });
  } catch (e) {
    if (!(e instanceof ChromiumMissingError)) throw e;
    log('warn', `report email: ${e.message.replace(/\s*\n\s*/g, ' ')}; attaching the HTML report instead`);
    format = 'html';
    note = data.lang === 'en' ? 'The PDF could not be printed on the server (no Chromium); the HTML report is attached instead.'
      : '服务器无法生成 PDF（缺少 Chromium），附件为 HTML 版报告。';
    content = await renderReport(data, format);
  }
  const w = words(data.lang);
  const topics = data.topics.map((t) => t.name).join('、') || w.allTopics;
  const subject = config.subject ?? `[Flarewatch] ${data.title} · ${topics}`;
  const lines = [...summaryLines(data), ...(note ? ['', note] : [])];
  const filename = reportFileName(data, format);
  const transport = nodemailer.createTransport(env.smtpUrl);
  try {
    const info = await transport.sendMail({
      from: env.smtpFrom, to: recipients, subject,
      text: `${lines.join('\n')}\n`,
      html: `<h2>${escapeXml(data.title)}</h2><ul>${lines.filter(Boolean).map((l) => `<li>${escapeXml(l)}</li>`).join('')}</ul>`,
      attachments: [{ filename, content, contentType: CONTENT_TYPES[format] }],
    });
    log('info', `report email sent to ${recipients.join(', ')}: ${filename} (${content.length} bytes)`);
    return { sent: true, recipients, attachment: { filename, bytes: content.length, format }, messageId: info.messageId };
  } finally {
    transport.close();
  }
}
