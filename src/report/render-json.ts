// The JSON report: ReportData as it is (see report-data.ts), pretty-printed UTF-8.
import type { ReportData } from './report-data.js';

export function renderJson(d: ReportData): Buffer {
  return Buffer.from(`${JSON.stringify(d, null, 2)}\n`, 'utf8');
}
