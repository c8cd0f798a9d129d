// GET /healthz (no auth; with the setup checklist) and GET /metrics (Prometheus text format).
import { Router } from 'express';
import type { AppDeps } from '../app-deps.js';
import { UNHEALTHY_STATES, sourceStateOfRow, type SourceState } from '../../crawl/source-health.js';
import { setupChecklist } from '../setup-checklist.js';
import { queueHealth, queueMetrics } from '../../queue/queue-status.js';
import { storeOf } from '../../db/store/index.js';

export function opsRoutes(deps: AppDeps): Router {
  const r = Router();
  const started = Date.now();
  r.get('/healthz', (_req, res) => {
    try {
      const store = storeOf(deps.db);
      store.reads.ping();
      // source states as the dashboard shows them (crawl/source-health.ts): failing now, blocked, empty or never working
      const states: Record<string, number> = {};
      for (const row of store.sources.enabledRunStates()) {
        const st = sourceStateOfRow(row);
        states[st] = (states[st] ?? 0) + 1;
      }
      const unhealthy = Object.entries(states).filter(([st]) => UNHEALTHY_STATES.has(st as SourceState)).reduce((a, [, n]) => a + n, 0);
      // the crawl queue (FLAREWATCH_QUEUE) from its last poll, never waiting for Redis; a problem there makes the status 'degraded'
      const queue = deps.queue ? queueHealth(deps.queue.status()) : undefined;
      res.json({ status: queue?.problem ? 'degraded' : 'ok', db: 'ok', ...(deps.role ? { role: deps.role() } : {}), ...(queue ? { queue } : {}), uptimeSeconds: Math.round((Date.now() - started) / 1000), unhealthySources: unhealthy, sources: states,
        // what is missing for alerts to reach people, with the fix, until it is fixed (setup-checklist.ts)
        setup: setupChecklist(deps.env, deps.notifier?.config ?? null) });
    } catch (e) {
      res.status(503).json({ status: 'error', error: (e as Error).message });
    }
  });
  r.get('/metrics', (_req, res) => {
    const store = storeOf(deps.db);
    const lines: string[] = [];
    const metric = (name: string, help: string, type: string, rows: [Record<string, string>, number][]) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, v] of rows) {
        const l = Object.entries(labels).map(([k, x]) => `${k}="${String(x).replace(/["\\\n]/g, '_')}"`).join(',');
        lines.push(`${name}${l ? `{${l}}` : ''} ${v}`);
      }
    };
    const sources = store.sources.list();
    metric('flarewatch_posts', 'Posts stored, by source', 'gauge', store.reads.postsBySource().map((r) => [{ source: String(r.source) }, Number(r.n)]));
    metric('flarewatch_alerts_total', 'Alerts written, by level and state', 'counter', store.reads.alertsByLevelAndState().map((r) => [{ level: String(r.level), state: String(r.state) }, Number(r.n)]));
    metric('flarewatch_incidents_firing', 'Incidents firing, by level', 'gauge', store.reads.firingIncidentsByLevel().map((r) => [{ level: String(r.level) }, Number(r.n)]));
    metric('flarewatch_deliveries', 'Outbox deliveries, by channel and status', 'gauge', store.reads.deliveriesByChannelAndStatus().map((r) => [{ channel: String(r.channel), status: String(r.status) }, Number(r.n)]));
    metric('flarewatch_source_healthy', 'Source health (1 ok or not run yet, 0 failing, blocked, empty or never working)', 'gauge', sources.map((r) => [{ source: String(r.id) }, UNHEALTHY_STATES.has(sourceStateOfRow(r)) ? 0 : 1]));
    metric('flarewatch_source_error_streak', 'Consecutive failed runs per source', 'gauge', sources.map((r) => [{ source: String(r.id) }, Number(r.error_streak)]));
    if (deps.queue) for (const q of queueMetrics(deps.queue.status())) metric(q.name, q.help, q.type, q.rows);
    if (deps.role) metric('flarewatch_pipeline_leader', 'Whether this monitor runs the pipeline (1) or stands by for another sharing the database (0)', 'gauge', [[{}, deps.role() === 'leader' ? 1 : 0]]);
    metric('process_resident_memory_bytes', 'Resident memory', 'gauge', [[{}, process.memoryUsage().rss]]);
    res.type('text/plain; version=0.0.4').send(lines.join('\n') + '\n');
  });
  return r;
}
