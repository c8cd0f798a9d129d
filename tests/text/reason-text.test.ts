// Every reason template the risk model writes renders in Chinese without English words left over.
import { describe, expect, it } from 'vitest';
import { localizeReason, localizeReasons } from '../../src/i18n/reason-text.js';
import { scoreIncident, type IncidentFeatures } from '../../src/pipeline/risk-model.js';
import { defaultRiskConfig } from '../../src/config/risk-config.js';

const base: IncidentFeatures = {
  posts: 12, negativePosts: 10, negativeShare: 0.83, negativeIntensity: 0.7,
  severity: { score: 0.9, terms: [{ term: '住院', category: 'safety' }, { term: '检出铅超标', category: 'contaminant' }, { term: '投诉无门', category: 'service' }] },
  maxFollowers: 2_300_000, repostsPerHour: 900, observedRepostsPerHour: 860, newPostsPerHour: 40, commentsPerHour: 200, totalReposts: 4000,
  forecast: { reposts: 12000, low: 8000, high: 20000 }, surprise: 6, surpriseDetail: { observed: 9, expected: 1.2, windowMin: 120 },
  sources: ['tieba', 'weibo', 'weibo-hot'], coordinatedShare: 0.4,
  trend: { term: 'x', rank: 3, heat: 1_200_000, rankGain: 12, heatPerHour: 300_000, entered: false, source: 'weibo-hot' },
  virality: { score: 0.8, ratio: 40 },
  headline: { topics: 2, dangerousTopics: 2, positiveTopics: 0, maxDanger: 0.9, health: true, official: true },
};

describe('alert reasons in Chinese', () => {
  it('every reason of a busy incident is rendered without English words', () => {
    const r = scoreIncident(base, defaultRiskConfig(), 'in 24 h');
    expect(r.reasons.length).toBeGreaterThan(8);
    for (const zh of localizeReasons(r.reasons, 'zh-CN')) {
      expect(zh, zh).not.toMatch(/\b(negative|reposts?|forecast|severity|posts|sources|engagement|damped|hot|trouble|followers|expected|new)\b/);
    }
  });

  it('early forecasts, new topics, other hot lists and good news', () => {
    const early = scoreIncident({ ...base, forecast: { reposts: 10, low: 10, high: 12, early: { reposts: 3400, minutes: 2 } } }, defaultRiskConfig(), 'in 24 h');
    expect(localizeReasons(early.reasons, 'zh-CN').join(' ')).toContain('刚刚发布，暂不预测：2 分钟内转发 3.4k');
    expect(localizeReason('Baidu hot list #20 (new), heat 500k', 'zh-CN')).toBe('百度热搜第 20 位，新上榜，热度 500k');
    expect(localizeReason('Weibo hot search #3 (up 12), heat 1.2k +300k/h', 'zh-CN')).toBe('微博热搜第 3 位，上升 12 位，热度 1.2k（+300k/小时）');
    expect(localizeReason('the topic reads as good news: not a crisis', 'zh-CN')).toBe('话题为正面消息，不是危机');
    expect(localizeReason('severity: 住院 (safety/health), 检出铅超标 (contaminant)', 'zh-CN')).toBe('严重性：住院（安全/健康），检出铅超标（有害物质）');
    expect(localizeReason('9 negative posts in 2 h vs 1.2 expected', 'zh-CN')).toBe('2 小时内负面帖 9 条，常态约 1.2 条');
  });

  it('English stays as written, and an unknown reason passes through', () => {
    expect(localizeReason('reposts +340/h', 'en')).toBe('reposts +340/h');
    expect(localizeReason('something new', 'zh-CN')).toBe('something new');
  });
});

describe('a hot list without heat', () => {
  it('says nothing about heat rather than "heat 0"', async () => {
    const { scoreIncident } = await import('../../src/pipeline/risk-model.js');
    const { defaultRiskConfig } = await import('../../src/config/risk-config.js');
    const r = scoreIncident({ ...base, trend: { term: 'x', rank: 7, heat: 0, rankGain: 0, heatPerHour: 0, entered: true, source: 'bilibili-hot' } }, defaultRiskConfig());
    const line = r.reasons.find((x) => x.startsWith('Bilibili hot list'))!;
    expect(line).toBe('Bilibili hot list #7 (new)');
    expect(localizeReason(line, 'zh-CN')).toBe('B站热门第 7 位，新上榜');
  });
});

describe('reports give reasons in the report language', () => {
  it('a zh-CN report shows Chinese reasons, an en report the English ones', async () => {
    const { openDb } = await import('../../src/db/connection.js');
    const { createFixtureDb, FIXTURE_FROM, FIXTURE_TO } = await import('../report/fixture-db.js');
    const { buildReport } = await import('../../src/report/build-report.js');
    const { renderHtml } = await import('../../src/report/render-html.js');
    const path = createFixtureDb();
    const db = openDb(path);
    db.prepare("UPDATE incidents SET reasons = ? WHERE id = (SELECT id FROM incidents ORDER BY peak_risk DESC LIMIT 1)")
      .run(JSON.stringify(['reposts +340/h', 'severity: 住院 (safety/health)']));
    db.prepare('UPDATE alerts SET reasons = ?').run(JSON.stringify(['reposts +340/h', '3 sources (tieba, weibo, weibo-hot)']));
    const opts = { from: new Date(`${FIXTURE_FROM}T00:00:00+08:00`), to: new Date(`${FIXTURE_TO}T23:59:59+08:00`), now: new Date(`${FIXTURE_TO}T23:59:59+08:00`) };
    const zh = renderHtml(buildReport(db, { ...opts, lang: 'zh-CN' }));
    expect(zh).toContain('转发 +340/小时');
    expect(zh).not.toContain('reposts +340/h');
    const en = renderHtml(buildReport(db, { ...opts, lang: 'en' }));
    expect(en).toContain('reposts +340/h');
    db.close();
  });
});
