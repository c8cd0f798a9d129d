// The desk's merges and splits of incidents (migration 007): the desk_merges log, incidents'
// merged_into / split_from / title_set_by, and moving incident_posts rows. Part of the incidents
// aggregate (src/db/store/incidents-store.ts owns it as `regrouping`). The desk writes through it
// (src/desk/merge-split.ts); the pipeline reads what it must follow and marks it applied.
import type { Db } from '../connection.js';
import { Statements } from './statements.js';

export interface Regrouping {
  id: number;
  at: string;
  actor: string | null;
  action: 'merge' | 'split';
  /** merge: the merged incident; split: the incident the posts left */
  sourceId: string;
  /** merge: the incident it went into; split: the new incident */
  targetId: string;
  postCount: number;
  /** split: the moved posts' source:id keys */
  posts: string[];
  appliedAt: string | null;
}

interface Row { id: number; at: string; actor: string | null; action: 'merge' | 'split'; source_id: string; target_id: string; post_count: number; posts: string | null; applied_at: string | null }

function toRegrouping(r: Row): Regrouping {
  let posts: string[] = [];
  try { const v = r.posts ? JSON.parse(r.posts) : []; posts = Array.isArray(v) ? v.map(String) : []; } catch { /* an unreadable list moves nothing */ }
  return { id: r.id, at: r.at, actor: r.actor, action: r.action, sourceId: r.source_id, targetId: r.target_id, postCount: r.post_count, posts, appliedAt: r.applied_at };
}

export interface IncidentHead { id: string; seq: number; topicId: string; kind: string; title: string; titleSetBy: string | null; openedAt: string }
export interface IncidentPostRef { pk: number; key: string; simhash: string | null; addedAt: string }

/** Merges and splits logged through each connection by this process (the pipeline asks at once after one). */
const loggedHere = new WeakMap<Db, number>();

export class RegroupingRepo {
  private readonly q: Statements;
  constructor(private readonly db: Db) { this.q = new Statements(db); }

  /** How many merges and splits this process has logged on this connection. */
  loggedHere(): number {
    return loggedHere.get(this.db) ?? 0;
  }

  log(at: Date, actor: string | null, action: 'merge' | 'split', sourceId: string, targetId: string, postCount: number, posts?: string[]): number {
    loggedHere.set(this.db, this.loggedHere() + 1);
    return Number(this.q.get('INSERT INTO desk_merges (at, actor, action, source_id, target_id, post_count, posts) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(at.toISOString(), actor, action, sourceId, targetId, postCount, posts ? JSON.stringify(posts) : null).lastInsertRowid);
  }

  /** Merges and splits the pipeline has not followed yet, oldest first. */
  pending(): Regrouping[] {
    return (this.q.get('SELECT * FROM desk_merges WHERE applied_at IS NULL ORDER BY id').all() as Row[]).map(toRegrouping);
  }

  markApplied(id: number, at: Date): void {
    this.q.get('UPDATE desk_merges SET applied_at = ? WHERE id = ?').run(at.toISOString(), id);
  }

  /** Every incident's merges and splits, oldest first (for its page). */
  history(incidentId: string): Regrouping[] {
    return (this.q.get('SELECT * FROM desk_merges WHERE source_id = ? OR target_id = ? ORDER BY id').all(incidentId, incidentId) as Row[]).map(toRegrouping);
  }

  /** merged incident -> the incident it was merged into */
  mergedInto(): Map<string, string> {
    const rows = this.q.get('SELECT id, merged_into FROM incidents WHERE merged_into IS NOT NULL').all() as { id: string; merged_into: string }[];
    return new Map(rows.map((r) => [r.id, r.merged_into]));
  }

  /** Incidents whose title the desk chose (the pipeline leaves it). */
  deskTitled(): string[] {
    return this.q.pluck('SELECT id FROM incidents WHERE title_set_by IS NOT NULL').all() as string[];
  }

  /** What the pipeline needs to start working on an incident the desk created (a split). */
  head(id: string): IncidentHead | null {
    return (this.q.get('SELECT id, seq, topic_id AS topicId, kind, title, title_set_by AS titleSetBy, opened_at AS openedAt FROM incidents WHERE id = ?')
      .get(id) as IncidentHead | undefined) ?? null;
  }

  /** An incident's posts in the order they joined (at most `limit`). */
  posts(incidentId: string, limit: number): IncidentPostRef[] {
    return this.q.get(`SELECT p.pk, p.source || ':' || p.ext_id AS key, p.simhash, ip.added_at AS addedAt FROM incident_posts ip JOIN posts p ON p.pk = ip.post_pk
      WHERE ip.incident_id = ? ORDER BY ip.added_at, p.pk LIMIT ?`).all(incidentId, limit) as IncidentPostRef[];
  }

  /** The pks of the given source:id keys that are posts of the incident, by key. */
  postsByKey(incidentId: string, keys: string[]): Map<string, number> {
    const q = this.q.pluck(`SELECT p.pk FROM posts p JOIN incident_posts ip ON ip.post_pk = p.pk AND ip.incident_id = ? WHERE p.source = ? AND p.ext_id = ?`);
    const out = new Map<string, number>();
    for (const k of keys) {
      const i = k.indexOf(':');
      const pk = i > 0 ? (q.get(incidentId, k.slice(0, i), k.slice(i + 1)) as number | undefined) : undefined;
      if (pk !== undefined) out.set(k, pk);
    }
    return out;
  }

  postCount(incidentId: string): number {
    return this.q.pluck('SELECT count(*) FROM incident_posts WHERE incident_id = ?').get(incidentId) as number;
  }

  /** Copy every post of `fromId` into `intoId` (the merged incident keeps its rows as the record). Returns how many were new to `intoId`. */
  copyPosts(fromId: string, intoId: string): number {
    return this.q.get(`INSERT INTO incident_posts (incident_id, post_pk, added_at) SELECT ?, post_pk, added_at FROM incident_posts WHERE incident_id = ?
      ON CONFLICT DO NOTHING`)
      .run(intoId, fromId).changes;
  }

  /** Move the given posts from one incident to another. */
  movePosts(fromId: string, intoId: string, pks: number[]): void {
    const ins = this.q.get(`INSERT INTO incident_posts (incident_id, post_pk, added_at) SELECT ?, post_pk, added_at FROM incident_posts WHERE incident_id = ? AND post_pk = ?
      ON CONFLICT DO NOTHING`);
    const del = this.q.get('DELETE FROM incident_posts WHERE incident_id = ? AND post_pk = ?');
    for (const pk of pks) { ins.run(intoId, fromId, pk); del.run(fromId, pk); }
  }

  /** What merging and splitting check of an incident. */
  incident(id: string): { id: string; topic_id: string; title: string; kind: string; state: string; status: string; merged_into: string | null } | undefined {
    return this.q.get('SELECT id, topic_id, title, kind, state, status, merged_into FROM incidents WHERE id = ?').get(id) as never;
  }

  /** A merged incident's desk status becomes resolved (closing time kept once set). */
  closeMerged(id: string, at: Date): void {
    const t = at.toISOString();
    this.q.get(`UPDATE incidents SET status = 'resolved', closed_at = coalesce(closed_at, ?), last_activity_at = ? WHERE id = ? AND status != 'resolved'`).run(t, t, id);
  }

  setMergedInto(id: string, intoId: string): void {
    this.q.get('UPDATE incidents SET merged_into = ? WHERE id = ?').run(intoId, id);
  }

  setSplitFrom(id: string, fromId: string, title: string | null, titleBy: string | null): void {
    this.q.get('UPDATE incidents SET split_from = ?, title = coalesce(?, title), title_set_by = ? WHERE id = ?').run(fromId, title, titleBy, id);
  }

  /** The post count and update time the dashboard shows, before the pipeline writes its own. */
  touch(id: string, at: Date): void {
    this.q.get('UPDATE incidents SET post_count = (SELECT count(*) FROM incident_posts WHERE incident_id = ?), updated_at = ?, last_activity_at = ? WHERE id = ?')
      .run(id, at.toISOString(), at.toISOString(), id);
  }
}
