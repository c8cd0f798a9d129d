// The setup checklist (issue 14 item 3): what keeps alerts from reaching people, with the fix,
// worked out from the running configuration and listed by GET /healthz until it is fixed.
import { describe, it, expect, afterEach } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openDb } from '../../src/db/connection.js';
import { readEnv } from '../../src/config/env.js';
import { emptyAlertingConfig, parseAlertingConfig } from '../../src/config/alerting-config.js';
import { createNotifier } from '../../src/alerting/notifier.js';
import { createApp } from '../../src/server/app.js';
import { setupChecklist } from '../../src/server/setup-checklist.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const SHIPPED = readFileSync(`${ROOT}rules/alerting.yaml`, 'utf8');
const shipped = (vars: Record<string, string> = {}) => parseAlertingConfig('/srv/flarewatch/rules/alerting.yaml', SHIPPED, vars);

describe('setupChecklist', () => {
  it('a fresh checkout: no receiver works until FLAREWATCH_WEBHOOK_URL is set, and links point to 127.0.0.1', () => {
    const items = setupChecklist(readEnv({}), shipped());
    expect(items.map((i) => i.id)).toEqual(['receiver-url-unset', 'public-url-unset']);
    expect(items[0]).toMatchObject({ variables: ['FLAREWATCH_WEBHOOK_URL'], receivers: ['pr-desk'], channels: ['webhook'], noneWorks: true });
    expect(items[0].problem).toMatch(/^no receiver can deliver alerts: FLAREWATCH_WEBHOOK_URL is not set, so pr-desk\/webhook \(line \d+\) in alerting\.yaml is disabled$/);
    expect(items[0].fix).toBe('set FLAREWATCH_WEBHOOK_URL in the environment (e.g. export FLAREWATCH_WEBHOOK_URL=https://…) and restart flarewatch, or give the receiver another channel in alerting.yaml');
    expect(JSON.stringify(items)).not.toContain('/srv/flarewatch'); // the file's name, never the server's path
    expect(items[1]).toMatchObject({ variables: ['FLAREWATCH_PUBLIC_URL'], linksTo: 'http://127.0.0.1:8080/' });
    expect(items[1].fix).toMatch(/^set FLAREWATCH_PUBLIC_URL to the dashboard's address/);
  });

  it('nothing is listed once both are set', () => {
    const env = readEnv({ FLAREWATCH_WEBHOOK_URL: 'https://hooks.example.com/fw', FLAREWATCH_PUBLIC_URL: 'https://fw.example.com' });
    expect(setupChecklist(env, shipped(env.vars as Record<string, string>))).toEqual([]);
  });

  it('dashboard_url in alerting.yaml also fixes the links; PORT and HOST show where links point meanwhile', () => {
    const cfg = parseAlertingConfig('a.yaml', 'dashboard_url: https://fw.example.com\n');
    expect(setupChecklist(readEnv({}), cfg).map((i) => i.id)).toEqual(['no-receiver']);
    expect(setupChecklist(readEnv({ PORT: '9123', HOST: '0.0.0.0' }), emptyAlertingConfig()).find((i) => i.id === 'public-url-unset')?.linksTo).toBe('http://127.0.0.1:9123/');
  });

  it('one of two receivers off: named, but not "no receiver can deliver"', () => {
    const cfg = parseAlertingConfig('alerting.yaml', 'receivers:\n  - name: desk\n    slack: {webhook: "https://hooks.slack.com/x"}\n  - name: duty\n    dingtalk: {webhook: "https://oapi.dingtalk.com/robot/send?access_token=${DING_TOKEN}"}\nroute: {receiver: desk}\n');
    const [item] = setupChecklist(readEnv({ FLAREWATCH_PUBLIC_URL: 'https://fw.example.com' }), cfg);
    expect(item).toMatchObject({ id: 'receiver-url-unset', variables: ['DING_TOKEN'], receivers: ['duty'], channels: ['dingtalk'], noneWorks: false });
    expect(item.problem).toBe('DING_TOKEN is not set, so duty/dingtalk (line 5) in alerting.yaml is disabled');
    expect(item.fix).toContain('export DING_TOKEN=…');
  });

  it('email receivers without SMTP_URL', () => {
    const cfg = parseAlertingConfig('alerting.yaml', 'receivers:\n  - name: pr\n    email: {to: [pr@example.com]}\nroute: {receiver: pr}\n');
    const env = readEnv({ FLAREWATCH_PUBLIC_URL: 'https://fw.example.com' });
    expect(setupChecklist(env, cfg)).toEqual([expect.objectContaining({ id: 'smtp-url-unset', variables: ['SMTP_URL'], receivers: ['pr'] })]);
    expect(setupChecklist(readEnv({ FLAREWATCH_PUBLIC_URL: 'https://fw.example.com', SMTP_URL: 'smtp://mail:25' }), cfg)).toEqual([]);
  });
});

describe('GET /healthz lists the setup checklist until it is fixed', () => {
  let server: Server | null = null;
  afterEach(() => { server?.close(); server = null; });

  async function healthz(vars: Record<string, string>): Promise<{ status: number; body: Record<string, any> }> {
    const db = openDb(':memory:');
    const env = readEnv(vars);
    const notifier = createNotifier(db, shipped(vars), { env, secret: 's' }); // not started: only its configuration is read
    server = createApp({ db, env, secret: 's', now: () => new Date(), notifier }).listen(0, '127.0.0.1');
    await new Promise((ok) => server!.once('listening', ok));
    const r = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`);
    return { status: r.status, body: await r.json() as Record<string, any> };
  }

  it('a fresh start: receiver-url-unset and public-url-unset, each with its fix; no sign-in needed', async () => {
    const { status, body } = await healthz({});
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.setup.map((i: { id: string }) => i.id)).toEqual(['receiver-url-unset', 'public-url-unset']);
    for (const i of body.setup) expect(i.fix).toMatch(/^set (FLAREWATCH_WEBHOOK_URL|FLAREWATCH_PUBLIC_URL) /);
  });

  it('fixed: an empty list', async () => {
    const { body } = await healthz({ FLAREWATCH_WEBHOOK_URL: 'https://hooks.example.com/fw', FLAREWATCH_PUBLIC_URL: 'https://fw.example.com' });
    expect(body.setup).toEqual([]);
  });
});
