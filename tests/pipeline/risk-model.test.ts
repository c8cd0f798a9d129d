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
