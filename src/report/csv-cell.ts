// CSV cells that are safe to open in Excel: formula injection neutralized (a text cell starting
// with =, +, -, @, tab or CR gets a leading single quote, per OWASP) and RFC 4180 quoting (fields
// with a comma, quote, CR or LF are quoted, quotes doubled). Numbers are written as numbers.
import type { Cell } from './report-tables.js';

const FORMULA_START = /^[=+\-@\t\r]/;

/** Prefix a text value that a spreadsheet would read as a formula. */
export function neutralizeFormula(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s;
}

export function csvCell(v: Cell): string {
  if (v == null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = neutralizeFormula(v);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: Cell[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export const UTF8_BOM = '\uFEFF';
