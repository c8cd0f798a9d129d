// Weibo hot search: a watched brand's food-safety term entering the list and climbing is a crisis
// (P1/P2) within minutes; a cheerful product-launch term climbing just as high is not.
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/connection.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { createDefaultDeps } from '../../src/pipeline/deps.js';
import { defaultRiskConfig } from '../../src/config/risk-config.js';
import type { TopicConfig } from '../../src/config/topics-config.js';
import type { AlertRecord } from '../../src/core/alert.js';
import type { Observation } from '../../src/core/observation.js';

const topic: TopicConfig = { id: 'xh', name: '星河乳业', query: '星河乳业 OR 星河奶粉', enabled: true, keywords: [], file: 'x.yaml', line: 1 };

/** Ten-minute hot-list polls for 3 h; the watched term enters at minute 60 at rank 45 and climbs. */
function hotList(term: string, t0: number, complaints: string[]): Observation[] {
  const out: Observation[] = [];
  for (let m = 0; m <= 180; m += 10) {
    const at = new Date(t0 + m * 60_000).toISOString();
    for (let k = 1; k <= 5; k++) out.push({ at, source: 'weibo-hot', kind: 'trend', id: `其他热搜${k}`, title: `其他热搜${k}`, text: `其他热搜${k}`, metrics: { rank: k * 7, heat: 900_000 - k * 50_000 } });
    if (m >= 60) {
      const rank = Math.max(2, 45 - Math.round((m - 60) * 0.6));
      out.push({ at, source: 'weibo-hot', kind: 'trend', id: term, title: term, text: term, metrics: { rank, heat: 300_000 + (m - 60) * 25_000 } });
      if (m >= 70) out.push({ at, source: 'weibo', kind: 'post', id: `c${m}`, text: complaints[(m / 10) % complaints.length], publishedAt: at, author: { id: `u${m}`, followers: 300 }, metrics: { reposts: 2, comments: 1, likes: 3 } });
    }
  }
  return out;
}

async function run(obs: Observation[]): Promise<AlertRecord[]> {
  const db = openDb(':memory:');
  const p = new Pipeline(db, [topic], defaultRiskConfig(), await createDefaultDeps([topic], 'rules'));
  const byAt = new Map<string, Observation[]>();
  for (const o of obs) byAt.set(o.at, [...(byAt.get(o.at) ?? []), o]);
  const alerts: AlertRecord[] = [];
  for (const [at, batch] of byAt) { p.ingest(batch, new Date(at)); alerts.push(...p.evaluate(new Date(at))); }
  return alerts;
}

describe('hot-search trends', () => {
  const t0 = Date.parse('2026-10-10T01:00:00Z');
  it('a food-safety hot search about the brand reaches P1/P2 soon after entering the list', async () => {
    const alerts = await run(hotList('星河乳业奶粉被曝检出致癌物', t0, ['星河乳业奶粉致癌物超标，孩子喝了两年，太可怕了', '星河乳业必须给个说法，致癌物是怎么回事', '再也不买星河乳业了，家里的奶粉全扔了']));
    const high = alerts.find((a) => a.level === 'P1' || a.level === 'P2');
    expect(high, JSON.stringify(alerts.map((a) => [a.at, a.level, a.risk, a.reasons]))).toBeDefined();
    const delayMin = (Date.parse(high!.at) - (t0 + 60 * 60_000)) / 60_000;
    expect(delayMin).toBeLessThanOrEqual(30);
    expect(high!.reasons.join(' ')).toMatch(/Weibo hot search #\d+/);
    expect(high!.reasons.join(' ')).toMatch(/致癌/);
  }, 30_000);

  it('a cheerful hot search climbing as high stays below P2', async () => {
    const alerts = await run(hotList('星河乳业新品发布会惊艳全场', t0, ['星河乳业的新品真好喝，推荐', '星河乳业发布会太精彩了', '支持星河乳业，国货之光']));
    expect(alerts.filter((a) => a.level === 'P1' || a.level === 'P2')).toEqual([]);
    expect(alerts.some((a) => a.reasons.some((r) => r.includes('Weibo hot search')))).toBe(true);
  }, 30_000);
});
