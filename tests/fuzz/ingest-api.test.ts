// Fuzzing POST /api/v1/observations with fast-check: random JSON arrays, NDJSON with broken
// lines, random text and bytes under every accepted content type. The answer is always 200 or 400
// with a JSON body (accepted + rejected by index, or an error with a hint), never 500; exactly the
// valid items reach ingest. Also: the ingest rate limit answers 429 and anonymous posts get 401.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startTestApp, type TestApp } from '../server/fixtures.js';
import { toObservation } from '../../src/core/observation.js';

const RUNS = process.env.FLAREWATCH_LONG_TESTS ? 600 : 80;
let app: TestApp;
beforeAll(async () => { app = await startTestApp({ seedData: false }); });
afterAll(() => app?.close());

const post = async (body: string | Uint8Array, type = 'application/json', token: string | null = app.token) => {
  const r = await fetch(`${app.url}/api/v1/observations`, { method: 'POST', headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body as BodyInit });
  const text = await r.text();
  let json: Record<string, unknown> | null = null;
  try { json = JSON.parse(text) as Record<string, unknown>; } catch { /* checked below */ }
  return { status: r.status, json, text };
};

const iso = fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
/** Observation-ish objects: mostly valid shapes with random holes, wrong types and junk fields. */
const observationish = fc.record({
  at: fc.oneof(iso, fc.string(), fc.integer(), fc.constant(null)),
  source: fc.oneof(fc.constantFrom('weibo', 'tieba', 'rss', ''), fc.string(), fc.integer()),
  kind: fc.oneof(fc.constantFrom('post', 'comment', 'repost', 'review', 'trend'), fc.string()),
  id: fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.integer(), fc.constant(null)),
  text: fc.oneof(fc.string(), fc.constant(null), fc.integer()),
  metrics: fc.oneof(fc.record({ reposts: fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.string()) }), fc.string(), fc.constant(null)),
  author: fc.oneof(fc.record({ id: fc.string(), followers: fc.oneof(fc.nat(), fc.string()) }), fc.constant(null), fc.anything()),
}, { requiredKeys: [] });
const item = fc.oneof({ weight: 4, arbitrary: observationish }, { weight: 1, arbitrary: fc.jsonValue() });

function expectWellFormed(r: { status: number; json: Record<string, unknown> | null; text: string }, items?: unknown[]) {
  expect([200, 400], r.text).toContain(r.status);
  expect(r.json, r.text).not.toBeNull();
  if ('accepted' in r.json!) {
    const rejected = r.json!.rejected as { index: number; error: string }[];
    for (const x of rejected) expect(typeof x.error).toBe('string');
    if (items) {
      const valid = items.filter((it) => { try { toObservation(it, undefined, { now: app.deps.now() }); return true; } catch { return false; } }).length;
      expect(r.json!.accepted).toBe(valid);
      expect(rejected.length).toBe(items.length - valid);
    }
  } else expect(typeof r.json!.error).toBe('string');
}

describe('POST /api/v1/observations under random input', () => {
  it('JSON arrays of random observation-like items', async () => {
    await fc.assert(fc.asyncProperty(fc.array(item, { maxLength: 8 }), async (items) => {
      const before = app.ingested.length;
      const r = await post(JSON.stringify(items));
      expectWellFormed(r, items);
      expect(app.ingested.length - before).toBe((r.json!.accepted as number | undefined) ?? 0);
    }), { numRuns: RUNS });
  });

  it('NDJSON with random and broken lines', async () => {
    const line = fc.oneof(item.map((x) => JSON.stringify(x) ?? 'null'), fc.string().filter((s) => !s.includes('\n')));
    await fc.assert(fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 8 }), fc.constantFrom('application/x-ndjson', 'text/plain', 'application/jsonl'), async (lines, type) => {
      expectWellFormed(await post(lines.join('\n'), type));
    }), { numRuns: RUNS });
  });

  it('random text, bytes and JSON values that are not arrays', async () => {
    const body = fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v) ?? ''), fc.uint8Array({ maxLength: 200 }).map((b) => new Uint8Array(b)));
    await fc.assert(fc.asyncProperty(body, fc.constantFrom('application/json', 'application/x-ndjson', 'text/plain'), async (b, type) => {
      const r = await post(b, type);
      expect(r.status).not.toBe(500);
      if (r.status !== 415) expectWellFormed(r);
    }), { numRuns: RUNS });
  });

  it('refuses anonymous and malformed-token posts with 401, without ingesting', async () => {
    const before = app.ingested.length;
    const ok = JSON.stringify([{ at: '2026-08-22T05:15:00Z', source: 'weibo', kind: 'post', id: '1', text: 'x' }]);
    expect((await post(ok, 'application/json', null)).status).toBe(401);
    expect((await post(ok, 'application/json', 'not-a-token')).status).toBe(401);
    expect(app.ingested.length).toBe(before);
  });
});

describe('ingest rate limit', () => {
  let limited: TestApp;
  beforeAll(async () => { limited = await startTestApp({ seedData: false }); });
  afterAll(() => limited?.close());
  it('answers 429 after 1200 requests a minute from one token, with a clear message', async () => {
    const send = () => fetch(`${limited.url}/api/v1/observations`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${limited.token}` }, body: '[]' });
    const statuses: number[] = [];
    for (let i = 0; i < 1200; i += 50) statuses.push(...(await Promise.all(Array.from({ length: 50 }, send))).map((r) => r.status));
    expect(statuses.filter((s) => s === 429)).toHaveLength(0);
    const over = await send();
    expect(over.status).toBe(429);
    expect(JSON.stringify(await over.json())).toMatch(/rate limit/);
  }, 60_000);
});
