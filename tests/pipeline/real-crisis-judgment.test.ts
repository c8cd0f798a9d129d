// Real-crisis judgment on texts of our own (none of the evaluation stories): headline danger from
// term families and patterns (Simplified, Traditional, English, negation, good news, debunked
// rumours); the hot-list rule (trouble is P2 in the first snapshot that shows it, P1 with a health
// hazard, an official action or several topics; good news never P1/P2); one story -> one
// incident with a headline for a title; questions are not complaints.
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/connection.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { createDefaultDeps } from '../../src/pipeline/deps.js';
import { defaultRiskConfig } from '../../src/config/risk-config.js';
import { createTextAnalyzer } from '../../src/text/analyze.js';
import { loadDangerScorer } from '../../src/text/danger-rules.js';
import { validateDangerText } from '../../src/text/danger-schema.js';
import { ConfigError } from '../../src/core/errors.js';
import type { TopicConfig } from '../../src/config/topics-config.js';
import type { AlertRecord } from '../../src/core/alert.js';
import type { Observation } from '../../src/core/observation.js';

const danger = loadDangerScorer(undefined, validateDangerText, null);

describe('headline danger', () => {
  it.each([
    ['青禾酸奶抽检检出大肠菌群超标', true],
    ['某连锁火锅被曝后厨老鼠乱窜', true],
    ['星野汽车因刹车失灵召回两万辆', false],
    ['云栖酒店被指拒绝外地游客入住', false],
    ['南川物业公司被立案调查', false],
    ['某快递员工罚款被迫自掏腰包', false],
    ['某奶粉檢出鉛超標 官方通報', true],
    ['Acme recalls 40,000 strollers after infant injuries', true],
  ])('%s reads as trouble', (text, health) => {
    const d = danger.score(text);
    expect(d.score).toBeGreaterThanOrEqual(0.5);
    if (health) expect(d.health).toBe(true);
  });

  it.each([
    '青禾酸奶官宣新代言人',
    '星野汽车新款SUV开售首日销量破纪录',
    '网传青禾乳业倒闭系谣言',
    '青禾乳业抽检未检出农药残留',
    '云栖酒店周年庆典开业',
    'Acme unveils its new stroller line',
  ])('%s does not', (text) => {
    expect(danger.score(text).score).toBeLessThan(0.5);
  });

  it('a company answering is weak alone and confirms other signals', () => {
    expect(danger.score('青禾乳业最新回应').score).toBeLessThan(0.4);
    expect(danger.score('青禾乳业回应产品发霉').score).toBeGreaterThan(danger.score('青禾乳业产品发霉').score);
  });

  it('a mistake in danger.yaml names the file, the line and the fix', () => {
    const bad = 'version: 1\nfamilies:\n  x:\n    kind: hazard\n    weigth: 0.5\n    terms: [a]\n';
    expect(() => validateDangerText('rules/danger.yaml', bad)).toThrowError(ConfigError);
    expect(() => validateDangerText('rules/danger.yaml', bad)).toThrowError(/danger\.yaml line 5.*weigth.*weight/s);
    const badPattern = 'families:\n  x: {kind: hazard, terms: [a]}\npatterns:\n  - {family: y, weight: 0.5, re: "a"}\n';
    expect(() => validateDangerText('rules/danger.yaml', badPattern)).toThrowError(/unknown family 'y'/);
  });
});

describe('texts as a new user tries them', () => {
  const a = createTextAnalyzer({ segment: false });
  it('"…牛奶喝出异物，孩子住院了" is negative and severe', () => {
    const r = a.analyze({ text: '昨天买的青禾牛奶喝出异物，孩子住院了' });
    expect(r.sentiment.label).toBe('negative');
    expect(r.sentiment.score).toBeLessThan(0);
    expect(r.severity.score).toBeGreaterThanOrEqual(0.8);
  });
  it('a question asking for recommendations is not a complaint', () => {
    for (const text of ['有人喝过青禾乳业的新品吗？求推荐', '青禾的酸奶好喝吗？想买来试试', '有人用过星野汽车的新车吗，值得买吗']) {
      const r = a.analyze({ text });
      expect(r.sentiment.label, text).not.toBe('negative');
      expect(r.sentiment.score, text).toBeGreaterThan(-0.2);
    }
  });
  it('a question that reports harm stays a complaint', () => {
    expect(a.analyze({ text: '有人喝过青禾牛奶吗？我家孩子喝完上吐下泻住院了' }).sentiment.label).toBe('negative');
  });
});

const topic: TopicConfig = { id: 'qh', name: '青禾乳业', query: '青禾乳业 OR 青禾', enabled: true, keywords: [], file: 'x.yaml', line: 1 };

/** Hot-list snapshots every 60 min: background topics plus the given topics from the given snapshot on. */
function hotList(snapshots: number, t0: number, topics: { title: string; from: number; rank: number }[]): Observation[] {
  const out: Observation[] = [];
  const background = ['明日大范围降温', '高考志愿填报指南', '某电视剧大结局', '国足热身赛首发名单', '秋天第一杯奶茶', '城市夜景灯光秀'];
  for (let k = 0; k < snapshots; k++) {
    const at = new Date(t0 + k * 3_600_000).toISOString();
    background.forEach((b, i) => out.push({ at, source: 'weibo-hot', kind: 'trend', id: b, title: b, text: b, rank: i * 5 + 1, metrics: { heat: 900_000 - i * 60_000 } }));
    for (const t of topics) if (k >= t.from) out.push({ at, source: 'weibo-hot', kind: 'trend', id: t.title, title: t.title, text: t.title, rank: t.rank, metrics: { heat: 400_000 + k * 10_000 } });
  }
  return out;
}

async function run(obs: Observation[]): Promise<{ alerts: AlertRecord[]; p: Pipeline; db: ReturnType<typeof openDb> }> {
  const db = openDb(':memory:');
  const p = new Pipeline(db, [topic], defaultRiskConfig(), await createDefaultDeps([topic], 'rules'));
  const byAt = new Map<string, Observation[]>();
  for (const o of obs) byAt.set(o.at, [...(byAt.get(o.at) ?? []), o]);
  const alerts: AlertRecord[] = [];
  for (const [at, batch] of byAt) { p.ingest(batch, new Date(at)); alerts.push(...p.evaluate(new Date(at))); }
  return { alerts, p, db };
}

const high = (a: AlertRecord) => (a.level === 'P1' || a.level === 'P2') && a.state === 'firing';

describe('hot lists are reach', () => {
  const t0 = Date.parse('2026-10-10T01:00:00Z');

  it('trouble about the watched name is P2 or higher in the first snapshot that shows it', async () => {
    const { alerts } = await run(hotList(4, t0, [{ title: '青禾乳业门店员工被曝克扣工资', from: 1, rank: 38 }]));
    const first = alerts.filter(high)[0];
    expect(first).toBeDefined();
    expect(Date.parse(first.at)).toBe(t0 + 3_600_000);
    expect(first.title).toBe('青禾乳业门店员工被曝克扣工资');
  });

  it('a health hazard or an official action makes it P1 at once', async () => {
    const health = (await run(hotList(3, t0, [{ title: '青禾乳业一批次酸奶检出霉菌超标', from: 1, rank: 40 }]))).alerts.filter(high)[0];
    expect(health?.level).toBe('P1');
    const official = (await run(hotList(3, t0, [{ title: '青禾乳业因虚假宣传被罚款', from: 1, rank: 40 }]))).alerts.filter(high)[0];
    expect(official?.level).toBe('P1');
  });

  it('several troubled topics of one story make one P1 incident', async () => {
    const { alerts, db } = await run(hotList(5, t0, [
      { title: '青禾乳业牧场被曝虐待奶牛', from: 1, rank: 30 },
      { title: '青禾乳业回应牧场虐待奶牛', from: 2, rank: 12 },
      { title: '青禾牧场奶牛视频引争议', from: 3, rank: 25 },
    ]));
    expect(alerts.filter(high).some((a) => a.level === 'P1')).toBe(true);
    const incidents = db.prepare("SELECT count(*) AS n FROM incidents WHERE kind = 'story'").get() as { n: number };
    expect(incidents.n).toBe(1);
  });

  it('good news climbing as high is never P1/P2, and its topics form one story', async () => {
    const { alerts, db } = await run(hotList(6, t0, [
      { title: '青禾乳业官宣品牌代言人', from: 1, rank: 3 },
      { title: '青禾乳业新品首销售罄', from: 2, rank: 2 },
      { title: '网传青禾乳业破产系谣言', from: 3, rank: 5 },
    ]));
    expect(alerts.filter(high)).toEqual([]);
    expect(alerts.length).toBeGreaterThan(0); // still noticed (P4): the name is on the list
    const n = (db.prepare("SELECT count(*) AS n FROM incidents WHERE kind = 'story'").get() as { n: number }).n;
    expect(n).toBeLessThanOrEqual(2);
  });

  it('a neutral mention on the list is watched, not escalated', async () => {
    const { alerts } = await run(hotList(4, t0, [{ title: '青禾乳业董事长谈乡村振兴', from: 1, rank: 4 }]));
    expect(alerts.filter(high)).toEqual([]);
  });
});

describe('every hot list, not only Weibo', () => {
  it('trouble on a Baidu or Douyin hot list is judged the same and named by its list', async () => {
    const t0 = Date.parse('2026-10-12T01:00:00Z');
    for (const source of ['baidu-hot', 'douyin-hot']) {
      const obs = hotList(3, t0, [{ title: '青禾乳业工厂被曝使用过期原料', from: 1, rank: 20 }]).map((o) => ({ ...o, source }));
      const first = (await run(obs)).alerts.filter(high)[0];
      expect(first, source).toBeDefined();
      expect(Date.parse(first.at)).toBe(t0 + 3_600_000);
      expect(first.reasons.join(' ')).toMatch(source === 'baidu-hot' ? /Baidu hot list #20/ : /Douyin hot list #20/);
    }
  });
});

describe('the shipped rules folder', () => {
  it('loads as topics without taking danger.yaml (or any other config file) for a topic', async () => {
    const { loadTopics } = await import('../../src/config/topics-config.js');
    const topics = loadTopics('rules');
    expect(topics.map((t) => t.file).some((f) => /danger|severity|risk|alerting|sources|reports/.test(f))).toBe(false);
  });
});
