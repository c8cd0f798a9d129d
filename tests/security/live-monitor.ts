// The monitor exactly as `flarewatch start` assembles it (startMonitor, which start.ts calls), in
// process on 127.0.0.1 with a free port, a temp database and rules folder, a settable clock and
// captured log lines. Users of every role and an ingest token are made with the CLI's repository.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startMonitor, type Monitor, type MonitorOptions } from '../../src/runtime/monitor.js';
import { readEnv } from '../../src/config/env.js';
import { openDb } from '../../src/db/connection.js';
import { UserAccounts, type Role } from '../../src/server/user-accounts.js';

export const PASSWORDS: Record<Role, string> = { admin: 'admin-pass-heron-71', analyst: 'analyst-pass-otter-52', viewer: 'viewer-pass-finch-33' };

export interface LiveMonitor {
  m: Monitor;
  /** base URL without the trailing slash */
  url: string;
  dir: string;
  token: string;
  logs: { level: string; msg: string }[];
  /** the monitor's clock (ingest, evaluation, desk); starts at `start` */
  clock: { now(): Date; set(d: Date): void };
  login(role: Role): Promise<{ cookie: string; csrf: string }>;
  /** POST /api/v1/observations with the ingest token; `body` is sent as is when a string */
  ingest(body: unknown[] | string): Promise<{ status: number; json: Record<string, unknown> }>;
  stop(): Promise<void>;
}

export interface LiveMonitorOptions {
  start?: Date;
  /** files under the rules folder (relative path -> text); a topic brand-x (星河乳业) is always there */
  rules?: Record<string, string>;
  vars?: Record<string, string>;
  evidence?: MonitorOptions['evidence'];
}

export async function startLiveMonitor(o: LiveMonitorOptions = {}): Promise<LiveMonitor> {
  const dir = mkdtempSync(join(tmpdir(), 'fw-live-'));
  const rulesDir = join(dir, 'rules');
  mkdirSync(join(rulesDir, 'topics'), { recursive: true });
  writeFileSync(join(rulesDir, 'topics', 'brand-x.yaml'), 'id: brand-x\nname: 星河乳业\nquery: 星河乳业 OR 星河牛奶 OR "Xinghe Dairy"\n');
  for (const [f, text] of Object.entries(o.rules ?? {})) {
    mkdirSync(dirname(join(rulesDir, f)), { recursive: true });
    writeFileSync(join(rulesDir, f), text);
  }
  const dbPath = join(dir, 'fw.db');
  const db = openDb(dbPath);
  const users = new UserAccounts(db);
  for (const role of ['admin', 'analyst', 'viewer'] as Role[]) await users.add(role, PASSWORDS[role], role, new Date());
  const token = users.addToken('probe', 'ingest', new Date());
  db.close();
  let clock = o.start ?? new Date();
  const logs: { level: string; msg: string }[] = [];
  const env = { ...readEnv(o.vars ?? {}), dbPath, rulesDir, host: '127.0.0.1', port: 0 };
  const m = await startMonitor({ env, log: (level, msg) => void logs.push({ level, msg }), now: () => clock, evaluateEveryMs: 3_600_000, evidence: o.evidence });
  const url = m.url.replace(/\/$/, '');
  return {
    m, url, dir, token, logs,
    clock: { now: () => clock, set: (d) => { clock = d; } },
    async login(role) {
      const r = await fetch(`${url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: role, password: PASSWORDS[role] }) });
      if (r.status !== 200) throw new Error(`login ${role}: ${r.status} ${await r.text()}`);
      return { cookie: (r.headers.get('set-cookie') ?? '').split(';')[0], csrf: ((await r.json()) as { csrfToken: string }).csrfToken };
    },
    async ingest(body) {
      const r = await fetch(`${url}/api/v1/observations`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
      const text = await r.text();
      let json: Record<string, unknown> = {};
      try { json = JSON.parse(text) as Record<string, unknown>; } catch { json = { text }; }
      return { status: r.status, json };
    },
    async stop() {
      await m.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Wait until `pred` holds (polling), or fail after `ms`. */
export async function until(pred: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A story that reaches P2 at once (severe, fast, two platforms): a Weibo root post whose reposts
 * climb, with a Tieba echo; `minute` steps the story, `url` is the root post's link.
 */
export const CRISIS_TEXTS = ['星河乳业 牛奶 喝了 上吐下泻 住进医院 孩子 中毒 投诉无门 太可怕了', '星河牛奶 酸奶 发霉 长虫 老人 吃了 急诊 抢救 食物中毒 客服 不理 要曝光'];

export function crisisBatch(minute: number, t0: Date, url: string, prefix = 'r', story = 0): unknown[] {
  const at = new Date(t0.getTime() + minute * 60_000).toISOString();
  const reposts = [50, 900, 3000, 7000, 12000][Math.min(4, Math.floor(minute / 5))];
  return [
    { at, source: 'weibo', kind: 'post', id: `${prefix}1`, url, author: { id: 'a1', name: '用户', followers: 50000 }, publishedAt: t0.toISOString(),
      text: CRISIS_TEXTS[story], metrics: { reposts, comments: Math.round(reposts / 3), likes: reposts } },
    { at, source: 'tieba', kind: 'post', id: `${prefix}t${minute}`, url, author: { id: 'a2', name: '吧友', followers: 500 }, publishedAt: at,
      text: `${story ? '星河乳业 发霉 急诊' : '星河牛奶 有毒 住院'} ${minute}`, metrics: { reposts: Math.round(reposts / 10) } },
  ];
}
