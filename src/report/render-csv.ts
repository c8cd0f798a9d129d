// The CSV report: UTF-8 with a BOM (so Excel shows Chinese), CRLF lines, every table of the report
// one after another, each introduced by a `# title` line and its header row and followed by a blank
// line (the layout analytics exports use). Cells go through csvCell (formula injection, quoting).
import type { ReportData } from './report-data.js';
import { reportTables } from './report-tables.js';
import { csvLine, UTF8_BOM } from './csv-cell.js';

export function renderCsv(d: ReportData, onRows?: (n: number) => void): Buffer {
  const parts: string[] = [UTF8_BOM];
  for (const t of reportTables(d)) {
    parts.push(csvLine([`# ${t.title} [${t.name}]`]));
    parts.push(csvLine(t.columns.map((c) => c.header)));
    for (const r of t.rows) parts.push(csvLine(r));
    onRows?.(t.rows.length);
    parts.push('\r\n');
  }
  return Buffer.from(parts.join(''), 'utf8');
}
