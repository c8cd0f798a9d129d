// The dashboard's full-report download route, in a bare express app on 127.0.0.1.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/connection.js';
import { readEnv } from '../../src/config/env.js';
import { createReportRouter } from '../../src/report/report-router.js';
import { createFixtureDb } from './fixture-db.js';
import { chromium } from './helpers.js';

let server: Server;
let base: string;
let db: Db;

beforeAll(async () => {
  db = openDb(createFixtureDb());
  const app = express();
  app.use((req, _res, next) => {
    if (req.headers['x-test-role']) (req as unknown as { user: unknown }).user = { id: 1, username: 't', role: req.headers['x-test-role'], via: 'session' };
    next();
  });
  app.use('/api/v1', createReportRouter({ db, env: readEnv({}), now: () => new Date('2026-03-09T01:00:00Z') }));
  server = await new Promise((ok) => { const s = app.listen(0, '127.0.0.1', () => ok(s)); });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
});
afterAll(async () => {
  await new Promise((ok) => server.close(() => ok(null)));
  db.close();
});

const get = (path: string, role: string | null = 'viewer') => fetch(`${base}${path}`, { headers: role ? { 'x-test-role': role } : {} });

describe('GET /api/v1/reports/full', () => {
  it('needs a signed-in user', async () => {
    expect((await get('/reports/full', null)).status).toBe(401);
  });

  it('defaults to the last 7 days ending now as HTML, as an attachment, and says so', async () => {
    const r = await get('/reports/full');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/html/);
    expect(r.headers.get('content-disposition')).toBe('attachment; filename="flarewatch-report-2026-03-02_09_00_2026-03-09_09_00.html"');
    const html = await r.text();
    expect(html).toContain('星河乳业');
    expect(html).toContain('默认为最近 7 天');
  });

  it('csv is one table per download: incidents by default, another by name, all of them as a zip', async () => {
    const inc = await get('/reports/full?format=csv&from=2026-03-02&to=2026-03-08');
    expect(inc.headers.get('content-disposition')).toBe('attachment; filename="flarewatch-report-2026-03-02_2026-03-08.csv"');
    expect((await inc.text()).replace(/^\uFEFF/, '').split('\r\n')[0]).toMatch(/^编号,主题,标题/);
    const posts = await get('/reports/full?format=csv&table=posts&from=2026-03-02&to=2026-03-08');
    expect(posts.headers.get('content-disposition')).toContain('2026-03-08-posts.csv');
    expect(await posts.text()).toContain('星河牛奶喝出异物');
    const zip = await get('/reports/full?format=csv&table=all&from=2026-03-02&to=2026-03-08');
    expect(zip.headers.get('content-type')).toBe('application/zip');
    expect(Buffer.from(await zip.arrayBuffer()).subarray(0, 2).toString()).toBe('PK');
    expect((await get('/reports/full?format=csv&table=nope')).status).toBe(400);
  });

  it('takes the dashboard\'s ISO dates and other formats', async () => {
    const r = await get('/reports/full?format=xlsx&from=2026-03-02T00:00:00%2B08:00&to=2026-03-09T00:00:00%2B08:00');
    expect(r.status).toBe(200);
    const buf = Buffer.from(await r.arrayBuffer());
    expect(buf.subarray(0, 2).toString()).toBe('PK');
    const csv = Buffer.from(await (await get('/reports/full?format=csv&from=2026-03-02&to=2026-03-08&lang=en')).arrayBuffer());
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  it('bad input is a 400 with a hint', async () => {
    const r = await get('/reports/full?from=2026-13-01');
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ error: expect.stringMatching(/--from/), hint: expect.stringMatching(/YYYY-MM-DD/) });
    expect((await get('/reports/full?format=docx')).status).toBe(400);
  });

  it.skipIf(!chromium)('serves PDFs, several at once', async () => {
    const rs = await Promise.all([1, 2].map(() => get('/reports/full?format=pdf&from=2026-03-02&to=2026-03-08')));
    for (const r of rs) {
      expect(r.status).toBe(200);
      expect(Buffer.from(await r.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    }
  }, 60_000);
});
