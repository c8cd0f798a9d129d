// The format registry: one renderer per report format, each turning ReportData into file bytes.
import { UserError } from '../core/errors.js';
import type { ReportData } from './report-data.js';
import { renderHtml } from './render-html.js';
import { MAIN_CSV_TABLE, renderCsv, renderCsvZip } from './render-csv.js';
import { reportTables } from './report-tables.js';
import { renderJson } from './render-json.js';

export const REPORT_FORMATS = ['html', 'pdf', 'csv', 'xlsx', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json; charset=utf-8',
};

export interface RenderOptions {
  /** Chromium for PDF (env.puppeteerExecutablePath) */
  executablePath?: string | null;
  /** rows written so far, for progress bars (csv, xlsx) */
  onRows?: (n: number) => void;
  /** csv: the table to write (default incidents), or 'all' for a zip of every table */
  csvTable?: string;
}

export function parseFormat(v: string | undefined, fallbackFromFile?: string): ReportFormat {
  const guess = v ?? fallbackFromFile?.split('.').pop()?.toLowerCase();
  const f = REPORT_FORMATS.find((x) => x === guess?.toLowerCase());
  if (!f) throw new UserError(`unknown report format '${v ?? guess ?? ''}'`, `use --format ${REPORT_FORMATS.join('|')}`);
  return f;
}

const RENDERERS: Record<ReportFormat, (d: ReportData, o: RenderOptions) => Promise<Buffer>> = {
  html: async (d) => Buffer.from(renderHtml(d), 'utf8'),
  json: async (d) => renderJson(d),
  csv: async (d, o) => {
    if (o.csvTable === 'all') return renderCsvZip(d, reportFileName(d, 'csv').replace(/\.csv$/, ''), o.onRows);
    const bytes = renderCsv(d, o.onRows, o.csvTable ?? MAIN_CSV_TABLE);
    if (!bytes) throw new UserError(`unknown report table '${o.csvTable}'`, `use one of: ${reportTables(d).map((t) => t.name).join(', ')}, or all (a zip)`);
    return bytes;
  },
  xlsx: async (d, o) => (await import('./render-xlsx.js')).renderXlsx(d, o.onRows),
  pdf: async (d, o) => (await import('./render-pdf.js')).renderPdf(d, { executablePath: o.executablePath }),
};

export async function renderReport(d: ReportData, format: ReportFormat, opts: RenderOptions = {}): Promise<Buffer> {
  return RENDERERS[format](d, opts);
}

/** `flarewatch-report-2026-03-01_2026-03-07.pdf` */
export function reportFileName(d: ReportData, format: ReportFormat): string {
  const label = d.period.label.replace(/[^\d-]+/g, '_').replace(/^_+|_+$/g, '');
  return `flarewatch-report${d.topicFilter ? `-${d.topicFilter.replace(/[^\w-]/g, '')}` : ''}-${label}.${format}`;
}
