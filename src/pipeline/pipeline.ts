// The monitoring pipeline: observation -> store -> analyse -> match topics -> incidents -> risk
// -> level -> alert. One code path for replay and live mode: the clock is always passed in.
import type { Db } from '../db/connection.js';
import type { Observation } from '../core/observation.js';
import { LEVEL_RANK, type AlertRecord, type Level } from '../core/alert.js';
import type { TopicConfig } from '../config/topics-config.js';
import type { RiskConfig } from '../config/risk-config.js';
import type { PostsStore, StoredPost } from '../db/store/posts-store.js';
import { storeOf, type Store } from '../db/store/index.js';
import { IncidentRecords } from './incident-records.js';
import { AlertRepo } from '../db/store/alert-repo.js';
import type { PipelineDeps } from './deps.js';
import { aggregatesOf, computeFeatures, DANGEROUS, memberByPk, pushHistory, pushTrend, recentMembers, recordSnapshot, storyTone, topRoot, totalRootReposts, type IncidentState, type MemberPost } from './incident-state.js';
import { absorbTerms, chainOriginal, contentTokens, findHotListStory, findIncident, headlineOf } from './incident-clusterer.js';
import { storyTitle } from './story-title.js';
import { boundForecast } from './forecast-bounds.js';
import { scoreIncident } from './risk-model.js';
import { negativeShareSurprise } from './negative-share.js';
import { initialLevelState, stepLevel } from './level-state.js';
import { DeskRegroup, type RegroupHost } from './desk-regroup.js';

export interface PipelineOptions {
  onAlert?: (alert: AlertRecord & { id: number }, now: Date) => void;
  log?: (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: object) => void;
  /**
   * least time between two scorings of an incident that received new data (default: the risk
   * config's evaluate_every). Live mode passes 0: new data is scored at once, so an alert leaves
   * within the ingest call. Replay keeps the throttle: its clock runs through days in seconds.
   */
  rescoreChangedAfterMs?: number;
  /** how often an incident's working state is written for restarts, besides transitions and flush (default 15 min; Infinity: only those) */
  persistStateEveryMs?: number;
}

interface TopicRuntime {
  cfg: TopicConfig;
  negatives: ReturnType<PipelineDeps['newVolumeSeries']>;
  recentNegatives: { pk: number; at: number }[];
  /** every matched post of the last 12 h: time and whether negative */
  recentAll: { at: number; negative: boolean }[];
  /** matched posts before the recent window */
  olderAll: number;
  olderNegative: number;
  surge: IncidentState | null;
  terms: Set<string>;
  hashes: ReturnType<PipelineDeps['newHashIndex']>;
  /** token -> story incidents whose vocabulary holds it */
  termIndex: Map<string, Set<string>>;
  /** simhashes of posts in incidents the desk called a false alarm -> that incident */
  falseAlarms: ReturnType<PipelineDeps['newHashIndex']>;
  /** open story incidents of this topic */
  stories: IncidentState[];
}

const HOUR = 3_600_000;
const SURGE_OPEN = 4;
const LEVEL_MARGIN = 6; // risk points below a firing level's threshold that still hold it
const STATE_SAVE_EVERY = 15 * 60_000;
/** reasons that change without the risk (a rate, a rank) are written at most this often (live mode; a replay skips them) */
const REASONS_SAVE_EVERY = 60_000;
const FALSE_ALARM_DAMPING = 0.6;
const SHARE_WEIGHT = 2;
/** a hot-list topic joins the newest story of its name and tone (trouble, good news) this recent */
const HOT_SAME_TONE_WINDOW = 24 * HOUR;
/** summed idf of shared terms that ties a topic to a story: one term seen in under ~2% of everything */
const HOT_RARE_WEIGHT = 5;
/** a complaint joins a story at P1/P2 that grew this recently */
const LIVE_STORY_WINDOW = 6 * HOUR;
/** "me too" and calls for an answer: a post that joins the live story of its name */
const ME_TOO = /(我也|我家也|同样(的|遇到)|也遇到|也是这样|一样的(问题|情况)|不止我|\+1|同款问题|给个说法|给个交代|出来回应|这么多人|多名|多位|集体|维权群|me too|same here|happened to me too)/;
/** members whose headline is kept as a title candidate (besides every hot-list topic) */
const TITLE_CANDIDATES = 40; // the share test's surprise counts double against the volume test's // -log10 p of the negative-volume anomaly that opens a surge incident

export class Pipeline {
  readonly store: PostsStore;
  private readonly stores: Store;
  private readonly incidents: IncidentRecords;
  private readonly alerts: AlertRepo;
  private readonly topics = new Map<string, TopicRuntime>();
  private readonly open = new Map<string, IncidentState>();
  /** post key -> incident ids it belongs to */
  private readonly membership = new Map<string, string[]>();
  /** post key -> topic ids it matched */
  private readonly postTopics = new Map<string, string[]>();
  private lastSweep = 0;
  private lastSurgeCheck = -Infinity;
  private readonly verdictsSeen = new Set<string>();
  private readonly dirtyIds = new Set<string>();
  private readonly activeIds = new Set<string>();
  private readonly lastScored = new Map<string, number>();
  private seriesReady = false;
  /** the desk's merges and splits, followed (src/pipeline/desk-regroup.ts) */
  private readonly regroup: DeskRegroup;

  constructor(private readonly db: Db, topics: TopicConfig[], private risk: RiskConfig, private deps: PipelineDeps, private readonly opts: PipelineOptions = {}) {
    this.stores = storeOf(db);
    this.store = this.stores.posts;
    this.store.search.scheduleBackfill(); // posts queued for the search index before this start are indexed in the background
    this.incidents = new IncidentRecords(db);
    this.alerts = new AlertRepo(db);
    this.incidents.syncTopics(topics);
    for (const t of topics.filter((x) => x.enabled)) this.topics.set(t.id, this.newRuntime(t));
    this.regroup = new DeskRegroup(db, this.regroupHost());
    this.restore();
  }

  private markDirty(s: IncidentState): void {
    this.dirtyIds.add(s.id);
  }

  /**
   * Run in a transaction, or inside the caller's (replay batches many steps into one). When our
   * own transaction fails it is rolled back, and so is the working state in memory: reloaded
   * from the database as after a restart, so memory never holds posts, incidents or ids the
   * database does not (a caller holding its own transaction must do the same: reloadFromDb).
   */
  private tx(fn: () => void): void {
    if (this.db.inTransaction) return fn();
    try {
      this.stores.tx(fn);
    } catch (e) {
      this.reloadFromDb(e);
      throw e;
    }
  }

  /** Forget the working state in memory and load it again from the database (after a rollback). */
  reloadFromDb(cause?: unknown): void {
    this.opts.log?.('error', `pipeline: a batch failed and was rolled back; reloading the working state from the database${cause ? ` (${(cause as Error).message})` : ''}`);
    this.store.forgetCachedKeys();
    for (const m of [this.open, this.membership, this.postTopics, this.lastScored]) m.clear();
    for (const x of [this.dirtyIds, this.activeIds, this.verdictsSeen]) x.clear();
    for (const [id, rt] of this.topics) this.topics.set(id, this.newRuntime(rt.cfg));
    this.seriesReady = false;
    this.lastSweep = 0;
    this.lastSurgeCheck = -Infinity;
    this.restore();
  }

  private newRuntime(t: TopicConfig): TopicRuntime {
    return { cfg: t, negatives: null as unknown as TopicRuntime['negatives'], recentNegatives: [], recentAll: [], olderAll: 0, olderNegative: 0, surge: null,
      hashes: this.deps.newHashIndex(), termIndex: new Map(), falseAlarms: this.deps.newHashIndex(), stories: [], terms: this.topicTerms(t) };
  }

  private topicTerms(t: TopicConfig): Set<string> {
    return new Set([...t.keywords, ...t.name.split(/\s+/)].map((w) => this.deps.normalize(w)));
  }

  /**
   * Apply edited rules without a restart: new topics start watching, removed or disabled ones
   * stop, changed queries take effect for new posts; open incidents and baselines are kept.
   */
  reconfigure(topics: TopicConfig[], risk: RiskConfig, deps: PipelineDeps, now: Date): void {
    this.deps = deps;
    this.risk = risk;
    this.incidents.syncTopics(topics);
    const enabled = new Map(topics.filter((t) => t.enabled).map((t) => [t.id, t]));
    for (const id of [...this.topics.keys()]) if (!enabled.has(id)) this.topics.delete(id);
    for (const t of enabled.values()) {
      const rt = this.topics.get(t.id);
      if (rt) { rt.cfg = t; rt.terms = this.topicTerms(t); continue; }
      const fresh = this.newRuntime(t);
      if (this.seriesReady) fresh.negatives = deps.newVolumeSeries(now.getTime());
      this.topics.set(t.id, fresh);
    }
  }

  /** Reload open incidents after a restart. */
  private restore(): void {
    for (const s of this.incidents.loadOpenStates()) {
      if (!this.topics.has(s.topicId)) continue;
      this.open.set(s.id, s);
      this.markDirty(s);
      const rt = this.topics.get(s.topicId)!;
      if (s.kind === 'surge') rt.surge = s;
      else rt.stories.push(s);
      s.members.forEach((m, i) => {
        this.membership.set(m.key, [...(this.membership.get(m.key) ?? []), s.id]);
        if (s.kind === 'story' && m.hash && i < 40) rt.hashes.add(m.hash, s.id);
      });
    }
    this.regroup.restore();
  }

  /** Store and analyse a batch of observations (one transaction). */
  ingest(batch: Observation[], now: Date): { stored: number; newPosts: number } {
    let newPosts = 0;
    if (batch.length) this.ensureSeries(Math.min(now.getTime(), ...batch.slice(0, 100).map((o) => Date.parse(o.at))));
    this.tx(() => {
      this.regroup.apply(now.getTime()); // the desk's merges and splits hold for this batch already
      for (const o of batch) if (this.ingestOne(o, now)) newPosts++;
    });
    return { stored: batch.length, newPosts };
  }

  /** Volume series start with the first data (replay) or the stored history (live restart). */
  private ensureSeries(start: number): void {
    if (this.seriesReady) return;
    this.seriesReady = true;
    const since = new Date(start - 8 * 7 * 24 * HOUR).toISOString();
    const hist = this.store.negativeMatchesSince(since);
    const first = hist.length ? Math.min(start, Date.parse(hist[0].at)) : start;
    for (const rt of this.topics.values()) rt.negatives = this.deps.newVolumeSeries(first);
    for (const r of hist) this.topics.get(r.topic)?.negatives.add(Date.parse(r.at), 1);
  }

  private ingestOne(o: Observation, now: Date): boolean {
    const { post, isNew } = this.store.upsert(o);
    const key = `${post.source}:${post.extId}`;
    const at = Date.parse(o.at);
    if (!isNew) {
      for (const id of this.membership.get(key) ?? []) {
        const s = this.open.get(id);
        const m = s ? memberByPk(s, post.pk) : undefined;
        if (s && m) {
          if (m.trend) pushTrend(m, at, o.metrics?.rank ?? o.rank ?? null, o.metrics?.heat ?? 0);
          else recordSnapshot(s, m, at, post.reposts, post.comments);
          this.markDirty(s);
        }
      }
      return false;
    }
    if (!post.text && !post.title) return true;
    const a = this.deps.analyze({ text: post.text, title: post.title });
    const { own, original } = chainOriginal(a.normalized);
    const hash = this.deps.simhash(original ?? own);
    const ownHash = original === null ? hash : own.replace(/[\p{P}\p{S}\s]/gu, '').length >= 8 ? this.deps.simhash(own) : null;
    this.store.saveAnalysis(post.pk, {
      lang: a.lang, sentimentLabel: a.sentiment.label, sentimentScore: a.sentiment.score, severityScore: a.severity.score,
      severityTerms: a.severity.terms, severityCategories: a.severity.categories, simhash: hash, tokens: a.tokens.join(' '),
    });
    let topicIds = this.deps.matchTopics({ text: a.normalized, title: post.title ? this.deps.normalize(post.title) : undefined, source: post.source, authorName: post.authorName ?? undefined, authorId: post.authorId ?? undefined });
    const parentKey = post.parentId ? `${post.source}:${post.parentId}` : null;
    if (!topicIds.length && parentKey) topicIds = this.postTopics.get(parentKey) ?? [];
    topicIds = topicIds.filter((t) => this.topics.has(t));
    if (!topicIds.length) return true;
    this.postTopics.set(key, topicIds);
    this.incidents.addMatches(topicIds, post.pk, o.at);
    const published = post.publishedAt ? Date.parse(post.publishedAt) : at;
    for (const topicId of topicIds) this.placeInIncident(topicId, post, a, hash, ownHash, parentKey, at, published, !!original);
    return true;
  }

  private placeInIncident(topicId: string, post: StoredPost, a: ReturnType<PipelineDeps['analyze']>, hash: string, ownHash: string | null, parentKey: string | null, at: number, published: number, isChain: boolean): void {
    const rt = this.topics.get(topicId)!;
    const negative = a.sentiment.score < 0;
    const tokens = contentTokens(a.tokens, rt.terms, a.people);
    const isTrend = post.kind === 'trend';
    // hot-list topics are not posts: they count as reach, not in the topic's volume of complaints
    if (negative && !isTrend) {
      rt.negatives.add(published, 1);
      rt.recentNegatives.push({ pk: post.pk, at: published });
    }
    if (!isTrend) rt.recentAll.push({ at: published, negative });
    const d = a.danger;
    const positive = d.score < 0.3 && (d.benign >= 0.5 || d.hits.some((h) => h.kind === 'debunk'));
    const member: MemberPost = {
      pk: post.pk, key: `${post.source}:${post.extId}`, source: post.source, kind: post.kind,
      isRoot: !post.parentId && !isChain && post.kind !== 'comment', followers: post.authorFollowers ?? 0,
      sentiment: a.sentiment.score, severity: a.severity.score, severityTerms: a.severity.terms, severityCategories: a.severity.categories,
      severityTermCategories: a.severity.terms.map((t) => this.deps.termCategory(t)),
      publishedAt: published, addedAt: at, hash, ownHash, authorId: post.authorId, history: [],
      danger: d.score, dangerHealth: d.health, dangerOfficial: d.official, positive,
    };
    if (isTrend) { member.isRoot = false; pushTrend(member, at, post.rank, post.heat); }
    else if (member.isRoot) pushHistory(member, at, post.reposts, post.comments);
    const parentIncidents = parentKey ? [...this.regroup.leadAll(this.membership.get(parentKey) ?? [])] : []; // a merged incident leads to its target
    let id = findIncident({ parentIncidents, hash, tokens, publishedAt: published }, rt.stories, {
      windowMs: this.risk.timing.incident_window, maxHamming: 3, minSharedTerms: 3, minOverlap: 0.45,
      nearHashes: (h, dist) => rt.hashes.near(h, dist).map((x) => ({ incidentId: this.regroup.nearItem(x.item, x.hash), distance: x.distance })),
      sharingTerms: (toks) => {
        const hits = new Map<string, number>();
        for (const t of new Set(toks)) for (const sid of this.regroup.leadAll(rt.termIndex.get(t) ?? [])) hits.set(sid, (hits.get(sid) ?? 0) + 1);
        return hits;
      },
    });
    // a hot-list topic or a headline: one story's topics share the name and a rare term, or follow up
    const headlineLike = isTrend || (!parentKey && !isChain && (post.title != null || a.normalized.length <= 60));
    if (!id && headlineLike) {
      const followUp = d.score < DANGEROUS && d.hits.some((h) => h.kind === 'response' || h.kind === 'official');
      // posts keep the post rules among themselves: a headline-like post only looks at stories with hot-list topics
      const candidates = isTrend ? rt.stories : rt.stories.filter((x) => aggregatesOf(x).topics > 0);
      if (candidates.length) {
        id = findHotListStory({ tokens, tone: d.score >= DANGEROUS ? 'danger' : positive ? 'positive' : 'neutral', followUp, publishedAt: published }, candidates, {
          windowMs: this.risk.timing.incident_window, sameToneWindowMs: HOT_SAME_TONE_WINDOW, minRareWeight: HOT_RARE_WEIGHT,
          idf: (t) => this.deps.idf(t), tone: storyTone,
        });
      }
    }
    // a complaint while a story of the name is at P1/P2: "me too" posts and calls for an answer join it
    if (!id && !isTrend && (negative || a.severity.score >= 0.3)) id = this.liveStoryFor(rt, tokens, a.normalized, published);
    if (!id && (a.sentiment.score <= -0.2 || a.severity.score >= 0.3 || isTrend)) id = this.openIncident(topicId, 'story', at, [tokens]).id;
    if (id) id = this.regroup.lead(id);
    if (id && (isTrend || (this.open.get(id)?.members.length ?? 0) < TITLE_CANDIDATES)) {
      // a repost's headline is what it reposts, unless its own words say more
      const own = chainOriginal(post.text ?? '');
      member.headline = headlineOf(post.title || (own.original && own.own.replace(/[\p{P}\p{S}\s]/gu, '').length < 12 ? own.original : post.text) || '');
    }
    if (id) this.join(this.open.get(id)!, member, tokens, at);
    if (negative && !isTrend && rt.surge && !rt.surge.closed && rt.surge.id !== id) this.join(rt.surge, { ...member, history: [...member.history] }, tokens, at);
  }

  /**
   * The story of this topic now at P1/P2 (firing or pending) that a complaint belongs to: it shares a
   * term of the story's vocabulary, or says "me too" / asks for an answer. The biggest such story.
   */
  private liveStoryFor(rt: TopicRuntime, tokens: string[], normalized: string, published: number): string | null {
    let best: IncidentState | null = null;
    const metoo = ME_TOO.test(normalized);
    for (const s of rt.stories) {
      if (s.closed || s.kind !== 'story' || published - s.lastPostAt > LIVE_STORY_WINDOW) continue;
      const lv = s.level.state === 'firing' ? s.level.level : null;
      const hot = (lv && LEVEL_RANK[lv] <= 2) || (s.level.pendingLevel && LEVEL_RANK[s.level.pendingLevel] <= 2);
      if (!hot) continue;
      if (!metoo && !tokens.some((t) => t in s.terms)) continue;
      if (!best || s.members.length > best.members.length) best = s;
    }
    return best?.id ?? null;
  }

  private openIncident(topicId: string, kind: 'story' | 'surge', at: number, docs: string[][]): IncidentState {
    const rt = this.topics.get(topicId)!;
    const title = kind === 'surge' ? `${rt.cfg.name} · 负面声量上升 (negative posts rising)` : rt.cfg.name;
    const s = this.incidents.create(topicId, kind, title, at);
    const state: IncidentState = { ...s, members: [], docs: docs.filter((d) => d.length), terms: {}, level: initialLevelState(), risk: 0, peakRisk: 0, reasons: [], forecast: null, closed: false };
    this.open.set(state.id, state);
    this.markDirty(state);
    if (kind === 'story') rt.stories.push(state);
    return state;
  }

  private join(s: IncidentState, m: MemberPost, tokens: string[], at: number): void {
    if (memberByPk(s, m.pk)) return;
    s.members.push(m);
    if (s.docs.length < 30 && tokens.length) s.docs.push(tokens);
    s.lastPostAt = Math.max(s.lastPostAt, at);
    absorbTerms(s, tokens);
    this.markDirty(s);
    if (s.kind === 'story') {
      const idx = this.topics.get(s.topicId)!.termIndex;
      for (const t of tokens) {
        if (!(t in s.terms)) continue;
        let set = idx.get(t);
        if (!set) idx.set(t, (set = new Set()));
        set.add(s.id);
      }
    }
    this.membership.set(m.key, [...(this.membership.get(m.key) ?? []), s.id]);
    if (s.kind === 'story' && m.hash && s.members.length <= 40) this.topics.get(s.topicId)!.hashes.add(m.hash, s.id);
    this.incidents.addPost(s.id, m.pk, new Date(at).toISOString());
    // the title is the story's most representative headline, chosen again only as the story grows
    // (1, 3, 10, 30 posts) or a hot-list topic joins, so it stays put between refreshes
    if (s.kind === 'story' && !this.regroup.titledByDesk(s.id) && (s.members.length <= 1 || s.members.length === 3 || s.members.length === 10 || s.members.length === 30 || m.trend)) {
      const rt = this.topics.get(s.topicId)!;
      const t = storyTitle(s.members, rt.cfg.name, (x) => this.deps.normalize(x));
      if (t && t !== s.title) { s.title = t; this.incidents.setTitle(s.id, s.title); }
    }
  }

  /** Score what changed, step the level state machines and write alerts. */
  evaluate(nowDate: Date): AlertRecord[] {
    const now = nowDate.getTime();
    const out: AlertRecord[] = [];
    const every = this.risk.timing.evaluate_every;
    this.ensureSeries(now);
    this.tx(() => {
      this.regroup.apply(now);
      if (now - this.lastSurgeCheck >= every) {
        this.lastSurgeCheck = now;
        this.applyDeskVerdicts();
        for (const rt of this.topics.values()) this.checkSurge(rt, now);
      }
      // score what changed and what is firing or pending, each at most once per `evaluate_every`
      for (const id of [...this.dirtyIds, ...this.activeIds]) {
        const s = this.open.get(id);
        if (!s || s.closed) { this.dirtyIds.delete(id); this.activeIds.delete(id); continue; }
        const changed = this.dirtyIds.has(id);
        const gap = changed ? (this.opts.rescoreChangedAfterMs ?? every) : every;
        if (now - (this.lastScored.get(id) ?? -Infinity) < gap) continue;
        this.lastScored.set(id, now);
        this.dirtyIds.delete(id);
        const alert = this.scoreOne(s, now);
        if (s.level.state === 'firing' || s.level.pendingLevel !== null) this.activeIds.add(id);
        else this.activeIds.delete(id);
        if (alert) out.push(alert);
      }
      if (now - this.lastSweep >= HOUR) this.sweep(now);
    });
    for (const a of out) this.opts.onAlert?.(a as AlertRecord & { id: number }, nowDate);
    return out;
  }

  /**
   * The desk's false-alarm verdicts feed back: such an incident stops alerting, and new stories
   * that copy its posts are damped (with a reason saying so).
   */
  private applyDeskVerdicts(): void {
    for (const id of this.stores.reads.falseAlarmIncidentIds()) {
      if (this.verdictsSeen.has(id)) continue;
      this.verdictsSeen.add(id);
      const s = this.open.get(id);
      if (!s) continue;
      s.closed = true;
      const rt = this.topics.get(s.topicId);
      if (rt) for (const m of s.members.slice(0, 40)) if (m.hash) rt.falseAlarms.add(m.hash, id);
    }
  }

  /** The working state and operations the desk's merges and splits go through. */
  private regroupHost(): RegroupHost {
    return {
      open: this.open,
      membership: this.membership,
      runtime: (topicId) => this.topics.get(topicId),
      join: (s, m, tokens, at) => this.join(s, m, tokens, at),
      tokensOf: (pk, topicId) => { // a split post's words, analysed again (its document frequency counts once more: a few posts, negligible)
        const p = this.store.getByPk(pk);
        const rt = this.topics.get(topicId);
        if (!p || !rt || (!p.text && !p.title)) return [];
        const a = this.deps.analyze({ text: p.text, title: p.title });
        return contentTokens(a.tokens, rt.terms, a.people);
      },
      retitle: (s) => {
        const rt = this.topics.get(s.topicId);
        const t = rt ? storyTitle(s.members, rt.cfg.name, (x) => this.deps.normalize(x)) : '';
        if (t && t !== s.title) { s.title = t; this.incidents.setTitle(s.id, t); }
      },
      save: (s, now) => this.incidents.saveState(s, new Date(now).toISOString()),
      markDirty: (s) => this.markDirty(s),
      log: (level, msg) => this.opts.log?.(level, msg),
    };
  }

  private checkSurge(rt: TopicRuntime, now: number): void {
    const cutoff = now - 12 * HOUR;
    while (rt.recentNegatives.length && rt.recentNegatives[0].at < cutoff) rt.recentNegatives.shift();
    while (rt.recentAll.length && rt.recentAll[0].at < cutoff) {
      const x = rt.recentAll.shift()!;
      rt.olderAll++;
      if (x.negative) rt.olderNegative++;
    }
    if (rt.surge && !rt.surge.closed) return;
    const best = this.bestSurprise(rt, now);
    if (!best || best.surprise < SURGE_OPEN) return;
    const s = this.openIncident(rt.cfg.id, 'surge', now, []);
    rt.surge = s;
    const from = now - best.windowMin * 60_000 * 2;
    for (const r of rt.recentNegatives) {
      if (r.at < from) continue;
      for (const id of this.membership.get(this.keyOf(r.pk)) ?? []) {
        const inc = this.open.get(id);
        const src = inc ? memberByPk(inc, r.pk) : undefined;
        if (src) { this.join(s, { ...src, history: [...src.history] }, [], now); break; }
      }
    }
  }

  private keyOf(pk: number): string {
    const p = this.store.getByPk(pk);
    return p ? `${p.source}:${p.extId}` : '';
  }

  /**
   * The strongest negative-volume anomaly over the scoring windows, counted only as far as the
   * negative *share* is also unusual: a busy afternoon raises volume of every tone, a slow burn
   * raises the complaints.
   */
  private bestSurprise(rt: TopicRuntime, now: number) {
    let best: { windowMin: number; observed: number; expected: number; surprise: number } | null = null;
    for (const x of rt.negatives.score(now)) {
      const from = now - x.windowMin * 60_000;
      let total = 0, negative = 0, bTotal = rt.olderAll, bNeg = rt.olderNegative;
      for (const p of rt.recentAll) {
        if (p.at > now) continue;
        if (p.at >= from) { total++; if (p.negative) negative++; } else { bTotal++; if (p.negative) bNeg++; }
      }
      const share = negativeShareSurprise({ negative, total }, { negative: bNeg, total: bTotal });
      const surprise = Math.min(x.surprise, share * SHARE_WEIGHT);
      if (!best || surprise > best.surprise) best = { ...x, surprise };
    }
    return best;
  }

  private scoreOne(s: IncidentState, now: number): AlertRecord | null {
    const rt = this.topics.get(s.topicId)!;
    const surprise = s.kind === 'surge' ? this.bestSurprise(rt, now) : null;
    const forecast = this.forecastFor(s, now);
    const recent = recentMembers(s, now, 2 * HOUR);
    const coordinatedShare = recent.length >= 5 ? this.deps.coordinatedShare(recent.map((m) => ({ hash: m.ownHash, authorId: m.authorId, at: m.publishedAt }))) : 0;
    const f = computeFeatures(s, {
      now, velocityWindowMs: 30 * 60_000, virality: this.viralityOf(s, now), surprise: surprise?.surprise ?? 0,
      surpriseDetail: surprise ? { observed: surprise.observed, expected: surprise.expected, windowMin: surprise.windowMin } : undefined,
      forecast, coordinatedShare,
    });
    const r = scoreIncident(f, this.risk, `in ${Math.round(this.risk.forecast_horizon / HOUR)} h`);
    const like = this.likeFalseAlarm(s, rt);
    if (like) {
      r.risk *= FALSE_ALARM_DAMPING;
      r.reasons.push(`damped: resembles ${like}, called a false alarm by the desk`);
      r.candidate = r.risk >= this.risk.levels.P1 ? 'P1' : r.risk >= this.risk.levels.P2 ? 'P2' : r.risk >= this.risk.levels.P3 ? 'P3' : r.risk >= this.risk.levels.P4 ? 'P4' : null;
    }
    // hysteresis on the risk itself: a firing level holds while risk stays within the margin of its threshold
    const firing = s.level.state === 'firing' ? s.level.level : null;
    if (firing && (!r.candidate || LEVEL_RANK[r.candidate] > LEVEL_RANK[firing]) && r.risk >= this.risk.levels[firing] - LEVEL_MARGIN) r.candidate = firing;
    const t = stepLevel(s.level, r.candidate, r.urgent, now, { pendingMs: this.risk.timing.pending, keepFiringMs: this.risk.timing.keep_firing, resolveAfterMs: this.risk.timing.resolve_after });
    const riskChanged = Math.abs(r.risk - s.risk) >= 1;
    // what a person reads also changes when the forecast moves (or stops being too early) or the reasons change
    const prev = s.forecast;
    const forecastChanged = !prev !== !forecast || (!!prev && !!forecast && (!prev.early !== !forecast.early || Math.abs(forecast.reposts - prev.reposts) > Math.max(10, 0.05 * prev.reposts)));
    const reasonsChanged = r.reasons.length !== s.reasons.length || r.reasons.some((x, i) => x !== s.reasons[i]);
    s.level = t.next;
    s.risk = r.risk;
    s.peakRisk = Math.max(s.peakRisk, r.risk);
    s.reasons = r.reasons;
    s.forecast = forecast;
    const iso = new Date(now).toISOString();
    const grew = s.members.length !== (s.savedPosts ?? 0);
    if (riskChanged || t.transition || grew || forecastChanged || (reasonsChanged && this.opts.persistStateEveryMs !== Infinity && now - (s.rowAt ?? 0) >= REASONS_SAVE_EVERY)) {
      s.savedPosts = s.members.length;
      s.rowAt = now;
      const withState = !!t.transition || now - (s.savedAt ?? 0) >= (this.opts.persistStateEveryMs ?? STATE_SAVE_EVERY);
      if (withState) s.savedAt = now;
      this.incidents.recordRisk(s, iso, f, r.components, withState);
    }
    if (!t.transition) return null;
    const level: Level = t.transition.level;
    if (t.transition.kind === 'resolve') s.closed = s.kind === 'surge';
    if (s.kind === 'surge' && s.closed) rt.surge = null;
    const alert: AlertRecord = {
      at: iso, topic: s.topicId, incident: s.id, level, state: t.transition.kind === 'resolve' ? 'resolved' : 'firing',
      risk: Math.round(r.risk), title: s.title, reasons: r.reasons, posts: this.rankedPosts(s),
      forecast, categories: [...new Set(f.severity.terms.map((x) => x.category))], sources: f.sources, kind: 'incident',
    };
    alert.id = this.alerts.insert(alert);
    this.incidents.saveState(s, iso);
    return alert;
  }

  private likeFalseAlarm(s: IncidentState, rt: TopicRuntime): string | null {
    if (!this.verdictsSeen.size) return null;
    for (const m of s.members.slice(0, 10)) {
      if (!m.hash) continue;
      const hit = rt.falseAlarms.near(m.hash, 3).find((x) => x.item !== s.id);
      if (hit) return hit.item;
    }
    return null;
  }

  private rankedPosts(s: IncidentState): string[] {
    return [...s.members]
      .sort((a, b) => (b.history.at(-1)?.[1] ?? 0) - (a.history.at(-1)?.[1] ?? 0) || b.followers - a.followers || a.addedAt - b.addedAt)
      .slice(0, 1000).map((m) => m.key);
  }

  /** How far the most-shared root post outruns what its author's reach predicts. */
  private viralityOf(s: IncidentState, now: number): { score: number; ratio: number } | null {
    const top = topRoot(s);
    if (!top || top.history.length < 2) return null;
    const v = this.deps.virality({ snapshots: top.history.map(([at, reposts, comments]) => ({ at, reposts, comments, likes: 0 })), author: { followers: top.followers }, platform: top.source, now, publishedAt: top.publishedAt, windowMs: 30 * 60_000 });
    return { score: v.reachScore, ratio: 10 ** v.reachNormalized };
  }

  private forecastFor(s: IncidentState, now: number): IncidentState['forecast'] {
    const top = topRoot(s);
    if (!top) return s.forecast;
    const h = top.history;
    const count = h.at(-1)![1];
    const snapshots = h.map(([at, reposts]) => ({ at, reposts }));
    const f = this.deps.forecast({ publishedAt: top.publishedAt, now, horizonMs: this.risk.forecast_horizon, source: top.source, rootFollowers: top.followers, reposts: [], observedCount: count, snapshots });
    const b = boundForecast(f, h, top.publishedAt, now);
    const others = Math.max(0, totalRootReposts(s) - count);
    return { reposts: Math.round(b.reposts + others), low: Math.round(b.low + others), high: Math.round(b.high + others), ...(b.early ? { early: b.early } : {}) };
  }

  /** Forget incidents that ended long ago (their rows stay in the database). */
  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [id, s] of this.open) {
      const quiet = s.level.state !== 'firing' && s.level.pendingLevel === null;
      if ((s.closed || quiet) && now - s.lastPostAt > this.risk.timing.incident_window) {
        this.open.delete(id);
        this.lastScored.delete(id);
        this.activeIds.delete(id);
        const rt = this.topics.get(s.topicId);
        if (rt) rt.stories = rt.stories.filter((x) => x !== s);
        this.incidents.saveState({ ...s, closed: true }, new Date(now).toISOString());
      }
    }
  }

  /** Persist every open incident's working state (call before shutdown). */
  flush(now: Date): void {
    const iso = now.toISOString();
    this.tx(() => { for (const s of this.open.values()) this.incidents.saveState(s, iso); });
  }
}
