// The pipeline following the desk's merges and splits (src/desk/merge-split.ts, logged in
// desk_merges). Before each ingested batch and each evaluate, what the desk did since is applied
// to the working state in the order it was done, and marked applied in the same transaction:
// - merge B into A: B's members join A through the pipeline's join (aggregates, membership, simhash
//   index, the incident_posts row), B's vocabulary is added to A's (and the term index), A's members
//   are put back in time order (its running totals rebuilt), and B closes;
// - split posts off X into Y: those members leave X (its running totals rebuilt, their terms taken
//   out of its vocabulary, its title chosen again) and join Y, a new story.
// The merge is remembered: wherever placeInIncident picks an incident (a parent's incidents, a
// near-duplicate, shared terms, the hot-list rules), `lead` turns a merged incident into the one it
// went into. After a restart the merges are read back from incidents.merged_into, and a merged
// incident's near-duplicates and replies are pointed at its target again from its stored posts.
import type { Db } from '../db/connection.js';
import { RegroupingRepo, type Regrouping } from '../db/store/regrouping-repo.js';
import { absorbTerms } from './incident-clusterer.js';
import { forgetAggregates, memberByPk, type IncidentState, type MemberPost } from './incident-state.js';
import { initialLevelState } from './level-state.js';

/** what of a topic's runtime the regrouping touches */
export interface RegroupRuntime {
  stories: IncidentState[];
  hashes: { add(hash: string, item: string): void };
  termIndex: Map<string, Set<string>>;
}

/** The pipeline's working state and operations, as the regrouping needs them. */
export interface RegroupHost {
  open: Map<string, IncidentState>;
  /** post key -> incident ids it belongs to */
  membership: Map<string, string[]>;
  runtime(topicId: string): RegroupRuntime | undefined;
  /** the pipeline's join of a member to an incident */
  join(s: IncidentState, m: MemberPost, tokens: string[], at: number): void;
  /** a stored post's content tokens (its text analysed again), for the vocabulary of the incident it moves to */
  tokensOf(pk: number, topicId: string): string[];
  /** choose the story's title again from its members */
  retitle(s: IncidentState): void;
  /** write the incident's row and working state */
  save(s: IncidentState, now: number): void;
  markDirty(s: IncidentState): void;
  log?(level: 'debug' | 'info' | 'warn' | 'error', msg: string): void;
}

/** simhashes of a merged incident's stored posts indexed for its target after a restart (as join indexes a story's first 40) */
const HASHES_PER_MERGED = 40;
/** posts of a merged incident whose replies are pointed at its target after a restart */
const MEMBERS_PER_MERGED = 2000;
const MAX_HOPS = 32;
/** how often the desk's log is read when this process logged nothing new (another monitor's desk) */
const PENDING_POLL_MS = 1000;

export class DeskRegroup {
  private readonly repo: RegroupingRepo;
  /** merged incident -> the incident it was merged into */
  private mergedInto = new Map<string, string>();
  /** `${incident}|${simhash}` of a post the desk split off -> the incident it went to */
  private readonly movedHashes = new Map<string, string>();
  /** incidents whose title the desk chose */
  private titled = new Set<string>();
  private seenLogged = -1;
  private lastAsked = -Infinity;

  constructor(db: Db, private readonly host: RegroupHost) {
    this.repo = new RegroupingRepo(db);
  }

  /** Read the merges back after a (re)start, once the open incidents are loaded. */
  restore(): void {
    this.mergedInto = this.repo.mergedInto();
    this.titled = new Set(this.repo.deskTitled());
    this.movedHashes.clear();
    for (const from of this.mergedInto.keys()) if (!this.host.open.has(from)) this.pointStoredPosts(from);
  }

  /** true when the desk chose the incident's title (the pipeline keeps it) */
  titledByDesk(id: string): boolean {
    return this.titled.has(id);
  }

  /** The incident a post that would join `id` joins: where the desk merged it (while that one is open), else `id`. */
  lead(id: string): string {
    if (!this.mergedInto.size) return id;
    const to = this.finalTarget(id);
    return to !== id && this.host.open.has(to) ? to : id;
  }

  /** `lead` of each id, without repeats. */
  leadAll(ids: Iterable<string>): Iterable<string> {
    if (!this.mergedInto.size) return ids;
    const out = new Set<string>();
    for (const id of ids) out.add(this.lead(id));
    return out;
  }

  /** The incident a near-duplicate of a post indexed under `item` joins (the post may have been split off since). */
  nearItem(item: string, hash: string): string {
    const moved = this.movedHashes.size ? this.movedHashes.get(`${item}|${hash.toLowerCase()}`) : undefined;
    return this.lead(moved ?? item);
  }

  /**
   * Apply the desk's merges and splits the working state has not followed yet. The log is read at
   * once after this process's desk logged one, else at most every PENDING_POLL_MS of wall time
   * (another monitor's desk): a batch costs no query then, which matters on PostgreSQL.
   */
  apply(now: number): void {
    const logged = this.repo.loggedHere();
    const wall = performance.now();
    if (logged === this.seenLogged && wall - this.lastAsked < PENDING_POLL_MS) return;
    this.seenLogged = logged;
    this.lastAsked = wall;
    const ops = this.repo.pending();
    for (const op of ops) {
      if (op.action === 'merge') this.merge(op, now);
      else this.split(op, now);
      this.repo.markApplied(op.id, new Date(now));
    }
  }

  private finalTarget(id: string): string {
    let to = id;
    for (let i = 0; i < MAX_HOPS; i++) {
      const next = this.mergedInto.get(to);
      if (!next) break;
      to = next;
    }
    return to;
  }

  private merge(op: Regrouping, now: number): void {
    this.mergedInto.set(op.sourceId, op.targetId);
    const from = this.host.open.get(op.sourceId);
    const into = this.host.open.get(this.finalTarget(op.sourceId));
    if (!into || into.closed || into === from) {
      // the target is no longer worked on: the merged incident still ends (its posts are the target's in the database)
      if (from) this.close(from, now);
      this.host.log?.('warn', `pipeline: ${op.sourceId} was merged into ${op.targetId}, which the monitor no longer follows`);
      return;
    }
    if (!from) { this.pointStoredPosts(op.sourceId); return; }
    const rt = this.host.runtime(into.topicId);
    // vocabulary first, so the members join a story that already speaks their words
    for (const [t, w] of Object.entries(from.terms)) into.terms[t] = (into.terms[t] ?? 0) + w;
    absorbTerms(into, []); // keeps the heaviest terms once there are too many
    if (rt) {
      for (const t of Object.keys(from.terms)) {
        if (!(t in into.terms)) continue;
        let set = rt.termIndex.get(t);
        if (!set) rt.termIndex.set(t, (set = new Set()));
        set.add(into.id);
      }
    }
    for (const d of from.docs) if (into.docs.length < 30) into.docs.push(d);
    for (const m of from.members) {
      if (!memberByPk(into, m.pk)) this.host.join(into, m, [], m.addedAt);
      const ids = (this.host.membership.get(m.key) ?? []).filter((x) => x !== from.id);
      if (!ids.includes(into.id)) ids.push(into.id);
      this.host.membership.set(m.key, ids);
    }
    // members are kept in the order they were added (recent-member counts walk back from the end)
    into.members.sort((a, b) => a.addedAt - b.addedAt);
    forgetAggregates(into);
    this.close(from, now);
    this.host.markDirty(into);
    this.host.save(into, now);
  }

  private split(op: Regrouping, now: number): void {
    const old = this.host.open.get(op.sourceId);
    const rt = old ? this.host.runtime(old.topicId) : undefined;
    const head = this.repo.head(op.targetId);
    if (!old || !rt || !head) return;
    const keys = new Set(op.posts);
    const moved = old.members.filter((m) => keys.has(m.key));
    if (!moved.length) return;
    old.members = old.members.filter((m) => !keys.has(m.key));
    forgetAggregates(old);
    old.lastPostAt = old.members.reduce((a, m) => Math.max(a, m.addedAt), old.openedAt);
    const created: IncidentState = {
      id: head.id, seq: head.seq, topicId: head.topicId, kind: 'story', title: head.title, openedAt: Date.parse(head.openedAt), lastPostAt: 0,
      members: [], docs: [], terms: {}, level: initialLevelState(), risk: 0, peakRisk: 0, reasons: [], forecast: null, closed: false,
    };
    if (head.titleSetBy) this.titled.add(created.id);
    this.host.open.set(created.id, created);
    rt.stories.push(created);
    for (const m of moved) {
      const tokens = this.host.tokensOf(m.pk, old.topicId);
      for (const t of new Set(tokens)) if (t in old.terms && (old.terms[t] -= 1) <= 0) delete old.terms[t];
      this.host.join(created, m, tokens, m.addedAt);
      this.host.membership.set(m.key, (this.host.membership.get(m.key) ?? []).filter((x) => x !== old.id));
      if (!this.host.membership.get(m.key)!.includes(created.id)) this.host.membership.get(m.key)!.push(created.id);
      if (m.hash) this.movedHashes.set(`${old.id}|${m.hash.toLowerCase()}`, created.id);
    }
    if (!this.titled.has(old.id)) this.host.retitle(old);
    this.host.markDirty(old);
    this.host.markDirty(created);
    this.host.save(old, now);
    this.host.save(created, now);
  }

  private close(s: IncidentState, now: number): void {
    s.closed = true;
    this.host.open.delete(s.id);
    const rt = this.host.runtime(s.topicId);
    if (rt) rt.stories = rt.stories.filter((x) => x !== s);
    this.host.save(s, now);
  }

  /**
   * A merged incident that is not in memory (closed before the merge, or after a restart): its
   * stored posts' replies and near-duplicates are pointed at the incident it went into.
   */
  private pointStoredPosts(fromId: string): void {
    const to = this.lead(fromId);
    const into = to !== fromId ? this.host.open.get(to) : undefined;
    const rt = into ? this.host.runtime(into.topicId) : undefined;
    if (!into || !rt) return;
    let hashes = 0;
    for (const p of this.repo.posts(fromId, MEMBERS_PER_MERGED)) {
      const ids = this.host.membership.get(p.key) ?? [];
      if (!ids.includes(to)) this.host.membership.set(p.key, [...ids.filter((x) => x !== fromId), to]);
      if (p.simhash && hashes < HASHES_PER_MERGED) { rt.hashes.add(p.simhash, fromId); hashes++; }
    }
  }
}
