// Test fixtures for the web app: a database seeded with a small, realistic scenario (topics,
// posts over the last two days with FTS tokens, incidents at P1-P3 with risk history, alerts, a
// source), users of every role, and an app listening on 127.0.0.1 with a fake event bus.
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, type Db } from '../../src/db/connection.js';
import { createApp, type AppDeps } from '../../src/server/app.js';
import { UserAccounts } from '../../src/server/user-accounts.js';
import { readEnv } from '../../src/config/env.js';
import type { Observation } from '../../src/core/observation.js';

export const NOW = new Date('2026-08-22T08:00:00Z');
export const XSS = {
  author: '<img src=x onerror="window.__xss=(window.__xss||0)+1">',
  title: '<script>window.__xss=(window.__xss||0)+1</script><svg onload="window.__xss=(window.__xss||0)+1">',
  text: '星河乳业 召回 <img src=x onerror=window.__xss=1> <svg/onload=window.__xss=1> <script>window.__xss=1</script> "><iframe src=javascript:window.__xss=1>',
  url: 'javascript:window.__xss=(window.__xss||0)+1',
};

const SOURCES = ['weibo', 'tieba', 'reddit', 'dianping'];
const NEG = ['星河乳业 牛奶 喝出 异物 太恶心了', '星河牛奶 召回 质量 问题 消费者 投诉', '星河乳业 客服 态度 差 退款 难', 'Xinghe Dairy recall after contamination reports'];
const POS = ['星河乳业 新品 酸奶 很好喝', '星河牛奶 早餐 推荐', 'Xinghe Dairy yogurt is great'];

export function seed(db: Db, now = NOW): { incidents: string[]; xssPk: number } {
  const iso = (msAgo: number) => new Date(now.getTime() - msAgo).toISOString();
  db.prepare("INSERT INTO topics (id, name, query, enabled, updated_at) VALUES ('brand-x', '星河乳业', '星河乳业 OR 星河牛奶 OR \"Xinghe Dairy\"', 1, ?), ('brand-y', '云顶手机', '云顶手机 OR \"Yunding phone\"', 1, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, query = excluded.query, enabled = excluded.enabled, updated_at = excluded.updated_at").run(iso(0), iso(0));
  db.prepare("INSERT INTO sources (id, adapter, url, enabled, last_success_at, error_streak, blocked, healthy, items_last_run, items_total) VALUES ('weibo-search', 'weibo', 'https://m.weibo.cn/search?q=x', 1, ?, 0, 0, 1, 12, 400), ('tieba-forum', 'tieba', 'https://tieba.baidu.com/f?kw=x', 1, ?, 3, 1, 0, 0, 120) ON CONFLICT (id) DO UPDATE SET adapter = excluded.adapter, url = excluded.url, enabled = excluded.enabled, last_success_at = excluded.last_success_at, error_streak = excluded.error_streak, blocked = excluded.blocked, healthy = excluded.healthy, items_last_run = excluded.items_last_run, items_total = excluded.items_total").run(iso(600_000), iso(7_200_000));
  db.prepare("INSERT INTO source_events (source_id, at, kind, items) VALUES ('weibo-search', ?, 'run', 12)").run(iso(1_200_000));
  const ins = db.prepare(`INSERT INTO posts (source, ext_id, kind, url, author_id, author_name, author_followers, author_verified, title, text, lang, published_at, first_seen_at, last_seen_at,
    reposts, comments, likes, sentiment_label, sentiment_score, severity_score) VALUES (?, ?, 'post', ?, ?, ?, ?, ?, ?, ?, 'zh', ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const match = db.prepare("INSERT OR IGNORE INTO topic_matches (topic_id, post_pk, matched_at) VALUES ('brand-x', ?, ?)");
  const pks: number[] = [];
  let xssPk = 0;
  db.transaction(() => {
    for (let i = 0; i < 240; i++) {
      const neg = i % 3 !== 0;
      const text = neg ? NEG[i % NEG.length] : POS[i % POS.length];
      const src = SOURCES[i % SOURCES.length];
      const at = iso((240 - i) * 12 * 60_000);
      const r = ins.run(src, `p${i}`, `https://example.com/${src}/p${i}`, `a${i % 17}`, `用户${i % 17}`, 100 * (i % 50), i % 7 === 0 ? 1 : 0, null, `${text} #${i}`, at, at, at,
        (i * 37) % 900, i % 40, i % 90, neg ? 'negative' : 'positive', neg ? -0.6 : 0.5, neg ? 0.4 : 0);
      const pk = Number(r.lastInsertRowid);
      pks.push(pk);
      match.run(pk, at);
    }
    const at = iso(30 * 60_000);
    const r = ins.run('weibo', 'xss1', XSS.url, 'evil', XSS.author, 99999, 1, XSS.title, XSS.text, at, at, at, 5000, 10, 10, 'negative', -0.9, 0.9);
    xssPk = Number(r.lastInsertRowid);
    pks.push(xssPk);
    match.run(xssPk, at);
  })();
  const incidents: string[] = [];
  const mk = (seq: number, level: string | null, risk: number, title: string, reasons: string[], members: number[]) => {
    const id = `inc-${seq}`;
    incidents.push(id);
    db.prepare(`INSERT INTO incidents (id, seq, topic_id, title, opened_at, updated_at, last_post_at, level, state, risk, peak_risk, reasons, forecast, sources, post_count, status, first_alerted_at)
      VALUES (?, ?, 'brand-x', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'new', ?)`).run(id, seq, title, iso(36 * 3_600_000), iso(600_000), iso(600_000), level, level ? 'firing' : 'quiet', risk, risk,
      JSON.stringify(reasons), JSON.stringify({ reposts: 12000, low: 8000, high: 20000 }), JSON.stringify(SOURCES), members.length, iso(35 * 3_600_000));
    const ip = db.prepare('INSERT INTO incident_posts (incident_id, post_pk, added_at) VALUES (?, ?, ?)');
    for (const pk of members) ip.run(id, pk, iso(0));
    const rh = db.prepare('INSERT INTO risk_history (at, topic_id, incident_id, risk, level) VALUES (?, ?, ?, ?, ?)');
    for (let hAgo = 40; hAgo >= 0; hAgo--) rh.run(iso(hAgo * 3_600_000), 'brand-x', id, Math.max(0, risk - hAgo * 1.5), level);
    db.prepare(`INSERT INTO alerts (at, topic_id, incident_id, level, state, risk, title, reasons, posts, forecast) VALUES (?, 'brand-x', ?, ?, 'firing', ?, ?, ?, '[]', NULL)`)
      .run(iso(35 * 3_600_000), id, level ?? 'P4', risk, title, JSON.stringify(reasons));
  };
  mk(1, 'P1', 86, `星河乳业 异物 召回 ${XSS.title}`, ['负面声量 3 小时内增长 12 倍', XSS.text], [...pks.filter((_, i) => i % 3 !== 0).slice(0, 60), xssPk]);
  mk(2, 'P2', 64, '星河牛奶 客服 投诉', ['大V转发'], pks.slice(100, 140));
  mk(3, 'P3', 41, '星河乳业 退款', ['情绪转负'], pks.slice(150, 170));
  return { incidents, xssPk };
}

export interface TestApp { rulesDir: string; db: Db; url: string; deps: AppDeps; events: EventEmitter; ingested: Observation[]; close(): Promise<void>; login(user: string): Promise<{ cookie: string; csrf: string }>; token: string }

export const PASSWORDS: Record<string, string> = { admin: 'admin-pass', analyst: 'analyst-pass', viewer: 'viewer-pass' };

export async function startTestApp(opts: { rulesDir?: string; dbPath?: string; seedData?: boolean; crawler?: AppDeps['crawler'] } = {}): Promise<TestApp> {
  const db = openDb(opts.dbPath ?? ':memory:');
  const tmpRules = opts.rulesDir ? null : mkdtempSync(join(tmpdir(), 'fw-rules-'));
  if (tmpRules) {
    mkdirSync(join(tmpRules, 'topics'));
    writeFileSync(join(tmpRules, 'topics', 'brand-x.yaml'), 'id: brand-x\nname: 星河乳业\nquery: 星河乳业 OR 星河牛奶 OR "Xinghe Dairy"\n');
  }
  const rulesDir = opts.rulesDir ?? tmpRules!;
  if (opts.seedData !== false) seed(db);
  const users = new UserAccounts(db);
  for (const [name, pw] of Object.entries(PASSWORDS)) await users.add(name, pw, name as 'admin', NOW);
  const token = users.addToken('ingest-test', 'ingest', NOW);
  const events = new EventEmitter();
  const ingested: Observation[] = [];
  let clock = NOW.getTime();
  const deps: AppDeps = {
    db, env: { ...readEnv({}), dbPath: opts.dbPath ?? ':memory:', rulesDir }, secret: 'test-secret',
    now: () => new Date(clock), events, ingest: (obs) => { ingested.push(...obs); }, rulesDir, crawler: opts.crawler,
  };
  const app = createApp(deps);
  const server: Server = await new Promise((res) => { const s = app.listen(0, '127.0.0.1', () => res(s)); });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    db, url, deps, events, ingested, token, rulesDir,
    async login(user: string) {
      clock += 1; // distinct rate-limit windows do not matter; keeps timestamps moving
      const r = await fetch(`${url}/api/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: user, password: PASSWORDS[user] }) });
      if (r.status !== 200) throw new Error(`login ${user}: ${r.status}`);
      const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0];
      return { cookie, csrf: ((await r.json()) as { csrfToken: string }).csrfToken };
    },
    async close() {
      server.closeAllConnections();
      await new Promise((res) => server.close(() => res(undefined)));
      db.close();
      if (tmpRules) rmSync(tmpRules, { recursive: true, force: true });
    },
  };
}
