// Every report format from the database a replayed scenario leaves (../shared/data/scenarios/01);
// skipped with a message where ../shared is absent (a fresh clone).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { chromium, cli, hasPdftotext, pdfText } from './helpers.js';
import { words } from '../../src/report/i18n.js';
import type { ReportData } from '../../src/report/report-data.js';

const SCENARIO = new URL('../../../shared/data/scenarios/01-crisis-cascade/', import.meta.url).pathname;
const hasShared = existsSync(join(SCENARIO, 'observations.jsonl'));
if (!hasShared) console.warn('skipping replayed-scenario report tests: ../shared/data not found');

describe.skipIf(!hasShared)('reports from a replayed scenario database', () => {
  let dir: string;
  let db: string;
  const report = async (format: string) => {
    const out = join(dir, `report.${format}`);
    const r = await cli(['report', '--from', '2026-03-01', '--to', '2026-03-08', '--format', format, '--out', out, '--db', db]);
    expect(r.stderr).not.toMatch(/unexpected error/);
    expect(r.code).toBe(0);
    return out;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fw-report-replay-'));
    db = join(dir, 'replay.db');
    const r = await cli(['replay', '--rules', join(SCENARIO, 'rules'), '--in', join(SCENARIO, 'observations.jsonl'), '--out', join(dir, 'alerts.jsonl'), '--db', db]);
    if (r.code !== 0) throw new Error(`replay failed: ${r.stderr}`);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('json carries the crisis: volume, negative share, a P1 incident with its timeline, its posts on top', async () => {
    const d = JSON.parse(readFileSync(await report('json'), 'utf8')) as ReportData;
    expect(d.topics.map((t) => t.name)).toContain('星河乳业');
    expect(d.summary.current.volume).toBeGreaterThan(50);
    expect(d.summary.current.negativeShare).toBeGreaterThan(0.3);
    expect(d.summary.current.incidentsByLevel.P1).toBeGreaterThanOrEqual(1);
    const top = d.incidents[0];
    expect(top.peakLevel).toBe('P1');
    expect(top.timeline.some((e) => e.event === 'alert' && e.level === 'P1')).toBe(true);
    expect(top.spread.length).toBeGreaterThan(1);
    expect(d.topNegative.length).toBeGreaterThan(5);
    expect(d.topNegative[0].engagement).toBeGreaterThanOrEqual(d.topNegative[1].engagement);
    expect(d.risingKeywords.length).toBeGreaterThan(3);
    expect(d.riskTrend.series[0].values.some((v) => v !== null && v >= 80)).toBe(true);
  });

  it('html, csv and xlsx are produced with the topic and the data', async () => {
    const html = readFileSync(await report('html'), 'utf8');
    expect(html).toContain('星河乳业');
    expect(html).not.toMatch(/<script\b|\bsrc\s*=/i);
    const csv = readFileSync(await report('csv'));
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.toString('utf8')).toContain('星河乳业');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(await report('xlsx'));
    expect(wb.getWorksheet('posts')!.rowCount).toBeGreaterThan(50);
    expect(wb.getWorksheet('alerts')!.rowCount).toBeGreaterThan(1);
  });

  it.skipIf(!chromium || !hasPdftotext)('pdf text carries the topic and every section heading', async () => {
    const text = pdfText(await report('pdf')).replace(/\s+/g, '');
    expect(text).toContain('星河乳业');
    for (const k of ['summary', 'riskTrend', 'volumeBySentiment', 'volumeBySource', 'incidents', 'topNegative', 'influentialAuthors', 'risingKeywords', 'sourceHealth'] as const) {
      expect(text).toContain(words('zh-CN')[k]);
    }
  }, 60_000);
});
