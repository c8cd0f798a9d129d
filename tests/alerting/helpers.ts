// Test helpers for alerting: a fresh migrated database, alert rows, local HTTP receivers on
// 127.0.0.1 that record every request, and a config from YAML text.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openDb, type Db } from '../../src/db/connection.js';
import { readEnv, type Env } from '../../src/config/env.js';
import type { AlertRecord } from '../../src/core/alert.js';
import { parseAlertingConfig, type AlertingConfig } from '../../src/config/alerting-config.js';

export function freshDb(): Db { return openDb(':memory:'); }

export function testEnv(extra: Record<string, string> = {}): Env {
  return readEnv({ FLAREWATCH_PUBLIC_URL: 'http://127.0.0.1:8080', ...extra });
}

let seq = 0;
export function insertAlert(db: Db, a: Partial<AlertRecord> = {}): AlertRecord & { id: number } {
  const rec: AlertRecord = {
    at: '2026-08-22T05:40:00.000Z', topic: 'brand-x', incident: `inc-${++seq}`, level: 'P2', state: 'firing', risk: 78,
    title: '星河乳业 质量投诉', reasons: ['转发量 1 小时增长 12 倍 / reposts x12 in 1h'], posts: ['weibo:1'], forecast: { reposts: 12000, low: 8000, high: 20000 },
    categories: ['quality'], sources: ['weibo'], kind: 'incident', ...a,
  };
  const id = Number(db.prepare(`INSERT INTO alerts (at, topic_id, incident_id, level, state, risk, title, reasons, posts, forecast, categories, sources, kind)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(rec.at, rec.topic, rec.incident, rec.level, rec.state, rec.risk, rec.title,
    JSON.stringify(rec.reasons), JSON.stringify(rec.posts), JSON.stringify(rec.forecast), JSON.stringify(rec.categories), JSON.stringify(rec.sources), rec.kind ?? 'incident').lastInsertRowid);
  return { ...rec, id };
}

export function insertIncident(db: Db, id: string, o: { status?: string; owner?: string | null; openedAt?: string; level?: string; topic?: string } = {}): void {
  const seqNo = Number((db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM incidents').get() as { n: number }).n);
  db.prepare(`INSERT INTO incidents (id, seq, topic_id, title, opened_at, updated_at, level, state, status, owner, key_terms, peak_risk, reasons)
    VALUES (?, ?, ?, ?, ?, ?, ?, 'firing', ?, ?, ?, ?, ?)`).run(id, seqNo, o.topic ?? 'brand-x', `incident ${id}`, o.openedAt ?? '2026-08-22T05:00:00.000Z',
    o.openedAt ?? '2026-08-22T05:00:00.000Z', o.level ?? 'P1', o.status ?? 'new', o.owner ?? null, JSON.stringify(['质量', '投诉']), 80, JSON.stringify(['r1']));
}

export interface Recorded { method: string; url: string; headers: Record<string, string | string[] | undefined>; body: string; json: any; at: number }
export interface Receiver { url: string; requests: Recorded[]; close(): Promise<void>; server: Server }

/** An HTTP receiver; `reply` decides the answer (default 200 {"errcode":0}). */
export async function startReceiver(reply?: (req: Recorded, n: number, res: ServerResponse) => { status?: number; body?: unknown; headers?: Record<string, string> } | void): Promise<Receiver> {
  const requests: Recorded[] = [];
  let n = 0;
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown = null;
      try { json = JSON.parse(body); } catch { json = null; }
      const rec: Recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, json, at: Date.now() };
      n++;
      const r = reply?.(rec, n, res) ?? {};
      if (res.writableEnded) return;
      requests.push(rec);
      const status = r.status ?? 200;
      const out = r.body === undefined ? { errcode: 0, errmsg: 'ok' } : r.body;
      res.writeHead(status, { 'content-type': typeof out === 'string' ? 'text/plain' : 'application/json', ...(r.headers ?? {}) });
      res.end(typeof out === 'string' ? out : JSON.stringify(out));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`, requests, server,
    close: () => new Promise<void>((ok) => { server.closeAllConnections?.(); server.close(() => ok()); }),
  };
}

export function config(yaml: string, vars: Record<string, string> = {}): AlertingConfig {
  return parseAlertingConfig('rules/alerting.yaml', yaml, vars, 'Asia/Shanghai');
}

export const FAST_DELIVERY = 'delivery: {timeout: 2s, initial_backoff: 20ms, max_backoff: 200ms, max_age: 1h}\n';
