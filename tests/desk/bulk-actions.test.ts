// Bulk desk actions (src/desk/bulk-actions.ts) through POST /api/v1/incidents/bulk, against the app
// as `start` assembles it: analyst or admin with CSRF; each incident goes through the desk's
// transition table and is reported (done, unchanged, refused with the reason); the incidents and
// the audit trail show it. In Chromium (when installed): the incidents list's checkboxes and bulk bar.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'puppeteer';
import { USERS, startLikeStart, type Session, type StartedApp } from '../security/start-app.js';
import { ensureBundle } from '../dashboard/bundle.js';

let app: StartedApp;
let analyst: Session;
let admin: Session;
let viewer: Session;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  app = await startLikeStart({ seedData: true }); // inc-1..inc-3 of brand-x, all 'new'
  [analyst, admin, viewer] = await Promise.all([app.login('analyst'), app.login('admin'), app.login('viewer')]);
  const t = new Date().toISOString();
  const ins = app.monitor.db.prepare(`INSERT INTO incidents (id, seq, topic_id, title, opened_at, updated_at, last_post_at, kind, state, status, level) VALUES (?, ?, 'brand-x', ?, ?, ?, ?, 'story', 'firing', ?, 'P3')`);
  ins.run('inc-4', 4, '星河乳业 包装 破损', t, t, t, 'resolved');
  ins.run('inc-5', 5, '星河乳业 门店 排队', t, t, t, 'new');
  ins.run('inc-6', 6, '星河乳业 物流 延误', t, t, t, 'new');
  ins.run('inc-7', 7, '星河乳业 物流 延误 (合并)', t, t, t, 'resolved');
  app.monitor.db.prepare("UPDATE incidents SET merged_into = 'inc-6' WHERE id = 'inc-7'").run();
}, 30_000);
afterAll(async () => { await app?.stop(); });

const bulk = (body: unknown, s: Session | null = analyst, csrf = true) => fetch(`${app.url}/api/v1/incidents/bulk`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(s ? { cookie: s.cookie } : {}), ...(s && csrf ? { 'x-csrf-token': s.csrf } : {}) },
  body: JSON.stringify(body),
});
const row = (id: string) => app.monitor.db.prepare('SELECT status, owner, acknowledged_by, acknowledged_at, closed_at FROM incidents WHERE id = ?').get(id) as Json;
const auditOf = (id: string) => app.monitor.db.prepare("SELECT actor, action, detail FROM audit_log WHERE target = ? ORDER BY id").all(`incident:${id}`)
  .map((r) => ({ ...(r as Json), detail: JSON.parse((r as Json).detail ?? 'null') })) as Json[];

describe('who may act in bulk', () => {
  it('anonymous 401, viewer 403, analyst without CSRF 403, an ingest token 403; nothing changes', async () => {
    const body = { ids: ['inc-1', 'inc-2'], action: 'ack' };
    expect((await bulk(body, null)).status).toBe(401);
    const v = await bulk(body, viewer);
    expect(v.status).toBe(403);
    expect(((await v.json()) as Json).error).toMatch(/analyst or admin/);
    const noCsrf = await bulk(body, analyst, false);
    expect(noCsrf.status).toBe(403);
    expect(((await noCsrf.json()) as Json).error).toMatch(/CSRF/);
    const tok = await fetch(`${app.url}/api/v1/incidents/bulk`, { method: 'POST', headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(tok.status).toBe(403);
    expect([row('inc-1').status, row('inc-2').status]).toEqual(['new', 'new']);
    expect(auditOf('inc-1')).toEqual([]);
  });
});

describe('a request that cannot be read is refused whole (400, saying why)', () => {
  const cases: [string, unknown, RegExp][] = [
    ['no ids', { action: 'ack' }, /ids must be a non-empty list/],
    ['empty ids', { ids: [], action: 'ack' }, /ids must be a non-empty list/],
    ['an id that is not text', { ids: ['inc-1', 7], action: 'ack' }, /not an incident id: 7/],
    ['an id with a slash', { ids: ['../x'], action: 'ack' }, /not an incident id/],
    ['too many ids', { ids: Array.from({ length: 201 }, (_, i) => `inc-${i}`), action: 'ack' }, /too many incidents: 201/],
    ['no action', { ids: ['inc-1'] }, /unknown action null/],
    ['an unknown action', { ids: ['inc-1'], action: 'delete' }, /unknown action "delete"/],
    ['status without a status', { ids: ['inc-1'], action: 'status' }, /status must be one of: new, acknowledged/],
    ['an unknown status', { ids: ['inc-1'], action: 'status', status: 'closed' }, /status must be one of/],
    ['an owner that is not text', { ids: ['inc-1'], action: 'assign', owner: 5 }, /owner must be a string or null/],
    ['an owner name too long', { ids: ['inc-1'], action: 'assign', owner: 'x'.repeat(101) }, /owner name too long/],
  ];
  for (const [name, body, msg] of cases) {
    it(name, async () => {
      const r = await bulk(body);
      expect(r.status).toBe(400);
      expect(((await r.json()) as Json).error).toMatch(msg);
    });
  }
  it('nothing was touched by the refusals', () => {
    expect(app.monitor.db.prepare("SELECT count(*) FROM audit_log WHERE action LIKE 'incident.%'").pluck().get()).toBe(0);
  });
});

describe('acknowledge several', () => {
  it('acknowledges the open ones, reports an unknown, a closed and a merged incident as refused with the reason', async () => {
    const r = await bulk({ ids: ['inc-1', 'inc-2', 'inc-99', 'inc-4', 'inc-7', 'inc-1'], action: 'ack' });
    expect(r.status).toBe(200);
    const b = (await r.json()) as Json;
    expect(b).toMatchObject({ ok: false, action: 'ack', done: 2, unchanged: 0, refused: 3 });
    expect(b.results.map((x: Json) => x.id)).toEqual(['inc-1', 'inc-2', 'inc-99', 'inc-4', 'inc-7']); // a repeated id acts once
    expect(b.results[0]).toMatchObject({ id: 'inc-1', ok: true, changed: true, incident: { status: 'acknowledged', acknowledgedBy: 'analyst' } });
    expect(b.results[2]).toMatchObject({ id: 'inc-99', ok: false, code: 'not_found', error: "incident 'inc-99' not found" });
    expect(b.results[3]).toMatchObject({ id: 'inc-4', ok: false, code: 'conflict', error: "incident 'inc-4' is already resolved", hint: expect.stringMatching(/reopen/), incident: { status: 'resolved' } });
    expect(b.results[4]).toMatchObject({ id: 'inc-7', ok: false, code: 'conflict', error: expect.stringMatching(/merged into 'inc-6'/), hint: 'act on inc-6 instead' });

    for (const id of ['inc-1', 'inc-2']) expect(row(id)).toMatchObject({ status: 'acknowledged', acknowledged_by: 'analyst', acknowledged_at: expect.any(String) });
    expect(row('inc-4').status).toBe('resolved');
    expect(row('inc-7').acknowledged_by).toBeNull();

    // audit: the desk's own row plus the batch row for each incident, refusals included
    const a1 = auditOf('inc-1');
    expect(a1.map((x) => x.action)).toEqual(['incident.ack', 'incident.bulk']);
    expect(a1[1]).toMatchObject({ actor: 'analyst', detail: { action: 'ack', size: 5, outcome: 'done', batch: expect.stringMatching(/^bulk-/) } });
    expect(auditOf('inc-2')[1].detail.batch).toBe(a1[1].detail.batch);
    expect(auditOf('inc-4')).toEqual([{ actor: 'analyst', action: 'incident.bulk', detail: expect.objectContaining({ outcome: 'refused', error: "incident 'inc-4' is already resolved" }) }]);
    expect(auditOf('inc-99')).toEqual([]);
  });

  it('an incident acknowledged before is reported unchanged, and keeps who acknowledged it first', async () => {
    const b = (await (await bulk({ ids: ['inc-1', 'inc-3'], action: 'ack' }, admin)).json()) as Json;
    expect(b).toMatchObject({ ok: true, done: 1, unchanged: 1, refused: 0 });
    expect(b.results[0]).toMatchObject({ id: 'inc-1', ok: true, changed: false });
    expect(row('inc-1').acknowledged_by).toBe('analyst');
    expect(row('inc-3')).toMatchObject({ status: 'acknowledged', acknowledged_by: 'admin' });
  });
});

describe('assign several', () => {
  it('sets one owner on each, reports one that already has it as unchanged, and clears with null', async () => {
    const b = (await (await bulk({ ids: ['inc-1', 'inc-2', 'inc-5'], action: 'assign', owner: '  王芳 ' })).json()) as Json;
    expect(b).toMatchObject({ ok: true, done: 3, refused: 0 });
    expect(['inc-1', 'inc-2', 'inc-5'].map((id) => row(id).owner)).toEqual(['王芳', '王芳', '王芳']);
    expect(auditOf('inc-5').map((x) => x.action)).toEqual(['incident.assign', 'incident.bulk']);
    expect(auditOf('inc-5')[0].detail).toEqual({ from: null, to: '王芳' });

    const again = (await (await bulk({ ids: ['inc-1', 'inc-3'], action: 'assign', owner: '王芳' })).json()) as Json;
    expect(again).toMatchObject({ done: 1, unchanged: 1 });
    expect(again.results[0]).toMatchObject({ id: 'inc-1', changed: false });

    const cleared = (await (await bulk({ ids: ['inc-5'], action: 'assign', owner: null })).json()) as Json;
    expect(cleared).toMatchObject({ ok: true, done: 1, results: [{ id: 'inc-5', incident: { owner: null } }] });
    expect(row('inc-5').owner).toBeNull();
  });
});

describe('set the status of several', () => {
  it('follows the transition table per incident: resolves the open ones, refuses what it does not allow', async () => {
    // inc-1, inc-2, inc-3 acknowledged; inc-5 new; inc-4 resolved
    const b = (await (await bulk({ ids: ['inc-1', 'inc-5', 'inc-4'], action: 'status', status: 'resolved', note: '统一回复已发布' })).json()) as Json;
    expect(b).toMatchObject({ ok: true, done: 2, unchanged: 1, refused: 0 }); // inc-4 was resolved already
    for (const id of ['inc-1', 'inc-5']) expect(row(id)).toMatchObject({ status: 'resolved', closed_at: expect.any(String) });
    expect(app.monitor.db.prepare("SELECT author, text FROM incident_notes WHERE incident_id = 'inc-5'").all()).toEqual([{ author: 'analyst', text: '统一回复已发布' }]);
    expect(auditOf('inc-5').filter((x) => x.action === 'incident.status')[0].detail).toMatchObject({ from: 'new', to: 'resolved' });

    // resolved → acknowledged is not a transition; resolved → responding reopens; acknowledged → responding moves on
    const back = (await (await bulk({ ids: ['inc-1', 'inc-2'], action: 'status', status: 'acknowledged' })).json()) as Json;
    expect(back).toMatchObject({ ok: false, done: 0, unchanged: 1, refused: 1 });
    expect(back.results[0]).toMatchObject({ id: 'inc-1', ok: false, code: 'conflict', error: "incident 'inc-1' cannot go from resolved to acknowledged", hint: 'from resolved allowed: responding' });
    expect(row('inc-1').status).toBe('resolved');

    const reopen = (await (await bulk({ ids: ['inc-1', 'inc-2', 'inc-7'], action: 'status', status: 'responding' }, admin)).json()) as Json;
    expect(reopen).toMatchObject({ done: 2, refused: 1 });
    expect([row('inc-1').status, row('inc-2').status]).toEqual(['responding', 'responding']);
    expect(row('inc-1').closed_at).toBeNull();
    expect(reopen.results[2]).toMatchObject({ id: 'inc-7', code: 'conflict' });

    // a false alarm in bulk leaves the scorer's feedback row for each
    const fa = (await (await bulk({ ids: ['inc-2', 'inc-3'], action: 'status', status: 'false_alarm' })).json()) as Json;
    expect(fa).toMatchObject({ ok: true, done: 2 });
    expect(app.monitor.db.prepare("SELECT incident_id FROM feedback WHERE verdict = 'false_alarm' ORDER BY incident_id").pluck().all()).toEqual(['inc-2', 'inc-3']);
    const list = (await (await fetch(`${app.url}/api/v1/incidents?status=false_alarm`, { headers: { cookie: viewer.cookie } })).json()) as Json;
    expect(list.incidents.map((i: Json) => i.id).sort()).toEqual(['inc-2', 'inc-3']);
  });
});

const CHROME = process.env.PUPPETEER_EXECUTABLE_PATH || '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROME))('the incidents list acts in bulk (Chromium)', () => {
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
  const login = async (user: string) => {
    await page.goto(`${ui.url}/`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('#login-user');
    await page.type('#login-user', user);
    await page.type('#login-pass', USERS[user].password);
    await page.click('#login-submit');
    await ready('overview');
  };

  beforeAll(async () => {
    await ensureBundle();
    ui = await startLikeStart({ seedData: true });
    const t = new Date().toISOString();
    ui.monitor.db.prepare(`INSERT INTO incidents (id, seq, topic_id, title, opened_at, updated_at, last_post_at, kind, state, status, level, peak_risk) VALUES ('inc-4', 4, 'brand-x', '星河乳业 包装 破损', ?, ?, ?, 'story', 'quiet', 'resolved', 'P3', 40)`).run(t, t, t);
    const { default: puppeteer } = await import('puppeteer');
    browser = await puppeteer.launch({ executablePath: CHROME, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'] });
    page = await browser.newPage();
    await page.setViewport({ width: 1440, height: 900 });
    page.on('pageerror', (e) => pageErrors.push((e as Error).message));
    page.on('dialog', (d) => { pageErrors.push(`dialog: ${d.message()}`); void d.dismiss(); });
    await login('analyst');
  }, 60_000);
  afterAll(async () => { await browser?.close(); await ui?.stop(); });

  it('ticks two incidents and acknowledges both; the list and the result box show it', async () => {
    await open('incidents');
    await page.waitForSelector('#bulk-bar');
    expect(await page.$eval('#bulk-ack', (b) => (b as HTMLButtonElement).disabled)).toBe(true); // nothing ticked
    expect(await page.$eval('#bulk-count', (e) => e.textContent)).toBe('已选 0 个事件');
    await page.click('input.bulk-pick[data-id="inc-1"]');
    await page.click('input.bulk-pick[data-id="inc-2"]');
    expect(await page.$eval('#bulk-count', (e) => e.textContent)).toBe('已选 2 个事件');
    await page.click('#bulk-ack');
    await page.waitForSelector('#bulk-summary');
    expect(await page.$eval('#bulk-summary p', (e) => e.textContent)).toBe('完成 2 个，无变化 0 个，未执行 0 个');
    expect(await page.$$eval('#bulk-summary li', (ls) => ls.map((l) => l.textContent))).toEqual(['✓ inc-1: 已确认', '✓ inc-2: 已确认']);
    expect(ui.monitor.db.prepare("SELECT id FROM incidents WHERE status = 'acknowledged' ORDER BY id").pluck().all()).toEqual(['inc-1', 'inc-2']);
    await page.waitForFunction(() => document.querySelector('tr[data-incident-row="inc-1"]')?.textContent?.includes('已确认'));
    expect(await page.$$eval('input.bulk-pick:checked', (bs) => bs.length)).toBe(0); // the selection is cleared
  }, 30_000);

  it('select-all, assign an owner to all, then a status the desk refuses for one shows why', async () => {
    await open('incidents?status=open');
    await page.click('#bulk-all');
    const n = await page.$$eval('input.bulk-pick', (bs) => bs.length);
    expect(n).toBe(3);
    expect(await page.$eval('#bulk-count', (e) => e.textContent)).toBe('已选 3 个事件');
    await page.type('#bulk-owner', '李雷');
    await page.click('#bulk-assign');
    await page.waitForFunction(() => /完成 3 个/.test(document.querySelector('#bulk-summary')?.textContent ?? ''));
    expect(ui.monitor.db.prepare("SELECT DISTINCT owner FROM incidents WHERE id IN ('inc-1', 'inc-2', 'inc-3')").pluck().all()).toEqual(['李雷']);

    // the resolved one lives under its status; set all to "responding" from there and from open
    await open('incidents?status=resolved');
    await page.click('input.bulk-pick[data-id="inc-4"]');
    await page.select('#bulk-status', 'acknowledged');
    await page.click('#bulk-set-status');
    await page.waitForSelector('#bulk-summary li.error');
    expect(await page.$eval('#bulk-summary li.error', (e) => e.textContent)).toBe('✗ inc-4: 不能从「已解决」改为「已确认」');
    expect(ui.monitor.db.prepare("SELECT status FROM incidents WHERE id = 'inc-4'").pluck().get()).toBe('resolved');
    expect(pageErrors).toEqual([]);
  }, 30_000);

  it('speaks English, and a viewer sees no checkboxes or bulk bar', async () => {
    await page.evaluate(() => { document.body.dataset.ready = ''; });
    await page.click('#lang-switch'); // the page is drawn again in English
    await ready('incidents');
    await open('incidents');
    expect(await page.$eval('#bulk-bar strong', (e) => e.textContent)).toBe('Bulk actions');
    expect(await page.$eval('#bulk-set-status', (e) => e.textContent)).toBe('Set status');
    expect(await page.$eval('#bulk-count', (e) => e.textContent)).toBe('0 selected');
    await page.evaluate(() => { document.body.dataset.ready = ''; });
    await page.click('#lang-switch');
    await ready('incidents');
    // a viewer, in a browser context of its own
    const context = await browser.createBrowserContext();
    page = await context.newPage();
    await login('viewer');
    await open('incidents');
    await page.waitForSelector('tr[data-incident-row]');
    expect(await page.$('#bulk-bar')).toBeNull();
    expect(await page.$('input.bulk-pick')).toBeNull();
  }, 30_000);
});
