// VolumeSeries: tail probabilities by hand, a slow burn scores high, a steady series with one
// night-time spike does not, a thin history does not raise false alarms.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { countTail, lnGamma } from '../../src/signals/count-tail.js';
import { winsorizedMean } from '../../src/signals/robust-stats.js';
import { VolumeSeries } from '../../src/signals/volume-baseline.js';

const MIN = 60_000, HOUR = 3_600_000;
const T0 = Date.UTC(2026, 2, 2, 0, 0); // a Monday, 00:00 UTC

describe('count tails', () => {
  it('Poisson and negative binomial by hand', () => {
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 10);
    expect(countTail(0, 2)).toBe(1);
    expect(countTail(1, 2)).toBeCloseTo(1 - Math.exp(-2), 12);
    expect(countTail(3, 2)).toBeCloseTo(1 - Math.exp(-2) * (1 + 2 + 2), 12);
    expect(countTail(40, 2)).toBeGreaterThan(0);
    expect(countTail(40, 2)).toBeLessThan(1e-25);
    // NegBin with shape 1 is geometric: P(X >= k) = (mu/(1+mu))^k
    expect(countTail(4, 3, 1)).toBeCloseTo(Math.pow(0.75, 4), 12);
    expect(countTail(4, 3, 1e12)).toBeCloseTo(countTail(4, 3), 8);
  });
  it('winsorized mean caps a burst', () => {
    expect(winsorizedMean([2, 2, 2, 2, 100]).mean).toBeCloseTo((8 + 2 + 3 * Math.sqrt(3)) / 5, 10);
  });
});

/** Rate per hour of a daily pattern: busy days, quiet nights. */
const dayRate = (t: number) => { const h = new Date(t).getUTCHours(); return h >= 8 && h < 22 ? 6 : 0.3; };

/** Deterministic events for a rate function: one event each time the integral crosses an integer. */
function feed(s: VolumeSeries, from: number, to: number, rate: (t: number) => number, scores?: (now: number) => void) {
  let acc = 0.5;
  for (let t = from; t < to; t += MIN) {
    acc += rate(t) / 60;
    while (acc >= 1) { s.add(t + 30_000); acc -= 1; }
    if (scores && (t - from) % (5 * MIN) === 0) scores(t + MIN);
  }
}

const maxSurprise = (s: VolumeSeries, now: number) => Math.max(...s.score(now).map((w) => w.surprise));

describe('VolumeSeries', () => {
  it('a slow burn (small posts rising over hours) scores high surprise', () => {
    const s = new VolumeSeries({ start: T0 });
    feed(s, T0, T0 + 3 * 24 * HOUR + 10 * HOUR, dayRate);
    const onset = T0 + 3 * 24 * HOUR + 10 * HOUR;
    const before = maxSurprise(s, onset);
    // rate climbs from 6/h to 30/h over 4 hours, at most a few posts per 5 minutes: no single burst
    feed(s, onset, onset + 4 * HOUR, (t) => 6 + (24 * (t - onset)) / (4 * HOUR));
    const after = s.score(onset + 4 * HOUR);
    expect(before).toBeLessThan(2);
    const twoH = after.find((w) => w.windowMin === 120)!;
    expect(twoH.observed).toBeGreaterThan(2 * twoH.expected);
    expect(twoH.surprise).toBeGreaterThan(6);
    expect(twoH.z).toBeGreaterThan(3);
  });

  it('a steady series with one spike at night in quiet hours stays calm', () => {
    const s = new VolumeSeries({ start: T0 });
    const spikeAt = T0 + 3 * 24 * HOUR + 3 * HOUR; // 03:00, quiet hours
    let worst = 0;
    feed(s, T0, T0 + 4 * 24 * HOUR, dayRate, (now) => {
      if (now >= T0 + 24 * HOUR) worst = Math.max(worst, maxSurprise(s, now));
    });
    for (let i = 0; i < 15; i++) s.add(spikeAt + i * 1000);
    let atSpike = 0;
    for (let t = spikeAt; t <= spikeAt + 6 * HOUR; t += 5 * MIN) atSpike = Math.max(atSpike, maxSurprise(s, t));
    expect(worst).toBeLessThan(2.5); // the steady days themselves never look anomalous
    expect(atSpike).toBeLessThan(3);
  });

  it('thin history: the first hours of a replay raise no alarm', () => {
    const s = new VolumeSeries({ start: T0 + 10 * HOUR });
    let worst = 0;
    feed(s, T0 + 10 * HOUR, T0 + 20 * HOUR, dayRate, (now) => { worst = Math.max(worst, maxSurprise(s, now)); });
    expect(worst).toBeLessThan(2);
    expect(s.score(T0)[0]).toMatchObject({ windowMin: 30 });
  });

  // its speed (100k events, a score every 100, < 1 s) is measured by `npm run bench` (g), not timed here
  it('keeps scoring sensibly through 100k events', () => {
    const s = new VolumeSeries();
    let last: ReturnType<VolumeSeries['score']> = [];
    for (let i = 0; i < 100_000; i++) {
      s.add(T0 + i * 2000);
      if (i % 100 === 0) last = s.score(T0 + i * 2000);
    }
    expect(last.length).toBeGreaterThan(0);
    for (const x of last) expect(Number.isFinite(x.surprise)).toBe(true);
  });
});

const SHARED = new URL('../../../shared/data/scenarios/03-slow-burn/', import.meta.url).pathname;
const hasShared = existsSync(SHARED);
if (!hasShared) console.warn('skipping: ../shared/data not found');
describe.skipIf(!hasShared)('VolumeSeries on the slow-burn scenario (brand mentions)', () => {
  it('rises well above the pre-onset level after the onset', () => {
    const truth = JSON.parse(readFileSync(SHARED + 'truth.json', 'utf8'));
    const onset = Date.parse(truth.onset);
    const lines = readFileSync(SHARED + 'observations.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const s = new VolumeSeries({ start: Date.parse(lines[0].at), utcOffsetMinutes: 480 });
    const seen = new Set<string>();
    let before = 0, after = 0, tick = 0;
    for (const o of lines) {
      const at = Date.parse(o.at);
      const key = `${o.source}:${o.id}`;
      if (!seen.has(key) && typeof o.text === 'string' && o.text.includes('星河')) { seen.add(key); s.add(Date.parse(o.publishedAt ?? o.at)); }
      if (at - tick >= 5 * MIN) {
        tick = at;
        const m = maxSurprise(s, at);
        if (at < onset) before = Math.max(before, m); else after = Math.max(after, m);
      }
    }
    expect(before).toBeLessThan(3);
    expect(after).toBeGreaterThan(8);
  });
});
