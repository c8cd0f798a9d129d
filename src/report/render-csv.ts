// The CSV report: one CSV file per table (a CSV holds one table), UTF-8 with a BOM (so Excel shows
// Chinese), CRLF lines, a header row. `--out report.csv` writes the incidents table to report.csv
// and every other table beside it as report-<table>.csv (report-summary.csv, report-alerts.csv,
// report-posts.csv, report-top-negative.csv, report-authors.csv, report-keywords.csv,
// report-sources.csv); `--out report.zip` (and the dashboard's download) puts all of them in one
// zip. Cells go through csvCell (formula injection, quoting).
import { basename, dirname, extname, join } from 'node:path';
import type { ReportData } from './report-data.js';
import { reportTables, type Table } from './report-tables.js';
import { csvLine, UTF8_BOM } from './csv-cell.js';
import { zipArchive } from './zip-archive.js';

/** The table the main CSV file holds. */
export const MAIN_CSV_TABLE = 'incidents';

export interface CsvTableFile { table: string; title: string; rows: number; bytes: Buffer }

function tableCsv(t: Table): Buffer {
  const parts: string[] = [UTF8_BOM, csvLine(t.columns.map((c) => c.header))];
  for (const r of t.rows) parts.push(csvLine(r));
  return Buffer.from(parts.join(''), 'utf8');
}

/** Every table of the report as its own CSV, the incidents table first. */
export function renderCsvTables(d: ReportData, onRows?: (n: number) => void): CsvTableFile[] {
  const tables = reportTables(d);
  tables.sort((a, b) => Number(b.name === MAIN_CSV_TABLE) - Number(a.name === MAIN_CSV_TABLE));
  return tables.map((t) => {
    const bytes = tableCsv(t);
    onRows?.(t.rows.length);
    return { table: t.name, title: t.title, rows: t.rows.length, bytes };
  });
}

/** One table as CSV (default the incidents); an unknown name is null. */
export function renderCsv(d: ReportData, onRows?: (n: number) => void, table = MAIN_CSV_TABLE): Buffer | null {
  const t = reportTables(d).find((x) => x.name === table);
  if (!t) return null;
  onRows?.(t.rows.length);
  return tableCsv(t);
}

/** Where each table goes for `--out FILE`: the incidents to FILE, table T to FILE's base name + `-T.csv`. */
export function csvFilePath(out: string, table: string): string {
  if (table === MAIN_CSV_TABLE) return out;
  const ext = extname(out);
  return join(dirname(out), `${basename(out, ext)}-${table}${ext || '.csv'}`);
}

/** All tables in one zip: `<prefix>-<table>.csv` each. */
export function renderCsvZip(d: ReportData, prefix: string, onRows?: (n: number) => void): Buffer {
  return zipArchive(renderCsvTables(d, onRows).map((f) => ({ name: `${prefix}-${f.table}.csv`, data: f.bytes })), new Date(d.generatedAt));
}
