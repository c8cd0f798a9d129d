import { describe, it, expect, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDb } from '../../src/db/connection.js';
import { startReceiver } from './helpers.js';

const script = fileURLToPath(new URL('./fixtures/crash-sender.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fw-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): { child: ChildProcess; exited: Promise<number | null>; out: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  return { child, exited: new Promise((ok) => child.on('exit', (code) => ok(code))), out: () => out };
}

describe('kill -9 in the middle of sending', () => {
  it('loses nothing; a re-send only happens for requests in flight at the kill, with the same delivery key', async () => {
    const N = 20;
    const processed = new Map<string, number>(); // by X-Flarewatch-Delivery (what an idempotent receiver keeps)
    const raw: string[] = [];
    let victim: ChildProcess | null = null;
    const rx = await startReceiver();
    // reply after 40 ms, so that requests are in flight when the sender is killed
    rx.server.removeAllListeners('request');
    rx.server.on('request', (req, res) => {
      let b = '';
      req.on('data', (c) => (b += c));
      req.on('end', () => {
        const json = JSON.parse(b);
        const key = String(req.headers['x-flarewatch-delivery']);
        raw.push(json.alert.incident);
        processed.set(key, (processed.get(key) ?? 0) + 1);
        if (raw.length === 6 && victim) victim.kill('SIGKILL');
        setTimeout(() => { if (!res.destroyed) res.end('ok'); }, 40);
      });
    });
    const dbPath = join(dir, 'outbox.db');
    const first = run([dbPath, rx.url, 'enqueue', String(N)]);
    victim = first.child;
    const code = await first.exited;
    expect(code).toBe(null); // killed by the signal, not a clean exit
    expect(first.out()).toContain('queued');
    const before = openDb(dbPath);
    const mid = before.prepare('SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status').all();
    before.close();
    const second = run([dbPath, rx.url, 'drain']);
    expect(await second.exited).toBe(0);
    await rx.close();
    const db = openDb(dbPath);
    const rows = db.prepare('SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status').all();
    const logged = (db.prepare('SELECT COUNT(*) AS n FROM notification_log').get() as { n: number }).n;
    db.close();
    expect(rows).toEqual([{ status: 'sent', n: N }]);
    expect(logged).toBe(N);
    expect(new Set(raw).size).toBe(N); // nothing lost
    expect(processed.size).toBe(N); // exactly N distinct deliveries: an idempotent receiver sees each once
    const resent = raw.length - N;
    expect(resent).toBeLessThanOrEqual(2); // at most the requests in flight at the kill (concurrency 2)
    console.log(`kill -9 after 6 requests: outbox then ${JSON.stringify(mid)}; ${raw.length} requests for ${N} deliveries (${resent} re-sent, same delivery key)`);
  }, 60_000);
});
