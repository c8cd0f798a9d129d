// CSV writing for exports: RFC 4180 quoting, and spreadsheet formula injection neutralized (a cell
// starting with = + - @ tab or CR gets a leading apostrophe, as OWASP recommends).
export function csvCell(v: unknown): string {
  let s = v == null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: unknown[]): string {
  return cells.map(csvCell).join(',') + '\r\n';
}
