import { describe, it, expect, afterEach, beforeEach } from 'vitest';
import { createNotifier, type Notifier } from '../../src/alerting/notifier.js';
import { matchRoutes } from '../../src/alerting/routing.js';
import { alertLabels } from '../../src/alerting/matchers.js';
import { createSilence, expireSilence } from '../../src/desk/silences.js';
import { acknowledgeIncident } from '../../src/desk/incident-desk.js';
import type { Db } from '../../src/db/connection.js';
import { dialectOf } from '../../src/db/connection.js';

/** alert_decisions in the order written: SQLite's rowid, PostgreSQL's identity id (FLAREWATCH_TEST_PG_MIRROR runs). */
const insertionOrder = (db: Parameters<typeof dialectOf>[0]) => (dialectOf(db) === 'postgres' ? 'id' : 'rowid');
import { config, freshDb, insertAlert, insertIncident, startReceiver, testEnv, type Receiver } from './helpers.js';

let rx: Receiver;
beforeEach(async () => { rx = await startReceiver(() => ({ status: 200, body: 'ok' })); });
afterEach(async () => { await rx.close(); });

const T0 = Date.parse('2026-08-22T02:00:00Z'); // 10:00 Asia/Shanghai
const at = (sec: number) => new Date(T0 + sec * 1000);
const bodies = () => rx.requests.map((r) => r.json);
const hook = (name: string) => `    webhook: {url: "${rx.url}/${name}"}`;

function setup(extra: string, receivers = ['desk']): { db: Db; n: Notifier } {
  const db = freshDb();
  const yaml = `receivers:\n${receivers.map((r) => `  - name: ${r}\n${hook(r)}`).join('\n')}\n${extra}\ndelivery: {initial_backoff: 10ms, max_backoff: 50ms}\n`;
  return { db, n: createNotifier(db, config(yaml), { env: testEnv(), secret: 'k' }) };
}

describe('routing tree', () => {
  it('first matching child wins, continue: true keeps going, no match falls back to the parent', () => {
    const cfg = config(`receivers:\n  - {name: a}\n  - {name: b}\n  - {name: c}\n  - {name: root}\nroute:\n  receiver: root\n  routes:\n    - {match: {level: P1}, receiver: a, continue: true}\n    - {match_re: {topic: "brand-.*"}, match: {source: tieba}, receiver: b}\n    - {match: {category: [food-safety, quality]}, receiver: c}\n`);
    const r = (a: Parameters<typeof alertLabels>[0]) => matchRoutes(cfg.route!, alertLabels(a)).map((x) => x.receiver);
    const base = { at: '', incident: 'i', state: 'firing' as const, risk: 1, title: '', reasons: [], posts: [], forecast: null };
    expect(r({ ...base, topic: 'brand-x', level: 'P1', sources: ['weibo', 'tieba'], categories: [] })).toEqual(['a', 'b']);
    expect(r({ ...base, topic: 'other', level: 'P1', sources: ['weibo'], categories: ['quality'] })).toEqual(['a', 'c']);
    expect(r({ ...base, topic: 'brand-x', level: 'P3', sources: ['weibo'], categories: [] })).toEqual(['root']);
    expect(r({ ...base, topic: 'xbrand-x', level: 'P3', sources: ['tieba'], categories: [] })).toEqual(['root']); // regexes are anchored
  });

  it('continue delivers to both receivers through the notifier', async () => {
    const { db, n } = setup(`route:\n  receiver: desk\n  group_wait: 0s\n  routes:\n    - {match: {level: P1}, receiver: boss, continue: true}\n    - {match: {level: P1}, receiver: desk}`, ['desk', 'boss']);
    n.onAlert(insertAlert(db, { level: 'P1' }), at(0));
    await n.tick(at(1));
    expect(rx.requests.map((r) => r.url).sort()).toEqual(['/boss', '/desk']);
  });
});

describe('grouping timing with a fake clock', () => {
  it('group_wait batches, group_interval spaces updates, repeat_interval repeats up to repeat_max', async () => {
    const { db, n } = setup(`route: {receiver: desk, group_by: [topic], group_wait: 30s, group_interval: 5m, repeat_interval: 1h, repeat_max: 2}`);
    n.onAlert(insertAlert(db, { incident: 'a', level: 'P2' }), at(0));
    n.onAlert(insertAlert(db, { incident: 'b', level: 'P3' }), at(10));
    await n.tick(at(29));
    expect(rx.requests).toHaveLength(0);
    await n.tick(at(30));
    expect(rx.requests).toHaveLength(1);
    expect(bodies()[0].notification.others).toHaveLength(1); // both incidents in one message
    n.onAlert(insertAlert(db, { incident: 'a', level: 'P1' }), at(60)); // a change: waits for group_interval
    await n.tick(at(120));
    expect(rx.requests).toHaveLength(1);
    await n.tick(at(330));
    expect(rx.requests).toHaveLength(2);
    expect(bodies()[1].notification.level).toBe('P1');
    await n.tick(at(330 + 3599));
    expect(rx.requests).toHaveLength(2);
    await n.tick(at(330 + 3600));
    expect(bodies().at(-1).kind).toBe('repeat');
    await n.tick(at(330 + 7200));
    await n.tick(at(330 + 3 * 3600));
    await n.tick(at(330 + 4 * 3600));
    expect(rx.requests.filter((r) => r.json.kind === 'repeat')).toHaveLength(2); // repeat_max
  });

  it('resolution is sent once; repeats stop once the incident is acknowledged', async () => {
    const { db, n } = setup(`route: {receiver: desk, group_wait: 0s, repeat_interval: 1h}`);
    insertIncident(db, 'inc-r');
    n.onAlert(insertAlert(db, { incident: 'inc-r', level: 'P2' }), at(0));
    await n.tick(at(1));
    acknowledgeIncident(db, 'inc-r', 'alice', at(100));
    await n.tick(at(3700));
    expect(rx.requests).toHaveLength(1); // no repeat for an acknowledged incident
    n.onAlert(insertAlert(db, { incident: 'inc-r', level: 'P2', state: 'resolved' }), at(4000));
    await n.tick(at(4001));
    expect(bodies().map((b) => b.kind)).toEqual(['alert', 'resolved']);
    await n.tick(at(20000));
    expect(rx.requests).toHaveLength(2);
  });
});

describe('inhibition', () => {
  it("an incident's P1 mutes its lower levels until it resolves", async () => {
    const { db, n } = setup(`route: {receiver: desk, group_wait: 0s, group_interval: 0s}`);
    n.onAlert(insertAlert(db, { incident: 'x', level: 'P1' }), at(0));
    await n.tick(at(1));
    n.onAlert(insertAlert(db, { incident: 'x', level: 'P2' }), at(10)); // downgrade while the crisis is on
    await n.tick(at(20));
    expect(rx.requests).toHaveLength(1);
    expect((db.prepare(`SELECT outcome FROM alert_decisions ORDER BY ${insertionOrder(db)} DESC`).get() as { outcome: string }).outcome).toBe('inhibited');
    n.onAlert(insertAlert(db, { incident: 'x', level: 'P2', state: 'resolved' }), at(30));
    await n.tick(at(40));
    expect(bodies().map((b) => b.kind)).toEqual(['alert', 'resolved']);
    n.onAlert(insertAlert(db, { incident: 'x', level: 'P3' }), at(50)); // after resolution: not muted any more
    await n.tick(at(60));
    expect(rx.requests).toHaveLength(3);
  });

  it('incident alerts mute per-post alerts that share a post; configured rules work with equal', async () => {
    const { db, n } = setup(`route: {receiver: desk, group_wait: 0s}\ninhibit_rules:\n  - {source_match: {level: P1}, target_match_re: {level: "P3|P4"}, equal: [topic]}`);
    n.onAlert(insertAlert(db, { incident: 'big', level: 'P2', posts: ['weibo:1', 'weibo:2'] }), at(0));
    n.onAlert(insertAlert(db, { incident: null, level: 'P3', posts: ['weibo:2'] }), at(1));
    n.onAlert(insertAlert(db, { incident: null, level: 'P3', posts: ['weibo:9'], topic: 'other' }), at(1));
    n.onAlert(insertAlert(db, { incident: 'crisis', level: 'P1', posts: ['weibo:5'] }), at(2));
    n.onAlert(insertAlert(db, { incident: 'small', level: 'P4', posts: ['weibo:6'] }), at(3));
    n.onAlert(insertAlert(db, { incident: 'elsewhere', level: 'P4', posts: ['weibo:7'], topic: 'other' }), at(3));
    await n.tick(at(5));
    const outcomes = db.prepare(`SELECT outcome FROM alert_decisions ORDER BY ${insertionOrder(db)}`).pluck().all();
    expect(outcomes).toEqual(['routed', 'inhibited', 'routed', 'routed', 'inhibited', 'routed']);
    expect(rx.requests).toHaveLength(4);
  });
});

describe('silences', () => {
  it('mutes matching alerts while active, and not after expiry', async () => {
    const { db, n } = setup(`route: {receiver: desk, group_wait: 0s}`);
    const s = createSilence(db, { matchers: [{ name: 'topic', value: 'brand-x' }, { name: 'level', value: 'P3|P4', isRegex: true }], duration: '1h', comment: 'known issue' }, 'alice', at(0));
    n.onAlert(insertAlert(db, { level: 'P3' }), at(10));
    n.onAlert(insertAlert(db, { level: 'P1' }), at(10));
    await n.tick(at(11));
    expect(rx.requests).toHaveLength(1);
    expireSilence(db, s.id, 'alice', at(20));
    n.onAlert(insertAlert(db, { level: 'P4' }), at(30));
    await n.tick(at(31));
    expect(rx.requests).toHaveLength(2);
    expect(db.prepare("SELECT detail FROM alert_decisions WHERE outcome = 'silenced'").pluck().get()).toMatch(/known issue/);
  });
  it('rejects bad input with a clear message', () => {
    const db = freshDb();
    expect(() => createSilence(db, { matchers: [] , duration: '1h'}, 'a', at(0))).toThrow(/at least one matcher/);
    expect(() => createSilence(db, { matchers: [{ name: 'topic', value: '(' , isRegex: true }], duration: '1h' }, 'a', at(0))).toThrow(/regular expression/);
    expect(() => createSilence(db, { matchers: [{ name: 'topic', value: 'x' }] }, 'a', at(0))).toThrow(/endsAt or duration/);
    expect(() => createSilence(db, { matchers: [{ name: 'colour', value: 'x' }], duration: '1h' }, 'a', at(0))).toThrow(/matchers\.0\.name/);
  });
});

describe('quiet hours', () => {
  it('postpone non-P1 notifications to the end of quiet hours; P1 goes through', async () => {
    // 22:00–08:00 Asia/Shanghai = 14:00–00:00 UTC
    const { db, n } = setup(`quiet_hours: {start: "22:00", end: "08:00", timezone: Asia/Shanghai}\nroute: {receiver: desk, group_wait: 0s, repeat_interval: 24h}`);
    const night = Date.parse('2026-08-22T15:00:00Z'); // 23:00 local
    n.onAlert(insertAlert(db, { level: 'P2', incident: 'p2' }), new Date(night));
    n.onAlert(insertAlert(db, { level: 'P1', incident: 'p1' }), new Date(night));
    await n.tick(new Date(night + 1000));
    expect(bodies().map((b) => b.alert.incident)).toEqual(['p1']);
    await n.tick(new Date(Date.parse('2026-08-22T23:59:00Z')));
    expect(rx.requests).toHaveLength(1);
    await n.tick(new Date(Date.parse('2026-08-23T00:00:00Z'))); // 08:00 local
    expect(bodies().map((b) => b.alert.incident)).toEqual(['p1', 'p2']);
  });
});

describe('escalation', () => {
  it('a P1 not acknowledged within N minutes goes to the next tier, once per tier; acknowledged ones do not', async () => {
    const { db, n } = setup(`route: {receiver: desk, group_wait: 0s, repeat_interval: 24h}\nescalation:\n  - {after: 15m, receiver: manager}\n  - {after: 1h, receiver: director}`, ['desk', 'manager', 'director']);
    insertIncident(db, 'p1-open');
    insertIncident(db, 'p1-acked');
    n.onAlert(insertAlert(db, { incident: 'p1-open', level: 'P1' }), at(0));
    n.onAlert(insertAlert(db, { incident: 'p1-acked', level: 'P1' }), at(0));
    await n.tick(at(1));
    acknowledgeIncident(db, 'p1-acked', 'bob', at(60));
    await n.tick(at(14 * 60));
    expect(rx.requests.filter((r) => r.url === '/manager')).toHaveLength(0);
    await n.tick(at(15 * 60 + 1));
    await n.tick(at(16 * 60));
    const mgr = rx.requests.filter((r) => r.url === '/manager');
    expect(mgr).toHaveLength(1);
    expect(mgr[0].json.kind).toBe('escalation');
    expect(mgr[0].json.alert.incident).toBe('p1-open');
    await n.tick(at(3601));
    expect(rx.requests.filter((r) => r.url === '/director')).toHaveLength(1);
  });
});

describe('daily follow-up and morning digest', () => {
  it('reminds the owner and the desk after 24 h without an update, then daily; digest at 09:00 local', async () => {
    const { db, n } = setup(`route: {receiver: desk, group_wait: 0s, repeat_interval: 1000h}\nfollow_up: {after: 24h, digest_cron: "0 9 * * *", owners: {alice: alice-rx}}`, ['desk', 'alice-rx']);
    insertIncident(db, 'open-1', { owner: 'alice' });
    n.onAlert(insertAlert(db, { incident: 'open-1', level: 'P2' }), at(0));
    await n.tick(at(1));
    await n.tick(at(23 * 3600));
    expect(rx.requests.filter((r) => r.json.kind === 'reminder')).toHaveLength(0);
    await n.tick(at(24 * 3600 + 1));
    const rem = rx.requests.filter((r) => r.json.kind === 'reminder');
    expect(rem.map((r) => r.url).sort()).toEqual(['/alice-rx', '/desk']);
    await n.tick(at(30 * 3600));
    expect(rx.requests.filter((r) => r.json.kind === 'reminder')).toHaveLength(2); // not again within the day
    // the morning digest: 09:00 Asia/Shanghai = 01:00 UTC; T0 is 02:00 UTC, so digests fire at +23 h and +47 h
    expect(rx.requests.filter((r) => r.json.kind === 'digest')).toHaveLength(1);
    await n.tick(at(47 * 3600 + 60));
    const digest = rx.requests.filter((r) => r.json.kind === 'digest');
    expect(digest).toHaveLength(2);
    expect(digest.every((d) => d.url === '/desk')).toBe(true);
    expect(digest[0].json.notification.lines[0]).toMatch(/open-1/);
  });
});

describe('source health', () => {
  it('alerts the admin receiver on failing N times, blocked, and usual-source-now-empty; once per change', async () => {
    const { db, n } = setup(`route: {receiver: desk}\nadmin_receiver: admin\nsource_health: {error_streak: 3, zero_streak: 2}`, ['desk', 'admin']);
    db.prepare("INSERT INTO sources (id, adapter, url, items_total) VALUES ('weibo-s', 'weibo', 'https://m.weibo.cn', 500)").run();
    for (let i = 0; i < 4; i++) n.onSourceHealth({ sourceId: 'weibo-s', at: at(i).toISOString(), kind: 'error', streak: i + 1, message: 'HTTP 500' }, at(i));
    n.onSourceHealth({ sourceId: 'weibo-s', at: at(10).toISOString(), kind: 'blocked', message: 'HTTP 432' }, at(10));
    n.onSourceHealth({ sourceId: 'weibo-s', at: at(20).toISOString(), kind: 'recovered' }, at(20));
    n.onSourceHealth({ sourceId: 'weibo-s', at: at(30).toISOString(), kind: 'empty', streak: 1 }, at(30));
    n.onSourceHealth({ sourceId: 'weibo-s', at: at(31).toISOString(), kind: 'empty', streak: 2 }, at(31));
    await n.tick(at(40));
    const titles = rx.requests.filter((r) => r.url === '/admin').map((r) => r.json.notification.title);
    expect(titles).toEqual([
      expect.stringMatching(/连续失败/), expect.stringMatching(/blocked/), expect.stringMatching(/recovered/), expect.stringMatching(/zero items/),
    ]);
  });
});
