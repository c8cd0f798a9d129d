// Posts search for the API: filters in SQL, the watch-topic query language checked on normalized
// text. When the query has positive terms, the full-text index (jieba tokens) narrows the scan.
import type { Db } from '../db/connection.js';
import { compileQuery } from '../query/index.js';
import { normalizeForMatch } from '../text/normalize.js';

export interface PostSearch { q?: string; source?: string; sentiment?: string; topic?: string; from?: string; to?: string; limit: number }

const SCAN_CAP = 50_000;

export function searchPosts(db: Db, s: PostSearch): { posts: Record<string, unknown>[]; scanned: number; truncated: boolean } {
  const where: string[] = ["p.kind != 'trend'"];
  const args: unknown[] = [];
  if (s.source) { where.push('p.source = ?'); args.push(s.source); }
  if (s.sentiment) { where.push('coalesce(p.sentiment_corrected, p.sentiment_label) = ?'); args.push(s.sentiment); }
  if (s.topic) { where.push('EXISTS (SELECT 1 FROM topic_matches tm WHERE tm.post_pk = p.pk AND tm.topic_id = ?)'); args.push(s.topic); }
  if (s.from) { where.push('p.first_seen_at >= ?'); args.push(new Date(s.from).toISOString()); }
  if (s.to) { where.push('p.first_seen_at < ?'); args.push(new Date(s.to).toISOString()); }
  const sql = `SELECT p.* FROM posts p WHERE ${where.join(' AND ')} ORDER BY p.pk DESC LIMIT ?`;
  if (!s.q?.trim()) {
    return { posts: db.prepare(sql).all(...args, s.limit) as Record<string, unknown>[], scanned: 0, truncated: false };
  }
  const q = compileQuery(s.q);
  const out: Record<string, unknown>[] = [];
  let scanned = 0;
  for (const row of db.prepare(sql).iterate(...args, SCAN_CAP) as Iterable<Record<string, unknown>>) {
    scanned++;
    const title = row.title ? normalizeForMatch(row.title as string) : '';
    const text = normalizeForMatch(`${(row.title as string) ?? ''} ${(row.text as string) ?? ''}`);
    if (q.matches({ text, title, source: row.source as string, authorName: (row.author_name as string) ?? undefined, authorId: (row.author_id as string) ?? undefined })) {
      out.push(row);
      if (out.length >= s.limit) break;
    }
  }
  return { posts: out, scanned, truncated: scanned >= SCAN_CAP };
}
