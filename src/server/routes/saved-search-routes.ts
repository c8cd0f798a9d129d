// Saved posts searches of the signed-in user (src/desk/saved-searches.ts): list, save, rename,
// delete, and run one (the posts search with highlight ranges, as GET /posts answers). Any role
// may keep searches (they are personal); an API token has no user to keep them for. State
// changes carry the session's CSRF token (the app's csrfProtection runs before this router).
import { Router, type Request, type Response, type NextFunction } from 'express';
import type { AppDeps } from '../app-deps.js';
import { requireRole } from '../security.js';
import { int, sendError } from '../route-helpers.js';
import { searchPosts } from '../post-search.js';
import { postRow } from './read-routes.js';
import { withHighlights } from '../search-highlight.js';
import { createSavedSearch, deleteSavedSearch, getSavedSearch, listSavedSearches, updateSavedSearch } from '../../desk/saved-searches.js';

const sessionUser = (req: Request, res: Response, next: NextFunction): void => {
  if (req.user?.via === 'session' && req.user.id > 0) return next();
  res.status(403).json({ error: 'saved searches belong to a signed-in user', hint: 'sign in on the dashboard (POST /api/v1/session); API tokens cannot keep searches' });
};

export function savedSearchRoutes(deps: AppDeps): Router {
  const r = Router();
  const db = deps.db;
  const body = (req: Request): Record<string, unknown> => (req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body as Record<string, unknown> : {});
  const idOf = (req: Request): number => Number(req.params.id);
  const guard = [requireRole('viewer'), sessionUser];

  r.get('/searches', ...guard, (req, res) => {
    res.json({ searches: listSavedSearches(db, req.user!.id) });
  });
  r.post('/searches', ...guard, (req, res) => {
    try { res.status(201).json({ search: createSavedSearch(db, req.user!.id, body(req), deps.now()) }); } catch (e) { sendError(res, e); }
  });
  const rename = (req: Request, res: Response) => {
    try { res.json({ search: updateSavedSearch(db, req.user!.id, idOf(req), body(req), deps.now()) }); } catch (e) { sendError(res, e); }
  };
  r.patch('/searches/:id', ...guard, rename);
  r.post('/searches/:id', ...guard, rename);
  r.delete('/searches/:id', ...guard, (req, res) => {
    try { deleteSavedSearch(db, req.user!.id, idOf(req)); res.json({ ok: true, id: idOf(req) }); } catch (e) { sendError(res, e); }
  });
  // run it: the same answer as GET /posts?q=...&source=...&sentiment=...&topic=... (paging with before=)
  r.get('/searches/:id/posts', ...guard, (req, res) => {
    try {
      const s = getSavedSearch(db, req.user!.id, idOf(req));
      const result = searchPosts(db, {
        q: s.query, source: s.filters.source, sentiment: s.filters.sentiment, topic: s.filters.topic, limit: int(req.query.limit, 50, 1000),
        beforePk: int(req.query.before, 0, Number.MAX_SAFE_INTEGER) || undefined,
      });
      res.json({ search: s, posts: withHighlights(result.posts.map(postRow), s.query), scanned: result.scanned, truncated: result.truncated, nextBefore: result.nextBeforePk });
    } catch (e) { sendError(res, e); }
  });
  return r;
}
