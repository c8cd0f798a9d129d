// Sign-in, CSRF refusal, the login rate limit, bearer-token ingest, and the authorization matrix:
// every endpoint x admin / analyst / viewer / anonymous.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestApp, type TestApp } from './fixtures.js';

let app: TestApp;
const sessions: Record<string, { cookie: string; csrf: string }> = {};

beforeAll(async () => {
  app = await startTestApp();
  for (const u of ['admin', 'analyst', 'viewer']) sessions[u] = await app.login(u);
});
afterAll(async () => { await app.close(); });

async function req(who: string, method: string, path: string, body?: unknown, extra: Record<string, string> = {}) {
  const headers: Record<string, string> = { ...extra };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const s = sessions[who];
  if (s) { headers.Cookie = s.cookie; if (method !== 'GET') headers['X-CSRF-Token'] = s.csrf; }
  return fetch(`${app.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

describe('sessions', () => {
  it('sets an HttpOnly SameSite=Strict cookie and answers the CSRF token', async () => {
    const r = await fetch(`${app.url}/api/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'viewer', password: 'viewer-pass' }) });
    expect(r.status).toBe(200);
    const c = r.headers.get('set-cookie') ?? '';
    expect(c).toMatch(/^fw_session=/);
    expect(c).toMatch(/HttpOnly/);
    expect(c).toMatch(/SameSite=Strict/);
    expect(((await r.json()) as { csrfToken: string }).csrfToken).toMatch(/^[\w-]{20,}$/);
  });
  it('refuses a wrong password without saying which part was wrong', async () => {
    const r = await fetch(`${app.url}/api/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'nobody', password: 'x' }) });
    expect(r.status).toBe(401);
  });
  it('refuses state changes without or with a wrong CSRF token', async () => {
    const s = sessions.analyst;
    const no = await fetch(`${app.url}/api/v1/incidents/inc-3/notes`, { method: 'POST', headers: { Cookie: s.cookie, 'Content-Type': 'application/json' }, body: '{"text":"x"}' });
    expect(no.status).toBe(403);
    const wrong = await fetch(`${app.url}/api/v1/incidents/inc-3/notes`, { method: 'POST', headers: { Cookie: s.cookie, 'X-CSRF-Token': 'nope', 'Content-Type': 'application/json' }, body: '{"text":"x"}' });
    expect(wrong.status).toBe(403);
    const ok = await req('analyst', 'POST', '/api/v1/incidents/inc-3/notes', { text: 'checked' });
    expect(ok.status).toBe(201);
  });
  it('serves a strict CSP without inline script on the dashboard', async () => {
    const r = await fetch(`${app.url}/`);
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
  });
  it('rate-limits sign-in attempts', async () => {
    let last = 0;
    for (let i = 0; i < 12; i++) {
      last = (await fetch(`${app.url}/api/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'ratelimited', password: 'bad' }) })).status;
    }
    expect(last).toBe(429);
  });
});

describe('ingest with a bearer token', () => {
  it('accepts observations and reports invalid ones by index', async () => {
    const body = [{ at: '2026-08-22T08:00:00Z', source: 'weibo', kind: 'post', id: 'n1', text: '星河乳业' }, { source: 'weibo' }];
    const r = await fetch(`${app.url}/api/v1/observations`, { method: 'POST', headers: { Authorization: `Bearer ${app.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect(r.status).toBe(200);
    const j = (await r.json()) as { accepted: number; rejected: { index: number }[] };
    expect(j.accepted).toBe(1);
    expect(j.rejected.map((x) => x.index)).toEqual([1]);
    expect(app.ingested.at(-1)?.id).toBe('n1');
  });
  it('refuses a wrong token and a token cannot change incidents', async () => {
    const bad = await fetch(`${app.url}/api/v1/observations`, { method: 'POST', headers: { Authorization: 'Bearer fw_wrong', 'Content-Type': 'application/json' }, body: '[]' });
    expect(bad.status).toBe(401);
    const ack = await fetch(`${app.url}/api/v1/incidents/inc-3/ack`, { method: 'POST', headers: { Authorization: `Bearer ${app.token}`, 'Content-Type': 'application/json' }, body: '{}' });
    expect(ack.status).toBe(403);
  });
});

// [method, path, body, minimum role]; 'none' = no sign-in needed
const MATRIX: [string, string, unknown, 'none' | 'viewer' | 'analyst' | 'admin'][] = [
  ['GET', '/healthz', undefined, 'none'],
  ['GET', '/api/v1/alerts', undefined, 'viewer'],
  ['GET', '/api/v1/incidents', undefined, 'viewer'],
  ['GET', '/api/v1/incidents/inc-2', undefined, 'viewer'],
  ['GET', '/api/v1/incidents/inc-2/notes', undefined, 'viewer'],
  ['GET', '/api/v1/incidents/inc-2/audit', undefined, 'viewer'],
  ['GET', '/api/v1/incidents/inc-2/evidence', undefined, 'viewer'],
  ['GET', '/api/v1/posts?q=%E6%98%9F%E6%B2%B3', undefined, 'viewer'],
  ['GET', '/api/v1/posts/export.csv', undefined, 'viewer'],
  ['GET', '/api/v1/overview', undefined, 'viewer'],
  ['GET', '/api/v1/topics', undefined, 'viewer'],
  ['GET', '/api/v1/sources', undefined, 'viewer'],
  ['GET', '/api/v1/deliveries?alert=1', undefined, 'viewer'],
  ['GET', '/api/v1/silences', undefined, 'viewer'],
  ['GET', '/api/v1/reports/alerts.csv', undefined, 'viewer'],
  ['GET', '/api/v1/rules', undefined, 'viewer'],
  ['POST', '/api/v1/rules/test', { query: '星河' }, 'viewer'],
  ['POST', '/api/v1/incidents/inc-2/notes', { text: 'n' }, 'analyst'],
  ['POST', '/api/v1/incidents/inc-2/assign', { owner: 'li' }, 'analyst'],
  ['POST', '/api/v1/incidents/inc-2/status', { status: 'responding' }, 'analyst'],
  ['POST', '/api/v1/incidents/inc-2/ack', {}, 'analyst'],
  ['POST', '/api/v1/posts/1/sentiment', { label: 'neutral' }, 'analyst'],
  ['POST', '/api/v1/silences', { matchers: [{ name: 'topic', value: 'brand-x' }], duration: '1h' }, 'analyst'],
  ['GET', '/api/v1/users', undefined, 'admin'],
  ['POST', '/api/v1/users', { username: 'new-user', password: 'lantern-otter-57', role: 'viewer' }, 'admin'],
  ['GET', '/api/v1/settings/channels', undefined, 'admin'],
  ['PUT', '/api/v1/rules/file', { name: 'x.yaml', text: 'id: x\nname: X\nquery: x\n' }, 'admin'],
];
const RANK = { none: 0, viewer: 1, analyst: 2, admin: 3 };

describe('authorization matrix', () => {
  for (const [method, path, body, min] of MATRIX) {
    for (const who of ['anonymous', 'viewer', 'analyst', 'admin'] as const) {
      const rank = who === 'anonymous' ? 0 : RANK[who];
      const allowed = rank >= RANK[min];
      it(`${method} ${path} as ${who}: ${allowed ? 'allowed' : 'refused'}`, async () => {
        const r = await req(who, method, path, body);
        if (allowed) expect(r.status, await r.clone().text()).not.toBeOneOf([401, 403]);
        else expect(r.status).toBe(who === 'anonymous' ? 401 : 403);
      });
    }
  }
});
