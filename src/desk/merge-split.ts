// The desk regroups incidents: merge one or more incidents of a topic into another (their posts
// join it, each merged incident closes and points at it for good), or split chosen posts out of
// an incident into a new one. The database follows at once (incident_posts, merged_into,
// split_from, the desk_merges log, audit_log); the pipeline follows on its next evaluate and
// from then on sends what would have joined a merged incident to the one it went into.
import type { Db } from '../db/connection.js';
import { UserError } from '../core/errors.js';
import { storeOf } from '../db/store/index.js';
import type { RegroupingRepo } from '../db/store/regrouping-repo.js';
import { headlineOf } from '../pipeline/incident-clusterer.js';
import { writeAudit } from './audit.js';
import { ConflictError, NotFoundError } from './errors.js';
import { getDeskIncident, type DeskIncident } from './incident-desk.js';

/** most incidents merged in one request */
export const MERGE_MAX = 50;
/** most posts split off in one request */
export const SPLIT_MAX = 1000;
export const TITLE_MAX = 200;

type Row = NonNullable<ReturnType<RegroupingRepo['incident']>>;

function row(db: Db, id: string): Row {
  const r = storeOf(db).incidents.regrouping.incident(id);
  if (!r) throw new NotFoundError(`incident '${id}' not found`);
  return r;
}

function notMerged(r: Row): void {
  if (r.merged_into) throw new ConflictError(`incident '${r.id}' was merged into '${r.merged_into}'`, `work on ${r.merged_into} instead`);
}

function aStory(r: Row): void {
  if (r.kind !== 'story') throw new ConflictError(`incident '${r.id}' is a topic-wide rise of negative posts, not a story`, 'only story incidents can be merged or split');
}

function idList(v: unknown): string[] {
  const hint = 'send {"from": ["inc-3", "inc-7"]}';
  if (typeof v === 'string') v = [v];
  if (!Array.isArray(v) || !v.length) throw new UserError('from must be a non-empty list of incident ids', hint);
  if (v.length > MERGE_MAX) throw new UserError(`at most ${MERGE_MAX} incidents can be merged at once`, hint);
  for (const x of v) if (typeof x !== 'string' || !x.trim() || x.length > 100) throw new UserError('every entry of from must be an incident id', hint);
  return [...new Set((v as string[]).map((x) => x.trim()))];
}

export interface MergeResult { incident: DeskIncident; merged: { id: string; posts: number }[]; posts: number }

/**
 * Merge the incidents `from` into `targetId`. All must be stories of one topic; the target must be
 * live (not resolved, not a false alarm, not closed by the monitor) and no incident may already be
 * merged. Each merged incident's posts are added to the target, its desk status becomes resolved
 * and merged_into names the target.
 */
export function mergeIncidents(db: Db, targetId: string, from: unknown, actor: string, now: Date): MergeResult {
  const ids = idList(from);
  const stores = storeOf(db);
  const repo = stores.incidents.regrouping;
  return stores.atomic(() => {
    const target = row(db, targetId);
    notMerged(target);
    aStory(target);
    if (target.status === 'resolved' || target.status === 'false_alarm') {
      throw new ConflictError(`incident '${targetId}' is ${target.status}`, 'reopen it first (status responding), or merge it into the other incident');
    }
    if (target.state === 'resolved') throw new ConflictError(`incident '${targetId}' has ended (the monitor closed it)`, 'merge it into a live incident instead');
    const sources = ids.map((id) => {
      if (id === targetId) throw new UserError(`cannot merge incident '${id}' into itself`);
      const r = row(db, id);
      if (r.merged_into) throw new ConflictError(`incident '${id}' was already merged into '${r.merged_into}'`);
      aStory(r);
      if (r.topic_id !== target.topic_id) {
        throw new ConflictError(`incident '${id}' is about topic '${r.topic_id}' and '${targetId}' about '${target.topic_id}'`, 'only incidents of the same topic can be merged');
      }
      if (r.status === 'false_alarm') throw new ConflictError(`incident '${id}' was called a false alarm`, 'reopen it (status responding) before merging it');
      return r;
    });
    const merged: MergeResult['merged'] = [];
    for (const s of sources) {
      const added = repo.copyPosts(s.id, targetId);
      const posts = repo.postCount(s.id);
      repo.setMergedInto(s.id, targetId);
      repo.closeMerged(s.id, now);
      repo.log(now, actor, 'merge', s.id, targetId, posts);
      writeAudit(db, now, actor, 'incident.merge', `incident:${s.id}`, { into: targetId, posts, status: s.status });
      merged.push({ id: s.id, posts: added });
    }
    repo.touch(targetId, now);
    writeAudit(db, now, actor, 'incident.merge', `incident:${targetId}`, { from: merged.map((m) => m.id), postsAdded: merged.reduce((a, m) => a + m.posts, 0) });
    return { incident: getDeskIncident(db, targetId), merged, posts: repo.postCount(targetId) };
  });
}

export interface SplitResult { incident: DeskIncident; from: DeskIncident; posts: string[] }

/**
 * Split the given posts (source:id keys) out of incident `id` into a new story incident of its
 * topic, titled `title` or after the most-shared of the posts. Every post must be in the incident
 * and at least one must stay.
 */
export function splitIncident(db: Db, id: string, body: unknown, actor: string, now: Date): SplitResult {
  const b = body && typeof body === 'object' ? body as Record<string, unknown> : {};
  const hint = 'send {"posts": ["weibo:4235713744988722", ...], "title": "..."} (title optional)';
  if (!Array.isArray(b.posts) || !b.posts.length) throw new UserError('posts must be a non-empty list of source:id keys', hint);
  if (b.posts.length > SPLIT_MAX) throw new UserError(`at most ${SPLIT_MAX} posts can be split off at once`, hint);
  for (const k of b.posts) if (typeof k !== 'string' || k.indexOf(':') <= 0 || k.length > 300) throw new UserError(`'${String(k).slice(0, 80)}' is not a source:id post key`, hint);
  if (b.title !== undefined && b.title !== null && typeof b.title !== 'string') throw new UserError('title must be a string', hint);
  const title = typeof b.title === 'string' ? b.title.trim() : '';
  if (title.length > TITLE_MAX) throw new UserError(`title too long`, `use at most ${TITLE_MAX} characters`);
  const keys = [...new Set(b.posts as string[])];
  const stores = storeOf(db);
  const repo = stores.incidents.regrouping;
  return stores.atomic(() => {
    const src = row(db, id);
    notMerged(src);
    aStory(src);
    const pks = repo.postsByKey(id, keys);
    const missing = keys.filter((k) => !pks.has(k));
    if (missing.length) throw new UserError(`${missing.length} of the posts are not in incident '${id}': ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`, 'use the source:id keys listed on the incident');
    if (pks.size >= repo.postCount(id)) throw new UserError(`those are all the posts of incident '${id}'`, 'leave at least one post in it');
    const top = stores.posts.mostShared([...pks.values()]);
    const name = title || headlineOf(top?.title || top?.text || '') || src.title;
    const created = stores.incidents.create(src.topic_id, 'story', name, now.getTime());
    repo.setSplitFrom(created.id, id, null, title ? actor : null);
    repo.movePosts(id, created.id, [...pks.values()]);
    repo.touch(id, now);
    repo.touch(created.id, now);
    repo.log(now, actor, 'split', id, created.id, pks.size, [...pks.keys()]);
    writeAudit(db, now, actor, 'incident.split', `incident:${id}`, { into: created.id, posts: [...pks.keys()] });
    writeAudit(db, now, actor, 'incident.split', `incident:${created.id}`, { from: id, posts: [...pks.keys()], title: name });
    return { incident: getDeskIncident(db, created.id), from: getDeskIncident(db, id), posts: [...pks.keys()] };
  });
}
