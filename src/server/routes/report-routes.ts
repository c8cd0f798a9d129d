// Reports page downloads: alerts and incidents of a period as CSV (formula-safe) or JSON. The
// analysts' full report (html/pdf/xlsx) is the `report` command's; when its module is present
// the dashboard links to it through GET /reports/full.
import { Router } from 'express';
import type { AppDeps } from '../app-deps.js';
import { storeOf } from '../../db/store/index.js';
import { requireRole } from '../security.js';
import { csvLine } from '../csv.js';
import { str, parseJson } from '../route-helpers.js';

function period(q: Record<string, unknown>, now: Date): { from: string; to: string } | null {
  const to = str(q.to) ? new Date(String(q.to)) : now;
  const from = str(q.from) ? new Date(String(q.from)) : new Date(to.getTime() - 7 * 86_400_000);
  if (Number.isNaN(to.getTime()) || Number.isNaN(from.getTime())) return null;
  return { from: from.toISOString(), to: to.toISOString() };
}

export function reportRoutes(deps: AppDeps): Router {
  const r = Router();
  r.get('/reports/:what.:format', requireRole('viewer'), (req, res) => {
    const p = period(req.query, deps.now());
    if (!p) return void res.status(400).json({ error: 'from/to are not dates', hint: 'use ISO 8601, e.g. 2026-08-22' });
    const what = String(req.params.what);
    const format = String(req.params.format);
    if (!['alerts', 'incidents'].includes(what) || !['csv', 'json'].includes(format)) return void res.status(404).json({ error: 'reports: use alerts.csv, alerts.json, incidents.csv or incidents.json' });
    const stores = storeOf(deps.db);
    const rows = what === 'alerts' ? stores.alerts.records.inPeriod(p.from, p.to) : stores.incidents.activeInPeriod(p.from, p.to);
    const name = `flarewatch-${what}-${p.from.slice(0, 10)}-${p.to.slice(0, 10)}.${format}`;
    res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
    if (format === 'json') return void res.json({ ...p, [what]: rows.map((x) => ({ ...x, reasons: parseJson(x.reasons, []), ...(x.posts && what === 'alerts' ? { posts: parseJson(x.posts, []) } : {}) })) });
    res.type('text/csv; charset=utf-8');
    const cols = rows[0] ? Object.keys(rows[0]) : ['id'];
    res.send('\ufeff' + csvLine(cols) + rows.map((x) => csvLine(cols.map((c) => x[c]))).join(''));
  });
  return r;
}
