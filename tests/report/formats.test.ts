// Every report format from the small fixture database, through the real CLI (in-process).
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { createFixtureDb, FIXTURE_FROM, FIXTURE_TO, HOSTILE_FORMULA } from './fixture-db.js';
import { chromium, cli, hasPdftotext, pdfText } from './helpers.js';
import { words } from '../../src/report/i18n.js';
import type { ReportData } from '../../src/report/report-data.js';

let db: string;
let dir: string;
const run = async (format: string, extra: string[] = []) => {
  const out = join(dir, `r-${format}-${extra.join('_').replace(/\W/g, '')}.${format}`);
  const r = await cli(['report', '--from', FIXTURE_FROM, '--to', FIXTURE_TO, '--format', format, '--out', out, '--db', db, ...extra]);
  expect(r.stderr).not.toMatch(/unexpected error/);
  expect(r.code).toBe(0);
  return out;
};

beforeAll(() => {
  db = createFixtureDb();
  dir = mkdtempSync(join(tmpdir(), 'fw-report-out-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(dirname(db), { recursive: true, force: true });
});

const SECTION_KEYS = ['summary', 'riskTrend', 'volumeBySentiment', 'volumeBySource', 'incidents', 'topNegative', 'influentialAuthors', 'risingKeywords', 'sourceHealth'] as const;

describe('report formats from the fixture database', () => {
  it('json: KPIs against the previous period, incidents, keywords, source health', async () => {
    const d = JSON.parse(readFileSync(await run('json'), 'utf8')) as ReportData;
    expect(d.period.label).toBe('2026-03-02 – 2026-03-08');
    expect(d.summary.current).toMatchObject({ volume: 8, collected: 9, negative: 5, incidents: 2, alerts: 4, medianTtaSeconds: 1800, medianTtrSeconds: 32 * 3600 });
    expect(d.summary.current.negativeShare).toBeCloseTo(5 / 8);
    expect(d.summary.current.incidentsByLevel).toEqual({ P1: 1, P2: 0, P3: 1, P4: 0 });
    expect(d.summary.previous).toMatchObject({ volume: 2, negative: 0, incidents: 0 });
    expect(d.incidents.map((i) => i.id)).toEqual(['inc-1', 'inc-2']); // the quiet cluster is left out
    const inc1 = d.incidents[0];
    expect(inc1.timeline.map((e) => e.event)).toEqual(['first-post', 'alert', 'acknowledged', 'alert', 'resolved', 'closed']);
    expect(inc1.spread.at(-1)?.posts).toBe(4);
    expect(d.topNegative[0].id).toBe('w1');
    expect(d.risingKeywords.map((k) => k.term)).toEqual(expect.arrayContaining(['异物', '召回', '质检']));
    expect(d.risingKeywords.map((k) => k.term)).not.toContain('星河牛奶'); // query words are not "rising"
    expect(d.sourceHealth.configured.find((s) => s.id === 'tieba-forum')).toMatchObject({ blocked: true, errorsInPeriod: 2 });
    expect(d.authors[0].name).toBe('财经观察');
    expect(d.volumeBySource.map((s) => s.source)).toEqual(['weibo', 'rss', 'tieba']);
  });

  it('json --topic of an unknown topic is a clear user error', async () => {
    const r = await cli(['report', '--from', FIXTURE_FROM, '--to', FIXTURE_TO, '--format', 'json', '--out', join(dir, 'x.json'), '--db', db, '--topic', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no topic 'nope'.*\n.*known topics: brand/);
  });

  it('html: self-contained, headings in Chinese by default, crawled text escaped', async () => {
    const html = readFileSync(await run('html'), 'utf8');
    const w = words('zh-CN');
    for (const k of SECTION_KEYS) expect(html).toContain(w[k]);
    expect(html).toContain('星河乳业');
    // nothing loaded from anywhere: no script tags at all, no src/href to scripts or styles, no url() in CSS
    expect(html).not.toMatch(/<script\b/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/\bsrc\s*=/i);
    expect(html).not.toMatch(/url\s*\(/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('javascript:alert'); // a javascript: URL is never made a link
    expect(html).toContain('<svg'); // charts are embedded
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(3);
  });

  it('html --lang en: English headings', async () => {
    const html = readFileSync(await run('html', ['--lang', 'en']), 'utf8');
    for (const k of SECTION_KEYS) expect(html).toContain(words('en')[k]);
  });

  it('csv: one file per table, UTF-8 with BOM, CRLF, formula injection neutralized, RFC 4180 quoting', async () => {
    const main = await run('csv');
    const files = ['', '-summary', '-alerts', '-posts', '-top-negative', '-authors', '-keywords', '-sources'].map((suffix) => main.replace(/\.csv$/, `${suffix}.csv`));
    const bufs = files.map((f) => readFileSync(f));
    for (const buf of bufs) expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bufs[0].toString('utf8').slice(1).split('\r\n')[0]).toMatch(/^编号,主题,标题/); // the main file is the incidents table
    const text = bufs.map((b) => b.toString('utf8').slice(1)).join('');
    expect(text).toContain('\r\n');
    // the post text, and the author '=cmd|calc', come out prefixed with a quote, inside RFC 4180 quotes
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example/x"",""点我领奖"")"`);
    expect(text).toContain(`'=cmd|calc`);
    expect(text).toContain(`'+1 星河乳业 召回 进展`);
    // no field anywhere starts with a formula character
    for (const line of text.split('\r\n')) {
      for (const field of line.split(',')) expect(field.replace(/^"/, '')).not.toMatch(/^[=+@\t\r]/);
    }
    expect(text).toContain('星河乳业');
    expect(text).not.toMatch(/^# /m); // no table titles inside a CSV: each file is one table
  });

  it('xlsx: opens with exceljs, has the sheets, hostile text stays a string', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(await run('xlsx'));
    const names = wb.worksheets.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['summary', 'incidents', 'alerts', 'posts']));
    const posts = wb.getWorksheet('posts')!;
    expect(posts.rowCount).toBe(1 + 8);
    let found = false;
    posts.eachRow((row) => row.eachCell((c) => {
      if (typeof c.value === 'string' && c.value.startsWith('=HYPERLINK(')) { found = true; expect(c.type).toBe(ExcelJS.ValueType.String); }
      expect(c.formula).toBeUndefined();
    }));
    expect(found).toBe(true);
    expect(wb.getWorksheet('incidents')!.getCell('A2').value).toBe('inc-1');
    expect(wb.getWorksheet('alerts')!.rowCount).toBe(1 + 4);
  });

  it.skipIf(!chromium || !hasPdftotext)('pdf: printed by Chromium, text carries the topic and the section headings', async () => {
    const file = await run('pdf');
    expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(file).replace(/\s+/g, '');
    expect(text).toContain('星河乳业');
    for (const k of SECTION_KEYS) expect(text).toContain(words('zh-CN')[k].replace(/\s+/g, ''));
    expect(text).toContain('<script>alert(1)</script>'); // shown as text, not run
  }, 60_000);
});

describe('report command errors', () => {
  it('bad dates, formats and databases are user errors with hints', async () => {
    let r = await cli(['report', '--from', '2026-02-30', '--to', FIXTURE_TO, '--format', 'json', '--out', join(dir, 'x.json'), '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a real calendar day/);
    r = await cli(['report', '--format', 'docx', '--out', join(dir, 'x.docx'), '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/html\|pdf\|csv\|xlsx\|json/);
    r = await cli(['report', '--format', 'json', '--out', join(dir, 'x.json'), '--db', join(dir, 'missing.db')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/does not exist/);
  });

  it('pdf without a usable Chromium fails with the install hint, not a stack trace', async () => {
    const { runCli } = await import('../../src/cli/main.js');
    const { readEnv } = await import('../../src/config/env.js');
    const { PassThrough } = await import('node:stream');
    const err = new PassThrough();
    let text = '';
    err.on('data', (b: Buffer) => { text += b.toString(); });
    const code = await runCli(['report', '--from', FIXTURE_FROM, '--to', FIXTURE_TO, '--format', 'pdf', '--out', join(dir, 'x.pdf'), '--db', db],
      { stdout: new PassThrough(), stderr: err, env: readEnv({ PUPPETEER_EXECUTABLE_PATH: '/nonexistent/chromium' }), now: () => new Date() });
    expect(code).toBe(2);
    expect(text).toMatch(/PUPPETEER_EXECUTABLE_PATH=\/nonexistent\/chromium does not exist/);
    expect(text).toMatch(/apt-get install -y chromium fonts-wqy-microhei/);
  });

  it('the format is taken from the --out extension when --format is missing', async () => {
    const out = join(dir, 'guess.csv');
    const r = await cli(['report', '--from', FIXTURE_FROM, '--to', FIXTURE_TO, '--out', out, '--db', db]);
    expect(r.code).toBe(0);
    expect(readFileSync(out)[0]).toBe(0xef);
  });
});
