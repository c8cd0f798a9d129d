// Issue 13 item 1 and "the desk exists twice", against the app as `start` assembles it: desk data
// (deliveries, silences, feedback, receivers, warnings, an incident's notes, audit and desk view)
// needs a session, at the root and under /api/v1; the one-click ack link still works without one;
// and there is one desk, with its transition rules and feedback rows, in every app createApp builds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startLikeStart, ROOT, type Session, type StartedApp } from './start-app.js';
import { startTestApp, type TestApp } from '../server/fixtures.js';
import { signAckToken } from '../../src/alerting/ack-link.js';
import { getSecret } from '../../src/server/secret.js';

const DESK_READS = ['/deliveries', '/deliveries?alert=1', '/silences', '/feedback', '/alerting/receivers', '/alerting/warnings',
  '/incidents/inc-1/notes', '/incidents/inc-1/audit', '/incidents/inc-1/desk'];

let app: StartedApp;
let viewer: Session;
beforeAll(async () => {
  app = await startLikeStart({ seedData: true, rules: { 'alerting.yaml': 'receivers:\n  - name: desk\n    webhook: {url: "http://127.0.0.1:9/hook", secret: "hook-secret-value"}\nroute: {receiver: desk}\n' } });
  viewer = await app.login('viewer');
}, 30_000);
afterAll(async () => { await app?.stop(); });

describe('desk reads need a session (start-assembled app)', () => {
  for (const prefix of ['', '/api/v1']) {
    for (const path of DESK_READS) {
      it(`GET ${prefix}${path} anonymously is 401 with JSON, and 200 for a viewer`, async () => {
        const anon = await fetch(`${app.url}${prefix}${path}`);
        expect(anon.status).toBe(401);
        expect(((await anon.json()) as { error: string }).error).toMatch(/sign in/);
        const signedIn = await fetch(`${app.url}${prefix}${path}`, { headers: { cookie: viewer.cookie } });
        expect(signedIn.status, await signedIn.clone().text()).toBe(200);
      });
    }
  }

  it('a desk write at the root needs a session and CSRF like under /api/v1', async () => {
    expect((await fetch(`${app.url}/incidents/inc-2/ack`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);
    const analyst = await app.login('analyst');
    const noCsrf = await fetch(`${app.url}/incidents/inc-2/ack`, { method: 'POST', headers: { cookie: analyst.cookie, 'content-type': 'application/json' }, body: '{}' });
    expect(noCsrf.status).toBe(403);
  });

  it('the receivers list names receivers and channel types only, never their secrets', async () => {
    const text = await (await fetch(`${app.url}/api/v1/alerting/receivers`, { headers: { cookie: viewer.cookie } })).text();
    expect(JSON.parse(text)).toEqual({ receivers: [{ name: 'desk', channels: ['webhook'] }] });
    expect(text).not.toContain('hook-secret-value');
  });

  it('the one-click ack link still acknowledges without a session', async () => {
    const secret = getSecret(app.monitor.db, { secret: null } as never);
    const r = await fetch(`${app.url}/ack/${signAckToken('inc-3', new Date(Date.now() + 3_600_000), secret)}`, {
      method: 'POST', body: 'name=desk-person', headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120', 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(r.status).toBe(200);
    expect(app.monitor.db.prepare("SELECT status FROM incidents WHERE id = 'inc-3'").pluck().get()).toBe('acknowledged');
  });
});

describe('one desk', () => {
  let plain: TestApp;
  beforeAll(async () => { plain = await startTestApp(); });
  afterAll(async () => { await plain?.close(); });

  it('the raw-SQL fallback copy is gone', () => {
    expect(existsSync(join(ROOT, 'src/server/routes/desk-fallback-routes.ts'))).toBe(false);
  });

  for (const which of ['start-assembled app', 'createApp without a notifier'] as const) {
    it(`${which}: transitions follow the desk's table, a false alarm leaves a feedback row, answers have the desk's shape`, async () => {
      const [url, db, s] = which === 'start-assembled app'
        ? [app.url, app.monitor.db, await app.login('analyst')]
        : [plain.url, plain.db, await plain.login('analyst')];
      const post = (path: string, body: unknown) => fetch(`${url}/api/v1${path}`, { method: 'POST', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const ack = await post('/incidents/inc-1/ack', {});
      expect(ack.status).toBe(200);
      expect(((await ack.json()) as { incident: { acknowledgedBy: string; timeToAcknowledgeSeconds: number } }).incident).toMatchObject({ acknowledgedBy: 'analyst' });
      expect((await post('/incidents/inc-1/status', { status: 'false_alarm', note: '误报' })).status).toBe(200);
      expect(db.prepare("SELECT count(*) FROM feedback WHERE incident_id = 'inc-1'").pluck().get()).toBe(1);
      // false_alarm -> acknowledged is not a transition of the desk (the copy allowed any status)
      const back = await post('/incidents/inc-1/status', { status: 'acknowledged' });
      expect(back.status).toBe(409);
      const note = await post('/incidents/inc-1/notes', { text: '已核实' });
      expect(note.status).toBe(201);
      expect(((await note.json()) as { note: { text: string } }).note.text).toBe('已核实');
      const d = (await (await fetch(`${url}/api/v1/deliveries?alert=1`, { headers: { cookie: s.cookie } })).json()) as Record<string, unknown>;
      expect(d).toHaveProperty('decisions');
    });
  }
});
