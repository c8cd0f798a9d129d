#!/usr/bin/env node
// `npm run bench`: the performance figures of issue 9, each measured whole-process on this machine
// with the command that reproduces it, printed as a table and written to bench/results.json:
//   (a) score texts/s beside raw jieba segmentation of the same texts (the ceiling);
//   (b) replay and live ingest (POST /api/v1/observations to `start`) observations/s;
//   (c) dashboard API p50/p95/p99 at N posts under concurrent load from a second process;
//   (d) alert latency: POST of a tipping observation -> webhook received, p50/p95;
//   (e) peak RSS of every process above (/usr/bin/time -v, else the child's resourceUsage);
//   (f) posts search: recall of 1-4 character queries vs a brute-force scan, and p50/p95 latency;
//   (g) forecast calls/s and the volume baseline's add+score time (bench/hot-paths.mjs);
//   (h) replay throughput on SQLite and PostgreSQL, and whether their alerts are identical (bench/store-replay.mjs).
// Usage: node bench/run.mjs [--quick] [--full-ingest] [--only a,b,c,d,f] [--keep]
// Needs `npm run build` first (it runs it when dist/ is missing).
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, createReadStream } from 'node:fs';
import http from 'node:http';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT, BIN, addToken, startMonitor, startReceiver, postJson, maxRssKb } from './live-harness.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = (() => { const i = args.indexOf('--only'); return i >= 0 ? new Set(args[i + 1].split(',')) : null; })();
const want = (k) => !only || only.has(k);
const SIZES = quick
  ? { posts: 50_000, obs: 100_000, ingest: 100_000, apiPosts: 100_000, apiRequests: 100, samples: 20, searchPosts: 100_000 }
  : { posts: 200_000, obs: 1_000_000, ingest: args.includes('--full-ingest') ? 1_000_000 : 200_000, apiPosts: 1_000_000, apiRequests: 200, samples: 60, searchPosts: 1_000_000 };
const TIME = existsSync('/usr/bin/time') ? ['/usr/bin/time', '-v'] : [];
const work = mkdtempSync(join(tmpdir(), 'fw-bench-'));
const figures = [];
const rss = [];
const log = (m) => process.stderr.write(`bench: ${m}\n`);

if (!existsSync(join(ROOT, 'dist/src/cli/main.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });

/** Run a command to completion (timed, wrapped in /usr/bin/time -v); returns seconds, stdout, stderr, peak RSS. */
function run(label, cmd, argv, { env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(TIME[0] ?? cmd, TIME.length ? [...TIME.slice(1), cmd, ...argv] : argv, { cwd: ROOT, env: { ...process.env, DOTENV_CONFIG_QUIET: 'true', ...env } });
    let out = '', err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => { err += c; });
    child.on('exit', (code) => {
      const seconds = (performance.now() - t0) / 1000;
      const kb = maxRssKb(err);
      if (kb) rss.push({ process: label, mb: Math.round(kb / 1024) });
      if (code !== 0) reject(new Error(`${label} failed (${code}):\n${err.slice(-2000)}`));
      else resolve({ seconds, out, err, rssMb: kb ? Math.round(kb / 1024) : null });
    });
  });
}

function figure(id, name, value, unit, floor, command, extra = {}) {
  const pass = floor == null ? null : floor.op === '>=' ? value >= floor.value : value < floor.value;
  figures.push({ id, name, value: Math.round(value * 100) / 100, unit, floor: floor ? `${floor.op} ${floor.value}` : null, pass, command, ...extra });
}

const node = process.execPath;
const cli = (a) => `node bin/flarewatch.js ${a}`;

// ---- (a) score vs raw jieba
if (want('a')) {
  const posts = join(work, 'posts.jsonl');
  await run('gen-posts', node, ['bench/gen-posts.mjs', String(SIZES.posts), posts]);
  log(`(a) score ${SIZES.posts} texts`);
  const ceil = await run('jieba ceiling', node, ['bench/jieba-ceiling.mjs', posts]);
  const sc = await run('score', node, [BIN, 'score', '--in', posts, '--out', join(work, 'scored.jsonl')]);
  const jiebaRate = SIZES.posts / ceil.seconds, scoreRate = SIZES.posts / sc.seconds;
  figure('a', 'score throughput', scoreRate, 'texts/s', { op: '>=', value: 20_000 },
    `node bench/gen-posts.mjs ${SIZES.posts} /tmp/posts.jsonl && /usr/bin/time -v ${cli('score --in /tmp/posts.jsonl --out /tmp/scored.jsonl')}`,
    { ceiling: Math.round(jiebaRate), ceilingCommand: 'node bench/jieba-ceiling.mjs /tmp/posts.jsonl', ratio: Math.round((scoreRate / jiebaRate) * 100) / 100 });
}

// ---- (b) replay and live ingest
if (want('b')) {
  const obs = join(work, 'obs.jsonl');
  await run('gen-observations', node, ['bench/gen-observations.mjs', String(SIZES.obs), obs]);
  log(`(b) replay ${SIZES.obs} observations (bench/rules, 5 topics)`);
  const rp = await run('replay', node, [BIN, 'replay', '--rules', 'bench/rules', '--in', obs, '--out', join(work, 'alerts.jsonl')]);
  figure('b', 'replay throughput', SIZES.obs / rp.seconds, 'obs/s', { op: '>=', value: 10_000 },
    `node bench/gen-observations.mjs ${SIZES.obs} /tmp/obs.jsonl && /usr/bin/time -v ${cli('replay --rules bench/rules --in /tmp/obs.jsonl --out /tmp/alerts.jsonl')}`,
    { observations: SIZES.obs, seconds: Math.round(rp.seconds) });
  log(`(b) live ingest of ${SIZES.ingest} observations through POST /api/v1/observations`);
  const ing = await ingestBench(obs, SIZES.ingest);
  figure('b2', 'ingest throughput (HTTP, live start)', ing.rate, 'obs/s', { op: '>=', value: 10_000 },
    `node bench/run.mjs --only b${SIZES.ingest === 1_000_000 ? ' --full-ingest' : ''}  (start + NDJSON batches of 1000 from one keep-alive client)`,
    { observations: ing.n, seconds: Math.round(ing.seconds), acknowledged: ing.acked });
}

// ---- (c) API latency at N posts
if (want('c')) {
  log(`(c) API latency at ${SIZES.apiPosts} posts (fills /tmp/fw-bench-${SIZES.apiPosts}.db once; reused afterwards)`);
  const jf = join(work, 'api.json');
  const r = await run('api server (+fill)', node, ['bench/api-latency.mjs', '--posts', String(SIZES.apiPosts), '--requests', String(SIZES.apiRequests), '--json', jf]);
  process.stderr.write(r.out);
  const j = JSON.parse(readFileSync(jf, 'utf8'));
  const worst = j.endpoints.reduce((a, e) => (e.p95 > a.p95 ? e : a));
  const all = j.endpoints.flatMap((e) => [e]);
  const med = (k) => all.map((e) => e[k]).sort((x, y) => x - y)[Math.floor(all.length / 2)];
  figure('c', `API p95, worst endpoint (${worst.endpoint})`, worst.p95, 'ms', { op: '<', value: 100 },
    `node bench/api-latency.mjs --posts ${SIZES.apiPosts} --requests ${SIZES.apiRequests}`,
    { posts: SIZES.apiPosts, concurrency: j.concurrency, worstP50: worst.p50, worstP99: worst.p99, medianEndpointP50: med('p50'), medianEndpointP95: med('p95'), medianEndpointP99: med('p99'), endpoints: j.endpoints });
}

// ---- (d) alert latency
if (want('d')) {
  log(`(d) alert latency, ${SIZES.samples} incidents`);
  const d = await alertLatency(SIZES.samples);
  figure('d', 'alert latency p95 (POST -> webhook)', d.p95, 'ms', { op: '<', value: 2000 },
    'node bench/run.mjs --only d  (start with bench/rules/alerting.yaml: group_wait 0s; one tipping post per topic, 250-600 ms apart)',
    { p50: d.p50, max: d.max, samples: d.samples, delivered: d.delivered, missing: d.missing });
}

// ---- (f) posts search: recall of 1-4 character queries against a brute-force scan, and latency
if (want('f')) {
  log(`(f) posts search recall and latency at ${SIZES.searchPosts} posts (fills /tmp/fw-search-bench-${SIZES.searchPosts}.db once; reused afterwards)`);
  const jf = join(work, 'search.json');
  const r = await run('search-recall', node, ['bench/search-recall.mjs', '--posts', String(SIZES.searchPosts), '--json', jf]);
  process.stderr.write(r.out);
  const j = JSON.parse(readFileSync(jf, 'utf8'));
  const lengths = Object.entries(j.recall);
  const worst = lengths.reduce((a, [len, x]) => (x.recall < a.recall ? { len, recall: x.recall } : a), { len: '1', recall: 1 });
  const slowest = Object.entries(j.latency).reduce((a, [len, x]) => (x.p95 > a.p95 ? { len, ...x } : a), { len: '1', p95: 0, p50: 0 });
  figure('f', `search recall, worst query length (${worst.len} char)`, worst.recall * 100, '%', { op: '>=', value: 100 },
    `node bench/search-recall.mjs --posts ${SIZES.searchPosts}`, { recall: j.recall, precisionErrors: j.precisionErrors });
  figure('f2', `search p95, one page of 50 (${slowest.len}-char queries)`, slowest.p95, 'ms', { op: '<', value: 100 },
    `node bench/search-recall.mjs --posts ${SIZES.searchPosts}`, { pageP50: slowest.p50, pageMax: slowest.max, latency: j.latency, special: j.special });
}

// ---- (g) hot paths: forecast calls/s and the volume baseline's add+score (were timed unit tests)
if (want('g')) {
  log('(g) forecast and volume-baseline hot paths');
  const r = await run('hot-paths', node, ['bench/hot-paths.mjs']);
  const j = JSON.parse(r.out.trim().split('\n').pop());
  figure('g', 'forecastReposts on 100-event cascades', j.forecastPerSec, 'calls/s', { op: '>=', value: 10_000 }, 'node bench/hot-paths.mjs');
  figure('g2', 'VolumeSeries: 100k events, score every 100', j.volume100kMs, 'ms', { op: '<', value: 1000 }, 'node bench/hot-paths.mjs');
}

// ---- (h) replay on both stores: SQLite and PostgreSQL (skipped without a PostgreSQL to start or use)
if (want('h')) {
  const n = quick ? 10_000 : 50_000;
  log(`(h) replay of ${n} observations on SQLite and on PostgreSQL`);
  try {
    const r = await run('store-replay', node, ['bench/store-replay.mjs', '--obs', String(n), '--json']);
    const j = JSON.parse(r.out.trim().split('\n').pop());
    figure('h', 'replay on SQLite (store comparison)', j.sqlite.obsPerSec, 'obs/s', null, `node bench/store-replay.mjs --obs ${n}`);
    figure('h2', `replay on PostgreSQL (alerts ${j.identical ? 'byte-identical' : 'DIFFER'})`, j.postgres.obsPerSec, 'obs/s', null, `node bench/store-replay.mjs --obs ${n}`);
  } catch (e) {
    log(`(h) skipped: ${e.message.split('\n').slice(-2).join(' ')}`);
  }
}

// ---- (e) peak memory
const peak = rss.reduce((a, r) => (r.mb > a.mb ? r : a), { process: 'none', mb: 0 });
figure('e', `peak RSS (${peak.process})`, peak.mb, 'MB', { op: '<', value: 1024 }, 'every command above under /usr/bin/time -v (Maximum resident set size)', { perProcess: rss });

const results = { at: new Date().toISOString(), machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memGb: Math.round(totalmem() / 2 ** 30), node: process.version }, quick, sizes: SIZES, figures };
writeFileSync(join(ROOT, 'bench/results.json'), JSON.stringify(results, null, 2) + '\n');
printTable();
if (!args.includes('--keep')) rmSync(work, { recursive: true, force: true });
else log(`kept ${work}`);

function printTable() {
  const rows = figures.map((f) => [f.id, f.name, `${f.value.toLocaleString('en-US')} ${f.unit}`, f.floor ?? '', f.pass == null ? '' : f.pass ? 'PASS' : 'FAIL',
    f.ratio != null ? `ceiling ${f.ceiling.toLocaleString('en-US')}/s, ratio ${f.ratio}` : f.p50 != null ? `p50 ${f.p50} ms, max ${f.max} ms, ${f.delivered}/${f.samples} delivered` : f.worstP99 != null ? `p50 ${f.worstP50.toFixed(1)}, p99 ${f.worstP99.toFixed(1)} ms; median endpoint p50/p95/p99 ${f.medianEndpointP50.toFixed(1)}/${f.medianEndpointP95.toFixed(1)}/${f.medianEndpointP99.toFixed(1)}` : f.perProcess ? f.perProcess.map((p) => `${p.process} ${p.mb}`).join(', ') : '']);
  const w = [3, 44, 18, 9, 5];
  console.log(`\nFlarewatch benchmark ${quick ? '(quick) ' : ''}on ${results.machine.cpus} cores, node ${process.version}`);
  console.log(['', 'figure', 'value', 'floor', ''].map((h, i) => h.padEnd(w[i])).join(' '));
  for (const r of rows) console.log(r.slice(0, 5).map((c, i) => String(c).padEnd(w[i])).join(' '), ' ', r[5]);
  console.log('\ncommands:');
  for (const f of figures) console.log(`(${f.id}) ${f.command}`);
  console.log('\nwritten: bench/results.json');
}

/** SIGTERM the node process (under /usr/bin/time, its child) so time -v reports its peak RSS. */
async function stopMonitor(m, label) {
  let pid = m.child.pid;
  if (TIME.length) {
    try { pid = Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0]) || pid; } catch { /* no /proc: signal time itself */ }
  }
  process.kill(pid, 'SIGTERM');
  await m.exited;
  const kb = maxRssKb(m.log());
  if (kb) rss.push({ process: label, mb: Math.round(kb / 1024) });
}

async function ingestBench(file, n) {
  const db = join(work, 'ingest.db');
  const token = addToken(db);
  const m = startMonitor({ db, rules: join(ROOT, 'bench/rules'), wrap: TIME, env: { FLAREWATCH_WEBHOOK_URL: '' } });
  const url = `${await m.url}/api/v1/observations`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const rl = createInterface({ input: createReadStream(file) });
  let batch = [], sent = 0, acked = 0;
  const t0 = performance.now();
  const flush = async () => {
    const r = await postJson(url, token, batch.join('\n') + '\n', agent);
    if (r.status !== 200) throw new Error(`ingest answered ${r.status}: ${r.text.slice(0, 300)}`);
    acked += r.json.accepted;
    batch = [];
  };
  for await (const line of rl) {
    if (sent >= n) break;
    batch.push(line);
    sent++;
    if (batch.length === 1000) await flush();
  }
  if (batch.length) await flush();
  const seconds = (performance.now() - t0) / 1000;
  rl.close();
  agent.destroy();
  await stopMonitor(m, 'start (ingest)');
  return { n: sent, acked, seconds, rate: sent / seconds };
}

async function alertLatency(samples) {
  const rules = join(work, 'latency-rules');
  mkdirSync(join(rules, 'topics'), { recursive: true });
  writeFileSync(join(rules, 'alerting.yaml'), readFileSync(join(ROOT, 'bench/rules/alerting.yaml')));
  const brand = (i) => `测量品牌${String.fromCharCode(0x4e00 + 37 * i)}${String.fromCharCode(0x4e00 + 53 * i + 7)}${i}号`;
  for (let i = 0; i < samples; i++) writeFileSync(join(rules, 'topics', `t${i}.yaml`), `id: lat-${i}\nname: ${brand(i)}\nquery: "\\"${brand(i)}\\""\nkeywords: ["${brand(i)}"]\n`);
  const rx = await startReceiver();
  const db = join(work, 'latency.db');
  const token = addToken(db);
  const m = startMonitor({ db, rules, wrap: TIME, env: { FLAREWATCH_WEBHOOK_URL: rx.url } });
  const url = `${await m.url}/api/v1/observations`;
  const sentAt = new Map();
  const tipping = ['孩子喝完上吐下泻住院了，疑似食物中毒', '喝出异物，肚子疼进了医院急诊', '刹车失灵出了车祸，有人受伤住院', '吃完食物中毒全家住院，太恶心了，投诉无门', '产品致癌物超标，已经报警'];
  for (let i = 0; i < samples; i++) {
    const now = new Date().toISOString();
    const obs = { at: now, source: 'weibo', kind: 'post', id: `lat-${i}`, url: `https://m.weibo.cn/status/lat-${i}`, text: `${brand(i)}${tipping[i % tipping.length]}`, publishedAt: now, author: { id: `u${i}`, followers: 5000 }, metrics: { reposts: 0, comments: 0, likes: 0 } };
    sentAt.set(`lat-${i}`, performance.timeOrigin + performance.now());
    const r = await postJson(url, token, [obs]);
    if (r.status !== 200) throw new Error(`ingest answered ${r.status}: ${r.text}`);
    await new Promise((res) => setTimeout(res, 250 + Math.random() * 350));
  }
  const deadline = Date.now() + 30_000;
  const got = () => new Set(rx.received.map((d) => d.body?.alert?.topic ?? d.body?.alerts?.[0]?.topic)).size;
  while (got() < samples && Date.now() < deadline) await new Promise((res) => setTimeout(res, 200));
  const lat = new Map();
  for (const d of rx.received) {
    const alerts = d.body?.alerts ?? (d.body?.alert ? [d.body.alert] : []);
    for (const a of alerts) {
      const k = String(a.topic ?? '');
      if (k.startsWith('lat-') && !lat.has(k)) lat.set(k, d.at - sentAt.get(k));
    }
  }
  await stopMonitor(m, 'start (alerts)');
  await rx.close();
  // an alert that never arrived counts as infinitely late
  const xs = [...lat.values(), ...Array(samples - lat.size).fill(Infinity)].sort((a, b) => a - b);
  const pct = (p) => xs[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
  const missing = [...sentAt.keys()].filter((k) => !lat.has(k));
  return { p50: Math.round(pct(50)), p95: Math.round(pct(95)), max: Math.round(xs[xs.length - 1]), samples, delivered: lat.size, missing };
}
