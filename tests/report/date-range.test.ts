import { describe, expect, it } from 'vitest';
import { lastFullWeek, parseDateOption, periodLabel, previousPeriod, resolvePeriod, startOfZonedDay } from '../../src/report/date-range.js';
import { UserError } from '../../src/core/errors.js';

const SH = 'Asia/Shanghai';

describe('report periods', () => {
  it('reads bare days as Asia/Shanghai calendar days, --to inclusive', () => {
    const p = resolvePeriod({ from: '2026-03-01', to: '2026-03-08' }, new Date(), SH);
    expect(p.start.toISOString()).toBe('2026-02-28T16:00:00.000Z');
    expect(p.end.toISOString()).toBe('2026-03-08T16:00:00.000Z');
    expect(periodLabel(p, SH)).toBe('2026-03-01 – 2026-03-08');
  });

  it('defaults to the last full Monday-Sunday week in the zone', () => {
    // Monday 2026-03-09 08:30 in Shanghai (00:30 UTC): last full week is 03-02..03-08
    const p = lastFullWeek(new Date('2026-03-09T00:30:00Z'), SH);
    expect(periodLabel(p, SH)).toBe('2026-03-02 – 2026-03-08');
    // Sunday 2026-03-08 23:30 Shanghai: the week 03-02..03-08 is not over yet
    expect(periodLabel(lastFullWeek(new Date('2026-03-08T15:30:00Z'), SH), SH)).toBe('2026-02-23 – 2026-03-01');
    expect(resolvePeriod({}, new Date('2026-03-09T00:30:00Z'), SH)).toEqual(p);
  });

  it('accepts ISO times with a zone, and one-sided ranges of seven days', () => {
    const p = resolvePeriod({ from: '2026-03-02T10:00:00+08:00', to: '2026-03-03T10:00:00Z' }, new Date(), SH);
    expect(p.start.toISOString()).toBe('2026-03-02T02:00:00.000Z');
    expect(p.end.toISOString()).toBe('2026-03-03T10:00:00.000Z');
    const q = resolvePeriod({ from: '2026-03-02' }, new Date(), SH);
    expect(q.end.getTime() - q.start.getTime()).toBe(7 * 86_400_000);
  });

  it('rejects bad dates with a UserError that says what to type', () => {
    for (const bad of ['2026-02-30', 'last week', '2026/03/01', '2026-03-01T10:00']) {
      expect(() => resolvePeriod({ from: bad, to: '2026-03-08' }, new Date(), SH)).toThrow(UserError);
    }
    expect(() => parseDateOption('yesterday', 'from', SH, false)).toThrow(/YYYY-MM-DD/);
    expect(() => resolvePeriod({ from: '2026-03-08', to: '2026-03-01' }, new Date(), SH)).toThrow(/before --from/);
    expect(() => resolvePeriod({ from: '2026-03-01' }, new Date(), 'Mars/Olympus')).toThrow(/time zone/);
  });

  it('handles zones with daylight saving time', () => {
    // Europe/Berlin switches on 2026-03-29: that day starts at 23:00Z the day before, the next at 22:00Z
    expect(startOfZonedDay(2026, 3, 29, 'Europe/Berlin').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(startOfZonedDay(2026, 3, 30, 'Europe/Berlin').toISOString()).toBe('2026-03-29T22:00:00.000Z');
  });

  it('the previous period has the same length and ends where the period starts', () => {
    const p = resolvePeriod({ from: '2026-03-02', to: '2026-03-08' }, new Date(), SH);
    const q = previousPeriod(p);
    expect(q.end).toEqual(p.start);
    expect(periodLabel(q, SH)).toBe('2026-02-23 – 2026-03-01');
  });
});
