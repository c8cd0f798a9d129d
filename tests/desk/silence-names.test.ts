// Silences accept what the dashboard shows (a topic's name as well as its id; the id is stored),
// refuse unknown labels, topics, levels, incidents and sources with 400 naming the value and the
// valid ones, and POST /silences/preview lists the open incidents a silence would catch before it
// is saved. On the old code a silence for 星河乳业 was stored as topic=星河乳业 and matched nothing.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestApp, type TestApp } from '../server/fixtures.js';
import { createSilence, previewSilence, silencedBy } from '../../src/desk/silences.js';
import { alertLabels } from '../../src/alerting/matchers.js';
import type { AlertRecord } from '../../src/core/alert.js';

let app: TestApp;
let analyst: { cookie: string; csrf: string };
let viewer: { cookie: string; csrf: string };

beforeAll(async () => {
  app = await startTestApp();
  analyst = await app.login('analyst');
  viewer = await app.login('viewer');
});
afterAll(async () => { await app.close(); });

const call = (s: { cookie: string; csrf: string }, method: string, path: string, body?: unknown) =>
  fetch(`${app.url}/api/v1${path}`, { method, headers: { Cookie: s.cookie, 'X-CSRF-Token': s.csrf, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

const alert = (over: Partial<AlertRecord> = {}): AlertRecord => ({
  at: '2026-08-22T08:00:00Z', topic: 'brand-x', incident: 'inc-2', level: 'P2', state: 'firing', risk: 64, title: '星河牛奶 客服 投诉',
  reasons: [], posts: ['weibo:p1'], forecast: null, sources: ['weibo'], categories: [], kind: 'incident', ...over,
});

describe('silence matchers take the names the dashboard shows', () => {
  it('a topic given by its name is stored as its id and silences that topic\'s alerts', async () => {
    const r = await call(analyst, 'POST', '/silences', { matchers: [{ name: 'topic', value: '星河乳业' }], duration: '2h', comment: '发布会' });
    expect(r.status).toBe(201);
    const { silence } = await r.json() as { silence: { matchers: { name: string; value: string }[] } };
    expect(silence.matchers).toEqual([{ name: 'topic', value: 'brand-x', isRegex: false, isEqual: true }]);
    const s = createSilence(app.db, { matchers: [{ name: 'topic', value: ' 星河乳业 ' }], duration: '1h' }, 'test', app.deps.now());
    expect(silencedBy([s], alertLabels(alert()), app.deps.now())?.id).toBe(s.id);
    expect(silencedBy([s], alertLabels(alert({ topic: 'brand-y' })), app.deps.now())).toBeNull();
  });

  it('ids still work, case-insensitively for ids and levels', () => {
    const s = createSilence(app.db, { matchers: [{ name: 'topic', value: 'BRAND-Y' }, { name: 'level', value: 'p3' }], duration: '1h' }, 'test', app.deps.now());
    expect(s.matchers.map((m) => m.value)).toEqual(['brand-y', 'P3']);
  });

  it('an unknown topic is a 400 naming it and listing the topics by name and id', async () => {
    const r = await call(analyst, 'POST', '/silences', { matchers: [{ name: 'topic', value: '星河奶业' }], duration: '2h' });
    expect(r.status).toBe(400);
    const b = await r.json() as { error: string; hint: string };
    expect(b.error).toContain("unknown topic '星河奶业'");
    expect(b.hint).toContain('星河乳业 (brand-x)');
    expect(b.hint).toContain('云顶手机 (brand-y)');
  });

  it('unknown labels, levels, kinds, states, incidents and sources are refused with the valid values', async () => {
    const cases: [unknown, RegExp, RegExp][] = [
      [{ name: 'colour', value: 'red' }, /unknown label 'colour'/, /topic, level, source, category, incident, kind, state/],
      [{ name: 'level', value: 'P5' }, /unknown level 'P5'/, /P1, P2, P3, P4/],
      [{ name: 'kind', value: 'story' }, /unknown alert kind 'story'/, /incident, source-health/],
      [{ name: 'state', value: '已解决' }, /unknown alert state/, /firing, resolved/],
      [{ name: 'incident', value: 'inc-99' }, /unknown incident 'inc-99'/, /inc-1/],
      [{ name: 'source', value: 'douban' }, /unknown source 'douban'/, /weibo/],
      [{ name: 'topic', value: '星河.*', isRegex: true }, /matches no topic id.*name of brand-x/, /星河乳业 \(brand-x\)/],
    ];
    for (const [m, error, hint] of cases) {
      const r = await call(analyst, 'POST', '/silences', { matchers: [m], duration: '1h' });
      expect(r.status, JSON.stringify(m)).toBe(400);
      const b = await r.json() as { error: string; hint: string };
      expect(b.error).toMatch(error);
      expect(b.hint).toMatch(hint);
    }
    // nothing refused was stored
    const all = (await (await call(viewer, 'GET', '/silences')).json() as { silences: { matchers: { value: string }[] }[] }).silences;
    expect(all.flatMap((s) => s.matchers.map((m) => m.value))).not.toContain('douban');
  });

  it('a regex over topic ids is accepted', () => {
    const s = createSilence(app.db, { matchers: [{ name: 'topic', value: 'brand-.*', isRegex: true }], duration: '1h' }, 'test', app.deps.now());
    expect(s.matchers[0]).toMatchObject({ value: 'brand-.*', isRegex: true });
  });
});

describe('POST /silences/preview', () => {
  it('lists the open incidents a silence would catch, before anything is saved', async () => {
    const before = (await (await call(viewer, 'GET', '/silences')).json() as { silences: unknown[] }).silences.length;
    const r = await call(viewer, 'POST', '/silences/preview', { matchers: [{ name: 'topic', value: '星河乳业' }] });
    expect(r.status).toBe(200);
    const p = await r.json() as { matchers: { value: string }[]; incidents: { id: string; topicName: string; level: string }[]; total: number };
    expect(p.matchers[0].value).toBe('brand-x');
    expect(p.incidents.map((i) => i.id).sort()).toEqual(['inc-1', 'inc-2', 'inc-3']);
    expect(p.incidents[0]).toMatchObject({ id: 'inc-1', topicName: '星河乳业', level: 'P1' });
    expect(p.total).toBe(3);
    expect((await (await call(viewer, 'GET', '/silences')).json() as { silences: unknown[] }).silences.length).toBe(before);
  });

  it('narrows by level and shows nothing for another topic', () => {
    expect(previewSilence(app.db, { matchers: [{ name: 'topic', value: 'brand-x' }, { name: 'level', value: 'P2' }] }).incidents.map((i) => i.id)).toEqual(['inc-2']);
    expect(previewSilence(app.db, { matchers: [{ name: 'level', value: 'P1|P2', isRegex: true }] }).incidents.map((i) => i.id)).toEqual(['inc-1', 'inc-2']);
    expect(previewSilence(app.db, { matchers: [{ name: 'topic', value: '云顶手机' }] }).incidents).toEqual([]);
    expect(previewSilence(app.db, { matchers: [{ name: 'level', value: 'P1', isEqual: false }] }).incidents.map((i) => i.id).sort()).toEqual(['inc-2', 'inc-3']);
  });

  it('leaves out incidents the desk has closed', () => {
    app.db.prepare("UPDATE incidents SET status = 'resolved' WHERE id = 'inc-3'").run();
    try {
      expect(previewSilence(app.db, { matchers: [{ name: 'topic', value: 'brand-x' }] }).incidents.map((i) => i.id)).toEqual(['inc-1', 'inc-2']);
    } finally {
      app.db.prepare("UPDATE incidents SET status = 'new' WHERE id = 'inc-3'").run();
    }
  });

  it('refuses the same mistakes as create, and needs a signed-in caller', async () => {
    const r = await call(viewer, 'POST', '/silences/preview', { matchers: [{ name: 'topic', value: 'nope' }] });
    expect(r.status).toBe(400);
    expect((await r.json() as { error: string }).error).toContain("unknown topic 'nope'");
    const anon = await fetch(`${app.url}/api/v1/silences/preview`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"matchers":[{"name":"level","value":"P1"}]}' });
    expect([401, 403]).toContain(anon.status);
  });
});
