// Virality signals against hand-computed cases.
import { describe, expect, it } from 'vitest';
import {
  acceleration, engagementConstants, expectedEngagementPerHour, influentialSpread, metricAt,
  reachNormalizedVelocity, velocity, viralitySignals,
} from '../../src/signals/virality.js';

const MIN = 60_000;
const snaps = [
  { at: 0, reposts: 0, comments: 0, likes: 0 },
  { at: 30 * MIN, reposts: 10, comments: 4, likes: 20 },
  { at: 60 * MIN, reposts: 40, comments: 10, likes: 50 },
  { at: 90 * MIN, reposts: 100, comments: 16, likes: 80 },
];

describe('metric interpolation, velocity, acceleration', () => {
  it('interpolates linearly and holds after the last snapshot', () => {
    expect(metricAt(snaps, 'reposts', 45 * MIN)).toBe(25);
    expect(metricAt(snaps, 'reposts', 200 * MIN)).toBe(100);
    // before the first snapshot: from 0 at publishedAt
    expect(metricAt([{ at: 20 * MIN, reposts: 10 }], 'reposts', 10 * MIN, 0)).toBe(5);
    expect(metricAt([{ at: 20 * MIN, reposts: 10 }], 'reposts', 10 * MIN)).toBe(10);
  });
  it('velocity per hour over the window', () => {
    // last hour: reposts 10 -> 100 = 90/h, comments 4 -> 16 = 12/h, likes 20 -> 80 = 60/h
    expect(velocity(snaps, 90 * MIN, 60 * MIN)).toEqual({ reposts: 90, comments: 12, likes: 60 });
    // last 30 min: reposts 40 -> 100 = 120/h
    expect(velocity(snaps, 90 * MIN, 30 * MIN).reposts).toBe(120);
    // snapshots after now are not seen
    expect(velocity(snaps, 60 * MIN, 60 * MIN).reposts).toBe(40);
  });
  it('acceleration: change of hourly velocity between consecutive windows, per hour', () => {
    // 30-min windows ending at 90: last 40->100 = 120/h, previous 10->40 = 60/h; (120-60)/0.5 h = 120/h^2
    expect(acceleration(snaps, 90 * MIN, 30 * MIN).reposts).toBe(120);
    expect(acceleration(snaps, 90 * MIN, 30 * MIN).comments).toBe(0); // 12/h then 12/h
  });
});

describe('reach-normalized engagement', () => {
  const c = engagementConstants('weibo');
  it('expected engagement grows sublinearly with followers', () => {
    expect(expectedEngagementPerHour({ followers: 0 }, c)).toBeCloseTo(2 + 0.02, 10);
    expect(expectedEngagementPerHour({ followers: 999_999 }, c)).toBeCloseTo(2 + 0.02 * Math.pow(1e6, 0.6), 6);
    expect(expectedEngagementPerHour({ followers: 999_999, verified: true }, c)).toBeCloseTo(1.5 * (2 + 0.02 * Math.pow(1e6, 0.6)), 6);
  });
  it('50 reposts/h is anomalous from a 100-follower account, not from a 10M one', () => {
    const small = reachNormalizedVelocity(50, expectedEngagementPerHour({ followers: 100 }, c));
    const big = reachNormalizedVelocity(50, expectedEngagementPerHour({ followers: 10_000_000 }, c));
    expect(small).toBeCloseTo(Math.log10(51 / (1 + 2 + 0.02 * Math.pow(101, 0.6))), 10);
    expect(small).toBeGreaterThan(1);
    expect(big).toBeLessThan(0);
  });
  it('viralitySignals puts it together', () => {
    const s = viralitySignals({ snapshots: snaps, author: { followers: 100 }, platform: 'weibo', now: 90 * MIN, windowMs: 60 * MIN });
    expect(s.engagementPerHour).toBeCloseTo(90 + 0.5 * 12 + 0.1 * 60, 10);
    expect(s.reachScore).toBeGreaterThan(0.5);
    expect(s.reachScore).toBeLessThanOrEqual(1);
  });
});

describe('influentialSpread', () => {
  it('sums the reach added and the influential part relative to the author', () => {
    const c = engagementConstants('weibo');
    const r = influentialSpread([{ followers: 50 }, { followers: 20_000 }, { followers: 1_000_000 }, { followers: null }], 999, c);
    expect(r).toEqual({ reachAdded: 1_020_050, influentialCount: 2, influentialReach: 1_020_000, amplification: Math.log10(1 + 1_020_000 / 1000) });
    // a 5M author: only reposters with more followers than the author count as influential
    expect(influentialSpread([{ followers: 1_000_000 }], 5_000_000, c).influentialCount).toBe(0);
  });
});
