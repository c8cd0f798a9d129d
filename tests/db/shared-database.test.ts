// Two monitors on one PostgreSQL database, as `flarewatch start` runs them: one leads (pipeline,
// crawlers, reports), the other stands by (dashboard, API, alert sending). What is posted to the
// standby's ingest API reaches the leader's pipeline through the crawl inbox; a crisis raises one
// alert, delivered once, whichever monitor sends it; when the leader stops, the standby takes over
// and goes on alerting. Skips with a message when no PostgreSQL can be had.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMonitor, type Monitor } from '../../src/runtime/monitor.js';
import { readEnv } from '../../src/config/env.js';
import { openDb } from '../../src/db/connection.js';
import { UserAccounts } from '../../src/server/user-accounts.js';
import { startPostgres, HAS_POSTGRES, PG_SKIP_MESSAGE, type PgServer } from './postgres-server.js';

if (!HAS_POSTGRES) console.warn(PG_SKIP_MESSAGE);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(fn: () => T | Promise<T>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(100);
  }
}

describe.skipIf(!HAS_POSTGRES)('monitors sharing one PostgreSQL database', () => {
  let pg: PgServer;
  let dir: string;
  let url: string;
  let token: string;
  const hooks: { at: number; body: string }[] = [];
  let receiver: http.Server;
  let hookUrl: string;
  const logs: string[][] = [[], []];
  let m1: Monitor | null = null;
  let m2: Monitor | null = null;

  beforeAll(async () => {
    pg = await startPostgres();
    url = pg.freshUrl('shared');
    dir = mkdtempSync(join(tmpdir(), 'fw-shared-'));
    mkdirSync(join(dir, 'rules', 'topics'), { recursive: true });
    writeFileSync(join(dir, 'rules', 'topics', 'brand.yaml'), 'id: brand\nname: 云雀乳业\nquery: 云雀乳业 OR 云雀牛奶\n');
    receiver = http.createServer((req, res) => {
      let b = '';
      req.on('data', (c) => (b += c));
      req.on('end', () => { hooks.push({ at: Date.now(), body: b }); res.end('ok'); });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    hookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
    writeFileSync(join(dir, 'rules', 'alerting.yaml'), `receivers:\n  - name: desk\n    webhook:\n      url: ${hookUrl}\nroute:\n  receiver: desk\n  group_wait: 0s\n  group_interval: 1s\n`);
    const db = openDb(url);
    token = new UserAccounts(db).addToken('probe', 'ingest', new Date());
    db.close();
    const start = (i: number) => startMonitor({
      env: { ...readEnv({ FLAREWATCH_SSRF_ALLOW: '127.0.0.1' }), dbPath: url, rulesDir: join(dir, 'rules'), host: '127.0.0.1', port: 0 },
      log: (level, msg) => void logs[i].push(`${level} ${msg}`),
      leasePollMs: 200,
    });
    m1 = await start(0);
    m2 = await start(1);
  }, 120_000);

  afterAll(async () => {
    await m2?.stop();
    await m1?.stop();
    await new Promise<void>((r) => receiver.close(() => r()));
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = async (m: Monitor, obs: object[]) => {
    const r = await fetch(`${m.url}api/v1/observations`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(obs) });
    expect(r.status).toBe(200);
  };
  const complaint = (id: string, at: Date, reposts: number) => ({
    at: at.toISOString(), source: 'weibo', kind: 'post', id, url: `https://m.weibo.cn/detail/${id}`,
    author: { id: `u${id}`, name: '小林妈妈', followers: 900 },
    text: '云雀乳业的牛奶喝出异物，孩子喝了以后上吐下泻住进医院，客服一直推诿，投诉无门，求扩散',
    metrics: { reposts, comments: Math.round(reposts / 3), likes: reposts * 2 },
  });

  it('one leads, the other stands by, and each says which in /healthz and /metrics', async () => {
    expect(m1!.pipeline).not.toBeNull();
    expect(m2!.pipeline).toBeNull();
    expect(logs[1].join('\n')).toMatch(/standby: another monitor runs the pipeline/);
    expect(((await (await fetch(`${m1!.url}healthz`)).json()) as { role: string }).role).toBe('leader');
    expect(((await (await fetch(`${m2!.url}healthz`)).json()) as { role: string }).role).toBe('standby');
    const metrics = await (await fetch(`${m2!.url}metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
    expect(metrics).toMatch(/^flarewatch_pipeline_leader 0$/m);
  });

  it("the standby's ingest reaches the leader's pipeline; the crisis is alerted and delivered once", async () => {
    const t = Date.now();
    for (let k = 0; k < 6; k++) await post(m2!, [complaint('9001', new Date(t - (6 - k) * 60_000), 40 * 4 ** k)]);
    await until(() => hooks.length > 0);
    await sleep(2500); // time for a second send, if any monitor were to make one
    const deliveries = openDb(url);
    try {
      const sent = deliveries.prepare("SELECT count(*) FROM deliveries WHERE status = 'sent'").pluck().get() as number;
      expect(sent).toBeGreaterThan(0);
      expect(hooks.length).toBe(sent); // each delivery reached the receiver once
      expect(deliveries.prepare('SELECT count(*) FROM notification_log').pluck().get()).toBe(sent);
      expect(deliveries.prepare("SELECT count(*) FROM posts WHERE ext_id = '9001'").pluck().get()).toBe(1);
    } finally {
      deliveries.close();
    }
    expect(hooks[0].body).toMatch(/云雀乳业/);
  }, 60_000);

  it('takes over when the leader stops, and goes on alerting', async () => {
    await m1!.stop();
    m1 = null;
    await until(() => m2!.pipeline !== null, 20_000);
    expect(((await (await fetch(`${m2!.url}healthz`)).json()) as { role: string }).role).toBe('leader');
    expect(logs[1].join('\n')).toMatch(/now runs the pipeline/);
    const before = hooks.length;
    const t = Date.now();
    for (let k = 0; k < 6; k++) await post(m2!, [{ ...complaint('9002', new Date(t - (6 - k) * 60_000), 50 * 4 ** k), text: '云雀牛奶里有玻璃碎片，孩子嘴被划破送医，云雀乳业客服说不是他们的问题' }]);
    await until(() => hooks.length > before, 30_000);
  }, 60_000);
});
