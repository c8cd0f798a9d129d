// A small, fully known database for report tests: one topic, posts in the report week (2026-03-02
// to 2026-03-08, Asia/Shanghai) and the week before, one acknowledged and resolved P1 incident, one
// P3 incident still open, alerts, risk history, two crawl sources (one failing), and hostile texts
// (`=HYPERLINK(...)`, `<script>`, `+cmd`).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, type Db } from '../../src/db/connection.js';

export const FIXTURE_FROM = '2026-03-02';
export const FIXTURE_TO = '2026-03-08';
export const HOSTILE_FORMULA = '=HYPERLINK("http://evil.example/x","点我领奖")';
export const HOSTILE_SCRIPT = '<script>alert(1)</script>星河牛奶喝出异物';

interface P { id: string; t: string; text: string; sent: 'negative' | 'neutral' | 'positive' | null; reposts?: number; author?: string; followers?: number; source?: string; sev?: number; url?: string | null }

const POSTS: P[] = [
  // the report week
  { id: 'w1', t: '2026-03-03T02:00:00Z', text: '星河牛奶喝出异物，孩子腹泻住院，太可怕了', sent: 'negative', reposts: 5200, author: '维权妈妈', followers: 120000, sev: 0.9 },
  { id: 'w2', t: '2026-03-03T03:00:00Z', text: '星河乳业回应异物事件 质检报告 异物', sent: 'negative', reposts: 800, author: '财经观察', followers: 900000, sev: 0.6 },
  { id: 'w3', t: '2026-03-03T04:00:00Z', text: HOSTILE_FORMULA, sent: 'negative', reposts: 10, author: '=cmd|calc', followers: 5, sev: 0.2 },
  { id: 'w4', t: '2026-03-03T05:00:00Z', text: HOSTILE_SCRIPT, sent: 'negative', reposts: 300, author: '路人甲', followers: 300, sev: 0.7, url: 'javascript:alert(1)' },
  { id: 'w5', t: '2026-03-04T06:00:00Z', text: '星河牛奶 异物 召回 质检', sent: 'negative', reposts: 40, author: '消费者报道', followers: 50000, sev: 0.5, source: 'tieba' },
  { id: 'w6', t: '2026-03-05T07:00:00Z', text: '星河牛奶早餐很好喝', sent: 'positive', reposts: 1, author: '早餐君', followers: 10 },
  { id: 'w7', t: '2026-03-06T08:00:00Z', text: '+1 星河乳业 召回 进展', sent: 'neutral', reposts: 2, author: '新闻速递', followers: 8000, source: 'rss' },
  { id: 'w8', t: '2026-03-07T09:00:00Z', text: '星河牛奶 召回 质检 结果公布', sent: 'neutral', reposts: 3, author: '新闻速递', followers: 8000, source: 'rss' },
  // the previous week
  { id: 'p1', t: '2026-02-24T02:00:00Z', text: '星河牛奶促销活动', sent: 'positive', reposts: 3, author: '早餐君', followers: 10 },
  { id: 'p2', t: '2026-02-25T02:00:00Z', text: '星河乳业新品上市', sent: 'neutral', reposts: 1, author: '新闻速递', followers: 8000 },
];

function iso(t: string, addMin = 0): string {
  return new Date(Date.parse(t) + addMin * 60_000).toISOString();
}

export function seedFixture(db: Db): void {
  const insPost = db.prepare(`INSERT INTO posts (source, ext_id, kind, url, author_id, author_name, author_followers, author_verified,
    text, published_at, first_seen_at, last_seen_at, reposts, comments, likes, sentiment_label, sentiment_score, severity_score)
    VALUES (@source, @id, 'post', @url, @authorId, @author, @followers, 0, @text, @t, @t, @t, @reposts, 3, 7, @sent, @score, @sev)`);
  db.prepare(`INSERT INTO topics (id, name, query, enabled) VALUES ('brand', '星河乳业', '星河乳业 OR 星河牛奶 OR "Xinghe Dairy"', 1)`).run();
  const pk = new Map<string, number>();
  for (const p of POSTS) {
    const source = p.source ?? 'weibo';
    const r = insPost.run({
      source, id: p.id, url: p.url === undefined ? `https://m.weibo.cn/status/${p.id}` : p.url, authorId: `u-${p.author}`, author: p.author ?? null,
      followers: p.followers ?? null, text: p.text, t: p.t, reposts: p.reposts ?? 0, sent: p.sent,
      score: p.sent === 'negative' ? -0.8 : p.sent === 'positive' ? 0.7 : 0, sev: p.sev ?? 0,
    });
    pk.set(p.id, Number(r.lastInsertRowid));
    db.prepare('INSERT INTO topic_matches (topic_id, post_pk, matched_at) VALUES (?, ?, ?)').run('brand', Number(r.lastInsertRowid), p.t);
  }
  // a post nobody watches: counted in "collected", not in volume
  insPost.run({ source: 'weibo', id: 'noise', url: null, authorId: 'x', author: 'x', followers: 1, text: '今天天气不错', t: '2026-03-04T01:00:00Z', reposts: 0, sent: 'positive', score: 0.5, sev: 0 });

  const insInc = db.prepare(`INSERT INTO incidents (id, seq, topic_id, title, opened_at, updated_at, last_post_at, level, state, risk, peak_risk,
    reasons, sources, post_count, status, owner, acknowledged_at, closed_at) VALUES
    (@id, @seq, 'brand', @title, @opened, @updated, @updated, @level, @state, @risk, @peak, @reasons, @sources, @count, @status, @owner, @ack, @closed)`);
  insInc.run({ id: 'inc-1', seq: 1, title: '星河牛奶喝出异物 孩子住院', opened: '2026-03-03T02:00:00Z', updated: '2026-03-04T10:00:00Z', level: null, state: 'resolved',
    risk: 10, peak: 91.5, reasons: JSON.stringify(['转发速度 5200/小时', '严重度: 安全/健康']), sources: JSON.stringify(['tieba', 'weibo']), count: 4,
    status: 'resolved', owner: 'pr-lead', ack: '2026-03-03T02:30:00Z', closed: '2026-03-04T10:00:00Z' });
  insInc.run({ id: 'inc-2', seq: 2, title: '召回进展', opened: '2026-03-06T08:00:00Z', updated: '2026-03-07T09:00:00Z', level: 'P3', state: 'firing',
    risk: 45, peak: 48, reasons: JSON.stringify(['持续讨论']), sources: JSON.stringify(['rss']), count: 2, status: 'new', owner: null, ack: null, closed: null });
  insInc.run({ id: 'inc-3', seq: 3, title: 'quiet cluster', opened: '2026-03-05T07:00:00Z', updated: '2026-03-05T07:00:00Z', level: null, state: 'quiet',
    risk: 5, peak: 5, reasons: '[]', sources: '[]', count: 1, status: 'new', owner: null, ack: null, closed: null });
  for (const [inc, ids] of [['inc-1', ['w1', 'w2', 'w4', 'w5']], ['inc-2', ['w7', 'w8']], ['inc-3', ['w6']]] as const) {
    for (const id of ids) db.prepare('INSERT INTO incident_posts (incident_id, post_pk, added_at) VALUES (?, ?, ?)').run(inc, pk.get(id), POSTS.find((p) => p.id === id)!.t);
  }
  const insAlert = db.prepare(`INSERT INTO alerts (at, topic_id, incident_id, level, state, risk, title, reasons, posts, kind)
    VALUES (?, 'brand', ?, ?, ?, ?, ?, ?, ?, 'incident')`);
  insAlert.run(iso('2026-03-03T02:00:00Z', 20), 'inc-1', 'P3', 'firing', 55, '星河牛奶喝出异物', '["新帖"]', '["weibo:w1"]');
  insAlert.run(iso('2026-03-03T02:00:00Z', 60), 'inc-1', 'P1', 'firing', 91.5, '星河牛奶喝出异物', '["转发速度"]', '["weibo:w1","weibo:w2"]');
  insAlert.run('2026-03-04T09:00:00.000Z', 'inc-1', 'P1', 'resolved', 12, '星河牛奶喝出异物', '["平息"]', '["weibo:w1","weibo:w2"]');
  insAlert.run('2026-03-06T09:00:00.000Z', 'inc-2', 'P3', 'firing', 48, '召回进展', '["持续讨论"]', '["rss:w7"]');
  const insRisk = db.prepare('INSERT INTO risk_history (at, topic_id, incident_id, risk, level) VALUES (?, ?, ?, ?, ?)');
  for (let h = 0; h < 30; h++) insRisk.run(iso('2026-03-03T02:00:00Z', h * 60), 'brand', 'inc-1', Math.max(5, 91.5 - Math.abs(h - 2) * 8), h < 25 ? 'P1' : null);
  for (let h = 0; h < 20; h++) insRisk.run(iso('2026-03-06T08:00:00Z', h * 60), 'brand', 'inc-2', 30 + h, 'P3');

  db.prepare(`INSERT INTO sources (id, adapter, url, healthy, blocked, last_success_at, last_error, error_streak) VALUES
    ('weibo-search', 'weibo', 'https://m.weibo.cn/api/container/getIndex', 1, 0, '2026-03-07T23:00:00Z', NULL, 0),
    ('tieba-forum', 'tieba', 'https://tieba.baidu.com/f?kw=x', 0, 1, '2026-03-05T01:00:00Z', 'HTTP 403 安全验证', 7)`).run();
  const insEv = db.prepare('INSERT INTO source_events (source_id, at, kind, message, items) VALUES (?, ?, ?, ?, ?)');
  insEv.run('weibo-search', '2026-03-03T00:00:00Z', 'run', null, 120);
  insEv.run('weibo-search', '2026-03-04T00:00:00Z', 'run', null, 80);
  insEv.run('tieba-forum', '2026-03-05T02:00:00Z', 'error', 'HTTP 403', 0);
  insEv.run('tieba-forum', '2026-03-05T03:00:00Z', 'blocked', '安全验证', 0);
}

/** A fresh fixture database file; returns its path. */
export function createFixtureDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fw-report-test-'));
  const path = join(dir, 'fixture.db');
  const db = openDb(path);
  seedFixture(db);
  db.close();
  return path;
}
