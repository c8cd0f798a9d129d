// Times as people read them in messages and on the acknowledge page: wall-clock time in the
// desk's zone (FLAREWATCH_TZ, Asia/Shanghai by default), never a raw UTC ISO string.

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

const formats = new Map<string, Intl.DateTimeFormat | null>();

function format(timeZone: string): Intl.DateTimeFormat | null {
  if (!formats.has(timeZone)) {
    let f: Intl.DateTimeFormat | null = null;
    try {
      f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    } catch { f = null; }
    formats.set(timeZone, f);
  }
  return formats.get(timeZone)!;
}

/** The zone when the runtime knows it, else the default (a typo in FLAREWATCH_TZ must not fail a send). */
export function knownZone(timeZone: string | null | undefined): string {
  return timeZone && format(timeZone) ? timeZone : DEFAULT_TIME_ZONE;
}

/** How the zone is named after a time: 北京时间 for China's zone, else the IANA name. */
export function zoneLabel(timeZone: string): string {
  return /^(Asia\/(Shanghai|Chongqing|Chungking|Harbin|Urumqi)|PRC)$/.test(timeZone) ? '北京时间' : timeZone;
}

/**
 * "2026-08-29 13:40" in `timeZone` (with `year: false`, "08-29 13:40"); null for a missing or
 * unreadable time.
 */
export function localTime(iso: string | Date | null | undefined, timeZone: string = DEFAULT_TIME_ZONE, o: { year?: boolean } = {}): string | null {
  if (!iso) return null;
  const d = iso instanceof Date ? iso : new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  const p = Object.fromEntries(format(knownZone(timeZone))!.formatToParts(d).map((x) => [x.type, x.value])) as Record<string, string>;
  const date = o.year === false ? `${p.month}-${p.day}` : `${p.year}-${p.month}-${p.day}`;
  return `${date} ${p.hour === '24' ? '00' : p.hour}:${p.minute}`;
}

/** "北京时间 2026-08-29 13:40" (or "2026-08-29 13:40 Europe/Berlin"): the time with its zone named. */
export function localTimeWithZone(iso: string | Date | null | undefined, timeZone: string = DEFAULT_TIME_ZONE, o: { year?: boolean } = {}): string | null {
  const t = localTime(iso, timeZone, o);
  if (!t) return null;
  const z = zoneLabel(knownZone(timeZone));
  return z === '北京时间' ? `${z} ${t}` : `${t} ${z}`;
}
