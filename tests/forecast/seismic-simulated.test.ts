// SEISMIC on simulated self-exciting cascades with a known kernel and infectiousness: with the
// true constants the forecast must be accurate and its 80% interval must cover about 80%.
import { describe, expect, it } from 'vitest';
import { forecastWithParams, type SeismicParams } from '../../src/forecast/index.js';
import { kernelCdf, kernelDensity, kernelQuantile } from '../../src/forecast/kernel.js';
import { simulateCascade } from './simulate-hawkes.js';

const kernel = { s0: 300, theta: 0.8 };
const HORIZON = 48 * 3600;
const OBS = 3600;

function run(p: number, rootWeight: number, withFollowers: boolean) {
  const params: SeismicParams = {
    kernel, followerExponent: 1, minWindow: 300, maxWindow: 7200, gamma: 1, maxBranching: 0.95, rootWeight,
    priorEvents: 0.5, priorInfectiousness: p, alphaCoef: [0, 0, 0, 0, 0, 0], sigma: 0,
  };
  const ape: number[] = [];
  let inside = 0;
  for (let seed = 1; seed <= 100; seed++) {
    const reach = withFollowers ? (u: () => number) => Math.exp(1.2 * Math.sqrt(-2 * Math.log(u() || 1e-12)) * Math.cos(2 * Math.PI * u()) - 0.72) : undefined;
    const ev = simulateCascade({ kernel, p, rootWeight, horizon: HORIZON, seed, reach, followerUnit: withFollowers ? 500 : undefined });
    const seen = ev.filter((e) => e.t <= OBS).map((e) => ({ at: e.t * 1000, followers: e.followers }));
    const f = forecastWithParams({
      publishedAt: 0, now: OBS * 1000, horizonMs: HORIZON * 1000, source: 'sim', reposts: seen,
      rootFollowers: withFollowers ? rootWeight * 500 : null,
    }, params);
    const final = ev.length;
    ape.push(Math.abs(f.reposts - final) / Math.max(final, 1));
    if (f.low <= final && final <= f.high) inside++;
  }
  ape.sort((a, b) => a - b);
  return { medianApe: (ape[49] + ape[50]) / 2, coverage: inside / 100 };
}

describe('kernel', () => {
  it('integrates to one and its quantile inverts the CDF', () => {
    expect(kernelCdf(1e12, kernel)).toBeCloseTo(1, 3);
    expect(kernelCdf(300, kernel)).toBeCloseTo(0.8 / 1.8, 10); // c*s0 = theta/(1+theta)
    expect(kernelDensity(600, kernel)).toBeCloseTo((0.8 / (300 * 1.8)) * Math.pow(2, -1.8), 12);
    for (const u of [0.1, 0.44, 0.7, 0.95]) expect(kernelCdf(kernelQuantile(u, kernel), kernel)).toBeCloseTo(u, 9);
  });
});

describe('forecast on simulated Hawkes cascades (true constants)', () => {
  // Bounds established by running these simulations: median APE 0.06-0.11, coverage 0.78-0.86.
  it('count mode: median APE < 0.15 and coverage near 0.8', () => {
    const r = run(0.5, 40, false);
    expect(r.medianApe).toBeLessThan(0.15);
    expect(r.coverage).toBeGreaterThan(0.7);
    expect(r.coverage).toBeLessThan(0.92);
  });
  it('subcritical and root-driven: median APE < 0.12', () => {
    const r = run(0.3, 100, false);
    expect(r.medianApe).toBeLessThan(0.12);
    expect(r.coverage).toBeGreaterThan(0.7);
  });
  it('follower mode with heavy-tailed reach: median APE < 0.18', () => {
    const r = run(0.5, 40, true);
    expect(r.medianApe).toBeLessThan(0.18);
    expect(r.coverage).toBeGreaterThan(0.6);
  });
});
