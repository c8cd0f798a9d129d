// Sources: "crawl now" for one source through the running scheduler (AppDeps.crawler), and its
// recent health events.
import { Router } from 'express';
import type { AppDeps } from '../app-deps.js';
import { requireRole } from '../security.js';
import { audit, int } from '../route-helpers.js';
import { storeOf } from '../../db/store/index.js';

export function sourceRoutes(deps: AppDeps): Router {
  const r = Router();
  r.get('/sources/:id/events', requireRole('viewer'), (req, res) => {
    res.json({ events: storeOf(deps.db).sources.recentEvents(String(req.params.id), int(req.query.limit, 50, 500)) });
  });
  r.post('/sources/:id/crawl', requireRole('analyst'), async (req, res) => {
    const id = String(req.params.id);
    if (!deps.crawler) return void res.status(503).json({ error: 'the crawler is not running in this process', hint: 'start flarewatch with `flarewatch start`' });
    const known = storeOf(deps.db).sources.exists(id) || deps.crawler.status().some((s) => (s as { id?: unknown })?.id === id);
    if (!known) return void res.status(404).json({ error: `no such source '${id}'` });
    audit(deps.db, deps.now(), req.user!.username, 'source.crawl', `source:${id}`);
    try {
      const result = await deps.crawler.runNow(id);
      res.json({ ok: true, result: result ?? null });
    } catch (e) {
      res.status(502).json({ error: `crawl failed: ${(e as Error).message.split('\n')[0]}` });
    }
  });
  return r;
}
