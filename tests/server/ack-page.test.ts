// The acknowledge link's page against the app as createApp builds it (issue 14 item 7): the
// app's own CSP allows the page's style (a same-origin style sheet, no inline style), times are
// in Asia/Shanghai (FLAREWATCH_TZ), a GET never acknowledges (people and link previewers alike),
// and the form's POST records the name the person gives, not `ack-link:inc-10`.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openDb, type Db } from '../../src/db/connection.js';
import { readEnv } from '../../src/config/env.js';
import { createApp } from '../../src/server/app.js';
import { emptyAlertingConfig } from '../../src/config/alerting-config.js';
import { ackLink } from '../../src/alerting/notification-builder.js';
import { insertIncident } from '../alerting/helpers.js';

const NOW = new Date('2026-08-22T08:00:00Z'); // 16:00 in Shanghai
const SECRET = 'ack-page-secret';

async function serve(db: Db, extraEnv: Record<string, string> = {}): Promise<{ url: string; close: () => void; link: (id: string) => string }> {
  const env = readEnv({ FLAREWATCH_PUBLIC_URL: 'http://127.0.0.1:1', ...extraEnv });
  const server: Server = createApp({ db, env, secret: SECRET, now: () => NOW }).listen(0, '127.0.0.1');
  await new Promise((ok) => server.once('listening', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () => server.close(),
    // the link exactly as a notification carries it (7-day expiry), re-based on this server
    link: (id) => ackLink({ db, config: emptyAlertingConfig(), env, secret: SECRET, wallNow: NOW }, id).url.replace('http://127.0.0.1:1', url),
  };
}

const status = (db: Db, id: string) => db.prepare('SELECT status, acknowledged_by AS by, acknowledged_at AS at FROM incidents WHERE id = ?').get(id) as { status: string; by: string | null; at: string | null };
const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body, redirect: 'manual' });

describe('the acknowledge page', () => {
  const db = openDb(':memory:');
  let app: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    insertIncident(db, 'inc-10', { level: 'P1' });
    insertIncident(db, 'inc-11', { level: 'P2' });
    app = await serve(db);
  });
  afterAll(() => app.close());

  it('is styled within the app\'s CSP: a same-origin style sheet, no inline style or script', async () => {
    const r = await fetch(app.link('inc-10'));
    expect(r.status).toBe(200);
    const csp = r.headers.get('content-security-policy')!;
    expect(csp).toMatch(/(^|;)\s*style-src 'self'(;|$)/);
    expect(csp).toMatch(/form-action 'self'/);
    expect(csp).not.toContain('unsafe-inline');
    const html = await r.text();
    expect(html).not.toMatch(/\sstyle=|<style|<script|\son[a-z]+=/i);
    const sheet = /<link rel="stylesheet" href="([^"]+)">/.exec(html)?.[1];
    expect(sheet).toBe('/ack/assets/ack.css'); // same origin: allowed by style-src 'self'
    const css = await fetch(`${app.url}${sheet}`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    expect(await css.text()).toContain('body{');
    expect(html).toMatch(/<form method="post">/); // posts back to the link itself (form-action 'self')
  });

  it('a GET asks who acknowledges, states the expiry in Asia/Shanghai, and acknowledges nothing', async () => {
    const html = await (await fetch(app.link('inc-10'), { headers: { 'user-agent': 'Mozilla/5.0 (iPhone) Mobile DingTalk/7.0.40' } })).text();
    expect(html).toContain('<input type="text" id="ack-name" name="name" required maxlength="60" autocomplete="name" value="">');
    expect(html).toContain('链接有效至 Link valid until 北京时间 2026-08-29 16:00');
    expect(html).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d|Z\b/); // no raw UTC time
    expect(html).toContain('incident inc-10');
    // a person looking, a link previewer, a HEAD: still new
    await fetch(app.link('inc-10'), { headers: { 'user-agent': 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' } });
    await fetch(app.link('inc-10'), { method: 'HEAD' });
    expect(status(db, 'inc-10')).toEqual({ status: 'new', by: null, at: null });
  });

  it('POST without a name shows the form again with what is missing', async () => {
    const r = await post(app.link('inc-10'), 'name=%20%20');
    expect(r.status).toBe(400);
    expect(await r.text()).toContain('请填写你的名字 / Please enter your name');
    expect(status(db, 'inc-10').status).toBe('new');
  });

  it('POST with a name acknowledges and records that name; times shown in Asia/Shanghai', async () => {
    const r = await post(app.link('inc-10'), `name=${encodeURIComponent('  张三\n ')}`);
    expect(r.status).toBe(200);
    const html = await r.text();
    expect(html).toContain('<h1>已确认 Acknowledged</h1>');
    expect(html).toContain('确认人 Acknowledged by <b>张三</b> · 北京时间 2026-08-22 16:00');
    expect(status(db, 'inc-10')).toEqual({ status: 'acknowledged', by: '张三', at: NOW.toISOString() });
    const audit = db.prepare("SELECT actor, action FROM audit_log WHERE target = 'incident:inc-10'").all();
    expect(audit).toEqual([{ actor: '张三', action: 'incident.ack' }]);
    // the name is remembered on this browser to fill the form next time (not an authority)
    const cookie = r.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^fw_ack_name=%E5%BC%A0%E4%B8%89; Path=\/ack; Max-Age=31536000; SameSite=Lax; HttpOnly$/);
    const again = await (await fetch(app.link('inc-11'), { headers: { cookie: cookie.split(';')[0] } })).text();
    expect(again).toContain('value="张三"');
  });

  it('an acknowledged incident says by whom and when; a second POST keeps the first acknowledger', async () => {
    const html = await (await fetch(app.link('inc-10'))).text();
    expect(html).toContain('<h1>已确认 Already acknowledged</h1>');
    expect(html).toContain('确认人 Acknowledged by <b>张三</b> · 北京时间 2026-08-22 16:00');
    expect(html).not.toContain('<form');
    const r = await post(app.link('inc-10'), 'name=李四');
    expect(r.status).toBe(200);
    expect(status(db, 'inc-10').by).toBe('张三');
  });

  it('crawled titles and names are escaped; expired and forged links are refused', async () => {
    db.prepare("UPDATE incidents SET title = '<img src=x onerror=alert(1)>' WHERE id = 'inc-11'").run();
    const r = await post(app.link('inc-11'), `name=${encodeURIComponent('<b>x</b>')}`);
    const html = await r.text();
    expect(html).not.toMatch(/<img|<b>x/);
    expect(status(db, 'inc-11').by).toBe('<b>x</b>');
    const token = app.link('inc-10').split('/ack/')[1];
    expect((await fetch(`${app.url}/ack/${token.slice(0, -2)}xx`)).status).toBe(400);
    expect((await post(`${app.url}/ack/${token.slice(0, -2)}xx`, 'name=a')).status).toBe(400);
  });
});

describe('a merged incident', () => {
  it('points to the incident it was merged into instead of asking', async () => {
    const db = openDb(':memory:');
    insertIncident(db, 'inc-30');
    insertIncident(db, 'inc-31');
    db.prepare("UPDATE incidents SET merged_into = 'inc-30', status = 'resolved' WHERE id = 'inc-31'").run();
    const app = await serve(db);
    try {
      const html = await (await fetch(app.link('inc-31'))).text();
      expect(html).toContain('<h1>事件已合并 Incident merged</h1>');
      expect(html).toContain('<a href="/#/incident/inc-30">inc-30</a>');
      expect(html).not.toContain('<form');
    } finally { app.close(); }
  });
});

describe('FLAREWATCH_TZ', () => {
  it('the page shows times in the configured zone', async () => {
    const db = openDb(':memory:');
    insertIncident(db, 'inc-20');
    const app = await serve(db, { FLAREWATCH_TZ: 'Europe/Berlin' });
    try {
      const html = await (await fetch(app.link('inc-20'))).text();
      expect(html).toContain('链接有效至 Link valid until 2026-08-29 10:00 Europe/Berlin');
    } finally { app.close(); }
  });
});
