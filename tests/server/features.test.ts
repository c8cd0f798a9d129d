// Dashboard API features: live alerts over SSE, FTS-narrowed search agreeing with a full scan,
// CSV export with formula injection neutralized, sentiment correction kept for retraining, the
// incident workflow, rules validation with file/line, users admin guard, and the SSRF guard.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, type TestApp } from './fixtures.js';
import { searchPosts } from '../../src/server/post-search.js';
import { gramExpression, gramToken } from '../../src/query/search-grams.js';
import { compileQuery } from '../../src/query/index.js';
import { normalizeForMatch } from '../../src/text/normalize.js';
import { csvCell } from '../../src/server/csv.js';
import { isPrivateAddress } from '../../src/security/ip-address.js';
import { assertPublicUrl, createHostGuard, PrivateHostError } from '../../src/security/ssrf-guard.js';

let app: TestApp;
let admin: { cookie: string; csrf: string };
let analyst: { cookie: string; csrf: string };

beforeAll(async () => {
  app = await startTestApp();
  admin = await app.login('admin');
  analyst = await app.login('analyst');
});
afterAll(async () => { await app.close(); });

const call = (s: { cookie: string; csrf: string }, method: string, path: string, body?: unknown) =>
  fetch(`${app.url}/api/v1${path}`, { method, headers: { Cookie: s.cookie, 'X-CSRF-Token': s.csrf, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

describe('live feed', () => {
  it('delivers a new alert to a connected SSE client', async () => {
    const ctrl = new AbortController();
    const r = await fetch(`${app.url}/api/v1/stream`, { headers: { Cookie: analyst.cookie }, signal: ctrl.signal });
    expect(r.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = r.body!.getReader();
    let buf = '';
    buf += new TextDecoder().decode((await reader.read()).value); // ": connected"
    app.events.emit('alert', { id: 77, at: '2026-08-22T08:01:00Z', topic: 'brand-x', incident: 'inc-1', level: 'P1', state: 'firing', risk: 90, title: '新告警', reasons: [], posts: [], forecast: null, kind: 'incident' });
    while (!buf.includes('event: alert')) buf += new TextDecoder().decode((await reader.read()).value);
    while (!buf.includes('\n\n', buf.indexOf('event: alert'))) buf += new TextDecoder().decode((await reader.read()).value);
    const data = JSON.parse(buf.slice(buf.indexOf('data: ', buf.indexOf('event: alert')) + 6).split('\n')[0]);
    expect(data).toMatchObject({ id: 77, level: 'P1', title: '新告警', incident: 'inc-1' });
    ctrl.abort();
  });
});

describe('posts search', () => {
  const queries = ['召回', '星河乳业 客服', '"Xinghe Dairy" OR 酸奶', '星河牛奶 -客服', 'recall NEAR/20 contamination', 'title:script', '-星河乳业', 'source:reddit'];
  for (const q of queries) {
    it(`index-narrowed search equals a full scan for ${q}`, () => {
      const fast = searchPosts(app.db, { q, limit: 1000 });
      const compiled = compileQuery(q);
      const all = app.db.prepare("SELECT pk, title, text, source, author_name FROM posts WHERE kind != 'trend' ORDER BY pk DESC").all() as Record<string, string | null>[];
      const expected = all.filter((r) => compiled.matches({
        text: normalizeForMatch(`${r.title ?? ''} ${r.text ?? ''}`), title: r.title ? normalizeForMatch(r.title) : '', source: r.source ?? undefined, authorName: r.author_name ?? undefined,
      })).map((r) => r.pk);
      expect(expected.length).toBeGreaterThan(0);
      expect(fast.posts.map((p) => p.pk)).toEqual(expected);
    });
  }
  it('uses the gram index for positive terms and not for pure negations', () => {
    expect(searchPosts(app.db, { q: '召回', limit: 5 }).usedIndex).toBe(true);
    expect(searchPosts(app.db, { q: '-召回', limit: 5 }).usedIndex).toBe(false);
    expect(gramExpression(compileQuery('a OR -b').ast)).toBeNull();
    expect(gramExpression(compileQuery('a -b').ast)).toBe(`("${gramToken('a')}")`);
  });
  it('finds every seeded post that the compiled query matches', () => {
    const q = compileQuery('召回 OR 投诉');
    const rows = app.db.prepare("SELECT pk, title, text FROM posts WHERE kind != 'trend'").all() as { pk: number; title: string | null; text: string | null }[];
    const want = rows.filter((r) => q.matches({ text: `${r.title ?? ''} ${r.text ?? ''}`.toLowerCase(), title: (r.title ?? '').toLowerCase() })).map((r) => r.pk).sort((a, b) => b - a);
    expect(searchPosts(app.db, { q: '召回 OR 投诉', limit: 1000 }).posts.map((p) => p.pk)).toEqual(want);
  });
  it('answers a syntax error with its column, and a bad date with a hint', async () => {
    const r = await call(analyst, 'GET', `/posts?q=${encodeURIComponent('(召回')}`);
    expect(r.status).toBe(400);
    expect(((await r.json()) as { column: number | null }).column).not.toBeNull();
    const d = await call(analyst, 'GET', '/posts?q=x&from=yesterday');
    expect(d.status).toBe(400);
  });
});

describe('exports', () => {
  it('neutralizes spreadsheet formulas in CSV cells', () => {
    expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('plain')).toBe('plain');
  });
  it('exports the search result as CSV', async () => {
    app.db.prepare("UPDATE posts SET text = '=cmd|'' /C calc''!A0 召回' WHERE ext_id = 'p1'").run();
    const r = await call(analyst, 'GET', `/posts/export.csv?q=${encodeURIComponent('召回')}`);
    expect(r.headers.get('content-type')).toMatch(/text\/csv/);
    const text = await r.text();
    expect(text.split('\r\n')[0]).toContain('source,id,kind,url');
    expect(text).toContain("'=cmd");
    expect(text).not.toMatch(/(^|,)=cmd/m);
  });
});

describe('analyst actions', () => {
  it('stores a sentiment correction for retraining, with an audit entry', async () => {
    const pk = app.db.prepare("SELECT pk FROM posts WHERE ext_id = 'p2'").pluck().get() as number;
    const r = await call(analyst, 'POST', `/posts/${pk}/sentiment`, { label: 'neutral' });
    expect(r.status).toBe(200);
    expect(app.db.prepare('SELECT sentiment_corrected FROM posts WHERE pk = ?').pluck().get(pk)).toBe('neutral');
    expect(app.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'post.sentiment'").pluck().get()).toBe(1);
    expect((await call(analyst, 'POST', `/posts/${pk}/sentiment`, { label: 'angry' })).status).toBe(400);
    expect((await call(analyst, 'POST', '/posts/999999/sentiment', { label: 'neutral' })).status).toBe(404);
  });
  it('acknowledges, assigns, notes and resolves an incident', async () => {
    expect((await call(analyst, 'POST', '/incidents/inc-1/ack', {})).status).toBe(200);
    const row = app.db.prepare("SELECT status, acknowledged_by, tta_seconds FROM incidents WHERE id = 'inc-1'").get() as Record<string, unknown>;
    expect(row).toMatchObject({ status: 'acknowledged', acknowledged_by: 'analyst' });
    expect(row.tta_seconds).toBeGreaterThan(0);
    expect((await call(analyst, 'POST', '/incidents/inc-1/assign', { owner: '王经理' })).status).toBe(200);
    expect((await call(analyst, 'POST', '/incidents/inc-1/notes', { text: '已联系品牌方' })).status).toBe(201);
    const notes = (await (await call(analyst, 'GET', '/incidents/inc-1/notes')).json()) as { notes: { text: string }[] };
    expect(notes.notes.map((n) => n.text)).toContain('已联系品牌方');
    expect((await call(analyst, 'POST', '/incidents/inc-1/status', { status: 'bogus' })).status).toBe(400);
    expect((await call(analyst, 'POST', '/incidents/inc-1/status', { status: 'resolved' })).status).toBe(200);
    expect((await call(analyst, 'POST', '/incidents/inc-1/ack', {})).status).toBe(409);
    const auditRes = (await (await call(analyst, 'GET', '/incidents/inc-1/audit')).json()) as { audit: { action: string }[] };
    expect(auditRes.audit.map((a) => a.action)).toEqual(['incident.ack', 'incident.assign', 'incident.note', 'incident.status']);
    expect((await call(analyst, 'POST', '/incidents/inc-404/ack', {})).status).toBe(404);
  });
  it('creates and expires a silence', async () => {
    const c = await call(analyst, 'POST', '/silences', { matchers: [{ name: 'topic', value: 'brand-x' }], duration: '2h', comment: '发布会期间' });
    expect(c.status).toBe(201);
    const id = ((await c.json()) as { silence: { id: number } }).silence.id;
    const e = await call(analyst, 'DELETE', `/silences/${id}`);
    expect(((await e.json()) as { silence: { endsAt: string } }).silence.endsAt).toBe(app.deps.now().toISOString());
    expect((await call(analyst, 'POST', '/silences', { matchers: [] })).status).toBe(400);
  });
  it('says clearly when crawl-now has no crawler, and calls it when there is one', async () => {
    expect((await call(analyst, 'POST', '/sources/weibo-search/crawl', {})).status).toBe(503);
    const other = await startTestApp({ crawler: { status: () => [], runNow: async (id) => ({ id, items: 3 }) } });
    const s = await other.login('analyst');
    const r = await fetch(`${other.url}/api/v1/sources/weibo-search/crawl`, { method: 'POST', headers: { Cookie: s.cookie, 'X-CSRF-Token': s.csrf, 'Content-Type': 'application/json' }, body: '{}' });
    expect(await r.json()).toMatchObject({ ok: true, result: { id: 'weibo-search', items: 3 } });
    expect((await fetch(`${other.url}/api/v1/sources/nope/crawl`, { method: 'POST', headers: { Cookie: s.cookie, 'X-CSRF-Token': s.csrf } })).status).toBe(404);
    await other.close();
  });
});

describe('rules', () => {
  it('shows validation errors with the line and a hint, and saves valid files', async () => {
    const bad = await call(admin, 'POST', '/rules/validate', { name: 'topics/brand-x.yaml', text: 'id: brand-x\nname: 星河\nqeury: 星河\n' });
    expect(bad.status).toBe(422);
    const b = (await bad.json()) as { error: string; line: number; hint: string };
    expect(b.line).toBe(3);
    expect(b.error).toMatch(/did you mean 'query'/);
    const badQuery = (await (await call(admin, 'POST', '/rules/validate', { name: 'a.yaml', text: 'id: a\nname: A\nquery: (星河\n' })).json()) as { line: number };
    expect(badQuery.line).toBe(3);
    const text = 'id: brand-x\nname: 星河乳业\nquery: 星河乳业 OR 星河牛奶 OR 星河酸奶\n';
    expect((await call(admin, 'PUT', '/rules/file', { name: 'topics/brand-x.yaml', text })).status).toBe(200);
    expect(readFileSync(join(app.rulesDir, 'topics', 'brand-x.yaml'), 'utf8')).toBe(text);
    expect((await call(admin, 'PUT', '/rules/file', { name: '../escape.yaml', text })).status).toBe(400);
    expect((await call(admin, 'PUT', '/rules/file', { name: 'dup.yaml', text })).status).toBe(422);
  });
  it('tests a query against recent posts', async () => {
    const r = (await (await call(analyst, 'POST', '/rules/test', { query: '召回', hours: 72 })).json()) as { posts: unknown[] };
    expect(r.posts.length).toBeGreaterThan(0);
  });
});

describe('users admin', () => {
  it('adds users and keeps the last admin', async () => {
    const r = await call(admin, 'POST', '/users', { username: 'zhang', password: 'pw-123456', role: 'analyst' });
    expect(r.status).toBe(201);
    const adminId = app.db.prepare("SELECT id FROM users WHERE username = 'admin'").pluck().get() as number;
    expect((await call(admin, 'PATCH', `/users/${adminId}`, { role: 'viewer' })).status).toBe(409);
    expect((await call(admin, 'POST', '/users', { username: 'bad name!', password: 'pw-123456' })).status).toBe(400);
  });
});

describe('evidence SSRF guard', () => {
  it('classifies private addresses', () => {
    for (const ip of ['127.0.0.1', '10.1.2.3', '192.168.1.1', '172.16.0.1', '169.254.169.254', '::1', '::ffff:127.0.0.1', 'fd00::1']) expect(isPrivateAddress(ip), ip).toBe(true);
    for (const ip of ['8.8.8.8', '1.1.1.1', '2606:4700::1111']) expect(isPrivateAddress(ip), ip).toBe(false);
  });
  it('refuses loopback and non-http URLs unless allowed', async () => {
    await expect(assertPublicUrl('http://127.0.0.1:1/x', createHostGuard([]))).rejects.toBeInstanceOf(PrivateHostError);
    await expect(assertPublicUrl('javascript:alert(1)', createHostGuard([]))).rejects.toBeInstanceOf(PrivateHostError);
    await expect(assertPublicUrl('file:///etc/passwd', createHostGuard([]))).rejects.toBeInstanceOf(PrivateHostError);
    await expect(assertPublicUrl('http://127.0.0.1:1/x', createHostGuard(['127.0.0.0/8']))).resolves.toBeUndefined();
  });
});

describe('posts search cache', () => {
  it('repeats a search from cache until any write, then sees the new post', () => {
    const a = searchPosts(app.db, { q: '召回', limit: 1000 });
    expect(searchPosts(app.db, { q: '召回', limit: 1000 })).toBe(a);
    const pk = Number(app.db.prepare("INSERT INTO posts (source, ext_id, kind, text, first_seen_at, last_seen_at) VALUES ('weibo', 'cache-test', 'post', '星河乳业 召回 缓存测试', '2026-08-22T08:00:00Z', '2026-08-22T08:00:00Z')").run().lastInsertRowid);
    const b = searchPosts(app.db, { q: '召回', limit: 1000 });
    expect(b).not.toBe(a);
    expect(b.posts.map((p) => p.pk)).toContain(pk);
  });
});
