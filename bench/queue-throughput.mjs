#!/usr/bin/env node
// Crawl throughput of the queue (issue 15): 1, 2 and 4 `flarewatch worker` processes against a
// local slow site (8 hosts = 8 ports on 127.0.0.1, 4 paged feeds each, every page answered after
// --delay ms), each worker crawling --concurrency jobs at once, observations stored in one SQLite
// database through the inbox. Jobs are queued by the monitor's own scheduler in queue mode; the
// clock runs from the first job queued to the last job's inbox row. Per-host politeness
// (--interval ms between requests to one host, across all workers) is checked at the sites.
// Usage: npm run build && node bench/queue-throughput.mjs [--workers 1,2,4] [--delay 250] [--interval 100] [--concurrency 2]
// Needs redis-server (Debian: apt-get install redis-server); starts its own on a free port.
import { fork, spawn, spawnSync, execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { createServer as netServer } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ROOT, BIN } from './live-harness.mjs';

const arg = (name, def) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] : def; };
const WORKERS = arg('workers', '1,2,4').split(',').map(Number);
const DELAY = Number(arg('delay', 250)), INTERVAL = Number(arg('interval', 100)), CONC = Number(arg('concurrency', 2));
const HOSTS = 8, FEEDS = 4, PAGES = 3, PER = 10;
const log = (m) => process.stderr.write(`bench: ${m}\n`);

if (spawnSync('redis-server', ['--version']).status !== 0) { log('redis-server is not installed (apt-get install redis-server)'); process.exit(2); }
if (!process.argv.includes('--serve')) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
const dist = (p) => import(pathToFileURL(join(ROOT, 'dist', p)).href);
const { openDb } = await dist('src/db/connection.js');
const { sourceConfig } = await dist('src/crawl/sources-config.js');
const { startCrawlScheduler } = await dist('src/crawl/scheduler.js');
const { openCrawlQueue } = await dist('src/queue/crawl-queue.js');
const { liveWorkers } = await dist('src/queue/heartbeat.js');
const { readEnv } = await dist('src/config/env.js');
const { Redis } = await import(pathToFileURL(join(ROOT, 'node_modules/ioredis/built/index.js')).href);

const freePort = () => new Promise((ok) => { const s = netServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); }); });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// the slow sites, in a process of their own (so this one's timers and polling never delay their
// clocks): one server per host, Atom feeds with `next` links; each request's arrival time is kept
if (process.argv.includes('--serve')) {
  const hits = {};
  const ports = [];
  for (let h = 0; h < HOSTS; h++) {
    const server = createServer((req, res) => {
      (hits[h] ??= []).push(performance.now());
      const m = /^\/feed\/(\w+)(?:\/(\d+))?$/.exec(req.url);
      setTimeout(() => {
        if (!m) { res.writeHead(404); return res.end(); }
        const page = Number(m[2] ?? 1), base = `http://${req.headers.host}`;
        const entries = Array.from({ length: PER }, (_, i) => `<entry><id>${m[1]}-${page}-${i}</id><title>item ${i}</title><link href="${base}/p/${m[1]}-${page}-${i}"/><updated>2026-09-01T00:00:00Z</updated><summary>slow site ${m[1]} page ${page} item ${i}</summary></entry>`).join('');
        res.writeHead(200, { 'content-type': 'application/atom+xml' });
        res.end(`<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">${page < PAGES ? `<link rel="next" href="${base}/feed/${m[1]}/${page + 1}"/>` : ''}${entries}</feed>`);
      }, DELAY);
    });
    await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
    ports.push(server.address().port);
  }
  process.send({ ports });
  process.on('message', (m) => {
    if (m === 'reset') { for (const k of Object.keys(hits)) hits[k] = []; process.send({ reset: true }); }
    if (m === 'hits') process.send({ hits });
    if (m === 'exit') process.exit(0);
  });
} else {
const siteProc = fork(fileURLToPath(import.meta.url), ['--serve', ...process.argv.slice(2)], { stdio: 'inherit' });
const ask = (msg, key) => new Promise((ok) => { const on = (m) => { if (m[key] !== undefined) { siteProc.off('message', on); ok(m[key]); } }; siteProc.on('message', on); if (msg) siteProc.send(msg); });
const sites = (await ask(null, 'ports')).map((port) => ({ port }));
// queued host by host in turn (h0f0, h1f0, ... h7f0, h0f1, ...), as schedules spread over sites would
const sources = Array.from({ length: FEEDS }, (_, f) => sites.map(({ port }, h) => sourceConfig({ id: `h${h}-f${f}`, adapter: 'rss', url: `http://127.0.0.1:${port}/feed/h${h}f${f}`, maxPages: PAGES, minIntervalMs: INTERVAL, robots: 'ignore', reobserve: { enabled: false } }))).flat();

const redisPort = await freePort();
const redisProc = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
const url = `redis://127.0.0.1:${redisPort}/0`;
const redis = new Redis(redisPort, '127.0.0.1');
for (let i = 0; i < 100; i++) { try { if (await redis.ping() === 'PONG') break; } catch { /* starting */ } await sleep(50); }

const rows = [];
try {
  for (const W of WORKERS) {
    await redis.flushdb();
    await ask('reset', 'reset');
    const dir = mkdtempSync(join(tmpdir(), 'fw-qbench-'));
    const dbPath = join(dir, 'bench.db');
    openDb(dbPath).close();
    const procs = Array.from({ length: W }, () => spawn(process.execPath, [BIN, 'worker', '--concurrency', String(CONC)], { env: { ...process.env, FLAREWATCH_QUEUE: url, FLAREWATCH_DB: dbPath, LOG_LEVEL: 'warn', DOTENV_CONFIG_QUIET: 'true' }, stdio: 'ignore' }));
    while ((await liveWorkers(redis)).length < W) await sleep(100);
    const cq = openCrawlQueue({ url, log: () => undefined });
    while (!(await cq.refresh()).up) await sleep(50);
    const sink = { save() {}, knownIds: () => new Set(), health() {} };
    const sched = startCrawlScheduler({ sources, sink, env: readEnv({}), dispatch: cq, manual: true });
    const db = openDb(dbPath, { readonly: true });
    const t0 = performance.now();
    for (const s of sources) await sched.runNow(s.id);
    while (db.prepare('SELECT count(*) FROM crawl_inbox').pluck().get() < sources.length) await sleep(20);
    const secs = (performance.now() - t0) / 1000;
    const items = db.prepare('SELECT sum(items) FROM crawl_inbox').pluck().get();
    const workersUsed = db.prepare('SELECT count(DISTINCT worker) FROM crawl_inbox').pluck().get();
    const hits = new Map(Object.entries(await ask('hits', 'hits')));
    const gaps = [...hits.values()].flatMap((t) => t.slice(1).map((x, i) => x - t[i])).sort((a, b) => a - b);
    const minGap = gaps[0] ?? Infinity;
    const under = gaps.filter((g) => g < INTERVAL - 5).length;
    const pages = [...hits.values()].reduce((a, t) => a + t.length, 0);
    rows.push({ workers: W, concurrency: CONC, jobs: sources.length, pages, items, seconds: +secs.toFixed(2), jobsPerSecond: +(sources.length / secs).toFixed(2), pagesPerSecond: +(pages / secs).toFixed(1), workersThatTookJobs: workersUsed, minGapPerHostMs: +minGap.toFixed(1), p5GapPerHostMs: +gaps[Math.floor(gaps.length * 0.05)].toFixed(1), gapsUnderInterval: under, gaps: gaps.length });
    log(`${W} worker(s): ${sources.length} jobs, ${pages} pages in ${secs.toFixed(2)} s = ${(pages / secs).toFixed(1)} pages/s (${workersUsed} took jobs; min gap at one host ${minGap.toFixed(0)} ms, ${under} of ${gaps.length} gaps under ${INTERVAL - 5} ms)`);
    const peakRssMb = Math.max(...procs.map((p) => { try { return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${p.pid}/status`, 'utf8'))[1]) / 1024; } catch { return 0; } }));
    rows.at(-1).workerPeakRssMb = Math.round(peakRssMb);
    db.close();
    await sched.stop();
    await cq.close();
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r() : p.once('exit', r)))));
    rmSync(dir, { recursive: true, force: true });
  }
} finally {
  redis.disconnect();
  redisProc.kill('SIGTERM');
  siteProc.send('exit');
}
console.log(JSON.stringify({ bench: 'queue-throughput', hosts: HOSTS, feedsPerHost: FEEDS, pagesPerJob: PAGES, delayMs: DELAY, intervalMs: INTERVAL, rows }, null, 2));
}
