// Per-database cache of incident detail aggregates (top posts, volume series), keyed by incident
// id and version. Writers that change what the cache holds without bumping the incident's
// version (an analyst's sentiment correction) call invalidateDetails.
import type { Db } from '../db/connection.js';

export interface DetailEntry { version: string; posts: unknown[]; volume: unknown[]; volumeBucket?: string }
const caches = new WeakMap<Db, Map<string, DetailEntry>>();
const MAX = 200;

export function detailCache(db: Db): Map<string, DetailEntry> {
  let c = caches.get(db);
  if (!c) { c = new Map(); caches.set(db, c); }
  return c;
}

export function rememberDetail(db: Db, id: string, entry: DetailEntry): void {
  const c = detailCache(db);
  c.delete(id);
  c.set(id, entry);
  if (c.size > MAX) c.delete(c.keys().next().value as string);
}

export function invalidateDetails(db: Db): void {
  caches.get(db)?.clear();
}
