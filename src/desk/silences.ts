// Silences: matchers plus a time window; a matching alert is recorded but not sent. Created from
// the API or the dashboard, expired early by DELETE (ends_at set to now, kept for the record).
import { z } from 'zod';
import type { Db } from '../db/connection.js';
import type { Matcher } from '../config/alerting-config.js';
import { UserError } from '../core/errors.js';
import { allMatch, type Labels } from '../alerting/matchers.js';
import { parseDuration } from '../alerting/duration.js';
import { writeAudit } from './audit.js';
import { NotFoundError } from './errors.js';

export interface Silence { id: number; matchers: Matcher[]; startsAt: string; endsAt: string; createdBy: string | null; comment: string | null; createdAt: string }

const MATCH_NAMES = ['topic', 'level', 'source', 'category', 'incident', 'kind', 'state'] as const;
const matcherSchema = z.object({
  name: z.enum(MATCH_NAMES),
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

function rowTo(r: { id: number; matchers: string; starts_at: string; ends_at: string; created_by: string | null; comment: string | null; created_at: string }): Silence {
  return { id: r.id, matchers: JSON.parse(r.matchers), startsAt: r.starts_at, endsAt: r.ends_at, createdBy: r.created_by, comment: r.comment, createdAt: r.created_at };
}

export function createSilence(db: Db, input: unknown, actor: string | null, now: Date): Silence {
  const p = silenceInputSchema.safeParse(input);
  if (!p.success) {
    const i = p.error.issues[0];
    throw new UserError(`silence: ${i.path.join('.') || 'body'}: ${i.message}`, 'send {"matchers":[{"name":"topic","value":"brand-x"}],"duration":"2h","comment":"..."}');
  }
  const d = p.data;
  for (const m of d.matchers) {
    if (m.isRegex) try { new RegExp(m.value); } catch (e) { throw new UserError(`silence: matcher ${m.name}: invalid regular expression (${(e as Error).message})`); }
  }
  const starts = d.startsAt ? new Date(d.startsAt) : now;
  let ends: Date;
  if (d.endsAt) ends = new Date(d.endsAt);
  else if (d.duration) {
    const ms = parseDuration(d.duration);
    if (ms === null || ms <= 0) throw new UserError(`silence: duration '${d.duration}' is not valid`, 'use e.g. 30m, 2h, 1d');
    ends = new Date(starts.getTime() + ms);
  } else throw new UserError('silence: give endsAt or duration', 'e.g. "duration": "2h"');
  if (ends.getTime() <= starts.getTime()) throw new UserError('silence: endsAt must be after startsAt');
  const info = db.prepare('INSERT INTO silences (matchers, starts_at, ends_at, created_by, comment, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(JSON.stringify(d.matchers), starts.toISOString(), ends.toISOString(), actor, d.comment ?? null, now.toISOString());
  const id = Number(info.lastInsertRowid);
  writeAudit(db, now, actor, 'silence.create', `silence:${id}`, { matchers: d.matchers, startsAt: starts.toISOString(), endsAt: ends.toISOString(), comment: d.comment });
  return getSilence(db, id)!;
}

export function getSilence(db: Db, id: number): Silence | null {
  const r = db.prepare('SELECT * FROM silences WHERE id = ?').get(id) as Parameters<typeof rowTo>[0] | undefined;
  return r ? rowTo(r) : null;
}

/** Silences, newest first; `active` limits to those in force at `now`. */
export function listSilences(db: Db, now: Date, opts: { active?: boolean } = {}): Silence[] {
  const rows = opts.active
    ? db.prepare('SELECT * FROM silences WHERE starts_at <= ? AND ends_at > ? ORDER BY id DESC').all(now.toISOString(), now.toISOString())
    : db.prepare('SELECT * FROM silences ORDER BY id DESC LIMIT 1000').all();
  return (rows as Parameters<typeof rowTo>[0][]).map(rowTo);
}

export function expireSilence(db: Db, id: number, actor: string | null, now: Date): Silence {
  const s = getSilence(db, id);
  if (!s) throw new NotFoundError(`silence ${id} not found`);
  if (s.endsAt > now.toISOString()) db.prepare('UPDATE silences SET ends_at = ? WHERE id = ?').run(now.toISOString(), id);
  writeAudit(db, now, actor, 'silence.expire', `silence:${id}`);
  return getSilence(db, id)!;
}

/** The first active silence matching these labels, or null. */
export function silencedBy(silences: Silence[], labels: Labels, now: Date): Silence | null {
  const t = now.toISOString();
  return silences.find((s) => s.startsAt <= t && s.endsAt > t && allMatch(s.matchers, labels)) ?? null;
}
