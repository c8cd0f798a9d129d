// The forecast a person reads stays believable: a steep start is not extrapolated over a day, a
// post minutes old is marked too early, and a cascade that keeps going is not cut short.
import { describe, expect, it } from 'vitest';
import { boundForecast } from '../../src/pipeline/forecast-bounds.js';

/** reposts at t seconds of a cascade that saturates at `final` with time constant tau (the demo's shape) */
const saturating = (final: number, tau: number) => (t: number) => Math.round(final * (1 - Math.exp(-t / tau)));

describe('shown forecast bounds', () => {
  it('a demo-like cascade ending at 5,200 is forecast within 3x of that at every poll, and marked early', () => {
    const f = saturating(5200, 80);
    const history: [number, number, number][] = [];
    for (let t = 12; t <= 300; t += 12) {
      history.push([t * 1000, f(t), 0]);
      // what an unbounded self-exciting model said for such a start: hundreds of thousands
      const b = boundForecast({ reposts: 734_499, low: 467_708, high: 1_154_566 }, history, 0, t * 1000);
      expect(b.reposts, `t=${t}s`).toBeLessThanOrEqual(3 * 5200);
      expect(b.high).toBeGreaterThanOrEqual(b.reposts);
      expect(b.low).toBeLessThanOrEqual(b.reposts);
      expect(b.reposts).toBeGreaterThanOrEqual(f(t));
      expect(b.early?.reposts).toBe(f(t));
    }
  });

  it('a post seen once is too early even when old', () => {
    const b = boundForecast({ reposts: 900, low: 500, high: 2000 }, [[3 * 3_600_000, 300, 10]], 0, 3 * 3_600_000);
    expect(b.early).toEqual({ reposts: 300, minutes: 180 });
  });

  it('a cascade still growing an hour in keeps a model forecast that stays within rate x age', () => {
    // power-law-like: 1,000 reposts at 1 h, still +400 in the last 15 min
    const history: [number, number, number][] = [[15 * 60_000, 300, 0], [30 * 60_000, 520, 0], [45 * 60_000, 600, 0], [60 * 60_000, 1000, 0]];
    const b = boundForecast({ reposts: 2400, low: 1700, high: 3600 }, history, 0, 60 * 60_000);
    expect(b.early).toBeUndefined();
    expect(b.reposts).toBe(2400); // within the bound: unchanged
    const wild = boundForecast({ reposts: 90_000, low: 50_000, high: 200_000 }, history, 0, 60 * 60_000);
    expect(wild.reposts).toBeLessThan(90_000);
    expect(wild.reposts).toBeGreaterThan(1000);
  });
});
