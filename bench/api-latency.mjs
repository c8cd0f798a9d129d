#!/usr/bin/env node
// API latency benchmark (not a timed test): fills a database with N posts (default 1,000,000;
// generated texts, jieba-segmented into the FTS index, spread over 30 days, with topic matches,
// incidents and risk history), serves the app from dist/ (npm run build first), and measures
// p50/p95/p99 of the main API endpoints under concurrent keep-alive load from a second process.
//
//   node bench/api-latency.mjs [--posts 1000000] [--db /tmp/fw-bench.db] [--fresh]
//                              [--concurrency 8] [--requests 400]   (requests per endpoint)
//                              [--json FILE]   (also write the figures as JSON, for bench/run.mjs)
import { fork } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, d) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : d; };

if (process.env.FW_BENCH_CLIENT) await client();
else await main();

async function main() {
  process.env.DOTENV_CONFIG_QUIET = 'true';
  const N = Number(opt('posts', 1_000_000));
  const dbPath = opt('db', `/tmp/fw-bench-${N}.db`);
  const root = new URL('../', import.meta.url);
  const dist = (p) => new URL(`dist/src/${p}`, root).href;
  const { openDb } = await import(dist('db/connection.js'));
  const { createApp } = await import(dist('server/app.js'));
  const { UserAccounts } = await import(dist('server/user-accounts.js'));
  const { readEnv } = await import(dist('config/env.js'));
  if (args.includes('--fresh')) for (const s of ['', '-wal', '-shm']) rmSync(dbPath + s, { force: true });
  const fresh = !existsSync(dbPath);
  const db = openDb(dbPath);
  const NOW = new Date('2026-08-22T08:00:00Z');
  if (fresh) await fill(db, N, NOW, dist);
  // posts inserted here (or before migration 006) wait in the search index's queue: index them
  // now, as a running monitor's background backfill would, so the figures are of a settled index
  const { storeOf } = await import(dist('db/store/index.js'));
  const index = storeOf(db).posts.search;
  if (index.hasPending()) {
    const t0 = Date.now();
    while (index.hasPending()) index.drain(1000);
    while (index.mergeStep());
    console.error(`search index built in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  db.pragma('optimize');
  const count = db.prepare('SELECT count(*) FROM posts').pluck().get();
  console.error(`database: ${dbPath}, ${count.toLocaleString()} posts`);
  await new UserAccounts(db).add('bench', 'bench-pass', 'admin', NOW);
  const app = createApp({ db, env: { ...readEnv({}), dbPath }, secret: 'bench', now: () => NOW });
  const server = await new Promise((res) => { const s = app.listen(0, '127.0.0.1', () => res(s)); });
  const url = `http://127.0.0.1:${server.address().port}`;
  const child = fork(fileURLToPath(import.meta.url), args, { env: { ...process.env, FW_BENCH_CLIENT: '1', FW_BENCH_URL: url } });
  const code = await new Promise((res) => child.on('exit', res));
  server.close();
  db.close();
  process.exit(code ?? 1);
}

async function fill(db, N, NOW, dist) {
  const { Segmenter } = await import(dist('text/segment.js'));
  const { normalizeForMatch } = await import(dist('text/normalize.js'));
  const seg = new Segmenter();
  const brands = ['星河乳业', '星河牛奶', '云顶手机', '蓝鲸航空', '晨光超市'];
  seg.addUserWords(brands);
  const words = ['质量', '问题', '投诉', '客服', '退款', '召回', '异物', '好喝', '推荐', '价格', '上涨', '发布会', '新品', '电池', '发热', '延误', '取消', '航班', '排队', '服务', '态度', '满意', '失望', '维权', '消费者', '曝光', '调查', '回应', '道歉', '声明', '门店', '快递', '包装', '味道', '过期', '安全', '检测', '合格', '网友', '热议'];
  const en = ['recall', 'battery', 'delay', 'refund', 'great', 'terrible', 'customer', 'service', 'quality', 'price'];
  const sources = ['weibo', 'weibo', 'weibo', 'tieba', 'reddit', 'dianping', 'hn', 'rss'];
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  db.exec("INSERT OR REPLACE INTO topics (id, name, query, enabled) VALUES ('brand-x', '星河乳业', '星河乳业 OR 星河牛奶', 1), ('brand-y', '云顶手机', '云顶手机', 1), ('brand-z', '蓝鲸航空', '蓝鲸航空', 1)");
  const ins = db.prepare(`INSERT INTO posts (pk, source, ext_id, kind, url, author_id, author_name, author_followers, author_verified, text, lang, published_at, first_seen_at, last_seen_at, reposts, comments, likes, sentiment_label, sentiment_score, severity_score)
    VALUES (?, ?, ?, 'post', ?, ?, ?, ?, 0, ?, 'zh', ?, ?, ?, ?, ?, ?, ?, ?, 0)`);
  const fts = db.prepare('INSERT INTO posts_fts (rowid, tokens) VALUES (?, ?)');
  const tm = db.prepare('INSERT INTO topic_matches (topic_id, post_pk, matched_at) VALUES (?, ?, ?)');
  const span = 30 * 86_400_000;
  const t0 = Date.now();
  const BATCH = 50_000;
  for (let start = 0; start < N; start += BATCH) {
    db.transaction(() => {
      for (let i = start; i < Math.min(N, start + BATCH); i++) {
        const brand = rnd() < 0.6 ? pick(brands) : null;
        const n = 4 + Math.floor(rnd() * 10);
        const parts = [];
        for (let k = 0; k < n; k++) parts.push(rnd() < 0.08 ? pick(en) : pick(words));
        if (brand) parts.splice(Math.floor(rnd() * parts.length), 0, brand);
        const text = parts.join(rnd() < 0.5 ? '' : ' ');
        const at = new Date(NOW.getTime() - span + Math.floor((i / N) * span)).toISOString();
        const src = pick(sources);
        const label = rnd() < 0.4 ? 'negative' : rnd() < 0.7 ? 'neutral' : 'positive';
        const pk = i + 1;
        ins.run(pk, src, `b${i}`, `https://example.com/${src}/${i}`, `u${i % 50_000}`, `用户${i % 50_000}`, Math.floor(rnd() * 100_000), text, at, at, at,
          Math.floor(rnd() * rnd() * 5000), Math.floor(rnd() * 100), Math.floor(rnd() * 500), label, label === 'negative' ? -0.5 : label === 'positive' ? 0.5 : 0);
        fts.run(pk, seg.cut(normalizeForMatch(text)).join(' '));
        if (brand === '星河乳业' || brand === '星河牛奶') tm.run('brand-x', pk, at);
        else if (brand === '云顶手机') tm.run('brand-y', pk, at);
        else if (brand === '蓝鲸航空') tm.run('brand-z', pk, at);
      }
    })();
    process.stderr.write(`\rfilling: ${Math.min(N, start + BATCH).toLocaleString()} / ${N.toLocaleString()} posts (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  process.stderr.write('\n');
  // incidents with posts and risk history, and alerts
  db.transaction(() => {
    const ip = db.prepare('INSERT INTO incident_posts (incident_id, post_pk, added_at) VALUES (?, ?, ?)');
    const rh = db.prepare('INSERT INTO risk_history (at, topic_id, incident_id, risk, level) VALUES (?, ?, ?, ?, ?)');
    const al = db.prepare("INSERT INTO alerts (at, topic_id, incident_id, level, state, risk, title, reasons, posts) VALUES (?, ?, ?, ?, 'firing', ?, ?, '[]', '[]')");
    for (let k = 1; k <= 300; k++) {
      const topic = ['brand-x', 'brand-y', 'brand-z'][k % 3];
      const level = ['P1', 'P2', 'P3', 'P4', null][k % 5];
      const opened = new Date(NOW.getTime() - span + (k / 300) * span).toISOString();
      db.prepare(`INSERT INTO incidents (id, seq, topic_id, title, opened_at, updated_at, level, state, risk, peak_risk, reasons, post_count, status)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, 'new')`).run(`inc-${k}`, k, topic, `事件 ${k}`, opened, opened, level, level ? 'firing' : 'quiet', 20 + (k % 80), 20 + (k % 80), k === 1 ? 20_000 : 500);
      const firstPk = Math.max(1, Math.floor((k / 300) * N) - 30_000);
      for (let j = 0; j < (k === 1 ? 20_000 : 500); j++) ip.run(`inc-${k}`, firstPk + j, opened);
      for (let hh = 0; hh < 48; hh++) rh.run(new Date(Date.parse(opened) + hh * 3_600_000).toISOString(), topic, `inc-${k}`, 20 + ((k + hh) % 80), level);
      if (level) al.run(opened, topic, `inc-${k}`, level, 20 + (k % 80), `事件 ${k}`);
    }
  })();
  console.error(`filled in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

async function client() {
  const base = process.env.FW_BENCH_URL;
  const C = Number(opt('concurrency', 8));
  const R = Number(opt('requests', 400));
  const agent = new http.Agent({ keepAlive: true, maxSockets: C });
  const request = (method, path, body, headers = {}) => new Promise((res, rej) => {
    const t = process.hrtime.bigint();
    const r = http.request(`${base}${path}`, { method, agent, headers: { 'Content-Type': 'application/json', ...headers } }, (resp) => {
      const chunks = [];
      resp.on('data', (c) => chunks.push(c));
      resp.on('end', () => res({ status: resp.statusCode, headers: resp.headers, body: Buffer.concat(chunks).toString(), ms: Number(process.hrtime.bigint() - t) / 1e6 }));
    });
    r.on('error', rej);
    if (body) r.write(JSON.stringify(body));
    r.end();
  });
  const login = await request('POST', '/api/v1/session', { username: 'bench', password: 'bench-pass' });
  const cookie = String(login.headers['set-cookie']).split(';')[0];
  const q = (s) => encodeURIComponent(s);
  const endpoints = [
    ['alerts', '/api/v1/alerts'],
    ['incidents', '/api/v1/incidents?status=open'],
    ['incident (20k posts)', '/api/v1/incidents/inc-1'],
    ['incident (500 posts)', '/api/v1/incidents/inc-150'],
    ['overview 24h', '/api/v1/overview?hours=24'],
    ['overview 7d', '/api/v1/overview?hours=168'],
    ['topics', '/api/v1/topics'],
    ['sources', '/api/v1/sources'],
    ['posts (latest)', '/api/v1/posts?limit=50'],
    ['posts q=召回', `/api/v1/posts?q=${q('召回')}&limit=50`],
    ['posts q=brand AND term', `/api/v1/posts?q=${q('星河乳业 异物')}&limit=50`],
    ['posts q=phrase OR', `/api/v1/posts?q=${q('"客服 态度" OR refund')}&limit=50`],
    ['posts q + filters', `/api/v1/posts?q=${q('召回')}&source=weibo&sentiment=negative&limit=50`],
    ['posts topic filter', '/api/v1/posts?topic=brand-y&limit=50'],
    ['posts rare term', `/api/v1/posts?q=${q('过期 安全 检测 合格')}&limit=50`],
    ['posts q=1 char', `/api/v1/posts?q=${q('乳')}&limit=50`],
    ['posts q=source:nosuch', `/api/v1/posts?q=${q('source:nosuch')}&limit=50`],
    ['posts q=-term (scan)', `/api/v1/posts?q=${q('-召回')}&limit=50`],
  ];
  const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
  console.log(`concurrency ${C}, ${R} requests per endpoint (after 20 warm-up requests)`);
  console.log('endpoint'.padEnd(26), 'p50 ms'.padStart(8), 'p95 ms'.padStart(8), 'p99 ms'.padStart(8), 'max ms'.padStart(8), '  status');
  let worst = 0;
  const rows = [];
  for (const [name, path] of endpoints) {
    for (let i = 0; i < 20; i++) await request('GET', path, null, { Cookie: cookie });
    const times = [];
    const statuses = new Set();
    let next = 0;
    await Promise.all(Array.from({ length: C }, async () => {
      while (next < R) {
        next++;
        const r = await request('GET', path, null, { Cookie: cookie });
        times.push(r.ms);
        statuses.add(r.status);
      }
    }));
    times.sort((a, b) => a - b);
    worst = Math.max(worst, pct(times, 95));
    rows.push({ endpoint: name, p50: pct(times, 50), p95: pct(times, 95), p99: pct(times, 99), max: times[times.length - 1], statuses: [...statuses] });
    console.log(name.padEnd(26), pct(times, 50).toFixed(1).padStart(8), pct(times, 95).toFixed(1).padStart(8), pct(times, 99).toFixed(1).padStart(8), times[times.length - 1].toFixed(1).padStart(8), `  ${[...statuses].join(',')}`);
  }
  console.log(`worst p95: ${worst.toFixed(1)} ms (target < 100 ms)`);
  if (opt('json')) writeFileSync(opt('json'), JSON.stringify({ concurrency: C, requests: R, worstP95: worst, endpoints: rows }, null, 2));
  agent.destroy();
}
