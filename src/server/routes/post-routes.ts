// Posts explorer writes and exports: an analyst's sentiment correction (kept in
// posts.sentiment_corrected for retraining, with an audit entry) and the search result as CSV
// (collected page by page, so a large export never holds the server for long).
import { Router } from 'express';
import type { AppDeps } from '../app-deps.js';
import { requireRole } from '../security.js';
import { searchPosts } from '../post-search.js';
import { csvLine } from '../csv.js';
import { audit, int, sendError, str } from '../route-helpers.js';
import { UserError } from '../../core/errors.js';
import { invalidateDetails } from '../detail-cache.js';
import { storeOf } from '../../db/store/index.js';

const LABELS = ['negative', 'neutral', 'positive'];
/** An export stops collecting after this long (each page of it is a time-bounded search). */
const EXPORT_MAX_MS = 15_000;

export function postRoutes(deps: AppDeps): Router {
  const r = Router();
  const db = deps.db;
  const posts = storeOf(db).posts;

  r.post('/posts/:pk/sentiment', requireRole('analyst'), (req, res) => {
    try {
      const pk = Number(req.params.pk);
      const label = (req.body as { label?: unknown })?.label;
      if (label !== null && (typeof label !== 'string' || !LABELS.includes(label))) throw new UserError(`unknown sentiment label '${String(label)}'`, `use one of: ${LABELS.join(', ')} (or null to clear the correction)`);
      const row = Number.isInteger(pk) ? posts.sentimentOf(pk) : undefined;
      if (!row) return void res.status(404).json({ error: `no such post ${String(req.params.pk)}` });
      posts.correctSentiment(pk, label);
      invalidateDetails(db);
      audit(db, deps.now(), req.user!.username, 'post.sentiment', `post:${String(row.source)}:${String(row.ext_id)}`, { model: row.sentiment_label, from: row.sentiment_corrected, to: label });
      res.json({ ok: true, pk, label: label ?? row.sentiment_label, corrected: label !== null });
    } catch (e) { sendError(res, e); }
  });

  r.get('/posts/export.csv', requireRole('viewer'), async (req, res) => {
    try {
      // page by page (each search is time-bounded), letting other requests in between pages
      const search = {
        q: str(req.query.q), source: str(req.query.source), sentiment: str(req.query.sentiment), topic: str(req.query.topic),
        from: str(req.query.from), to: str(req.query.to),
      };
      const limit = int(req.query.limit, 5000, 50_000);
      const result = { posts: [] as Record<string, unknown>[] };
      const until = performance.now() + EXPORT_MAX_MS;
      for (let before: number | undefined; ;) {
        const page = searchPosts(db, { ...search, limit: limit - result.posts.length, beforePk: before });
        result.posts.push(...page.posts);
        if (result.posts.length >= limit || page.nextBeforePk === null || performance.now() > until) break;
        before = page.nextBeforePk;
        await new Promise((resolve) => setImmediate(resolve));
      }
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="flarewatch-posts-${deps.now().toISOString().slice(0, 10)}.csv"`);
      let out = '\ufeff' + csvLine(['source', 'id', 'kind', 'url', 'author', 'followers', 'title', 'text', 'published_at', 'first_seen_at', 'reposts', 'comments', 'likes', 'sentiment', 'sentiment_corrected', 'severity']);
      for (const p of result.posts) {
        out += csvLine([p.source, p.ext_id, p.kind, p.url, p.author_name, p.author_followers, p.title, p.text, p.published_at, p.first_seen_at,
          p.reposts, p.comments, p.likes, p.sentiment_label, p.sentiment_corrected, p.severity_score]);
      }
      res.send(out);
    } catch (e) { sendError(res, e); }
  });
  return r;
}
