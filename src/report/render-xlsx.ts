// The XLSX report (exceljs): one sheet per report table (summary, incidents, alerts, posts,
// top-negative, authors, keywords, sources) with a bold frozen header, column widths, autofilter,
// and http(s) links as hyperlink cells. Text is always written as a string value, never a formula.
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import type { ReportData } from './report-data.js';
import { reportTables, type Cell, type Column } from './report-tables.js';
import { safeUrl } from './render-html.js';

// Excel refuses cells over 32,767 characters and control characters other than tab/CR/LF.
const clean = (s: string) => s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '').slice(0, 32_000);

function cellValue(v: Cell, col: Column): ExcelJS.CellValue {
  if (v == null) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (col.kind === 'url') {
    const u = safeUrl(v);
    if (u) return { text: clean(v), hyperlink: u };
  }
  return clean(v);
}

export async function renderXlsx(d: ReportData, onRows?: (n: number) => void): Promise<Buffer> {
  // the streaming writer keeps memory flat for large exports (rows are committed as they are written)
  const chunks: Buffer[] = [];
  const stream = new PassThrough();
  stream.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((ok, fail) => { stream.on('end', ok); stream.on('error', fail); });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: true });
  wb.creator = 'Flarewatch';
  wb.created = new Date(d.generatedAt);
  for (const t of reportTables(d)) {
    const ws = wb.addWorksheet(t.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = t.columns.map((c) => ({ header: c.header, key: c.key, width: c.width ?? 14 }));
    const head = ws.getRow(1);
    head.font = { bold: true };
    head.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE3EAF2' } };
    if (t.rows.length) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: t.columns.length } };
    head.commit();
    let n = 0;
    for (const r of t.rows) {
      const row = ws.addRow(r.map((v, i) => cellValue(v, t.columns[i])));
      t.columns.forEach((c, i) => {
        if (c.kind === 'url' && typeof r[i] === 'string' && safeUrl(r[i] as string)) row.getCell(i + 1).font = { color: { argb: 'FF1565C0' }, underline: true };
      });
      row.commit();
      if (++n % 1000 === 0) onRows?.(1000);
    }
    onRows?.(n % 1000);
    ws.commit();
  }
  await wb.commit();
  await done;
  return Buffer.concat(chunks);
}
