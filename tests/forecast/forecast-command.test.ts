// `flarewatch forecast` end to end on a small observations file in a temp dir: output shape as in
// contracts §2, reposts found through snapshots and repost observations, bad lines reported.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { forecastReposts, parseDuration } from '../../src/forecast/index.js';
import { UserError } from '../../src/core/errors.js';

const T0 = Date.parse('2026-03-02T10:00:00Z');
const iso = (min: number) => new Date(T0 + min * 60_000).toISOString();

function observations(): string[] {
  const lines: object[] = [
    { at: iso(5), source: 'weibo', kind: 'post', id: 'A', text: 'root A', publishedAt: iso(0), author: { followers: 3000 }, metrics: { reposts: 4 } },
    { at: iso(5), source: 'weibo', kind: 'post', id: 'B', text: 'root B, nobody reposts', publishedAt: iso(1), metrics: { reposts: 0 } },
  ];
  for (let m = 10; m <= 60; m += 5) lines.push({ at: iso(m), source: 'weibo', kind: 'post', id: 'A', metrics: { reposts: 4 + (m - 5) * 2 } });
  lines.push({ at: iso(60), source: 'weibo', kind: 'post', id: 'B', metrics: { reposts: 0 } });
  for (let i = 0; i < 20; i++) {
    lines.push({ at: iso(30), source: 'twitter', kind: 'repost', id: `r${i}`, parentId: 'T', publishedAt: iso(i), author: { followers: 100 + i }, text: '' });
  }
  lines.push({ at: iso(30), source: 'twitter', kind: 'post', id: 'T', text: 'tweet', publishedAt: iso(0), author: { followers: 50_000 }, metrics: { reposts: 20 } });
  return lines.map((l) => JSON.stringify(l));
}

async function run(args: string[]) {
  const stdout = new PassThrough(), stderr = new PassThrough();
  let out = '', err = '';
  stdout.on('data', (d) => (out += d)); stderr.on('data', (d) => (err += d));
  const code = await runCli(args, { stdout, stderr });
  return { code, out, err };
}

describe('flarewatch forecast', () => {
  it('writes one contract-shaped line per root post, and reports bad lines with their numbers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-forecast-'));
    const lines = observations();
    lines.splice(3, 0, '{not json', JSON.stringify({ at: 'yesterday', source: 'weibo', kind: 'post', id: 'X' }));
    writeFileSync(join(dir, 'obs.jsonl'), lines.join('\n') + '\n');
    const r = await run(['forecast', '--in', join(dir, 'obs.jsonl'), '--horizon', '24h', '--out', join(dir, 'f.jsonl')]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^line 4: not valid JSON/m);
    expect(r.err).toMatch(/^line 5: field 'at'/m);
    const out = readFileSync(join(dir, 'f.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(out.map((o) => `${o.source}:${o.id}`)).toEqual(['weibo:A', 'weibo:B', 'twitter:T']);
    for (const o of out) {
      expect(Object.keys(o)).toEqual(['source', 'id', 'predicted']);
      expect(Object.keys(o.predicted)).toEqual(['reposts', 'low', 'high']);
      expect(o.predicted.low).toBeLessThanOrEqual(o.predicted.reposts);
      expect(o.predicted.reposts).toBeLessThanOrEqual(o.predicted.high);
      for (const v of Object.values(o.predicted)) expect(Number.isInteger(v)).toBe(true);
    }
    const [a, b, t] = out;
    expect(a.predicted.low).toBeGreaterThanOrEqual(114); // 114 reposts seen by the last snapshot
    expect(a.predicted.reposts).toBeGreaterThan(114);
    expect(b.predicted.reposts).toBeLessThan(5); // 0 reposts in an hour: a small forecast
    expect(t.predicted.reposts).toBeGreaterThanOrEqual(20);
  });

  it('rejects a bad horizon and a missing file with a clear message', async () => {
    const bad = await run(['forecast', '--in', 'x.jsonl', '--horizon', 'soon', '--out', 'y.jsonl']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("invalid duration 'soon'");
    const missing = await run(['forecast', '--in', join(tmpdir(), 'no-such-file.jsonl'), '--out', join(tmpdir(), 'o.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('cannot read --in');
  });
});

describe('parseDuration', () => {
  it('parses the contract units', () => {
    expect(parseDuration('24h')).toBe(86_400_000);
    expect(parseDuration('90m')).toBe(5_400_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(parseDuration('168h')).toBe(604_800_000);
    expect(() => parseDuration('24')).toThrow(UserError);
    expect(() => parseDuration('0h')).toThrow(UserError);
  });
});

describe('forecastReposts', () => {
  const base = { publishedAt: 0, now: 3_600_000, horizonMs: 86_400_000 };
  it('never predicts less than what was seen, and returns what was seen once the horizon has passed', () => {
    const reposts = Array.from({ length: 30 }, (_, i) => ({ at: i * 60_000 }));
    const f = forecastReposts({ ...base, source: 'weibo', reposts });
    expect(f.low).toBeGreaterThanOrEqual(30);
    expect(f.reposts).toBeGreaterThan(30);
    const past = forecastReposts({ ...base, horizonMs: 10 * 60_000, source: 'weibo', reposts });
    expect(past).toMatchObject({ reposts: 11, low: 11, high: 11 });
  });
  it('uses observedCount and snapshots when reposts were not seen one by one', () => {
    const counted = forecastReposts({ ...base, source: 'weibo', reposts: [], observedCount: 50 });
    expect(counted.low).toBeGreaterThanOrEqual(50);
    const snaps = [{ at: 1_800_000, reposts: 40 }, { at: 3_600_000, reposts: 50 }];
    const fromSnaps = forecastReposts({ ...base, source: 'weibo', reposts: [], snapshots: snaps });
    expect(fromSnaps.low).toBeGreaterThanOrEqual(50);
    // slowing down (40 in the first half hour, 10 in the second) forecasts less than a steady pace
    const steady = forecastReposts({ ...base, source: 'weibo', reposts: [], snapshots: [{ at: 1_800_000, reposts: 10 }, { at: 3_600_000, reposts: 50 }] });
    expect(steady.reposts).toBeGreaterThan(fromSnaps.reposts);
  });
  // its speed (>= 10k calls/s) is measured by `npm run bench` (g), not timed here
  it('gives a finite, ordered forecast for a 100-event cascade every time', () => {
    const reposts = Array.from({ length: 100 }, (_, i) => ({ at: i * 30_000, followers: 100 + i }));
    for (let i = 0; i < 50; i++) {
      const f = forecastReposts({ ...base, source: 'twitter', reposts });
      expect(Number.isFinite(f.reposts) && f.low <= f.reposts && f.reposts <= f.high).toBe(true);
    }
  });
});
