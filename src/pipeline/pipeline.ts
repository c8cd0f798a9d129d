// The monitoring pipeline: observation -> store -> analyse -> match topics -> incidents -> risk
// -> level -> alert. One code path for replay and live mode: the clock is always passed in.
import type { Db } from '../db/connection.js';
import type { Observation } from '../core/observation.js';
import type { AlertRecord, Level } from '../core/alert.js';
import type { TopicConfig } from '../config/topics-config.js';
import type { RiskConfig } from '../config/risk-config.js';
import { PostStore, type StoredPost } from '../db/repos/post-store.js';
import { IncidentRepo } from '../db/repos/incident-repo.js';
import { AlertRepo } from '../db/repos/alert-repo.js';
import type { PipelineDeps } from './deps.js';
import { computeFeatures, pushHistory, type IncidentState, type MemberPost } from './incident-state.js';
import { absorbTerms, chainOriginal, contentTokens, findIncident } from './incident-clusterer.js';
import { scoreIncident } from './risk-model.js';
import { initialLevelState, stepLevel } from './level-state.js';

export interface PipelineOptions {
  onAlert?: (alert: AlertRecord & { id: number }, now: Date) => void;
  log?: (level: string, msg: string, fields?: object) => void;
}

interface TopicRuntime {
  cfg: TopicConfig;
  negatives: ReturnType<PipelineDeps['newVolumeSeries']>;
  recentNegatives: { pk: number; at: number }[];
  surge: IncidentState | null;
  terms: Set<string>;
}

const HOUR = 3_600_000;
const SURGE_OPEN = 4; // -log10 p of the negative-volume anomaly that opens a surge incident

export class Pipeline {
  readonly store: PostStore;
  private readonly incidents: IncidentRepo;
  private readonly alerts: AlertRepo;
  private readonly topics = new Map<string, TopicRuntime>();
  private readonly open = new Map<string, IncidentState>();
  /** post key -> incident ids it belongs to */
  private readonly membership = new Map<string, string[]>();
  /** post key -> topic ids it matched */
  private readonly postTopics = new Map<string, string[]>();
  private lastSweep = 0;

  constructor(private readonly db: Db, topics: TopicConfig[], private readonly risk: RiskConfig, private readonly deps: PipelineDeps, private readonly opts: PipelineOptions = {}) {
    this.store = new PostStore(db);
    this.incidents = new IncidentRepo(db);
    this.alerts = new AlertRepo(db);
    this.incidents.syncTopics(topics);
    for (const t of topics.filter((x) => x.enabled)) {
      this.topics.set(t.id, { cfg: t, negatives: deps.newVolumeSeries(), recentNegatives: [], surge: null,
        terms: new Set([...t.keywords, ...t.name.split(/\s+/)].map((w) => deps.normalize(w))) });
    }
    this.restore();
  }

  /** Reload open incidents after a restart. */
  private restore(): void {
    for (const s of this.incidents.loadOpenStates()) {
      if (!this.topics.has(s.topicId)) continue;
      this.open.set(s.id, s);
      if (s.kind === 'surge') this.topics.get(s.topicId)!.surge = s;
      for (const m of s.members) this.membership.set(m.key, [...(this.membership.get(m.key) ?? []), s.id]);
    }
  }

  /** Store and analyse a batch of observations (one transaction). */
  ingest(batch: Observation[], now: Date): { stored: number; newPosts: number } {
    let newPosts = 0;
    this.db.transaction(() => {
      for (const o of batch) if (this.ingestOne(o, now)) newPosts++;
    })();
    return { stored: batch.length, newPosts };
  }

  private ingestOne(o: Observation, now: Date): boolean {
    const { post, isNew } = this.store.upsert(o);
    const key = `${post.source}:${post.extId}`;
    const at = Date.parse(o.at);
    if (!isNew) {
      for (const id of this.membership.get(key) ?? []) {
        const s = this.open.get(id);
        const m = s?.members.find((x) => x.pk === post.pk);
        if (s && m) { pushHistory(m, at, post.reposts, post.comments); s.dirty = true; }
      }
      return false;
    }
    if (!post.text && !post.title) return true;
    const a = this.deps.analyze({ text: post.text, title: post.title });
    const { own, original } = chainOriginal(a.normalized);
    const hash = this.deps.simhash(original ?? own);
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
    for (const topicId of topicIds) this.placeInIncident(topicId, post, a, hash, parentKey, at, published, !!original);
    return true;
  }

  private placeInIncident(topicId: string, post: StoredPost, a: ReturnType<PipelineDeps['analyze']>, hash: string, parentKey: string | null, at: number, published: number, isChain: boolean): void {
    const rt = this.topics.get(topicId)!;
    const negative = a.sentiment.score < 0;
    const tokens = contentTokens(a.tokens, rt.terms);
    if (negative) {
      rt.negatives.add(published, 1);
      rt.recentNegatives.push({ pk: post.pk, at: published });
    }
    const member: MemberPost = {
      pk: post.pk, key: `${post.source}:${post.extId}`, source: post.source, kind: post.kind,
      isRoot: !post.parentId && !isChain && post.kind !== 'comment', followers: post.authorFollowers ?? 0,
      sentiment: a.sentiment.score, severity: a.severity.score, severityTerms: a.severity.terms, severityCategories: a.severity.categories,
      publishedAt: published, addedAt: at, hash, authorId: post.authorId, history: [],
    };
    if (member.isRoot) pushHistory(member, at, post.reposts, post.comments);
    const openHere = [...this.open.values()].filter((s) => s.topicId === topicId);
    const parentIncidents = parentKey ? (this.membership.get(parentKey) ?? []) : [];
    let id = findIncident({ parentIncidents, hash, tokens, publishedAt: published }, openHere, {
      windowMs: this.risk.timing.incident_window, maxHamming: 3, minSharedTerms: 3, minOverlap: 0.45, hamming: this.deps.hamming,
    });
    if (!id && (a.sentiment.score <= -0.2 || a.severity.score >= 0.3)) id = this.openIncident(topicId, 'story', at, [tokens]).id;
    if (id) this.join(this.open.get(id)!, member, tokens, at);
    if (negative && rt.surge && !rt.surge.closed && rt.surge.id !== id) this.join(rt.surge, { ...member, history: [...member.history] }, tokens, at);
  }

  private openIncident(topicId: string, kind: 'story' | 'surge', at: number, docs: string[][]): IncidentState {
    const rt = this.topics.get(topicId)!;
    const title = kind === 'surge' ? `${rt.cfg.name}: negative posts rising` : this.deps.title(docs, [...rt.terms]) || rt.cfg.name;
    const s = this.incidents.create(topicId, kind, title, at);
    const state: IncidentState = { ...s, members: [], docs: docs.filter((d) => d.length), terms: {}, level: initialLevelState(), risk: 0, peakRisk: 0, reasons: [], forecast: null, dirty: true, closed: false };
    this.open.set(state.id, state);
    return state;
  }

  private join(s: IncidentState, m: MemberPost, tokens: string[], at: number): void {
    if (s.members.some((x) => x.pk === m.pk)) return;
    s.members.push(m);
    if (s.docs.length < 30 && tokens.length) s.docs.push(tokens);
    s.lastPostAt = Math.max(s.lastPostAt, at);
    absorbTerms(s, tokens);
    s.dirty = true;
    this.membership.set(m.key, [...(this.membership.get(m.key) ?? []), s.id]);
    this.incidents.addPost(s.id, m.pk, new Date(at).toISOString());
    if (s.kind === 'story' && (s.members.length === 3 || s.members.length === 10 || s.members.length === 30)) {
      const rt = this.topics.get(s.topicId)!;
      const t = this.deps.title(s.docs, [...rt.terms]);
      if (t) { s.title = `${rt.cfg.name} · ${t}`.slice(0, 60); this.incidents.setTitle(s.id, s.title); }
    }
  }

  /** Score what changed, step the level state machines and write alerts. */
  evaluate(nowDate: Date): AlertRecord[] {
    const now = nowDate.getTime();
    const out: AlertRecord[] = [];
    this.db.transaction(() => {
      for (const rt of this.topics.values()) this.checkSurge(rt, now);
      for (const s of this.open.values()) {
        if (s.closed) continue;
        const active = s.level.state === 'firing' || s.level.pendingLevel !== null;
        if (!s.dirty && !active) continue;
        const alert = this.scoreOne(s, now);
        if (alert) out.push(alert);
      }
      if (now - this.lastSweep >= HOUR) this.sweep(now);
    })();
    for (const a of out) this.opts.onAlert?.(a as AlertRecord & { id: number }, nowDate);
    return out;
  }

  private checkSurge(rt: TopicRuntime, now: number): void {
    const cutoff = now - 12 * HOUR;
    while (rt.recentNegatives.length && rt.recentNegatives[0].at < cutoff) rt.recentNegatives.shift();
    if (rt.surge && !rt.surge.closed) return;
    const best = this.bestSurprise(rt, now);
    if (!best || best.surprise < SURGE_OPEN) return;
    const s = this.openIncident(rt.cfg.id, 'surge', now, []);
    rt.surge = s;
    const from = now - best.windowMin * 60_000 * 2;
    for (const r of rt.recentNegatives) {
      if (r.at < from) continue;
      for (const id of this.membership.get(this.keyOf(r.pk)) ?? []) {
        const src = this.open.get(id)?.members.find((m) => m.pk === r.pk);
        if (src) { this.join(s, { ...src, history: [...src.history] }, [], now); break; }
      }
    }
  }

  private keyOf(pk: number): string {
    const p = this.store.getByPk(pk);
    return p ? `${p.source}:${p.extId}` : '';
  }

  private bestSurprise(rt: TopicRuntime, now: number) {
    let best: { windowMin: number; observed: number; expected: number; surprise: number } | null = null;
    for (const x of rt.negatives.score(now)) if (!best || x.surprise > best.surprise) best = x;
    return best;
  }

  private scoreOne(s: IncidentState, now: number): AlertRecord | null {
    s.dirty = false;
    const rt = this.topics.get(s.topicId)!;
    const surprise = s.kind === 'surge' ? this.bestSurprise(rt, now) : null;
    const forecast = this.forecastFor(s, now);
    const recent = s.members.filter((m) => now - m.addedAt <= 2 * HOUR);
    const coordinatedShare = recent.length >= 5 ? this.deps.coordinatedShare(recent.map((m) => ({ hash: m.hash, authorId: m.authorId, at: m.publishedAt }))) : 0;
    const f = computeFeatures(s, {
      now, velocityWindowMs: 30 * 60_000, surprise: surprise?.surprise ?? 0,
      surpriseDetail: surprise ? { observed: surprise.observed, expected: surprise.expected, windowMin: surprise.windowMin } : undefined,
      forecast, coordinatedShare,
    });
    const r = scoreIncident(f, this.risk, `in ${Math.round(this.risk.forecast_horizon / HOUR)} h`);
    const t = stepLevel(s.level, r.candidate, r.urgent, now, { pendingMs: this.risk.timing.pending, keepFiringMs: this.risk.timing.keep_firing, resolveAfterMs: this.risk.timing.resolve_after });
    const riskChanged = Math.abs(r.risk - s.risk) >= 1;
    s.level = t.next;
    s.risk = r.risk;
    s.peakRisk = Math.max(s.peakRisk, r.risk);
    s.reasons = r.reasons;
    s.forecast = forecast;
    const iso = new Date(now).toISOString();
    if (riskChanged || t.transition) this.incidents.recordRisk(s, iso, f, r.components);
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

  private rankedPosts(s: IncidentState): string[] {
    return [...s.members]
      .sort((a, b) => (b.history.at(-1)?.[1] ?? 0) - (a.history.at(-1)?.[1] ?? 0) || b.followers - a.followers || a.addedAt - b.addedAt)
      .slice(0, 1000).map((m) => m.key);
  }

  private forecastFor(s: IncidentState, now: number): IncidentState['forecast'] {
    let top: MemberPost | null = null;
    for (const m of s.members) if (m.isRoot && m.history.length && (!top || m.history.at(-1)![1] > top.history.at(-1)![1])) top = m;
    if (!top) return s.forecast;
    const h = top.history;
    const count = h.at(-1)![1];
    // repost times from the snapshot deltas, spread evenly inside each interval
    const reposts: { at: number; followers: null }[] = [];
    let prevT = top.publishedAt, prevN = 0;
    for (const [t, n] of h) {
      const d = n - prevN;
      for (let i = 1; i <= d && reposts.length < 5000; i++) reposts.push({ at: prevT + ((t - prevT) * i) / (d + 1), followers: null });
      if (n > prevN) { prevN = n; prevT = t; }
    }
    const f = this.deps.forecast({ publishedAt: top.publishedAt, now, horizonMs: this.risk.forecast_horizon, source: top.source, rootFollowers: top.followers, reposts, observedCount: count });
    const others = s.members.reduce((acc, m) => acc + (m !== top && m.isRoot ? (m.history.at(-1)?.[1] ?? 0) : 0), 0);
    return { reposts: Math.round(f.reposts + others), low: Math.round(f.low + others), high: Math.round(f.high + others) };
  }

  /** Forget incidents that ended long ago (their rows stay in the database). */
  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [id, s] of this.open) {
      const quiet = s.level.state !== 'firing' && s.level.pendingLevel === null;
      if ((s.closed || quiet) && now - s.lastPostAt > this.risk.timing.incident_window) {
        this.open.delete(id);
        this.incidents.saveState({ ...s, closed: true }, new Date(now).toISOString());
      }
    }
  }

  /** Persist every open incident's working state (call before shutdown). */
  flush(now: Date): void {
    const iso = now.toISOString();
    this.db.transaction(() => { for (const s of this.open.values()) this.incidents.saveState(s, iso); })();
  }
}
