// The SEISMIC estimator pieces against brute-force numerics: the triangular-window exposure, the
// one-pow-per-node exposure inside seismicFeatures, the learned alpha and the time-of-day feature.
import { describe, expect, it } from 'vitest';
import { kernelCdf, kernelDensity, triangularExposure } from '../../src/forecast/kernel.js';
import { seismicFeatures, predictFromFeatures, type SeismicParams } from '../../src/forecast/seismic.js';
import { utcDayFraction } from '../../src/forecast/index.js';

const k = { s0: 300, theta: 0.242 };
const params: SeismicParams = {
  kernel: k, followerExponent: 1, minWindow: 300, maxWindow: 7200, gamma: 0, maxBranching: 0.95, rootWeight: 1,
  priorEvents: 0, priorInfectiousness: 1, alphaCoef: [0, 0, 0, 0, 0, 0], sigma: 0,
};

function numericTri(ti: number, t: number, w: number): number {
  let sum = 0;
  const n = 40_000, h = w / n;
  for (let i = 0; i < n; i++) { const s = t - w + (i + 0.5) * h; sum += (1 - (t - s) / w) * kernelDensity(s - ti, k) * h; }
  return sum;
}

describe('SEISMIC estimator', () => {
  it('triangular exposure matches numerical integration (inside and beyond the window)', () => {
    for (const [ti, t, w] of [[0, 3600, 1800], [3000, 3600, 1800], [3500, 3600, 300], [100, 20_000, 7200]]) {
      expect(triangularExposure(ti, t, w, k)).toBeCloseTo(numericTri(ti, t, w), 4);
    }
  });
  it('p is the kernel-weighted count over the triangular exposure, root included, and F = p N^e', () => {
    const events = [{ t: 100, w: 2, m: 1 }, { t: 1500, w: 0.5, m: 1 }, { t: 3000, w: 1, m: 3 }];
    const now = 3600, T = 86_400, w = 1800, root = 10;
    const f = seismicFeatures(events, root, now, T, 0, 0, params);
    const count = events.filter((e) => e.t > now - w).reduce((a, e) => a + e.m * (1 - (now - e.t) / w), 0);
    const expo = events.reduce((a, e) => a + e.m * e.w * triangularExposure(e.t, now, w, k), 0) + root * triangularExposure(0, now, w, k);
    expect(f.infectiousness).toBeCloseTo(count / expo, 10);
    const ne = events.reduce((a, e) => a + e.m * e.w * (kernelCdf(T - e.t, k) - kernelCdf(now - e.t, k)), 0) + root * (kernelCdf(T, k) - kernelCdf(now, k));
    expect(f.future).toBeCloseTo(f.infectiousness * ne, 8);
    expect(f.observed).toBe(5);
  });
  it('alpha = exp(c . x) scales only the future reposts', () => {
    const f = seismicFeatures([{ t: 60, w: 1, m: 1 }, { t: 600, w: 1, m: 1 }], 5, 3600, 86_400, 2, 0.25, params);
    const plain = predictFromFeatures(f, false, params);
    const scaled = predictFromFeatures(f, false, { ...params, alphaCoef: [Math.log(2), 0, 0, 0, 0, 0] });
    expect(scaled.alpha).toBeCloseTo(2, 10);
    expect(scaled.reposts - 2).toBeCloseTo(2 * (plain.reposts - 2), 8);
    expect(f.x[4]).toBeCloseTo(1, 10); // sin(2 pi 0.25)
  });
  it('time of day is taken in UTC', () => {
    expect(utcDayFraction(Date.parse('2011-10-07T12:00:00Z'))).toBeCloseTo(0.5, 12);
    expect(utcDayFraction(Date.parse('2016-06-01T08:00:00+08:00'))).toBeCloseTo(0, 12);
  });
});
