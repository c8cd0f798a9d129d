import { describe, expect, it } from 'vitest';
import { scoreIncident, type IncidentFeatures } from '../../src/pipeline/risk-model.js';
import { defaultRiskConfig } from '../../src/config/risk-config.js';

const base: IncidentFeatures = {
  posts: 1, negativePosts: 1, negativeShare: 1, negativeIntensity: 0.8,
  severity: { score: 0, terms: [] }, maxFollowers: 300, repostsPerHour: 0, commentsPerHour: 0, totalReposts: 0,
  forecast: null, surprise: 0, sources: ['weibo'], coordinatedShare: 0,
};
const cfg = defaultRiskConfig();

describe('scoreIncident', () => {
  it('a lone mild complaint stays below P4', () => {
    expect(scoreIncident(base, cfg).candidate).toBeNull();
  });
  it('a severe allegation with no reach is alerted, but not at P1/P2', () => {
    const r = scoreIncident({ ...base, severity: { score: 0.9, terms: [{ term: '住院', category: 'safety' }] } }, cfg);
    expect(r.candidate === 'P3' || r.candidate === 'P4').toBe(true);
    expect(r.reasons.join(' ')).toContain('住院');
  });
  it('a fast-spreading severe complaint reaches P1 and explains why', () => {
    const r = scoreIncident({ ...base, posts: 40, severity: { score: 0.9, terms: [{ term: '住院', category: 'safety' }] }, repostsPerHour: 1200,
      commentsPerHour: 500, forecast: { reposts: 12000, low: 8000, high: 20000 }, sources: ['tieba', 'weibo'] }, cfg);
    expect(r.candidate).toBe('P1');
    expect(r.urgent).toBe(true);
    const text = r.reasons.join('; ');
    expect(text).toMatch(/reposts \+1\.2k\/h/);
    expect(text).toMatch(/forecast 12k \(8k–20k\)/);
    expect(text).toMatch(/2 sources/);
  });
  it('viral praise is gated by its negative share', () => {
    const r = scoreIncident({ ...base, posts: 40, negativePosts: 2, negativeShare: 0.05, repostsPerHour: 3000, forecast: { reposts: 30000, low: 20000, high: 50000 } }, cfg);
    expect(r.risk).toBeLessThan(cfg.levels.P3);
  });
  it('coordinated copies are damped', () => {
    const f = { ...base, posts: 40, repostsPerHour: 800, forecast: { reposts: 5000, low: 3000, high: 9000 } };
    expect(scoreIncident({ ...f, coordinatedShare: 0.9 }, cfg).risk).toBeLessThan(scoreIncident(f, cfg).risk);
  });
});

describe('spread evidence', () => {
  it('a severe single post with little spread tops out at P3', () => {
    const r = scoreIncident({ ...base, severity: { score: 1, terms: [{ term: '死亡', category: 'safety' }] }, repostsPerHour: 5, forecast: { reposts: 80, low: 70, high: 90 } }, cfg);
    expect(r.risk).toBeGreaterThan(0);
    expect(['P3', 'P4']).toContain(r.candidate);
  });
});

describe('hot search and reach-normalized virality', () => {
  it('a watched term entering the hot list is at least a notice, and climbs with negativity', () => {
    const neutral = scoreIncident({ ...base, negativePosts: 0, negativeShare: 0, negativeIntensity: 0, trend: { term: '星河乳业回应', rank: 35, heat: 400_000, rankGain: 16, heatPerHour: 0, entered: true } }, cfg);
    expect(neutral.candidate).toBe('P4');
    expect(neutral.reasons.join(' ')).toMatch(/Weibo hot search #35 \(new\), heat 400k/);
    const angry = scoreIncident({ ...base, posts: 30, trend: { term: '星河乳业奶粉异物', rank: 3, heat: 2_400_000, rankGain: 30, heatPerHour: 900_000, entered: false }, repostsPerHour: 200 }, cfg);
    expect(angry.components.trend).toBeGreaterThan(neutral.components.trend);
    expect(angry.reasons.join(' ')).toMatch(/#3 \(up 30\)/);
  });
  it('engagement far above what the author reach predicts adds risk with a reason', () => {
    const f = { ...base, posts: 5, repostsPerHour: 300 };
    const plain = scoreIncident(f, cfg);
    const viral = scoreIncident({ ...f, virality: { score: 0.9, ratio: 80 } }, cfg);
    expect(viral.risk).toBeGreaterThan(plain.risk);
    expect(viral.reasons.join(' ')).toMatch(/engagement 80× what the author's reach predicts/);
  });
});
