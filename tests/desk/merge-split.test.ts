// The desk's merge and split (src/desk/merge-split.ts) through POST /api/v1/incidents/:id/merge and
// /split, against the app as `start` assembles it: analyst or admin with CSRF, clear 4xx answers,
// merged incidents shown with mergedInto and hidden from the list, audit rows, and the running
// pipeline following a merge made from the API (a copy of a merged incident's post joins the target).
// In Chromium (when installed): the incident page's "merge into…" and "split selected posts".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'puppeteer';
import { USERS, startLikeStart, type Session, type StartedApp } from '../security/start-app.js';
import { headlineOf } from '../../src/pipeline/incident-clusterer.js';
import { ensureBundle } from '../dashboard/bundle.js';

let app: StartedApp;
let analyst: Session;
let admin: Session;
let viewer: Session;

beforeAll(async () => {
  app = await startLikeStart({ seedData: true });
  [analyst, admin, viewer] = await Promise.all([app.login('analyst'), app.login('admin'), app.login('viewer')]);
  // a story of another topic, and a topic-wide surge (the seed has brand-x stories inc-1..inc-3)
  const t = new Date().toISOString();
  const ins = app.monitor.db.prepare(`INSERT INTO incidents (id, seq, topic_id, title, opened_at, updated_at, last_post_at, kind, state, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'quiet', 'new')`);
  ins.run('inc-4', 4, 'brand-y', '云顶手机 发热', t, t, t, 'story');
  ins.run('inc-5', 5, 'brand-x', '星河乳业 · 负面声量上升', t, t, t, 'surge');
}, 30_000);
afterAll(async () => { await app?.stop(); });

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const post = (path: string, body: unknown, s: Session | null = analyst, csrf = true) => fetch(`${app.url}/api/v1${path}`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(s ? { cookie: s.cookie } : {}), ...(s && csrf ? { 'x-csrf-token': s.csrf } : {}) },
  body: JSON.stringify(body),
});
const get = async (path: string, s: Session = viewer): Promise<{ status: number; body: Json }> => {
  const r = await fetch(`${app.url}/api/v1${path}`, { headers: { cookie: s.cookie } });
  return { status: r.status, body: (await r.json()) as Json };
};
const postKeys = (id: string): string[] => app.monitor.db.prepare(`SELECT p.source || ':' || p.ext_id FROM incident_posts ip JOIN posts p ON p.pk = ip.post_pk
  WHERE ip.incident_id = ? ORDER BY p.pk`).pluck().all(id) as string[];

describe('who may merge and split', () => {
  for (const path of ['/incidents/inc-2/merge', '/incidents/inc-2/split']) {
    it(`${path}: anonymous 401, viewer 403, analyst without CSRF 403, an ingest token 403, at the root too; nothing changes`, async () => {
      const body = path.endsWith('merge') ? { from: ['inc-3'] } : { posts: [postKeys('inc-2')[0]] };
      expect((await post(path, body, null)).status).toBe(401);
      expect((await fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status).toBe(401);
      const v = await post(path, body, viewer);
      expect(v.status).toBe(403);
      expect(((await v.json()) as Json).error).toMatch(/analyst or admin/);
      expect((await post(path, body, analyst, false)).status).toBe(403);
      expect((await fetch(`${app.url}${path}`, { method: 'POST', headers: { cookie: analyst.cookie, 'content-type': 'application/json' }, body: JSON.stringify(body) })).status).toBe(403);
      const tok = await fetch(`${app.url}/api/v1${path}`, { method: 'POST', headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(tok.status).toBe(403);
      expect(app.monitor.db.prepare('SELECT count(*) FROM desk_merges').pluck().get()).toBe(0);
      expect(app.monitor.db.prepare("SELECT merged_into FROM incidents WHERE id = 'inc-3'").pluck().get()).toBeNull();
    });
  }
});

describe('refusals say why', () => {
  const cases: [string, string, unknown, number, RegExp][] = [
    ['merge: no body', '/incidents/inc-1/merge', {}, 400, /from must be a non-empty list/],
    ['merge: from is not a list of ids', '/incidents/inc-1/merge', { from: [5] }, 400, /incident id/],
    ['merge: into itself', '/incidents/inc-1/merge', { from: ['inc-1'] }, 400, /into itself/],
    ['merge: an unknown incident', '/incidents/inc-1/merge', { from: ['inc-99'] }, 404, /inc-99.*not found/],
    ['merge: into an unknown incident', '/incidents/inc-99/merge', { from: ['inc-1'] }, 404, /inc-99.*not found/],
    ['merge: another topic', '/incidents/inc-1/merge', { from: ['inc-4'] }, 409, /topic 'brand-y'.*'brand-x'/],
    ['merge: a surge', '/incidents/inc-1/merge', { from: ['inc-5'] }, 409, /not a story/],
    ['split: no posts', '/incidents/inc-2/split', { posts: [] }, 400, /non-empty list of source:id/],
    ['split: not a key', '/incidents/inc-2/split', { posts: ['p100'] }, 400, /not a source:id/],
    ['split: a post of another incident', '/incidents/inc-2/split', { posts: ['weibo:p0'] }, 400, /not in incident 'inc-2'.*weibo:p0/],
    ['split: an unknown incident', '/incidents/inc-99/split', { posts: ['weibo:p0'] }, 404, /inc-99.*not found/],
    ['split: a title that is not text', '/incidents/inc-2/split', { posts: ['weibo:p100'], title: 7 }, 400, /title must be a string/],
  ];
  for (const [name, path, body, status, msg] of cases) {
    it(`${name}: ${status}`, async () => {
      const r = await post(path, body);
      expect(r.status).toBe(status);
      expect(((await r.json()) as Json).error).toMatch(msg);
    });
  }

  it('split: every post of the incident is refused (one must stay)', async () => {
    const r = await post('/incidents/inc-3/split', { posts: postKeys('inc-3') });
    expect(r.status).toBe(400);
    expect(((await r.json()) as Json).error).toMatch(/all the posts of incident 'inc-3'/);
  });
});

describe('merge', () => {
  it('moves the posts into the target, resolves the merged incident and points it at the target; the list hides it', async () => {
    const before1 = postKeys('inc-1');
    const keys3 = postKeys('inc-3');
    const r = await post('/incidents/inc-1/merge', { from: ['inc-3'] }, admin);
    expect(r.status).toBe(200);
    const body = (await r.json()) as Json;
    expect(body).toMatchObject({ ok: true, merged: [{ id: 'inc-3', posts: keys3.length }], posts: before1.length + keys3.length, incident: { id: 'inc-1' } });
    expect(postKeys('inc-1')).toEqual(expect.arrayContaining(keys3));

    const merged = await get('/incidents/inc-3');
    expect(merged.body.incident).toMatchObject({ id: 'inc-3', mergedInto: 'inc-1', status: 'resolved' });
    expect((await get('/incidents/inc-3/desk')).body.incident).toMatchObject({ mergedInto: 'inc-1', status: 'resolved' });
    const target = await get('/incidents/inc-1');
    expect(target.body.incident).toMatchObject({ mergedInto: null, postCount: before1.length + keys3.length, mergedFrom: ['inc-3'] });

    const list = await get('/incidents?all=1');
    expect(list.body.incidents.map((i: Json) => i.id)).toContain('inc-1');
    expect(list.body.incidents.map((i: Json) => i.id)).not.toContain('inc-3');
    expect((await get('/incidents?status=resolved')).body.incidents.map((i: Json) => i.id)).not.toContain('inc-3');
    expect((await get('/incidents?all=1&merged=1')).body.incidents.map((i: Json) => i.id)).toContain('inc-3');

    const audit = (await get('/incidents/inc-3/audit')).body.audit as Json[];
    expect(audit.find((a) => a.action === 'incident.merge')).toMatchObject({ actor: 'admin', detail: { into: 'inc-1', posts: keys3.length } });
    expect(((await get('/incidents/inc-1/audit')).body.audit as Json[]).find((a) => a.action === 'incident.merge')).toMatchObject({ actor: 'admin', detail: { from: ['inc-3'] } });
    expect(app.monitor.db.prepare("SELECT actor, action, target_id FROM desk_merges WHERE source_id = 'inc-3'").get()).toEqual({ actor: 'admin', action: 'merge', target_id: 'inc-1' });
  });

  it('a merged incident cannot be merged again, merged into, or reopened', async () => {
    const again = await post('/incidents/inc-2/merge', { from: ['inc-3'] });
    expect(again.status).toBe(409);
    expect(((await again.json()) as Json).error).toMatch(/already merged into 'inc-1'/);
    const into = await post('/incidents/inc-3/merge', { from: ['inc-2'] });
    expect(into.status).toBe(409);
    expect(((await into.json()) as Json)).toMatchObject({ error: expect.stringMatching(/merged into 'inc-1'/), hint: expect.stringMatching(/inc-1/) });
    const reopen = await post('/incidents/inc-3/status', { status: 'responding' });
    expect(reopen.status).toBe(409);
    expect(((await reopen.json()) as Json).error).toMatch(/merged into 'inc-1'/);
    expect(app.monitor.db.prepare("SELECT merged_into FROM incidents WHERE id = 'inc-2'").pluck().get()).toBeNull();
  });
});

describe('split', () => {
  it('moves the chosen posts into a new story of the topic with the given title; the old post count drops', async () => {
    const keys2 = postKeys('inc-2');
    const chosen = keys2.slice(0, 3);
    const r = await post('/incidents/inc-2/split', { posts: chosen, title: '  门店服务投诉  ' });
    expect(r.status).toBe(201);
    const body = (await r.json()) as Json;
    const id = body.incident.id as string;
    expect(body).toMatchObject({ ok: true, posts: chosen, incident: { topicId: 'brand-x', splitFrom: 'inc-2', title: '门店服务投诉' }, from: { id: 'inc-2' } });
    expect(postKeys(id)).toEqual(chosen);
    expect(postKeys('inc-2')).toEqual(keys2.slice(3));
    const created = await get(`/incidents/${id}`);
    expect(created.body.incident).toMatchObject({ kind: 'story', splitFrom: 'inc-2', postCount: 3, title: '门店服务投诉' });
    expect(created.body.posts.map((p: Json) => p.key).sort()).toEqual([...chosen].sort());
    expect((await get('/incidents/inc-2')).body.incident.postCount).toBe(keys2.length - 3);
    expect(((await get(`/incidents/${id}/audit`)).body.audit as Json[])[0]).toMatchObject({ actor: 'analyst', action: 'incident.split', detail: { from: 'inc-2', posts: chosen } });
    expect(((await get('/incidents/inc-2/audit')).body.audit as Json[]).find((a) => a.action === 'incident.split')).toMatchObject({ detail: { into: id } });
  });

  it('without a title, the new incident is named after its most-shared post', async () => {
    const keys2 = postKeys('inc-2');
    const r = await post('/incidents/inc-2/split', { posts: [keys2[0]] }, admin);
    expect(r.status).toBe(201);
    const text = app.monitor.db.prepare("SELECT text FROM posts WHERE source || ':' || ext_id = ?").pluck().get(keys2[0]) as string;
    expect(((await r.json()) as Json).incident.title).toBe(headlineOf(text));
    expect(headlineOf(text).length).toBeGreaterThan(10);
  });
});

describe('the running monitor follows a merge made from the API', () => {
  const obs = (id: string, text: string) => ({ at: new Date().toISOString(), source: 'weibo', kind: 'post', id, text, publishedAt: new Date().toISOString(), author: { id: `u-${id}`, followers: 300 }, metrics: { reposts: 2, comments: 1, likes: 1 } });
  const ingest = (o: unknown) => fetch(`${app.url}/api/v1/observations`, { method: 'POST', headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/json' }, body: JSON.stringify([o]) });
  const storyOf = (key: string) => app.monitor.db.prepare(`SELECT ip.incident_id FROM incident_posts ip JOIN posts p ON p.pk = ip.post_pk JOIN incidents i ON i.id = ip.incident_id
    WHERE p.source || ':' || p.ext_id = ? AND i.kind = 'story'`).pluck().all(key) as string[];
  const A = '星河乳业的牛奶喝出异物，孩子上吐下泻住院了，客服还一直推诿！';
  const B = '星河乳业城东门店排队两个小时，店员态度恶劣还骂人，再也不买了';

  it('a copy of the merged incident\'s post joins the target', async () => {
    expect((await ingest(obs('live-a', A))).status).toBeLessThan(300);
    expect((await ingest(obs('live-b', B))).status).toBeLessThan(300);
    const [a] = storyOf('weibo:live-a');
    const [b] = storyOf('weibo:live-b');
    expect(a).toBeDefined();
    expect(b).toBeDefined();
    expect(b).not.toBe(a);
    const r = await post(`/incidents/${a}/merge`, { from: [b] });
    expect(r.status, await r.clone().text()).toBe(200);
    expect((await ingest(obs('live-b-copy', B))).status).toBeLessThan(300);
    expect(storyOf('weibo:live-b-copy')).toEqual([a]);
    expect(app.monitor.db.prepare('SELECT state FROM incidents WHERE id = ?').pluck().get(b)).toBe('resolved');
    expect(app.monitor.db.prepare('SELECT applied_at IS NOT NULL FROM desk_merges WHERE source_id = ?').pluck().get(b)).toBe(1);
  });
});

const CHROME = process.env.PUPPETEER_EXECUTABLE_PATH || '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROME))('the incident page merges and splits (Chromium)', () => {
  let ui: StartedApp;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const ready = (key: string) => page.waitForFunction((k) => document.body.dataset.ready === k, { timeout: 10_000 }, key);
  const open = async (route: string) => {
    await page.evaluate(() => { document.body.dataset.ready = ''; });
    await page.evaluate((r) => { location.hash = `#/${r}`; }, route);
    await ready(route.split(/[/?]/)[0]);
  };

  beforeAll(async () => {
    await ensureBundle();
    ui = await startLikeStart({ seedData: true });
    const t = new Date().toISOString();
    ui.monitor.db.prepare(`INSERT INTO incidents (id, seq, topic_id, title, opened_at, updated_at, last_post_at, kind, state, status) VALUES ('inc-4', 4, 'brand-y', '云顶手机 发热', ?, ?, ?, 'story', 'quiet', 'new')`).run(t, t, t);
    const { default: puppeteer } = await import('puppeteer');
    browser = await puppeteer.launch({ executablePath: CHROME, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'] });
    page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push((e as Error).message));
    page.on('dialog', (d) => { pageErrors.push(`dialog: ${d.message()}`); void d.dismiss(); });
    await page.goto(`${ui.url}/`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('#login-user');
    await page.type('#login-user', 'analyst');
    await page.type('#login-pass', USERS.analyst.password);
    await page.click('#login-submit');
    await ready('overview');
  }, 60_000);
  afterAll(async () => { await browser?.close(); await ui?.stop(); });

  it('merges this incident into another open one of its topic after a confirmation', async () => {
    await open('incident/inc-3');
    await page.waitForSelector('#merge-target:not([disabled])');
    const offered = await page.$$eval('#merge-target option', (os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(offered.sort()).toEqual(['inc-1', 'inc-2']); // not itself, not another topic's incident
    expect(await page.$eval('#merge-btn', (b) => b.textContent)).toBe('合并到…');
    await page.select('#merge-target', 'inc-2');
    await page.click('#merge-btn');
    await page.waitForSelector('#merge-confirm:not([hidden]) #merge-yes');
    expect(await page.$eval('#merge-confirm', (e) => e.textContent)).toMatch(/确定把 inc-3 合并到 inc-2 · .*此操作不能撤销/);
    expect(ui.monitor.db.prepare("SELECT merged_into FROM incidents WHERE id = 'inc-3'").pluck().get()).toBeNull(); // nothing before the confirmation
    await page.evaluate(() => { document.body.dataset.ready = ''; });
    await page.click('#merge-yes');
    await ready('incident');
    expect(await page.evaluate(() => location.hash)).toBe('#/incident/inc-2');
    await page.waitForSelector('#incident-merged-from a[data-incident="inc-3"]');
    expect(ui.monitor.db.prepare("SELECT merged_into, status FROM incidents WHERE id = 'inc-3'").get()).toEqual({ merged_into: 'inc-2', status: 'resolved' });

    await open('incident/inc-3');
    expect(await page.$eval('#merged-notice a', (a) => a.getAttribute('href'))).toBe('#/incident/inc-2');
    expect(await page.$('#merge-btn')).toBeNull();
    expect(await page.$('#split-btn')).toBeNull();
  }, 30_000);

  it('splits the ticked posts into a new incident with the title typed', async () => {
    await open('incident/inc-2');
    const before = ui.monitor.db.prepare("SELECT count(*) FROM incident_posts WHERE incident_id = 'inc-2'").pluck().get() as number;
    const keys = await page.$$eval('input.split-pick', (bs) => bs.slice(0, 2).map((b) => (b as HTMLInputElement).dataset.key ?? ''));
    expect(keys).toHaveLength(2);
    await page.click('#split-btn');
    await page.waitForFunction(() => /请先在帖子列表中勾选/.test(document.body.textContent ?? ''), { timeout: 5_000 }); // nothing ticked yet
    for (const k of keys) await page.click(`input.split-pick[data-key="${k}"]`);
    await page.type('#split-title', '门店排队投诉');
    await page.click('#split-btn');
    await page.waitForSelector('#split-confirm:not([hidden]) #split-yes');
    expect(await page.$eval('#split-confirm', (e) => e.textContent)).toContain('确定把所选的 2 条帖子拆分为新事件');
    await page.evaluate(() => { document.body.dataset.ready = ''; });
    await page.click('#split-yes');
    await ready('incident');
    const id = (await page.evaluate(() => location.hash)).replace('#/incident/', '');
    expect(id).not.toBe('inc-2');
    expect(await page.$eval('#incident-title', (e) => e.textContent)).toContain('门店排队投诉');
    expect(await page.$eval('#incident-split-from a', (a) => a.textContent)).toBe('inc-2');
    const moved = ui.monitor.db.prepare(`SELECT p.source || ':' || p.ext_id FROM incident_posts ip JOIN posts p ON p.pk = ip.post_pk WHERE ip.incident_id = ? ORDER BY 1`).pluck().all(id);
    expect(moved).toEqual([...keys].sort());
    expect(ui.monitor.db.prepare("SELECT count(*) FROM incident_posts WHERE incident_id = 'inc-2'").pluck().get()).toBe(before - 2);
    expect(pageErrors).toEqual([]);
  }, 30_000);

  it('speaks English too', async () => {
    await page.evaluate(() => { document.body.dataset.ready = ''; });
    await page.click('#lang-switch'); // the page is drawn again in English
    await ready('incident');
    await open('incident/inc-1');
    await page.waitForSelector('#merge-btn');
    expect(await page.$eval('#merge-btn', (b) => b.textContent)).toBe('Merge into…');
    expect(await page.$eval('#split-btn', (b) => b.textContent)).toBe('Split selected posts');
    await page.click('#lang-switch');
  }, 30_000);
});
