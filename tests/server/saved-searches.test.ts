// Saved searches (src/desk/saved-searches.ts, migration 008) through /api/v1/searches and the
// query's highlighted matches in GET /api/v1/posts, against the app as `start` assembles it:
// each user sees and changes only their own searches; a saved query always parses; running one
// answers as the posts search does; highlight ranges point at the matched characters of the
// original text (Traditional and full-width spellings too, phrases, never excluded terms). In
// Chromium (when installed): the posts page saves, runs, renames and deletes a search, and shows
// matches as <mark> elements without ever turning post text into markup.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'puppeteer';
import { USERS, startLikeStart, type Session, type StartedApp } from '../security/start-app.js';
import { ensureBundle } from '../dashboard/bundle.js';

let app: StartedApp;
let viewer: Session;
let analyst: Session;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// posts of our own, through the ingest API as a crawler would send them
const POSTS: [string, string, string | null][] = [
  ['hl-1', '星河乳業的客服一直推諉，投訴無門！', null],                      // Traditional
  ['hl-2', '喝出异物以后去投诉，星河乳业至今没有回应', null],
  ['hl-3', 'ＸＩＮＧＨＥ　ＤＡＩＲＹ recall: my kid got sick, Xinghe Dairy says nothing', null], // full-width
  ['hl-4', '星河乳业 已经退款了，投诉撤回', null],
  ['hl-5', '正文只说了门店排队', '星河乳业门店投诉帖'],                          // the match is in the title
  ['hl-6', `${'今天又去了一趟门店，排了很久的队，店员说系统坏了让我们明天再来。'.repeat(12)}最后还是去投诉了星河乳业`, null], // the match is far in
];

beforeAll(async () => {
  app = await startLikeStart({ seedData: true });
  [viewer, analyst] = await Promise.all([app.login('viewer'), app.login('analyst')]);
  const at = new Date().toISOString();
  const obs = POSTS.map(([id, text, title]) => ({ at, source: 'weibo', kind: 'post', id, text, title, publishedAt: at, author: { id: 'u1', name: '路人甲' } }));
  const r = await fetch(`${app.url}/api/v1/observations`, { method: 'POST', headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/json' }, body: JSON.stringify(obs) });
  expect(r.status).toBe(200);
}, 30_000);
afterAll(async () => { await app?.stop(); });

const call = async (method: string, path: string, s: Session | null, body?: unknown, csrf = true): Promise<{ status: number; body: Json }> => {
  const r = await fetch(`${app.url}/api/v1${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(s ? { cookie: s.cookie } : {}), ...(s && csrf && method !== 'GET' ? { 'x-csrf-token': s.csrf } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as Json };
};

describe('saved searches: storage and who sees what', () => {
  it('migration 008 made the table', () => {
    expect(app.monitor.db.prepare('SELECT name FROM schema_migrations WHERE version = 8').pluck().get()).toBe('008-saved-searches');
  });

  it('needs a signed-in user: anonymous 401, an API token 403, a session without CSRF 403', async () => {
    expect((await call('GET', '/searches', null)).status).toBe(401);
    const tok = await fetch(`${app.url}/api/v1/searches`, { headers: { authorization: `Bearer ${app.token}` } });
    expect(tok.status).toBe(403);
    expect(((await tok.json()) as Json).error).toMatch(/signed-in user/);
    const noCsrf = await call('POST', '/searches', viewer, { name: 'x', query: '投诉' }, false);
    expect(noCsrf.status).toBe(403);
    expect(app.monitor.db.prepare('SELECT count(*) FROM saved_searches').pluck().get()).toBe(0);
  });

  let mine = 0;
  it('a viewer saves, lists, renames and deletes their own searches', async () => {
    const made = await call('POST', '/searches', viewer, { name: '  乳业 投诉  ', query: ' 星河乳业 AND 投诉 ', filters: { sentiment: 'negative', source: 'weibo', topic: '' } });
    expect(made.status).toBe(201);
    expect(made.body.search).toMatchObject({ name: '乳业 投诉', query: '星河乳业 AND 投诉', filters: { sentiment: 'negative', source: 'weibo' } });
    mine = made.body.search.id;
    expect((await call('POST', '/searches', viewer, { name: 'Recall', query: '"Xinghe Dairy" recall' })).status).toBe(201);
    const list = await call('GET', '/searches', viewer);
    expect(list.body.searches.map((s: Json) => s.name)).toEqual(['Recall', '乳业 投诉']);

    const renamed = await call('PATCH', `/searches/${mine}`, viewer, { name: '乳业投诉（负面）' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.search).toMatchObject({ id: mine, name: '乳业投诉（负面）', query: '星河乳业 AND 投诉' });
    const viaPost = await call('POST', `/searches/${mine}`, viewer, { name: '乳业投诉' }); // rename by POST too
    expect(viaPost.body.search.name).toBe('乳业投诉');
    expect(app.monitor.db.prepare('SELECT name, query, filters FROM saved_searches WHERE id = ?').get(mine))
      .toEqual({ name: '乳业投诉', query: '星河乳业 AND 投诉', filters: '{"sentiment":"negative","source":"weibo"}' });
  });

  it("another user neither sees nor changes them (404, as if there were none)", async () => {
    expect((await call('GET', '/searches', analyst)).body.searches).toEqual([]);
    expect((await call('PATCH', `/searches/${mine}`, analyst, { name: 'mine now' })).status).toBe(404);
    expect((await call('DELETE', `/searches/${mine}`, analyst)).status).toBe(404);
    expect((await call('GET', `/searches/${mine}/posts`, analyst)).status).toBe(404);
    // the same name is free for another user
    expect((await call('POST', '/searches', analyst, { name: '乳业投诉', query: '投诉' })).status).toBe(201);
    expect(app.monitor.db.prepare('SELECT name FROM saved_searches WHERE id = ?').pluck().get(mine)).toBe('乳业投诉');
  });

  it('refusals say why: duplicate name 409, a query that does not parse 400 with its column, bad filters 400', async () => {
    const dup = await call('POST', '/searches', viewer, { name: '乳业投诉', query: '退款' });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatch(/already have a saved search named '乳业投诉'/);
    expect((await call('PATCH', `/searches/${mine}`, viewer, { name: 'Recall' })).status).toBe(409);
    const bad = await call('POST', '/searches', viewer, { name: '坏查询', query: '星河 AND (投诉' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ column: expect.any(Number), query: '星河 AND (投诉' });
    const cases: [unknown, RegExp][] = [
      [{ query: '投诉' }, /name is required/],
      [{ name: '   ', query: '投诉' }, /name is required/],
      [{ name: 'x'.repeat(101), query: '投诉' }, /name too long/],
      [{ name: 'a\u0007b', query: '投诉' }, /control character/],
      [{ name: 'q' }, /query is required/],
      [{ name: 'q', query: '投诉'.repeat(2001) }, /4002 characters long/],
      [{ name: 'q', query: '投诉', filters: { sentiment: 'angry' } }, /unknown sentiment 'angry'/],
      [{ name: 'q', query: '投诉', filters: { from: '2026-01-01' } }, /unknown filter 'from'/],
      [{ name: 'q', query: '投诉', filters: ['weibo'] }, /filters must be an object/],
    ];
    for (const [body, msg] of cases) {
      const r = await call('POST', '/searches', viewer, body);
      expect(r.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(r.body.error).toMatch(msg);
    }
    expect((await call('PATCH', `/searches/${mine}`, viewer, {})).body.error).toMatch(/nothing to change/);
    expect((await call('PATCH', '/searches/abc', viewer, { name: 'z' })).status).toBe(404);
    expect((await call('GET', '/searches', viewer)).body.searches).toHaveLength(2);
  });

  it('a deleted search is gone; a user removed takes their searches along', async () => {
    const del = await call('DELETE', `/searches/${mine}`, viewer);
    expect(del).toEqual({ status: 200, body: { ok: true, id: mine } });
    expect((await call('DELETE', `/searches/${mine}`, viewer)).status).toBe(404);
    expect((await call('GET', '/searches', viewer)).body.searches.map((s: Json) => s.name)).toEqual(['Recall']);
    const db = app.monitor.db;
    const uid = db.prepare("INSERT INTO users (username, password_hash, role, created_at) VALUES ('temp', 'x', 'viewer', ?)").run(new Date().toISOString()).lastInsertRowid;
    db.prepare("INSERT INTO saved_searches (user_id, name, query, created_at, updated_at) VALUES (?, 'a', '投诉', '', '')").run(uid);
    db.prepare('DELETE FROM users WHERE id = ?').run(uid);
    expect(db.prepare('SELECT count(*) FROM saved_searches WHERE user_id = ?').pluck().get(uid)).toBe(0);
  });
});

describe('highlighted matches', () => {
  const posts = async (q: string): Promise<Json[]> => {
    const r = await call('GET', `/posts?q=${encodeURIComponent(q)}&limit=200`, viewer);
    expect(r.status).toBe(200);
    return r.body.posts as Json[];
  };
  const marked = (p: Json, field: 'text' | 'title' = 'text'): string[] => (p.highlight[field] as [number, number][]).map(([s, e]) => String(p[field]).slice(s, e));

  it('marks the characters that matched, in Simplified or Traditional, as the search found them', async () => {
    const found = await posts('投诉 星河乳业');
    const byId = new Map(found.map((p) => [p.id, p]));
    expect([...byId.keys()]).toEqual(expect.arrayContaining(['hl-1', 'hl-2', 'hl-4', 'hl-6']));
    expect(marked(byId.get('hl-1')!)).toEqual(['星河乳業', '投訴']);
    expect(marked(byId.get('hl-2')!)).toEqual(['投诉', '星河乳业']);
    for (const p of found) expect(marked(p).length + marked(p, 'title').length, p.id).toBeGreaterThan(0); // every result shows why it matched
    expect(marked(byId.get('hl-5')!, 'title')).toEqual(['星河乳业', '投诉']);
    const far = byId.get('hl-6')!;
    expect(far.highlight.text[0][0]).toBeGreaterThan(300);
    expect(marked(far)).toEqual(['投诉', '星河乳业']);
  });

  it('phrases as one mark, full-width and upper case found, excluded terms never marked, title: terms in the title', async () => {
    const [p3] = await posts('"xinghe dairy" recall');
    expect(p3.id).toBe('hl-3');
    expect(marked(p3)).toEqual(['ＸＩＮＧＨＥ　ＤＡＩＲＹ', 'recall', 'Xinghe Dairy']);

    const notRefund = await posts('星河乳业 -退款');
    expect(notRefund.map((p) => p.id)).not.toContain('hl-4');
    for (const p of notRefund) expect(marked(p).every((m) => m !== '退款')).toBe(true);

    const inTitle = await posts('title:投诉帖');
    expect(inTitle.map((p) => p.id)).toEqual(['hl-5']);
    expect(marked(inTitle[0], 'title')).toEqual(['投诉帖']);
    expect(inTitle[0].highlight.text).toEqual([]);
  });

  it('a search without a query has no highlight; running a saved search answers the same posts with the same marks', async () => {
    const plain = await call('GET', '/posts?limit=5', viewer);
    expect(plain.body.posts[0].highlight).toBeUndefined();
    const s = (await call('POST', '/searches', viewer, { name: '投诉 Traditional', query: '投訴', filters: { source: 'weibo' } })).body.search as Json;
    const run = await call('GET', `/searches/${s.id}/posts?limit=200`, viewer);
    expect(run.status).toBe(200);
    expect(run.body.search).toMatchObject({ id: s.id, query: '投訴' });
    const direct = await posts('投訴');
    const weibo = direct.filter((p) => p.source === 'weibo');
    expect(run.body.posts.map((p: Json) => p.key)).toEqual(weibo.map((p) => p.key));
    expect(run.body.posts.map((p: Json) => p.highlight)).toEqual(weibo.map((p) => p.highlight));
    expect(marked(run.body.posts.find((p: Json) => p.id === 'hl-2'))).toEqual(['投诉']);
  });
});

const CHROME = process.env.PUPPETEER_EXECUTABLE_PATH || '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROME))('the posts page: saved searches and marked matches (Chromium)', () => {
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
    const { default: puppeteer } = await import('puppeteer');
    browser = await puppeteer.launch({ executablePath: CHROME, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'] });
    page = await browser.newPage();
    await page.setViewport({ width: 1440, height: 900 });
    page.on('pageerror', (e) => pageErrors.push((e as Error).message));
    page.on('dialog', (d) => { pageErrors.push(`dialog: ${d.message()}`); void d.dismiss(); });
    await page.goto(`${app.url}/`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('#login-user');
    await page.type('#login-user', 'analyst');
    await page.type('#login-pass', USERS.analyst.password);
    await page.click('#login-submit');
    await ready('overview');
  }, 60_000);
  afterAll(async () => { await browser?.close(); });

  it('marks the matches of a search as <mark> elements; crawled markup stays text', async () => {
    await open(`posts?q=${encodeURIComponent('投诉 OR 召回')}`);
    await page.waitForSelector('#post-results mark');
    const marks = await page.$$eval('#post-results mark', (ms) => [...new Set(ms.map((m) => m.textContent))]);
    expect(marks.sort()).toEqual(['召回', '投訴', '投诉'].sort());
    // the seed's hostile post matched 召回: its tags are text, nothing ran
    const hostile = await page.$$eval('#post-results .post-text', (ds) => ds.map((d) => d.textContent ?? '').find((x) => x.includes('<img')) ?? '');
    expect(hostile).toContain('<img src=x onerror=window.__xss=1>');
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.$('#post-results img, #post-results svg, #post-results iframe')).toBeNull();
    // a match deep in a long post is shown with the text around it
    const far = await page.$$eval('#post-results .post-text', (ds) => ds.map((d) => d.textContent ?? '').find((x) => x.includes('最后还是去')) ?? '');
    expect(far.startsWith('…')).toBe(true);
    expect(far).toContain('最后还是去投诉了星河乳业');
  }, 30_000);

  it('saves the current search, runs it from the list, renames it and deletes it', async () => {
    await open(`posts?q=${encodeURIComponent('星河乳业 投诉')}&sentiment=`);
    await page.waitForSelector('#saved-list');
    await page.click('#save-search'); // no name yet
    await page.waitForSelector('#save-error:not([hidden])');
    expect(await page.$eval('#save-error', (e) => e.textContent)).toBe('请先填写名称');
    await page.type('#save-name', '门店投诉');
    await page.evaluate(() => { document.body.dataset.ready = ''; });
    await page.click('#save-search');
    await ready('posts');
    const saved = app.monitor.db.prepare("SELECT s.id, s.query FROM saved_searches s JOIN users u ON u.id = s.user_id WHERE u.username = 'analyst' AND s.name = '门店投诉'").get() as Json;
    expect(saved.query).toBe('星河乳业 投诉');
    expect(await page.evaluate(() => location.hash)).toContain(`saved=${saved.id}`);
    await page.waitForSelector(`#saved-list a[data-search-id="${saved.id}"][aria-current="true"]`);

    // run it from another search: the list link opens the saved query, with marks
    await open('posts?q=%E5%8F%AC%E5%9B%9E');
    await page.waitForSelector(`#saved-list a[data-search-id="${saved.id}"]`);
    await page.evaluate(() => { document.body.dataset.ready = ''; });
    await page.click(`#saved-list a[data-search-id="${saved.id}"]`);
    await ready('posts');
    expect(await page.$eval('#f-q', (e) => (e as HTMLInputElement).value)).toBe('星河乳业 投诉');
    await page.waitForSelector('#post-results mark');
    expect(await page.$$eval('#post-results mark', (ms) => [...new Set(ms.map((m) => m.textContent))].sort())).toEqual(['投訴', '投诉', '星河乳業', '星河乳业'].sort());

    // a second save of the same name says so
    await page.type('#save-name', '门店投诉');
    await page.click('#save-search');
    await page.waitForFunction(() => document.querySelector('#save-error')?.textContent === '已有同名的检索，请换一个名称');

    await page.click(`button.saved-rename[data-search-id="${saved.id}"]`);
    await page.waitForSelector('input.saved-new-name');
    await page.$eval('input.saved-new-name', (e) => { (e as HTMLInputElement).value = ''; });
    await page.type('input.saved-new-name', '乳业投诉汇总');
    await page.click('button.saved-rename-ok');
    await page.waitForFunction((id) => document.querySelector(`#saved-list a[data-search-id="${id}"]`)?.textContent === '乳业投诉汇总', {}, saved.id);
    expect(app.monitor.db.prepare('SELECT name FROM saved_searches WHERE id = ?').pluck().get(saved.id)).toBe('乳业投诉汇总');

    await page.click(`button.saved-delete[data-search-id="${saved.id}"]`);
    expect(await page.$eval(`button.saved-delete[data-search-id="${saved.id}"]`, (b) => b.textContent)).toBe('确定删除'); // asks first
    expect(app.monitor.db.prepare('SELECT count(*) FROM saved_searches WHERE id = ?').pluck().get(saved.id)).toBe(1);
    await page.click(`button.saved-delete[data-search-id="${saved.id}"]`);
    await page.waitForFunction((id) => !document.querySelector(`#saved-list a[data-search-id="${id}"]`), {}, saved.id);
    expect(app.monitor.db.prepare('SELECT count(*) FROM saved_searches WHERE id = ?').pluck().get(saved.id)).toBe(0);
    expect(pageErrors).toEqual([]);
  }, 30_000);

  it('speaks English', async () => {
    await page.evaluate(() => { document.body.dataset.ready = ''; });
    await page.click('#lang-switch');
    await ready('posts');
    expect(await page.$eval('#saved-searches h2', (e) => e.textContent)).toBe('Saved searches');
    expect(await page.$eval('#save-search', (e) => e.textContent)).toBe('Save this search');
    await page.waitForSelector('#saved-list li button.saved-rename');
    expect(await page.$$eval('#saved-list li button', (bs) => bs.map((b) => b.textContent))).toEqual(['Rename', 'Delete']); // the analyst's search saved over the API
    await page.click('#lang-switch');
  }, 30_000);
});
