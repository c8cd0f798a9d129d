// Time windows in a time zone: quiet hours (with the moment they end) and a minimal 5-field cron
// matcher for the morning digest. Pure: the instant is always passed in.
import type { QuietHours } from '../config/alerting-config.js';

const fmtCache = new Map<string, Intl.DateTimeFormat>();
function fmt(tz: string): Intl.DateTimeFormat {
  let f = fmtCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    fmtCache.set(tz, f);
  }
  return f;
}
const WD: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

export interface LocalTime { minute: number; hour: number; day: number; month: number; weekday: number }

export function localTime(at: Date, tz: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of fmt(tz).formatToParts(at)) parts[p.type] = p.value;
  return { minute: Number(parts.minute), hour: Number(parts.hour) % 24, day: Number(parts.day), month: Number(parts.month), weekday: WD[parts.weekday] ?? 0 };
}

export function isValidTimezone(tz: string): boolean {
  try { fmt(tz); return true; } catch { return false; }
}

function toMin(hhmm: string): number { const [h, m] = hhmm.split(':').map(Number); return h * 60 + m; }

export function inQuietHours(q: QuietHours, at: Date): boolean {
  const t = localTime(at, q.timezone);
  const cur = t.hour * 60 + t.minute;
  const s = toMin(q.start);
  const e = toMin(q.end);
  const inside = s <= e ? cur >= s && cur < e : cur >= s || cur < e;
  if (!inside) return false;
  if (!q.days) return true;
  // the window belongs to the day it started on
  const startDay = s > e && cur < e ? (t.weekday + 6) % 7 : t.weekday;
  return q.days.includes(startDay);
}

/** First whole minute at or after `at` that is outside quiet hours (at itself when not quiet). */
export function quietHoursEnd(q: QuietHours, at: Date): Date {
  if (!inQuietHours(q, at)) return at;
  let t = new Date(Math.ceil(at.getTime() / 60_000) * 60_000);
  for (let i = 0; i < 8 * 1440 && inQuietHours(q, t); i++) t = new Date(t.getTime() + 60_000);
  return t;
}

// --- cron -----------------------------------------------------------------------------------
type Field = Set<number> | null; // null = any
function parseField(src: string, min: number, max: number): Field {
  if (src === '*') return null;
  const out = new Set<number>();
  for (const part of src.split(',')) {
    const m = /^(\*|\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(part);
    if (!m) throw new Error(`bad cron field '${src}'`);
    const lo = m[1] === '*' ? min : Number(m[1]);
    const hi = m[2] !== undefined ? Number(m[2]) : m[1] === '*' || m[3] ? max : lo;
    const step = m[3] ? Number(m[3]) : 1;
    if (lo < min || hi > max || lo > hi || step < 1) throw new Error(`cron field '${src}' out of range ${min}-${max}`);
    for (let v = lo; v <= hi; v += step) out.add(v === 7 && max === 7 ? 0 : v);
  }
  return out;
}

export interface Cron { minute: Field; hour: Field; day: Field; month: Field; weekday: Field }

export function parseCron(expr: string): Cron {
  const f = expr.trim().split(/\s+/);
  if (f.length !== 5) throw new Error(`cron '${expr}' needs 5 fields (minute hour day month weekday)`);
  return { minute: parseField(f[0], 0, 59), hour: parseField(f[1], 0, 23), day: parseField(f[2], 1, 31), month: parseField(f[3], 1, 12), weekday: parseField(f[4], 0, 7) };
}

export function cronMatches(c: Cron, at: Date, tz: string): boolean {
  const t = localTime(at, tz);
  const ok = (f: Field, v: number) => f === null || f.has(v);
  return ok(c.minute, t.minute) && ok(c.hour, t.hour) && ok(c.month, t.month) && ok(c.day, t.day) && ok(c.weekday, t.weekday);
}

/** The latest minute in (after, upTo] when the cron fires, or null. Looks back at most 48 h. */
export function lastCronFire(c: Cron, after: Date | null, upTo: Date, tz: string): Date | null {
  const end = Math.floor(upTo.getTime() / 60_000) * 60_000;
  const floor = Math.max(after ? after.getTime() : -Infinity, upTo.getTime() - 48 * 3_600_000);
  for (let t = end; t > floor; t -= 60_000) if (cronMatches(c, new Date(t), tz)) return new Date(t);
  return null;
}
