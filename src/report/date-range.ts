// Report periods: parse --from/--to (calendar days in a time zone, or full ISO times), the last
// full Monday-Sunday week (the weekly email), the previous period of the same length, what kind of
// period a range is (a day, a week, a calendar month or custom: it names the report), and formatting
// of instants in the report's zone. Pure: the clock is passed in. The default period when neither
// --from nor --to is given depends on the data: see defaultReportPeriod in build-report.ts.
import { UserError } from '../core/errors.js';

export interface Period {
  /** inclusive start */
  start: Date;
  /** exclusive end */
  end: Date;
}

const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ZONED_TIME_RE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** Offset of `zone` from UTC at instant `at`, in minutes (Asia/Shanghai: +480). */
const formatters = new Map<string, Intl.DateTimeFormat>();

export function zoneOffsetMinutes(zone: string, at: Date): number {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(zone, f);
  }
  const parts = f.formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/** The instant a calendar day begins in `zone`. */
export function startOfZonedDay(y: number, m: number, d: number, zone: string): Date {
  const guess = Date.UTC(y, m - 1, d);
  let t = guess - zoneOffsetMinutes(zone, new Date(guess)) * 60_000;
  // a DST change between the guess and the result moves the offset once; one more pass settles it
  t = guess - zoneOffsetMinutes(zone, new Date(t)) * 60_000;
  return new Date(t);
}

/** Calendar day (y, m, d, weekday 0=Sunday) of an instant in `zone`. */
export function zonedDay(at: Date, zone: string): { y: number; m: number; d: number; weekday: number } {
  const shifted = new Date(at.getTime() + zoneOffsetMinutes(zone, at) * 60_000);
  return { y: shifted.getUTCFullYear(), m: shifted.getUTCMonth() + 1, d: shifted.getUTCDate(), weekday: shifted.getUTCDay() };
}

export function assertZone(zone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new UserError(`unknown time zone '${zone}'`, 'use an IANA zone name such as Asia/Shanghai or UTC');
  }
}

/** Parse one date option. A bare day is that day's start in `zone`; `endOfDay` gives the next day's start. */
export function parseDateOption(value: string, name: string, zone: string, endOfDay: boolean): Date {
  const v = value.trim();
  const m = DATE_RE.exec(v);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const probe = new Date(Date.UTC(y, mo - 1, d));
    if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) {
      throw new UserError(`--${name} '${value}' is not a real calendar day`, 'use YYYY-MM-DD, e.g. 2026-03-01');
    }
    const start = startOfZonedDay(y, mo, d, zone);
    return endOfDay ? startOfZonedDay(...nextDay(y, mo, d), zone) : start;
  }
  if (ZONED_TIME_RE.test(v)) {
    const t = Date.parse(v.replace(' ', 'T'));
    if (Number.isFinite(t)) return new Date(t);
  }
  throw new UserError(`--${name} '${value}' is not a date`,
    `use YYYY-MM-DD (a calendar day in ${zone}) or an ISO time with a zone, e.g. 2026-03-01T00:00:00+08:00`);
}

function nextDay(y: number, m: number, d: number): [number, number, number] {
  const n = new Date(Date.UTC(y, m - 1, d) + DAY_MS);
  return [n.getUTCFullYear(), n.getUTCMonth() + 1, n.getUTCDate()];
}

/** The last full Monday-Sunday week before `now` in `zone`. */
export function lastFullWeek(now: Date, zone: string): Period {
  const today = zonedDay(now, zone);
  const sinceMonday = (today.weekday + 6) % 7;
  const thisMonday = new Date(Date.UTC(today.y, today.m - 1, today.d) - sinceMonday * DAY_MS);
  const lastMonday = new Date(thisMonday.getTime() - 7 * DAY_MS);
  return {
    start: startOfZonedDay(lastMonday.getUTCFullYear(), lastMonday.getUTCMonth() + 1, lastMonday.getUTCDate(), zone),
    end: startOfZonedDay(thisMonday.getUTCFullYear(), thisMonday.getUTCMonth() + 1, thisMonday.getUTCDate(), zone),
  };
}

/**
 * The report period from the options: both missing → last full week (callers with a database use
 * defaultReportPeriod instead); only --from → seven days from it; only --to → the seven days ending
 * with it. `--to` as a bare day is inclusive.
 */
export function resolvePeriod(opts: { from?: string; to?: string }, now: Date, zone: string): Period {
  assertZone(zone);
  if (!opts.from && !opts.to) return lastFullWeek(now, zone);
  const start = opts.from ? parseDateOption(opts.from, 'from', zone, false) : null;
  const end = opts.to ? parseDateOption(opts.to, 'to', zone, true) : null;
  const p: Period = {
    start: start ?? new Date(end!.getTime() - 7 * DAY_MS),
    end: end ?? new Date(start!.getTime() + 7 * DAY_MS),
  };
  if (p.end.getTime() <= p.start.getTime()) {
    throw new UserError(`--to (${opts.to}) is before --from (${opts.from})`, 'the period runs from --from to --to inclusive; swap them');
  }
  if (p.end.getTime() - p.start.getTime() > 366 * DAY_MS) {
    throw new UserError('the report period is longer than a year', 'choose a shorter --from/--to range');
  }
  return p;
}

/** The period of the same length right before `p`. */
export function previousPeriod(p: Period): Period {
  const len = p.end.getTime() - p.start.getTime();
  return { start: new Date(p.start.getTime() - len), end: new Date(p.start) };
}

/** `YYYY-MM-DD HH:mm` of an instant in `zone` (null-safe). */
export function formatInZone(at: Date | string | null | undefined, zone: string, withTime = true): string {
  if (at == null) return '';
  const d = typeof at === 'string' ? new Date(at) : at;
  if (!Number.isFinite(d.getTime())) return '';
  const s = new Date(d.getTime() + zoneOffsetMinutes(zone, d) * 60_000).toISOString();
  return withTime ? `${s.slice(0, 10)} ${s.slice(11, 16)}` : s.slice(0, 10);
}

/** Label of a period: `2026-03-01 – 2026-03-07` (end shown inclusive when it falls on midnight). */
export function periodLabel(p: Period, zone: string): string {
  const endIncl = new Date(p.end.getTime() - 1);
  const midnight = formatInZone(p.end, zone).endsWith('00:00') && formatInZone(p.start, zone).endsWith('00:00');
  return midnight ? `${formatInZone(p.start, zone, false)} – ${formatInZone(endIncl, zone, false)}`
    : `${formatInZone(p.start, zone)} – ${formatInZone(p.end, zone)}`;
}

export type PeriodKind = 'daily' | 'weekly' | 'monthly' | 'custom';

/**
 * What a period is, for the report's title: one calendar day (or a rolling 24 hours) is daily, seven
 * calendar days (or a rolling 7 × 24 hours) weekly, a whole calendar month monthly, anything else custom.
 */
export function periodKind(p: Period, zone: string): PeriodKind {
  const len = p.end.getTime() - p.start.getTime();
  const s = zonedDay(p.start, zone), e = zonedDay(p.end, zone);
  const midnights = startOfZonedDay(s.y, s.m, s.d, zone).getTime() === p.start.getTime() && startOfZonedDay(e.y, e.m, e.d, zone).getTime() === p.end.getTime();
  if (midnights) {
    const days = Math.round((Date.UTC(e.y, e.m - 1, e.d) - Date.UTC(s.y, s.m - 1, s.d)) / DAY_MS);
    if (days === 1) return 'daily';
    if (days === 7) return 'weekly';
    if (s.d === 1 && e.d === 1 && (e.y * 12 + e.m) - (s.y * 12 + s.m) === 1) return 'monthly';
    return 'custom';
  }
  if (len === DAY_MS) return 'daily';
  if (len === 7 * DAY_MS) return 'weekly';
  return 'custom';
}

/** The range part of a report's title: `2026-03-03` for a day, `2026-03` for a month, else the period label. */
export function periodTitleRange(p: Period, zone: string, kind: PeriodKind): string {
  if (kind === 'daily' && periodLabel(p, zone).length === 23) return formatInZone(p.start, zone, false);
  if (kind === 'monthly') return formatInZone(p.start, zone, false).slice(0, 7);
  return periodLabel(p, zone);
}
