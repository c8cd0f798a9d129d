// Silences: matchers plus a time window; a matching alert is recorded but not sent. Created from
// the API or the dashboard, expired early by an HTTP delete (ends_at set to now, kept for the record).
// Matchers are checked against what the database knows before a silence is stored: an unknown
// label, topic, level, incident, source, kind or state is refused naming it and the valid values,
// and a topic may be given by the name the dashboard shows (stored as its id), so a silence never
// silently matches nothing. previewSilence lists the open incidents a silence would catch.
import { z } from 'zod';
import type { Db } from '../db/connection.js';
import { storeOf } from '../db/store/index.js';
import type { SilenceRow } from '../db/store/alerts-store.js';
import type { OpenIncidentRow } from '../db/store/incidents-store.js';
import type { Matcher } from '../config/alerting-config.js';
import { UserError } from '../core/errors.js';
import { LEVELS } from '../core/alert.js';
import { allMatch, matcherMatches, type Labels } from '../alerting/matchers.js';
import { parseDuration } from '../alerting/duration.js';
import { writeAudit } from './audit.js';
import { NotFoundError } from './errors.js';

export interface Silence { id: number; matchers: Matcher[]; startsAt: string; endsAt: string; createdBy: string | null; comment: string | null; createdAt: string }

export const MATCH_NAMES = ['topic', 'level', 'source', 'category', 'incident', 'kind', 'state'] as const;
const ALERT_KINDS = ['incident', 'source-health', 'reminder', 'digest', 'escalation'];
const ALERT_STATES = ['firing', 'resolved'];
const matcherSchema = z.object({
  name: z.string().min(1).max(40),
  value: z.string().min(1).max(500),
  isRegex: z.boolean().default(false),
  isEqual: z.boolean().default(true),
}).strict();
const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), { message: 'not an ISO 8601 date' });
export const silenceInputSchema = z.object({
  matchers: z.array(matcherSchema).min(1, 'a silence needs at least one matcher'),
  startsAt: isoDate.optional(),
  endsAt: isoDate.optional(),
  duration: z.string().optional(),
  comment: z.string().max(2000).optional(),
}).strict();
export type SilenceInput = z.input<typeof silenceInputSchema>;

function rowTo(r: SilenceRow): Silence {
  return { id: r.id, matchers: JSON.parse(r.matchers), startsAt: r.starts_at, endsAt: r.ends_at, createdBy: r.created_by, comment: r.comment, createdAt: r.created_at };
}

/** What matcher values are checked against: the topics (configured, or seen on incidents) and the sources of stored posts. */
interface Catalog { topics: { id: string; name: string }[]; sources: string[] }

function catalog(db: Db): Catalog {
  const stores = storeOf(db);
  return { topics: stores.rules.knownTopics(), sources: stores.posts.sourcesWithPosts() };
}

const fold = (s: string) => s.normalize('NFKC').trim().toLowerCase();
const listOf = (xs: readonly string[], max = 20) => (xs.length > max ? `${xs.slice(0, max).join(', ')}, … (${xs.length} in all)` : xs.join(', '));
const topicList = (c: Catalog) => listOf(c.topics.map((t) => (t.name && t.name !== t.id ? `${t.name} (${t.id})` : t.id)));

/**
 * Check each matcher against what the database knows and return them as stored: a topic given by
 * its name becomes its id, a level is upper-cased. Throws UserError (400) naming the unknown value
 * and listing the valid ones.
 */
export function resolveMatchers(db: Db, matchers: z.infer<typeof matcherSchema>[]): Matcher[] {
  let cat: Catalog | null = null;
  const known = () => (cat ??= catalog(db));
  return matchers.map((m, i): Matcher => {
    const where = `silence: matchers.${i}`;
    if (!(MATCH_NAMES as readonly string[]).includes(m.name)) {
      throw new UserError(`${where}.name: unknown label '${m.name}'`, `valid labels: ${MATCH_NAMES.join(', ')}`);
    }
    if (m.isRegex) {
      let re: RegExp;
      try { re = new RegExp(`^(?:${m.value})$`); } catch (e) { throw new UserError(`${where}: matcher ${m.name}: invalid regular expression (${(e as Error).message})`); }
      if (m.name === 'topic' && known().topics.length && !known().topics.some((t) => re.test(t.id))) {
        const byName = known().topics.filter((t) => re.test(t.name));
        throw new UserError(`${where}: topic regex '${m.value}' matches no topic id${byName.length ? ` (it matches the name of ${byName.map((t) => t.id).join(', ')}; topic matchers compare ids)` : ''}`,
          `topics: ${topicList(known())}`);
      }
      return { name: m.name, value: m.value, isRegex: true, isEqual: m.isEqual };
    }
    const v = m.value.trim();
    const exact = (value: string): Matcher => ({ name: m.name, value, isRegex: false, isEqual: m.isEqual });
    switch (m.name) {
      case 'topic': {
        const { topics } = known();
        if (!topics.length) return exact(v); // nothing loaded yet to check against
        const hit = topics.find((t) => t.id === v) ?? topics.find((t) => fold(t.id) === fold(v)) ?? topics.find((t) => fold(t.name) === fold(v));
        if (!hit) throw new UserError(`${where}: unknown topic '${v}'`, `give a topic's name or id: ${topicList(known())}`);
        return exact(hit.id);
      }
      case 'level': {
        const lv = v.toUpperCase();
        if (!(LEVELS as readonly string[]).includes(lv)) throw new UserError(`${where}: unknown level '${v}'`, `valid levels: ${LEVELS.join(', ')}`);
        return exact(lv);
      }
      case 'kind':
        if (!ALERT_KINDS.includes(v)) throw new UserError(`${where}: unknown alert kind '${v}'`, `valid kinds: ${ALERT_KINDS.join(', ')}`);
        return exact(v);
      case 'state':
        if (!ALERT_STATES.includes(v)) throw new UserError(`${where}: unknown alert state '${v}'`, `valid states: ${ALERT_STATES.join(', ')}`);
        return exact(v);
      case 'incident': {
        const incidents = storeOf(db).incidents;
        if (incidents.exists(v)) return exact(v);
        const recent = incidents.recentOpenIds(20);
        throw new UserError(`${where}: unknown incident '${v}'`, recent.length ? `open incidents: ${recent.join(', ')}` : 'there are no open incidents');
      }
      case 'source': {
        const { sources } = known();
        if (!sources.length || sources.includes(v)) return exact(v);
        const folded = sources.find((s) => fold(s) === fold(v));
        if (folded) return exact(folded);
        throw new UserError(`${where}: unknown source '${v}'`, `sources with posts: ${listOf(sources)}`);
      }
      default: // category: the severity rules' categories, free text
        return exact(v);
    }
  });
}

function parseInput(input: unknown) {
  const p = silenceInputSchema.safeParse(input);
  if (!p.success) {
    const i = p.error.issues[0];
    throw new UserError(`silence: ${i.path.join('.') || 'body'}: ${i.message}`, 'send {"matchers":[{"name":"topic","value":"brand-x"}],"duration":"2h","comment":"..."}');
  }
  return p.data;
}

export function createSilence(db: Db, input: unknown, actor: string | null, now: Date): Silence {
  const d = parseInput(input);
  const matchers = resolveMatchers(db, d.matchers);
  const starts = d.startsAt ? new Date(d.startsAt) : now;
  let ends: Date;
  if (d.endsAt) ends = new Date(d.endsAt);
  else if (d.duration) {
    const ms = parseDuration(d.duration);
    if (ms === null || ms <= 0) throw new UserError(`silence: duration '${d.duration}' is not valid`, 'use e.g. 30m, 2h, 1d');
    ends = new Date(starts.getTime() + ms);
  } else throw new UserError('silence: give endsAt or duration', 'e.g. "duration": "2h"');
  if (ends.getTime() <= starts.getTime()) throw new UserError('silence: endsAt must be after startsAt');
  const id = storeOf(db).alerts.insertSilence(JSON.stringify(matchers), starts, ends, actor, d.comment ?? null, now);
  writeAudit(db, now, actor, 'silence.create', `silence:${id}`, { matchers, startsAt: starts.toISOString(), endsAt: ends.toISOString(), comment: d.comment });
  return getSilence(db, id)!;
}

export interface SilencePreview {
  /** the matchers as they would be stored (topic names resolved to ids) */
  matchers: Matcher[];
  /** open incidents whose alerts the silence would hold back, highest risk first */
  incidents: { id: string; title: string; topic: string; topicName: string; level: string | null; state: string; status: string; risk: number }[];
  /** how many open incidents it would catch (the list holds at most 200) */
  total: number;
  /** open incidents looked at */
  checked: number;
}

const jsonList = (v: string | null): string[] => {
  try { const x = v ? JSON.parse(v) : []; return Array.isArray(x) ? x.map(String) : []; } catch { return []; }
};

/**
 * Which open incidents (desk status not resolved or false alarm, alerting or about to) a silence
 * with these matchers would catch now: each incident's labels are those its next alert would carry.
 * The body is that of POST /silences; times are not needed. Throws UserError like createSilence.
 */
export function previewSilence(db: Db, input: unknown): SilencePreview {
  const raw = input && typeof input === 'object' ? { duration: '1h', ...(input as Record<string, unknown>) } : input;
  const matchers = resolveMatchers(db, parseInput(raw).matchers);
  const rows: OpenIncidentRow[] = storeOf(db).incidents.alertingOpen();
  const caught = rows.filter((r) => {
    const labels: Labels = {
      topic: [r.topic_id], level: [r.level ?? r.pending_level ?? ''].filter(Boolean), source: jsonList(r.sources), category: jsonList(r.categories),
      incident: [r.id], kind: ['incident'], state: [r.state === 'resolved' ? 'resolved' : 'firing'],
    };
    return matchers.every((m) => matcherMatches(m, labels));
  });
  return {
    matchers, total: caught.length, checked: rows.length,
    incidents: caught.slice(0, 200).map((r) => ({ id: r.id, title: r.title, topic: r.topic_id, topicName: r.topic_name ?? r.topic_id, level: r.level ?? r.pending_level, state: r.state, status: r.status, risk: Math.round(r.risk * 10) / 10 })),
  };
}

export function getSilence(db: Db, id: number): Silence | null {
  const r = storeOf(db).alerts.silence(id);
  return r ? rowTo(r) : null;
}

/** Silences, newest first; `active` limits to those in force at `now`. */
export function listSilences(db: Db, now: Date, opts: { active?: boolean } = {}): Silence[] {
  const alerts = storeOf(db).alerts;
  return (opts.active ? alerts.activeSilences(now) : alerts.recentSilences()).map(rowTo);
}

export function expireSilence(db: Db, id: number, actor: string | null, now: Date): Silence {
  const s = getSilence(db, id);
  if (!s) throw new NotFoundError(`silence ${id} not found`);
  if (s.endsAt > now.toISOString()) storeOf(db).alerts.endSilence(id, now);
  writeAudit(db, now, actor, 'silence.expire', `silence:${id}`);
  return getSilence(db, id)!;
}

/** The first active silence matching these labels, or null. */
export function silencedBy(silences: Silence[], labels: Labels, now: Date): Silence | null {
  const t = now.toISOString();
  return silences.find((s) => s.startsAt <= t && s.endsAt > t && allMatch(s.matchers, labels)) ?? null;
}
