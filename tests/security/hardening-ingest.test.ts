// Issue 13 items 5, 8 and 10 (ingest part), against the app as `start` assembles it:
// - a body the ingest cannot read (XML, octet-stream, no Content-Type) is refused with 415 that
//   names what is read, instead of answering 200 {"accepted":0};
// - ingest with a session cookie needs the session's CSRF token (text/plain is a form-postable type);
// - a body over the limit is refused with 413 at once, and a big batch within it is stored in
//   chunks that leave the event loop free for readers (/healthz keeps answering).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, startLikeStart, type StartedApp } from './start-app.js';
import { INGEST_MAX_BYTES } from '../../src/server/body-limits.js';

let app: StartedApp;
beforeAll(async () => { app = await startLikeStart(); }, 30_000);
afterAll(async () => { await app?.stop(); });

const obs = (id: string, text = '星河乳业 新品 好喝') => ({ at: new Date().toISOString(), source: 'weibo', kind: 'post', id, text, metrics: { reposts: 1 } });
const stored = (id: string) => app.monitor.db.prepare("SELECT count(*) FROM posts WHERE source = 'weibo' AND ext_id = ?").pluck().get(id) as number;

describe('content types', () => {
  const body = JSON.stringify([obs('ct-1')]);
  for (const type of ['application/xml', 'application/octet-stream', 'text/html', 'multipart/form-data; boundary=x', null]) {
    it(`${type ?? 'no Content-Type'}: 415 naming JSON arrays and NDJSON, nothing stored`, async () => {
      const headers: Record<string, string> = { authorization: `Bearer ${app.token}`, 'content-length': String(Buffer.byteLength(body)) };
      if (type) headers['content-type'] = type;
      const r = await rawRequest(`${app.url}/api/v1/observations`, { method: 'POST', headers, body });
      expect(r.status, r.text).toBe(415);
      expect(String(r.json?.error)).toMatch(type ? /cannot read Content-Type/ : /no Content-Type/);
      expect(String(r.json?.hint)).toMatch(/JSON array/);
      expect(String(r.json?.hint)).toMatch(/NDJSON/);
      expect(r.json?.accepted).toEqual(expect.arrayContaining(['application/json', 'application/x-ndjson']));
      expect(stored('ct-1')).toBe(0);
    });
  }
  it('JSON arrays and NDJSON are still read', async () => {
    const a = await fetch(`${app.url}/api/v1/observations`, { method: 'POST', headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify([obs('ct-2')]) });
    expect(await a.json()).toMatchObject({ accepted: 1 });
    const n = await fetch(`${app.url}/api/v1/observations`, { method: 'POST', headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/x-ndjson' }, body: `${JSON.stringify(obs('ct-3'))}\n${JSON.stringify(obs('ct-4'))}\n` });
    expect(await n.json()).toMatchObject({ accepted: 2 });
    expect(stored('ct-2') + stored('ct-3') + stored('ct-4')).toBe(3);
  });
});

describe('CSRF on cookie ingest', () => {
  it('an analyst session posting text/plain without the CSRF token is refused, and nothing is stored', async () => {
    const s = await app.login('analyst');
    const attempts: Record<string, string>[] = [{ cookie: s.cookie, 'content-type': 'text/plain' }, { cookie: s.cookie, 'content-type': 'text/plain', 'x-csrf-token': 'wrong' }];
    for (const headers of attempts) {
      const r = await fetch(`${app.url}/api/v1/observations`, { method: 'POST', headers, body: JSON.stringify(obs('csrf-1')) });
      expect(r.status).toBe(403);
      expect(((await r.json()) as { error: string }).error).toMatch(/CSRF/);
    }
    expect(stored('csrf-1')).toBe(0);
    const ok = await fetch(`${app.url}/api/v1/observations`, { method: 'POST', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'text/plain' }, body: JSON.stringify(obs('csrf-2')) });
    expect(ok.status).toBe(200);
    expect(stored('csrf-2')).toBe(1);
  });
});

describe('large ingests', () => {
  it('a 19 MB body is refused with 413 and a clear message, quickly', async () => {
    const line = JSON.stringify(obs('big-x', '星河乳业 '.repeat(200)));
    const n = Math.ceil((19 * 1024 * 1024) / (line.length + 1));
    const body = Array.from({ length: n }, (_, i) => line.replace('big-x', `big-${i}`)).join('\n');
    expect(Buffer.byteLength(body)).toBeGreaterThan(INGEST_MAX_BYTES);
    const t0 = performance.now();
    const r = await rawRequest(`${app.url}/api/v1/observations`, { method: 'POST', headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/x-ndjson', 'content-length': String(Buffer.byteLength(body)) }, body });
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(r.status, r.text.slice(0, 300)).toBe(413);
    expect(String(r.json?.error)).toMatch(/too large.*at most 5 MB/);
    expect(String(r.json?.hint)).toMatch(/split/);
    expect(stored('big-0')).toBe(0);
  }, 30_000);

  it('a big batch (8,000 observations) is stored whole while /healthz keeps answering', async () => {
    const n = 8000;
    const items = Array.from({ length: n }, (_, i) => obs(`bulk-${i}`, i % 10 ? `普通帖子 ${i} 今天天气不错` : `星河乳业 ${i} 客服 态度 差`));
    const body = JSON.stringify(items);
    expect(Buffer.byteLength(body)).toBeLessThan(INGEST_MAX_BYTES);
    let done = false;
    const gaps: number[] = [];
    const poll = (async () => {
      let last = performance.now();
      while (!done) {
        const r = await fetch(`${app.url}/healthz`);
        await r.arrayBuffer();
        const t = performance.now();
        gaps.push(t - last);
        last = t;
      }
    })();
    const t0 = performance.now();
    const r = await fetch(`${app.url}/api/v1/observations`, { method: 'POST', headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/json' }, body });
    const took = performance.now() - t0;
    done = true;
    await poll;
    expect(await r.json()).toMatchObject({ accepted: n, rejected: [] });
    expect(app.monitor.db.prepare("SELECT count(*) FROM posts WHERE ext_id LIKE 'bulk-%'").pluck().get()).toBe(n);
    // readers are served between chunks: many answers during the ingest, no stall anywhere near its length
    const worst = Math.max(...gaps);
    console.log(`ingest of ${n} observations took ${Math.round(took)} ms; /healthz answered ${gaps.length} times, worst gap ${Math.round(worst)} ms`);
    expect(gaps.length).toBeGreaterThan(5);
    expect(worst).toBeLessThan(Math.max(1000, took / 3));
  }, 60_000);
});
