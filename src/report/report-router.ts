// The dashboard's download of the full report: GET /reports/full?from=&to=&format=&lang=&topic=
// (viewer role; mount it in AppDeps.apiRouters). Dates as for the command (YYYY-MM-DD in the zone,
// `to` inclusive; or ISO times with zone, `to` exclusive); without both, the default period of
// defaultReportPeriod (last 7 days, or the span of a younger database). CSV is one table per file:
// `table=incidents` (the default) or another table's name, `table=all` a zip of every table. PDF
// prints run one at a time so a burst of clicks cannot start a crowd of Chromiums.
import { Router } from 'express';
import type { Db } from '../db/connection.js';
import type { Env } from '../config/env.js';
import { UserError } from '../core/errors.js';
import { requireRole } from '../server/security.js';
import { buildReport, resolveReportPeriod } from './build-report.js';
import { parseLang } from './i18n.js';
import { CONTENT_TYPES, parseFormat, renderReport, reportFileName } from './render.js';

export interface ReportRouterDeps { db: Db; env: Env; now: () => Date }

const one = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

export function createReportRouter(deps: ReportRouterDeps): Router {
  const r = Router();
  let pdfQueue: Promise<unknown> = Promise.resolve();
  r.get('/reports/full', requireRole('viewer'), async (req, res) => {
    try {
      const q = req.query as Record<string, unknown>;
      const format = parseFormat(one(q.format) ?? 'html');
      const lang = parseLang(one(q.lang));
      const zone = one(q.tz) ?? deps.env.timezone;
      const now = deps.now();
      const { period, basis } = resolveReportPeriod(deps.db, { from: one(q.from), to: one(q.to) }, now, zone);
      const data = buildReport(deps.db, { from: period.start, to: period.end, lang, topic: one(q.topic) ?? null, now, zone, basis });
      const csvTable = format === 'csv' ? one(q.table) : undefined;
      const render = () => renderReport(data, format, { executablePath: deps.env.puppeteerExecutablePath, csvTable });
      let bytes: Buffer;
      if (format === 'pdf') {
        const job = pdfQueue.then(render, render);
        pdfQueue = job.catch(() => {});
        bytes = await job;
      } else bytes = await render();
      const zip = csvTable === 'all';
      const name = reportFileName(data, format).replace(/\.csv$/, zip ? '.zip' : csvTable && csvTable !== 'incidents' ? `-${csvTable.replace(/[^\w-]/g, '')}.csv` : '.csv');
      res.setHeader('Content-Type', zip ? 'application/zip' : CONTENT_TYPES[format]);
      res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
      res.setHeader('Cache-Control', 'no-store');
      res.send(bytes);
    } catch (e) {
      if (e instanceof UserError) {
        const [error, hint] = e.message.split('\n  hint: ');
        res.status(400).json({ error, hint });
        return;
      }
      res.status(500).json({ error: 'the report could not be built', detail: (e as Error).message });
    }
  });
  return r;
}
