// The desk's false-alarm verdict feeds back into scoring: the incident stops alerting and a new
// story copying its posts is damped, with the reason shown.
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/connection.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { createDefaultDeps } from '../../src/pipeline/deps.js';
import { defaultRiskConfig } from '../../src/config/risk-config.js';
import type { TopicConfig } from '../../src/config/topics-config.js';
import type { AlertRecord } from '../../src/core/alert.js';
import type { Observation } from '../../src/core/observation.js';

const topic: TopicConfig = { id: 'b', name: '北辰银行', query: '北辰银行', enabled: true, keywords: [], file: 'x.yaml', line: 1 };
const text = '北辰银行的信用卡被盗刷了五万，客服推诿说不归他们管，已经报警，求扩散！';

function story(prefix: string, t0: number): Observation[] {
  const out: Observation[] = [];
  for (let m = 0; m <= 60; m += 5) {
    const reposts = Math.round(2000 * (1 - Math.exp(-m / 30)));
    out.push({ at: new Date(t0 + m * 60_000).toISOString(), source: 'weibo', kind: 'post', id: `${prefix}-seed`, text, publishedAt: new Date(t0 - 60_000).toISOString(), author: { id: `${prefix}a`, followers: 900 }, metrics: { reposts, comments: reposts / 4, likes: reposts } });
  }
  return out;
}

async function run(p: Pipeline, obs: Observation[]): Promise<AlertRecord[]> {
  const alerts: AlertRecord[] = [];
  for (const o of obs) { p.ingest([o], new Date(o.at)); alerts.push(...p.evaluate(new Date(o.at))); }
  return alerts;
}

describe('false-alarm feedback', () => {
  it('silences the incident and damps a copy of it', async () => {
    const db = openDb(':memory:');
    const p = new Pipeline(db, [topic], defaultRiskConfig(), await createDefaultDeps([topic], 'rules'));
    const t0 = Date.parse('2026-07-01T02:00:00Z');
    const first = await run(p, story('one', t0));
    const high = first.find((a) => a.level === 'P1' || a.level === 'P2');
    expect(high).toBeDefined();
    db.prepare("UPDATE incidents SET status = 'false_alarm' WHERE id = ?").run(high!.incident);
    const later = await run(p, story('one', t0 + 61 * 60_000).map((o) => ({ ...o, metrics: { reposts: 3000, comments: 800, likes: 3000 } })));
    expect(later.filter((a) => a.incident === high!.incident)).toEqual([]);
    const copy = await run(p, story('two', t0 + 3 * 3_600_000));
    const copyAlerts = copy.filter((a) => a.incident !== high!.incident);
    expect(copyAlerts.length).toBeGreaterThan(0);
    expect(copyAlerts.some((a) => a.reasons.some((r) => r.includes(`resembles ${high!.incident}`)))).toBe(true);
    expect(Math.max(...copyAlerts.map((a) => a.risk))).toBeLessThan(Math.max(...first.map((a) => a.risk)));
  }, 30_000);
});
