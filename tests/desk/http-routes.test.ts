import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAckLinkRouter, createAlertingRouter } from '../../src/alerting/http-routes.js';
import { createNotifier } from '../../src/alerting/notifier.js';
import { signAckToken } from '../../src/alerting/ack-link.js';
import { config, freshDb, insertAlert, insertIncident, startReceiver, testEnv, type Receiver } from '../alerting/helpers.js';

const NOW = new Date('2026-08-22T06:00:00Z');
let server: Server;
let base = '';
let rx: Receiver;
const db = freshDb();

beforeAll(async () => {
  rx = await startReceiver(() => ({ status: 200, body: 'ok' }));
  const notifier = createNotifier(db, config(`receivers:\n  - name: desk\n    webhook: {url: "${rx.url}/h"}\n  - name: broken\n    slack: {webhook: "${rx.url.replace(/:\d+$/, ':9')}/x"}\nroute: {receiver: desk, group_wait: 0s}\ndelivery: {initial_backoff: 10ms, max_age: 50ms, timeout: 500ms}\n`), { env: testEnv(), secret: 'route-secret' });
  insertIncident(db, 'inc-1');
  insertIncident(db, 'inc-2');
  const app = express();
  app.use(express.json());
  app.use((req, _res, next) => { const role = req.header('x-role'); if (role) (req as any).user = { id: 1, username: `u-${role}`, role }; next(); });
  const router = createAlertingRouter({ db, notifier, secret: 'route-secret', now: () => NOW });
  app.use('/api/v1', router);
  app.use(createAckLinkRouter({ db, secret: 'route-secret', now: () => NOW }));
  server = app.listen(0, '127.0.0.1');
  await new Promise((ok) => server.once('listening', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const a = insertAlert(db, { incident: 'inc-1', level: 'P1' });
  notifier.onAlert(a, NOW);
  await notifier.tick(new Date(NOW.getTime() + 1000));
});
afterAll(async () => { server.close(); await rx.close(); });

const call = (method: string, path: string, role?: string, body?: unknown) => fetch(`${base}${path}`, {
  method, headers: { 'content-type': 'application/json', ...(role ? { 'x-role': role } : {}) }, body: body === undefined ? undefined : JSON.stringify(body),
});

describe('alerting HTTP routes', () => {
  it('link previewers and HEAD requests do not acknowledge', async () => {
    const tok = signAckToken('inc-2', new Date(NOW.getTime() + 3600_000), 'route-secret');
    expect((await fetch(`${base}/ack/${tok}`, { headers: { 'user-agent': 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' } })).status).toBe(200);
    expect((await fetch(`${base}/ack/${tok}`, { method: 'HEAD' })).status).toBe(200);
    const inc = await (await call('GET', '/api/v1/incidents/inc-2/desk', 'viewer')).json();
    expect(inc.incident.status).toBe('new');
    const { LINK_PREVIEW_UA } = await import('../../src/alerting/http-routes.js');
    for (const human of ['Mozilla/5.0 (iPhone) AppleWebKit/605 Mobile DingTalk/7.0.40', 'Mozilla/5.0 (Windows NT 10.0) wxwork/4.1.0 MicroMessenger/7.0.1',
      'Mozilla/5.0 (Macintosh) Lark/7.1.0 LarkLocale/zh_CN', 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120 Safari/537.36']) expect(LINK_PREVIEW_UA.test(human)).toBe(false);
  });

  it('one-click ack link acknowledges without a session; expired or forged links are refused', async () => {
    // GET asks who acknowledges; the form's POST acknowledges and records that name
    const ok = await fetch(`${base}/ack/${signAckToken('inc-2', new Date(NOW.getTime() + 3600_000), 'route-secret')}`,
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `name=${encodeURIComponent('王五')}` });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/Acknowledged/);
    const inc = await (await call('GET', '/api/v1/incidents/inc-2/desk', 'viewer')).json();
    expect(inc.incident).toMatchObject({ status: 'acknowledged', acknowledgedBy: '王五' });
    expect((await call('GET', `/ack/${signAckToken('inc-2', new Date(NOW.getTime() - 1), 'route-secret')}`)).status).toBe(410);
    expect((await call('GET', `/ack/${signAckToken('inc-2', new Date(NOW.getTime() + 3600_000), 'other-secret')}`)).status).toBe(400);
    expect((await call('GET', '/ack/garbage')).status).toBe(400);
    const page = await (await call('GET', `/ack/${signAckToken('<script>', new Date(NOW.getTime() + 3600_000), 'route-secret')}`)).text();
    expect(page).not.toContain('<script>');
  });

  it('writes need analyst or admin', async () => {
    expect((await call('POST', '/api/v1/incidents/inc-1/ack', 'viewer', {})).status).toBe(403);
    expect((await call('POST', '/api/v1/incidents/inc-1/ack')).status).toBe(401);
    const r = await call('POST', '/api/v1/incidents/inc-1/ack', 'analyst', {});
    expect(r.status).toBe(200);
    expect((await r.json()).incident.acknowledgedBy).toBe('u-analyst');
  });

  it('assign, status, notes, audit; errors map to 400/404/409', async () => {
    expect((await call('POST', '/api/v1/incidents/inc-1/assign', 'admin', { owner: 'carol' })).status).toBe(200);
    expect((await call('POST', '/api/v1/incidents/inc-1/status', 'admin', { status: 'responding' })).status).toBe(200);
    expect((await call('POST', '/api/v1/incidents/inc-1/status', 'admin', { status: 'acknowledged' })).status).toBe(409);
    expect((await call('POST', '/api/v1/incidents/inc-1/status', 'admin', { status: 'bogus' })).status).toBe(400);
    expect((await call('POST', '/api/v1/incidents/nope/status', 'admin', { status: 'resolved' })).status).toBe(404);
    expect((await call('POST', '/api/v1/incidents/inc-1/notes', 'analyst', { text: '进展 update' })).status).toBe(201);
    expect((await call('POST', '/api/v1/incidents/inc-1/notes', 'analyst', { text: '' })).status).toBe(400);
    const notes = await (await call('GET', '/api/v1/incidents/inc-1/notes', 'viewer')).json();
    expect(notes.notes.map((n: { text: string }) => n.text)).toEqual(['进展 update']);
    const audit = await (await call('GET', '/api/v1/incidents/inc-1/audit', 'viewer')).json();
    expect(audit.audit.map((a: { action: string }) => a.action)).toEqual(['incident.ack', 'incident.assign', 'incident.status', 'incident.note']);
  });

  it('delivery receipts per alert, silences CRUD, channel test with a visible failure', async () => {
    const d = await (await call('GET', '/api/v1/deliveries?alert=1', 'viewer')).json();
    expect(d.deliveries).toHaveLength(1);
    expect(d.decisions).toEqual([expect.objectContaining({ outcome: 'routed' })]);
    expect(d.deliveries[0]).toMatchObject({ receiver: 'desk', channel: 'webhook', status: 'sent', attempts: 1 });
    expect(d.deliveries[0].attemptLog[0]).toMatchObject({ ok: true, statusCode: 200 });
    expect((await call('GET', '/api/v1/deliveries?alert=x', 'viewer')).status).toBe(400);
    const s = await call('POST', '/api/v1/silences', 'analyst', { matchers: [{ name: 'topic', value: 'brand-x' }], duration: '2h', comment: 'planned' });
    expect(s.status).toBe(201);
    const sid = (await s.json()).silence.id;
    expect((await (await call('GET', '/api/v1/silences?active=1', 'viewer')).json()).silences).toHaveLength(1);
    expect((await call('POST', '/api/v1/silences', 'analyst', { matchers: [] })).status).toBe(400);
    expect((await call('DELETE', `/api/v1/silences/${sid}`, 'viewer')).status).toBe(403);
    expect((await call('DELETE', `/api/v1/silences/${sid}`, 'analyst')).status).toBe(200);
    expect((await (await call('GET', '/api/v1/silences?active=1', 'viewer')).json()).silences).toHaveLength(0);
    const ok = await (await call('POST', '/api/v1/channels/test', 'admin', { receiver: 'desk' })).json();
    expect(ok.ok).toBe(true);
    expect(rx.requests.at(-1)!.json.kind).toBe('test');
    expect((await call('POST', '/api/v1/channels/test', 'admin', { receiver: 'nobody' })).status).toBe(404);
    expect((await (await call('POST', '/api/v1/channels/test', 'admin', { receiver: 'desk', channel: 'webhook' })).json()).ok).toBe(true);
    expect((await call('POST', '/api/v1/channels/test', 'admin', { receiver: 'desk', channel: 'email' })).status).toBe(404);
    expect((await call('POST', '/api/v1/channels/test', 'viewer', { receiver: 'desk' })).status).toBe(403);
    const bad = await (await call('POST', '/api/v1/channels/test', 'admin', { receiver: 'broken' })).json();
    expect(bad.ok).toBe(false);
    const w = await (await call('GET', '/api/v1/alerting/warnings', 'viewer')).json();
    expect(w.warnings.some((x: { receiver: string; kind: string }) => x.receiver === 'broken')).toBe(true); // visible, though no email fallback exists
  });
});
