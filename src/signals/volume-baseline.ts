// Volume anomaly of one series (a topic, topic x source, negative posts only, ...): counts in
// small buckets, a robust seasonal baseline (hour-of-week shrunk to hour-of-day shrunk to a global
// rate), and tail-probability scoring over sliding windows (30 min, 2 h, 6 h by default) that
// catches a slow burn: many small posts rising for hours with no single viral one.
//
// - add() is O(1) amortized: a ring of buckets for the windows and one running count per hour.
// - Completed hours enter the baseline only once they are older than the longest window, so a
//   burn in progress does not raise its own baseline. Each hour is winsorized (Poisson-aware cap).
// - Each bucket's contribution to a window is capped near its expected count (+1 and 2 sd), so one
//   spike (a single burst in five minutes) counts as about one extra event; a sustained rise counts.
// - Thin history: until `minHistoryHours` of baseline exist, the expected rate is the series' own
//   average since it started (no evidence of change = no alarm), and the count distribution is a
//   negative binomial whose shape grows with the events behind the estimate (a vague prior stays vague).
import { countTail } from './count-tail.js';
import { winsorizedMean } from './robust-stats.js';

const MIN = 60_000;
const HOUR = 3_600_000;

export interface VolumeSeriesOptions {
  /** bucket length, ms (default 5 min) */
  bucketMs?: number;
  /** scoring windows in minutes (default 30, 120, 360) */
  windowsMin?: number[];
  /** when monitoring of this series began, ms (default: the first add) */
  start?: number;
  /** offset of local time from UTC for hour-of-day and weekday, minutes (default 0) */
  utcOffsetMinutes?: number;
  /** hours of baseline kept (default 8 weeks) */
  historyHours?: number;
  /** baseline hours needed before seasonal estimates are used (default 3) */
  minHistoryHours?: number;
  /** pseudo-days shrinking an hour-of-day slot towards the global rate (default 3) */
  dayPseudoCount?: number;
  /** pseudo-weeks shrinking an hour-of-week slot towards its hour-of-day (default 2) */
  weekPseudoCount?: number;
  /** extra-Poisson shape k: variance mu + mu^2/k (default 20; Infinity = Poisson) */
  dispersion?: number;
  /** gamma prior on the hourly rate: shape and hours (defaults 0.5 and 1) */
  priorShape?: number;
  priorHours?: number;
}

export interface WindowScore {
  windowMin: number;
  /** weighted count in the window */
  observed: number;
  /** count expected in the window from the baseline */
  expected: number;
  /** P(count >= the spike-capped observed count) under the baseline */
  pTail: number;
  /** robust z-score of the spike-capped count */
  z: number;
  /** -log10 pTail */
  surprise: number;
}

interface HourCount { hour: number; count: number; exposure: number }

export class VolumeSeries {
  private readonly bucketMs: number;
  private readonly windows: number[];
  private readonly offsetMs: number;
  private readonly o: Required<Omit<VolumeSeriesOptions, 'start' | 'windowsMin' | 'bucketMs' | 'utcOffsetMinutes'>>;
  private readonly ring: Float64Array;
  private head = Number.NEGATIVE_INFINITY; // absolute index of the newest bucket
  private origin: number | null;
  private curHour = Number.NaN;
  private curCount = 0;
  private readonly pending: HourCount[] = []; // completed hours still inside the longest window
  private readonly history: HourCount[] = []; // baseline hours (oldest first)
  private total = 0;
  private latest = Number.NEGATIVE_INFINITY;
  private dirty = true;
  private howRate = new Float64Array(168);
  private historyEvents = 0;

  constructor(opts: VolumeSeriesOptions = {}) {
    this.bucketMs = opts.bucketMs ?? 5 * MIN;
    this.windows = [...(opts.windowsMin ?? [30, 120, 360])].sort((a, b) => a - b);
    this.offsetMs = (opts.utcOffsetMinutes ?? 0) * MIN;
    this.o = {
      historyHours: opts.historyHours ?? 24 * 7 * 8,
      minHistoryHours: opts.minHistoryHours ?? 3,
      dayPseudoCount: opts.dayPseudoCount ?? 3,
      weekPseudoCount: opts.weekPseudoCount ?? 2,
      dispersion: opts.dispersion ?? 20,
      priorShape: opts.priorShape ?? 0.5,
      priorHours: opts.priorHours ?? 1,
    };
    const maxWin = this.windows[this.windows.length - 1] * MIN;
    this.ring = new Float64Array(Math.ceil(maxWin / this.bucketMs) + 1);
    this.origin = opts.start ?? null;
    if (this.origin != null) this.startAt(this.origin);
  }

  /** Count an event (weight 1 by default) at time ts (ms). Events may arrive slightly out of order. */
  add(ts: number, weight = 1): void {
    if (!Number.isFinite(ts) || !(weight > 0)) return;
    if (this.origin == null) { this.origin = ts; this.startAt(ts); }
    this.advance(ts);
    const b = Math.floor(ts / this.bucketMs);
    if (b > this.head - this.ring.length) this.ring[mod(b, this.ring.length)] += weight;
    const h = this.hourOf(ts);
    if (h === this.curHour) this.curCount += weight;
    else if (h < this.curHour) {
      const p = this.pending.find((x) => x.hour === h);
      if (p) p.count += weight;
    }
    this.total += weight;
  }

  /** Scores of every window ending at `now`. */
  score(now: number): WindowScore[] {
    if (this.origin == null) return this.windows.map((w) => ({ windowMin: w, observed: 0, expected: 0, pTail: 1, z: 0, surprise: 0 }));
    this.advance(now);
    if (this.dirty) this.refit();
    const thin = this.history.length < this.o.minHistoryHours;
    const elapsedH = Math.max(0, (Math.max(now, this.latest) - this.origin) / HOUR);
    const ownRate = (this.total + this.o.priorShape) / (elapsedH + this.o.priorHours);
    const shapeRate = this.o.priorShape + (thin ? this.total : this.historyEvents);
    const out: WindowScore[] = [];
    const nowB = Math.floor(now / this.bucketMs);
    for (const w of this.windows) {
      const nb = Math.max(1, Math.round((w * MIN) / this.bucketMs));
      let observed = 0;
      let capped = 0;
      let expected = 0;
      for (let b = nowB - nb + 1; b <= nowB; b++) {
        const from = Math.max(b * this.bucketMs, this.origin);
        const to = Math.min((b + 1) * this.bucketMs, now);
        const mu = to > from ? this.expectedBetween(from, to, thin, ownRate) : 0;
        const c = b > this.head - this.ring.length && b <= this.head ? this.ring[mod(b, this.ring.length)] : 0;
        observed += c;
        capped += Math.min(c, mu + 2 * Math.sqrt(mu) + 1);
        expected += mu;
      }
      // Negative binomial: the rate is uncertain (gamma posterior, shape = events behind it) and
      // real series are overdispersed (shape k); their variances add.
      const s = 1 / (1 / shapeRate + 1 / this.o.dispersion);
      const variance = expected + (expected * expected) / s;
      const pTail = countTail(capped, expected, s);
      out.push({
        windowMin: w, observed, expected, pTail,
        z: variance > 0 ? (capped - expected) / Math.sqrt(variance) : 0,
        surprise: pTail > 0 ? -Math.log10(pTail) : 300,
      });
    }
    return out;
  }

  /** Baseline hours accumulated so far (for diagnostics). */
  get historyLength(): number { return this.history.length; }

  private startAt(t: number): void {
    this.curHour = this.hourOf(t);
    this.latest = t;
  }

  private hourOf(t: number): number { return Math.floor((t + this.offsetMs) / HOUR); }

  private advance(t: number): void {
    if (t > this.latest) this.latest = t;
    const b = Math.floor(t / this.bucketMs);
    if (b > this.head) {
      const from = Math.max(this.head + 1, b - this.ring.length + 1);
      for (let i = from; i <= b; i++) this.ring[mod(i, this.ring.length)] = 0;
      this.head = b;
    }
    const h = this.hourOf(t);
    if (h > this.curHour) {
      const maxKeep = this.o.historyHours + this.ring.length; // older hours would fall out anyway
      if (h - this.curHour > maxKeep) {
        this.closeHour();
        this.curHour = h - maxKeep;
        this.curCount = 0;
      }
      while (this.curHour < h) {
        this.closeHour();
        this.curHour++;
        this.curCount = 0;
      }
    }
    // Completed hours older than the longest window become baseline.
    const guardHour = this.hourOf(t - this.windows[this.windows.length - 1] * MIN);
    while (this.pending.length > 0 && this.pending[0].hour < guardHour) {
      this.history.push(this.pending.shift()!);
      if (this.history.length > this.o.historyHours) this.history.shift();
      this.dirty = true;
    }
  }

  private closeHour(): void {
    const start = this.curHour * HOUR - this.offsetMs;
    const exposure = Math.min(1, Math.max(0, (start + HOUR - Math.max(start, this.origin ?? start)) / HOUR));
    if (exposure >= 0.25) this.pending.push({ hour: this.curHour, count: this.curCount, exposure });
  }

  /** Recompute the 168 hour-of-week rates from the baseline (once per new baseline hour). */
  private refit(): void {
    this.dirty = false;
    const rates = this.history.map((h) => h.count / h.exposure);
    const H = rates.length;
    const g = winsorizedMean(rates);
    const global = (g.mean * H + this.o.priorShape) / (H + this.o.priorHours);
    this.historyEvents = g.mean * H;
    const byDay: number[][] = Array.from({ length: 24 }, () => []);
    const byWeek: number[][] = Array.from({ length: 168 }, () => []);
    this.history.forEach((h, i) => {
      byDay[mod(h.hour, 24)].push(rates[i]);
      byWeek[weekSlot(h.hour)].push(rates[i]);
    });
    const day = byDay.map((xs) => (xs.length * winsorizedMean(xs).mean + this.o.dayPseudoCount * global) / (xs.length + this.o.dayPseudoCount));
    for (let s = 0; s < 168; s++) {
      const xs = byWeek[s];
      this.howRate[s] = (xs.length * winsorizedMean(xs).mean + this.o.weekPseudoCount * day[s % 24]) / (xs.length + this.o.weekPseudoCount);
    }
  }

  private expectedBetween(from: number, to: number, thin: boolean, ownRate: number): number {
    if (thin) return (ownRate * (to - from)) / HOUR;
    let sum = 0;
    for (let t = from; t < to;) {
      const h = this.hourOf(t);
      const end = Math.min(to, (h + 1) * HOUR - this.offsetMs);
      sum += (this.howRate[weekSlot(h)] * (end - t)) / HOUR;
      t = end;
    }
    return sum;
  }
}

const mod = (a: number, n: number): number => ((a % n) + n) % n;
/** hour-of-week slot of an absolute (offset) hour index; 1970-01-01 was a Thursday. */
const weekSlot = (hour: number): number => mod(Math.floor(hour / 24) + 3, 7) * 24 + mod(hour, 24);
