// Dates as the sites write them, to ISO 8601 UTC: "刚刚", "5分钟前", "3小时前", "昨天 12:00",
// "今天 12:00", "12:30", "06-14", "7-6", "2024-08-10 12:34", "2010-8-24", "2019年6月15日 11:44",
// "Sat Jun 15 11:44:46 +0800 2019", RFC 2822, ISO, unix seconds or milliseconds. Local forms are
// read in the site's zone (default Asia/Shanghai, UTC+8, no DST). `now` is always passed in.

export const SHANGHAI_OFFSET_MIN = 480;

function isoFromLocal(y: number, mo: number, d: number, h: number, mi: number, s: number, offsetMin: number): string | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  const t = Date.UTC(y, mo - 1, d, h, mi, s) - offsetMin * 60_000;
  const check = new Date(t + offsetMin * 60_000);
  if (check.getUTCDate() !== d) return null; // 02-30
  return new Date(t).toISOString();
}

/** The local calendar fields of `now` in the zone. */
function localParts(now: Date, offsetMin: number) {
  const l = new Date(now.getTime() + offsetMin * 60_000);
  return { y: l.getUTCFullYear(), mo: l.getUTCMonth() + 1, d: l.getUTCDate() };
}

export function parseSiteDate(input: unknown, now: Date, offsetMin = SHANGHAI_OFFSET_MIN): string | null {
  if (input == null) return null;
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input <= 0) return null;
    const ms = input < 1e11 ? input * 1000 : input;
    const d = new Date(ms);
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  }
  if (typeof input !== 'string') return null;
  const s = input.replace(/\s+/g, ' ').trim();
  if (!s) return null;
  const nowMs = now.getTime();
  const ago = (ms: number) => new Date(nowMs - ms).toISOString();
  if (/^(刚刚|刚才|just now)$/i.test(s)) return ago(0);
  if (s === '半小时前') return ago(1.8e6);
  let m = /^(\d+)\s*(秒|分钟|分|小时|天|周|个月|月)前$/.exec(s);
  if (m) {
    const n = Number(m[1]);
    const unit = { 秒: 1e3, 分钟: 6e4, 分: 6e4, 小时: 3.6e6, 天: 8.64e7, 周: 6.048e8, 个月: 2.592e9, 月: 2.592e9 }[m[2]]!;
    return ago(n * unit);
  }
  const { y, mo, d } = localParts(now, offsetMin);
  m = /^(今天|昨天|前天)\s*(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(s);
  if (m) {
    const back = { 今天: 0, 昨天: 1, 前天: 2 }[m[1] as '今天']!;
    const base = isoFromLocal(y, mo, d, Number(m[2]), Number(m[3]), Number(m[4] ?? 0), offsetMin);
    return base ? new Date(Date.parse(base) - back * 8.64e7).toISOString() : null;
  }
  m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(s);
  if (m) {
    const iso = isoFromLocal(y, mo, d, Number(m[1]), Number(m[2]), Number(m[3] ?? 0), offsetMin);
    // "23:50" seen at 00:10 means yesterday
    return iso && Date.parse(iso) > nowMs + 3.6e6 ? new Date(Date.parse(iso) - 8.64e7).toISOString() : iso;
  }
  m = /^(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]*(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
  if (m) {
    const hasYear = !!m[1];
    let year = hasYear ? Number(m[1]) : y;
    let iso = isoFromLocal(year, Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), offsetMin);
    if (iso && !hasYear && Date.parse(iso) > nowMs + 8.64e7) {
      year -= 1; // "12-31" read in January is last year's
      iso = isoFromLocal(year, Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), offsetMin);
    }
    return iso;
  }
  if (/^\d{10}(\d{3})?$/.test(s)) return parseSiteDate(Number(s), now, offsetMin);
  // "Sat Jun 15 11:44:46 +0800 2019" (Weibo, Twitter): move the year before the time for Date.parse
  m = /^\w{3} (\w{3}) (\d{1,2}) (\d{2}:\d{2}:\d{2}) ([+-]\d{4}) (\d{4})$/.exec(s);
  if (m) {
    const t = Date.parse(`${m[1]} ${m[2]} ${m[5]} ${m[3]} GMT${m[4]}`);
    return Number.isNaN(t) ? null : new Date(t).toISOString();
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(s) || /\b(GMT|UTC|[+-]\d{2}:?\d{2}|Z)$/i.test(s) || /^\w{3},? /.test(s)) {
    const t = Date.parse(s.replace(/\bUT\b/, 'UTC'));
    if (!Number.isNaN(t)) return new Date(t).toISOString();
  }
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}
