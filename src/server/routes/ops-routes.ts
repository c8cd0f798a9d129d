// GET /healthz (no auth) and GET /metrics (Prometheus text format).
import { Router } from 'express';
import type { AppDeps } from '../app-deps.js';

export function opsRoutes(deps: AppDeps): Router {
  const r = Router();
  const started = Date.now();
  r.get('/healthz', (_req, res) => {
    try {
      deps.db.prepare('SELECT 1').get();
      const unhealthy = deps.db.prepare('SELECT count(*) FROM sources WHERE enabled = 1 AND (healthy = 0 OR blocked = 1)').pluck().get() as number;
      res.json({ status: 'ok', db: 'ok', uptimeSeconds: Math.round((Date.now() - started) / 1000), unhealthySources: unhealthy });
    } catch (e) {
      res.status(503).json({ status: 'error', error: (e as Error).message });
    }
  });
  r.get('/metrics', (_req, res) => {
    const db = deps.db;
    const lines: string[] = [];
    const metric = (name: string, help: string, type: string, rows: [Record<string, string>, number][]) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, v] of rows) {
        const l = Object.entries(labels).map(([k, x]) => `${k}="${String(x).replace(/["\\\n]/g, '_')}"`).join(',');
        lines.push(`${name}${l ? `{${l}}` : ''} ${v}`);
      }
    };
    const rows = (sql: string) => db.prepare(sql).all() as Record<string, unknown>[];
    metric('flarewatch_posts', 'Posts stored, by source', 'gauge', rows('SELECT source, count(*) n FROM posts GROUP BY source').map((r) => [{ source: String(r.source) }, Number(r.n)]));
    metric('flarewatch_alerts_total', 'Alerts written, by level and state', 'counter', rows('SELECT level, state, count(*) n FROM alerts GROUP BY level, state').map((r) => [{ level: String(r.level), state: String(r.state) }, Number(r.n)]));
    metric('flarewatch_incidents_firing', 'Incidents firing, by level', 'gauge', rows("SELECT level, count(*) n FROM incidents WHERE state = 'firing' GROUP BY level").map((r) => [{ level: String(r.level) }, Number(r.n)]));
    metric('flarewatch_deliveries', 'Outbox deliveries, by channel and status', 'gauge', rows('SELECT channel, status, count(*) n FROM deliveries GROUP BY channel, status').map((r) => [{ channel: String(r.channel), status: String(r.status) }, Number(r.n)]));
    metric('flarewatch_source_healthy', 'Source health (1 healthy, 0 failing or blocked)', 'gauge', rows('SELECT id, healthy, blocked FROM sources').map((r) => [{ source: String(r.id) }, r.healthy === 1 && r.blocked !== 1 ? 1 : 0]));
    metric('flarewatch_source_error_streak', 'Consecutive failed runs per source', 'gauge', rows('SELECT id, error_streak FROM sources').map((r) => [{ source: String(r.id) }, Number(r.error_streak)]));
    metric('process_resident_memory_bytes', 'Resident memory', 'gauge', [[{}, process.memoryUsage().rss]]);
    res.type('text/plain; version=0.0.4').send(lines.join('\n') + '\n');
  });
  return r;
}
