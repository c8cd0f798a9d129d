import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAlertingConfig } from '../../src/config/alerting-config.js';
import { ConfigError } from '../../src/core/errors.js';
import { renderHtml, type Notification } from '../../src/alerting/message.js';
import { wecomMarkdown } from '../../src/alerting/channels/wecom.js';
import { dingtalkMarkdown } from '../../src/alerting/channels/dingtalk.js';
import { truncateUtf8, safeUrl, fitBlocks } from '../../src/alerting/text-safety.js';
import { signAckToken, verifyAckToken, AckTokenError } from '../../src/alerting/ack-link.js';
import { parseDuration } from '../../src/alerting/duration.js';
import { inQuietHours, quietHoursEnd, parseCron, cronMatches } from '../../src/alerting/time-windows.js';
import { config } from './helpers.js';

function configError(yaml: string, vars: Record<string, string> = {}): ConfigError {
  try { config(yaml, vars); } catch (e) { if (e instanceof ConfigError) return e; throw e; }
  throw new Error('expected a ConfigError');
}

describe('alerting.yaml', () => {
  it('a missing file means no receivers; the shipped example loads without secrets', () => {
    const empty = loadAlertingConfig(mkdtempSync(join(tmpdir(), 'fw-')));
    expect(empty.receivers.size).toBe(0);
    expect(empty.route).toBeNull();
    const shipped = loadAlertingConfig(new URL('../../rules/', import.meta.url).pathname, {});
    expect(shipped.warnings[0]).toMatch(/FLAREWATCH_WEBHOOK_URL is not set/);
    const withUrl = loadAlertingConfig(new URL('../../rules/', import.meta.url).pathname, { FLAREWATCH_WEBHOOK_URL: 'https://example.com/h' });
    expect(withUrl.receivers.get('pr-desk')!.channels.map((c) => c.type)).toEqual(['webhook']);
  });

  it('errors name the file, the line and the fix', () => {
    const e1 = configError('receivers:\n  - name: a\n    webhok: {url: "http://x"}\nroute: {receiver: a}\n');
    expect(e1.message).toMatch(/line 3: unknown field 'webhok' \(did you mean 'webhook'\?\)/);
    const e2 = configError('receivers:\n  - name: a\n    email: {to: [x@example.com]}\nroute:\n  receiver: b\n');
    expect(e2.message).toMatch(/line 5: unknown receiver 'b'/);
    expect(e2.hint).toMatch(/defined receivers: a/);
    const e3 = configError('route:\n  receiver: a\n  group_wait: soon\nreceivers: [{name: a}]\n');
    expect(e3.message).toMatch(/line 3: .*duration/);
    const e4 = configError('receivers: [{name: a}]\nroute: {receiver: a}\nadmin_receiver: "${ADMIN}"\n');
    expect(e4.message).toMatch(/line 3: environment variable ADMIN is not set/);
    const e5 = configError('receivers:\n  - name: a\n    dingtalk: {webhook: "ftp://x"}\nroute: {receiver: a}\n');
    expect(e5.message).toMatch(/line 3/);
    const e6 = configError('receivers:\n  - name: a\n  - name: a\nroute: {receiver: a}\n');
    expect(e6.message).toMatch(/line 3: receiver 'a' is defined twice/);
  });

  it('substitutes ${VAR} and ${VAR:-default}; routes inherit timing', () => {
    const c = config('receivers:\n  - name: a\n    webhook: {url: "${U}", secret: "${S:-dflt}"}\nroute:\n  receiver: a\n  group_wait: 1m\n  routes:\n    - {match: {level: P1}, group_interval: 10s}\n', { U: 'https://h.example/x' });
    expect(c.receivers.get('a')!.channels[0].config).toEqual({ url: 'https://h.example/x', secret: 'dflt' });
    expect(c.route!.routes[0]).toMatchObject({ receiver: 'a', groupWaitMs: 60_000, groupIntervalMs: 10_000 });
  });

  it('durations', () => {
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration(30)).toBe(30_000);
    expect(parseDuration('soon')).toBeNull();
  });
});

const note = (o: Partial<Notification> = {}): Notification => ({
  kind: 'alert', level: 'P1', state: 'firing', topic: 'brand-x', incident: 'inc-1', title: '标题', risk: 90, reasons: ['r'], forecast: { reposts: 100, low: 50, high: 200 },
  posts: [], postCount: 0, at: '2026-08-22T05:40:00Z', receiver: 'd', dashboardUrl: 'https://fw.example/incidents/inc-1', ackUrl: 'https://fw.example/ack/tok',
  ackExpiresAt: '2026-08-29T05:40:00Z', lines: [], others: [], alert: null, alertIds: [], ...o,
});

describe('message sizing and safety', () => {
  it('truncateUtf8 never cuts a character (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.integer({ min: 4, max: 400 }), (s, max) => {
      const t = truncateUtf8(s, max);
      expect(Buffer.byteLength(t)).toBeLessThanOrEqual(max);
      expect(Buffer.from(t, 'utf8').toString('utf8')).toBe(t); // valid UTF-8, no lone surrogates
      expect(t.includes('\uFFFD') && !s.includes('\uFFFD')).toBe(false);
    }));
  });

  it('markdown stays within the byte budget and keeps head and action links (property)', () => {
    fc.assert(fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 400 }), { maxLength: 40 }), fc.integer({ min: 600, max: 4096 }), (texts, max) => {
      const n = note({ reasons: texts, posts: texts.map((t, i) => ({ key: `weibo:${i}`, url: `https://weibo.com/${i}`, text: t, author: t.slice(0, 10), reposts: i })), postCount: texts.length });
      for (const render of [wecomMarkdown, dingtalkMarkdown]) {
        const md = render(n, max);
        expect(Buffer.byteLength(md)).toBeLessThanOrEqual(max);
        expect(md).toContain('一键确认 Acknowledge](https://fw.example/ack/tok)');
        expect(md).toContain('风险 Risk');
      }
    }), { numRuns: 60 });
  });

  it('links are http(s) only; HTML is escaped', () => {
    expect(safeUrl('javascript:alert(1)')).toBeNull();
    expect(safeUrl(' JAVASCRIPT:alert(1)')).toBeNull();
    expect(safeUrl('data:text/html,x')).toBeNull();
    expect(safeUrl('/relative')).toBeNull();
    expect(safeUrl('https://m.weibo.cn/status/1')).toBe('https://m.weibo.cn/status/1');
    const html = renderHtml(note({ title: '<img src=x onerror=alert(1)>', posts: [{ key: 'k', url: 'javascript:x', text: '<b>t</b>', author: null, reposts: 1 }], postCount: 1 }));
    expect(html).not.toMatch(/<img src=x|<b>t<\/b>|href="javascript/);
    expect(html).toContain('一键确认 Acknowledge');
  });

  it('fitBlocks says how many blocks were left out', () => {
    const out = fitBlocks(['a'.repeat(20), 'b'.repeat(20), 'c'.repeat(20)], 60);
    expect(out).toMatch(/^a{20}\n…\(另有 2 项 \/ 2 more\)$/);
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(60);
  });
});

describe('ack tokens', () => {
  it('sign, verify, expire, tamper', () => {
    const now = new Date('2026-08-22T00:00:00Z');
    const tok = signAckToken('inc-7', new Date(now.getTime() + 60_000), 's');
    expect(verifyAckToken(tok, 's', now).incidentId).toBe('inc-7');
    expect(() => verifyAckToken(tok, 's', new Date(now.getTime() + 61_000))).toThrow(AckTokenError);
    expect(() => verifyAckToken(tok, 'other', now)).toThrow(/signature/);
    const [p, m] = tok.split('.');
    const forged = Buffer.from(Buffer.from(p, 'base64url').toString().replace('inc-7', 'inc-8')).toString('base64url');
    expect(() => verifyAckToken(`${forged}.${m}`, 's', now)).toThrow(/signature/);
  });
});

describe('time windows', () => {
  const q = { start: '22:00', end: '08:00', timezone: 'Asia/Shanghai', exceptLevels: ['P1' as const], days: null };
  it('quiet hours across midnight in a time zone', () => {
    expect(inQuietHours(q, new Date('2026-08-22T14:30:00Z'))).toBe(true); // 22:30 local
    expect(inQuietHours(q, new Date('2026-08-22T01:00:00Z'))).toBe(false); // 09:00 local
    expect(quietHoursEnd(q, new Date('2026-08-22T14:30:00Z')).toISOString()).toBe('2026-08-23T00:00:00.000Z');
  });
  it('cron', () => {
    const c = parseCron('0 9 * * 1-5');
    expect(cronMatches(c, new Date('2026-08-24T01:00:00Z'), 'Asia/Shanghai')).toBe(true); // Monday 09:00
    expect(cronMatches(c, new Date('2026-08-23T01:00:00Z'), 'Asia/Shanghai')).toBe(false); // Sunday
    expect(() => parseCron('0 9 * *')).toThrow(/5 fields/);
  });
});
