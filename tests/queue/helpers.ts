// Test helpers for the crawl queue: a private redis-server on a free 127.0.0.1 port (no
// persistence), stopped afterwards; a fixture site serving Atom feeds (paged, optionally slow)
// that records when each request arrived; a temp rules folder and database; a worker process.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer as createNetServer } from 'node:net';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

export const HAS_REDIS = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
export const SKIP_MESSAGE = 'tests/queue: redis-server is not installed, so the crawl queue tests are skipped (Debian: apt-get install -y redis-server; .ci/run installs it)';
if (!HAS_REDIS) console.warn(SKIP_MESSAGE);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface RedisServer { url: string; port: number; stop(): Promise<void> }

/** redis-server on a free port, answering PING before this resolves. */
export async function startRedis(): Promise<RedisServer> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let exited = false;
    child.once('exit', () => { exited = true; });
    const probe = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    let ok = false;
    for (let i = 0; i < 100 && !exited && !ok; i++) {
      await new Promise((r) => setTimeout(r, 50));
      try { await probe.connect(); ok = (await probe.ping()) === 'PONG'; } catch { /* not yet */ }
    }
    probe.disconnect();
    if (ok) {
      return {
        url: `redis://127.0.0.1:${port}/0`, port,
        stop: () => new Promise<void>((resolve) => {
          if (exited) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
      };
    }
    child.kill('SIGKILL');
    if (attempt >= 3) throw new Error('redis-server did not start');
  }
}

export interface FeedSite {
  base: string;
  /** every request: path and arrival time (ms, performance clock) */
  hits: { path: string; t: number }[];
  /** hold the next requests to `path` for `ms` before answering */
  slow(path: string, ms: number, times?: number): void;
  /** resolves at the next request to `path` */
  nextHit(path: string): Promise<void>;
  close(): Promise<void>;
}

/** Atom feed `name`, page `page` of `pages`, `per` entries each; ids `${name}-${page}-${i}`. */
export function atomPage(base: string, name: string, page: number, pages: number, per: number): string {
  const entries = Array.from({ length: per }, (_, i) => `<entry><id>${name}-${page}-${i}</id><title>星河乳业 ${name} 第${page}页 第${i}条</title>
<link href="${base}/post/${name}-${page}-${i}"/><updated>2026-09-01T0${page % 10}:0${i % 10}:00Z</updated><summary>星河乳业的产品 ${name} ${page} ${i}</summary></entry>`).join('\n');
  const next = page < pages ? `<link rel="next" href="${base}/feed/${name}/${page + 1}"/>` : '';
  return `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>${name}</title>${next}\n${entries}</feed>`;
}

/** Serves /feed/<name>/<page> (Atom, `pages` pages of `per` entries) and /robots.txt (allow all); every answer after `delayMs`. */
export async function startFeedSite(o: { pages?: number; per?: number; delayMs?: number } = {}): Promise<FeedSite> {
  const pages = o.pages ?? 1, per = o.per ?? 5;
  const hits: FeedSite['hits'] = [];
  const slow = new Map<string, { ms: number; times: number }>();
  const waiters = new Map<string, (() => void)[]>();
  let base = '';
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url!, 'http://x').pathname;
    hits.push({ path, t: performance.now() });
    for (const w of waiters.get(path) ?? []) w();
    waiters.delete(path);
    const answer = () => {
      if (path === '/robots.txt') { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('User-agent: *\nAllow: /\n'); return; }
      const m = /^\/feed\/([\w-]+)(?:\/(\d+))?$/.exec(path);
      if (!m) { res.writeHead(404); res.end('not found'); return; }
      res.writeHead(200, { 'content-type': 'application/atom+xml; charset=utf-8' });
      res.end(atomPage(base, m[1], Number(m[2] ?? 1), pages, per));
    };
    const s = slow.get(path);
    if (s && s.times > 0) {
      s.times--;
      const t = setTimeout(answer, s.ms);
      res.on('close', () => clearTimeout(t));
    } else if (o.delayMs) {
      const t = setTimeout(answer, o.delayMs);
      res.on('close', () => clearTimeout(t));
    } else answer();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    base, hits,
    slow: (path, ms, times = 1) => void slow.set(path, { ms, times }),
    nextHit: (path) => new Promise<void>((r) => waiters.set(path, [...(waiters.get(path) ?? []), r])),
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

export interface TempSetup { dir: string; rulesDir: string; dbPath: string; cleanup(): void }

/** A temp folder with rules/ (topic brand-x, the given sources.yaml) and a database path. */
export function tempSetup(sourcesYaml: string): TempSetup {
  const dir = mkdtempSync(join(tmpdir(), 'fw-queue-'));
  const rulesDir = join(dir, 'rules');
  mkdirSync(join(rulesDir, 'topics'), { recursive: true });
  writeFileSync(join(rulesDir, 'topics', 'brand-x.yaml'), 'id: brand-x\nname: 星河乳业\nquery: 星河乳业\n');
  writeFileSync(join(rulesDir, 'sources.yaml'), sourcesYaml);
  return { dir, rulesDir, dbPath: join(dir, 'fw.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** sources.yaml for feeds on `base`: one source per name, never scheduled (runOnStart queues them). */
export function feedSources(base: string, names: string[], extra = ''): string {
  return 'sources:\n' + names.map((n) => `  - id: feed-${n}\n    adapter: rss\n    url: ${base}/feed/${n}\n    schedule: "0 0 1 1 *"\n    minIntervalMs: 0\n    reobserve: {enabled: false}\n${extra}`).join('');
}

const WORKER_MAIN = fileURLToPath(new URL('./fixtures/worker-process.ts', import.meta.url));

export interface WorkerProcess { child: ChildProcess; output(): string; exited: Promise<number | null> }

/** `flarewatch worker` in a child process (the CLI, run from the TypeScript sources). */
export function spawnWorker(args: string[], env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER_MAIN, 'worker', ...args], { env: { ...process.env, DOTENV_CONFIG_QUIET: 'true', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

export async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 20_000, every = 50): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}
