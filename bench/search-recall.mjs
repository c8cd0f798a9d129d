#!/usr/bin/env node
// Posts search at scale: recall and latency of GET /api/v1/posts?q= semantics (searchPosts) on N
// generated Chinese posts (default 1,000,000). Texts are drawn from jieba's dictionary by word
// frequency (so character and gram statistics look like real Chinese), with complaint and brand
// words (投诉, 乳业, 召回, 星河乳业 ...), hashtags, mentions, emoji and some English; a quarter
// are converted to Traditional (opencc cn -> tw), some carry a title.
//
// Recall: for 1-, 2-, 3- and 4-character queries (random substrings of random posts, half typed
// in Traditional, plus fixed ones), every post in a sample window of post ids whose normalized
// text contains the query (brute-force scan) must come back when the search's pages are followed
// through that window with the cursor; every post returned must contain it (precision).
// Latency: p50/p95 of one first page (limit 50, as the dashboard asks), in-process, per length;
// plus the queries the index cannot narrow, which must stay within the time budget.
//
//   npm run build && node bench/search-recall.mjs [--posts 1000000] [--db FILE] [--fresh]
//        [--queries 40] (per length) [--window 20000] [--json FILE]
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const args = process.argv.slice(2);
const opt = (name, d) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : d; };
const N = Number(opt('posts', 1_000_000));
const dbPath = opt('db', `/tmp/fw-search-bench-${N}.db`);
const PER_LENGTH = Number(opt('queries', 40));
const WINDOW = Number(opt('window', 20_000));
const root = new URL('../', import.meta.url);
const dist = (p) => new URL(`dist/src/${p}`, root).href;
if (!existsSync(new URL('dist/src/server/post-search.js', root))) {
  console.error('run `npm run build` first');
  process.exit(2);
}
const { openDb } = await import(dist('db/connection.js'));
const { searchPosts } = await import(dist('server/post-search.js'));
const { storeOf } = await import(dist('db/store/index.js'));
const { normalizeForMatch } = await import(dist('text/normalize.js'));
const log = (m) => process.stderr.write(`${m}\n`);

let seed = 20261204;
const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const pick = (xs) => xs[Math.floor(rnd() * xs.length)];

const { Converter } = createRequire(import.meta.url)('opencc-js');
const toTrad = Converter({ from: 'cn', to: 'tw' });

if (args.includes('--fresh')) for (const s of ['', '-wal', '-shm']) rmSync(dbPath + s, { force: true });
const fresh = !existsSync(dbPath);
const db = openDb(dbPath);
if (fresh) fill(db);
const count = db.prepare('SELECT count(*) FROM posts').pluck().get();
log(`database: ${dbPath}, ${count.toLocaleString()} posts, ${(statSync(dbPath).size / 2 ** 20).toFixed(0)} MB`);
const index = storeOf(db).posts.search;
let build = null;
if (index.hasPending()) {
  const t0 = performance.now();
  let n = 0;
  while (index.hasPending()) n += index.drain(1000);
  const indexSeconds = (performance.now() - t0) / 1000;
  log(`indexed ${n.toLocaleString()} queued posts in ${indexSeconds.toFixed(1)} s (${Math.round(n / indexSeconds).toLocaleString()} posts/s)`);
  const t1 = performance.now();
  let steps = 0;
  while (index.mergeStep()) steps++;
  log(`incremental optimize: ${steps} steps, ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  build = { posts: n, indexSeconds, postsPerSecond: n / indexSeconds, mergeSteps: steps, mergeSeconds: (performance.now() - t1) / 1000 };
}

// ---- queries
const sample = db.prepare('SELECT title, text FROM posts WHERE pk = ?');
const HAN = /^[\u4e00-\u9fff]+$/;
function randomQuery(len) {
  for (;;) {
    const r = sample.get(1 + Math.floor(rnd() * count));
    const norm = normalizeForMatch(`${r.title ?? ''} ${r.text ?? ''}`);
    const at = Math.floor(rnd() * Math.max(1, norm.length - len));
    const q = norm.slice(at, at + len);
    if (q.length === len && HAN.test(q)) return rnd() < 0.5 ? toTrad(q) : q; // typed in Traditional half the time
  }
}
const fixed = { 1: ['乳', '訴', '的'], 2: ['投诉', '乳业', '投訴', '乳業'], 3: ['投诉无', '召回令'], 4: ['星河乳业', '星河乳業', '投诉无门'] };
const queries = Object.fromEntries([1, 2, 3, 4].map((len) => [len, [...fixed[len], ...Array.from({ length: PER_LENGTH }, () => randomQuery(len))]]));

// ---- recall on a sample window, following the cursor
const maxPk = db.prepare('SELECT max(pk) FROM posts').pluck().get();
const windowRows = (lo, hi) => db.prepare("SELECT pk, title, text FROM posts WHERE pk >= ? AND pk <= ? AND kind != 'trend' ORDER BY pk DESC").all(lo, hi)
  .map((r) => ({ pk: r.pk, norm: normalizeForMatch(`${r.title ?? ''} ${r.text ?? ''}`) }));
const recall = {};
let precisionErrors = 0;
for (const len of [1, 2, 3, 4]) {
  let want = 0, found = 0;
  for (const q of queries[len]) {
    const hi = Math.max(WINDOW, Math.floor(rnd() * maxPk));
    const lo = hi - WINDOW + 1;
    const nq = normalizeForMatch(q);
    const expected = new Set(windowRows(lo, hi).filter((r) => r.norm.includes(nq)).map((r) => r.pk));
    const got = new Set();
    let before = hi + 1;
    while (before !== null && before > lo) {
      const r = searchPosts(db, { q, limit: 1000, beforePk: before });
      for (const p of r.posts) {
        if (p.pk < lo) { before = null; break; }
        got.add(p.pk);
        if (!normalizeForMatch(`${p.title ?? ''} ${p.text ?? ''}`).includes(nq)) precisionErrors++;
      }
      if (before !== null) before = r.nextBeforePk;
    }
    want += expected.size;
    for (const pk of expected) if (got.has(pk)) found++;
  }
  recall[len] = { queries: queries[len].length, expected: want, found, recall: want ? found / want : 1 };
}

// ---- latency: first page (limit 50), cache defeated by a fresh cursor
const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const timeIt = (q, extra = {}) => {
  const t = performance.now();
  const r = searchPosts(db, { q, limit: 50, beforePk: maxPk + 1 + Math.floor(rnd() * 1e6), ...extra });
  return { ms: performance.now() - t, r };
};
const latency = {};
for (const len of [1, 2, 3, 4]) {
  const times = queries[len].map((q) => timeIt(q).ms).sort((a, b) => a - b);
  latency[len] = { p50: pct(times, 50), p95: pct(times, 95), max: times[times.length - 1] };
}
const special = {};
for (const q of ['投诉 乳业', '投诉 OR 乳业', '投诉 -乳业', '投诉 NEAR/5 乳业', 'source:weibo 投诉', 'source:nosuch', 'author:用户12', '-投诉', '星河乳业 客服 退款 召回 异物']) {
  const times = [];
  let last;
  for (let i = 0; i < 10; i++) { const x = timeIt(q); times.push(x.ms); last = x.r; }
  times.sort((a, b) => a - b);
  special[q] = { p50: pct(times, 50), max: times[times.length - 1], results: last.posts.length, truncated: last.truncated, usedIndex: last.usedIndex };
}

// index size beside the posts table (dbstat is compiled into better-sqlite3's SQLite)
let sizes = null;
try {
  const mb = (like) => db.prepare('SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name LIKE ?').pluck().get(like) / 2 ** 20;
  sizes = { postsMb: mb('posts'), indexMb: mb('post_grams%') };
} catch { /* no dbstat */ }

const fmt = (x) => x.toFixed(1).padStart(7);
console.log(`\nposts search on ${count.toLocaleString()} posts (${dbPath}, ${(statSync(dbPath).size / 2 ** 20).toFixed(0)} MB${sizes ? `: posts table ${sizes.postsMb.toFixed(0)} MB, gram index ${sizes.indexMb.toFixed(0)} MB` : ''})`);
if (build) console.log(`index built from the queue at ${Math.round(build.postsPerSecond).toLocaleString()} posts/s (${build.indexSeconds.toFixed(0)} s), then optimized in ${build.mergeSteps} steps (${build.mergeSeconds.toFixed(0)} s)`);
console.log(`recall vs brute-force substring scan of ${WINDOW.toLocaleString()}-post windows, following nextBeforePk; latency of one page of 50`);
console.log('length  queries  expected     found   recall   p50 ms  p95 ms  max ms');
for (const len of [1, 2, 3, 4]) {
  const r = recall[len], l = latency[len];
  console.log(`${String(len).padStart(6)}  ${String(r.queries).padStart(7)}  ${String(r.expected).padStart(8)}  ${String(r.found).padStart(8)}  ${(r.recall * 100).toFixed(2).padStart(6)}%  ${fmt(l.p50)} ${fmt(l.p95)} ${fmt(l.max)}`);
}
console.log(`precision errors (a result without the query in it): ${precisionErrors}`);
console.log('\nquery'.padEnd(34), 'p50 ms'.padStart(7), 'max ms'.padStart(7), ' results  truncated  index');
for (const [q, s] of Object.entries(special)) console.log(q.padEnd(33), fmt(s.p50), fmt(s.max), String(s.results).padStart(8), String(s.truncated).padStart(10), String(s.usedIndex).padStart(6));
const json = opt('json');
if (json) writeFileSync(json, JSON.stringify({ posts: count, window: WINDOW, sizes, build, recall, latency, special, precisionErrors }, null, 2));
db.close();
const ok = precisionErrors === 0 && Object.values(recall).every((r) => r.found === r.expected);
process.exit(ok ? 0 : 1);

function fill(db) {
  const dictPath = createRequire(import.meta.url).resolve('@node-rs/jieba/dict.txt');
  const dict = readFileSync(dictPath, 'utf8').split('\n').map((l) => l.split(' ')).filter((x) => x.length >= 2 && x[0]);
  // sample words by frequency: cumulative table over the 60k most frequent words
  dict.sort((a, b) => Number(b[1]) - Number(a[1]));
  const words = dict.slice(0, 60_000).map((x) => x[0]);
  const cum = [];
  let tot = 0;
  for (const x of dict.slice(0, 60_000)) cum.push((tot += Math.sqrt(Number(x[1]))));
  const word = () => {
    const r = rnd() * tot;
    let lo = 0, hi = cum.length - 1;
    while (lo < hi) { const m = (lo + hi) >> 1; if (cum[m] < r) lo = m + 1; else hi = m; }
    return words[lo];
  };
  const brands = ['星河乳业', '云雀乳业', '星河牛奶', '云顶手机', '蓝鲸航空', '晨光超市', '极光汽车', '北辰银行'];
  const complaints = ['投诉无门', '投诉', '客服不理人', '要求召回', '召回令', '喝出异物', '上吐下泻住院了', '退款难', '质量问题', '乳业', '虚假宣传', '维权'];
  const tails = ['', '', '', '[怒]', '[哈哈]', '[泪]', ' #维权# ', '😡', '😂', '！！！', '，大家评评理', ' http://t.cn/A6x1y2z', '？'];
  const en = ['recall', 'refund', 'customer service', 'Xinghe Dairy', 'battery', 'delay', 'WTF', 'iPhone 15'];
  const sources = ['weibo', 'weibo', 'weibo', 'weibo', 'tieba', 'discuz', 'heimao', 'dianping', 'reddit', 'rss'];
  const ins = db.prepare(`INSERT INTO posts (pk, source, ext_id, kind, author_id, author_name, title, text, lang, published_at, first_seen_at, last_seen_at, sentiment_label)
    VALUES (?, ?, ?, 'post', ?, ?, ?, ?, 'zh', ?, ?, ?, ?)`);
  const NOW = Date.parse('2026-08-22T08:00:00Z');
  const span = 30 * 86_400_000;
  const t0 = performance.now();
  for (let start = 0; start < N; start += 50_000) {
    db.transaction(() => {
      for (let i = start; i < Math.min(N, start + 50_000); i++) {
        const parts = [];
        if (rnd() < 0.15) parts.push(`//@${word()}${word()}:`);
        if (rnd() < 0.5) parts.push(pick(brands));
        const n = 6 + Math.floor(rnd() * 30);
        for (let k = 0; k < n; k++) {
          const r = rnd();
          parts.push(r < 0.06 ? pick(complaints) : r < 0.09 ? '，' : r < 0.1 ? ` ${pick(en)} ` : word());
        }
        parts.push(pick(tails));
        let text = parts.join('');
        let title = rnd() < 0.1 ? `${pick(brands)}${word()}${pick(complaints)}` : null;
        if (rnd() < 0.25) { text = toTrad(text); if (title) title = toTrad(title); }
        const at = new Date(NOW - span + Math.floor((i / N) * span)).toISOString();
        const src = pick(sources);
        ins.run(i + 1, src, `s${i}`, `u${i % 40_000}`, `用户${i % 40_000}`, title, text, at, at, at, rnd() < 0.4 ? 'negative' : 'neutral');
      }
    })();
    process.stderr.write(`\rgenerating: ${Math.min(N, start + 50_000).toLocaleString()} / ${N.toLocaleString()} posts (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  process.stderr.write('\n');
}
