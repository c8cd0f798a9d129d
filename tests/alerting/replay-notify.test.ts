// `flarewatch replay --notify` against local receivers: every P1/P2 incident the replay alerts on
// is delivered on all six channels with valid signatures. Uses the shared scenarios; skips without them.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startVendors, type Vendors } from './vendor-receivers.js';
import { startSmtp, type LocalSmtp } from './smtp.js';

const SHARED = new URL('../../../shared/data/scenarios/', import.meta.url).pathname;
const hasShared = existsSync(SHARED);
if (!hasShared) console.warn('skipping: ../shared/data not found');
const BIN = fileURLToPath(new URL('../../bin/flarewatch.js', import.meta.url));
const SCENARIO = process.env.FW_NOTIFY_SCENARIO ?? '01-crisis-cascade';

let v: Vendors;
let smtp: LocalSmtp;
const dir = mkdtempSync(join(tmpdir(), 'fw-replay-notify-'));
beforeAll(async () => {
  v = await startVendors({ dingSecret: 'SECreplay', feishuSecret: 'fs-replay', hookSecret: 'hook-replay', keyword: '舆情' });
  smtp = await startSmtp();
});
afterAll(async () => { await v?.close(); await smtp?.close(); rmSync(dir, { recursive: true, force: true }); });

describe.skipIf(!hasShared)('replay --notify', () => {
  it(`delivers every P1/P2 incident of ${SCENARIO} on all six channels`, async () => {
    const rules = join(dir, 'rules');
    const src = join(SHARED, SCENARIO, 'rules');
    mkdirSync(rules, { recursive: true });
    for (const f of readdirSync(src)) copyFileSync(join(src, f), join(rules, f));
    writeFileSync(join(rules, 'alerting.yaml'), `receivers:
  - name: pr-desk
    email: {to: [pr@example.com]}
    wecom: {webhook: "${v.wecom.url}/cgi-bin/webhook/send?key=K"}
    dingtalk: {webhook: "${v.dingtalk.url}/robot/send?access_token=T", secret: SECreplay, keywords: [舆情]}
    feishu: {webhook: "${v.feishu.url}/open-apis/bot/v2/hook/H", secret: fs-replay}
    slack: {webhook: "${v.slack.url}/services/X"}
    webhook: {url: "${v.webhook.url}/hook", secret: hook-replay}
route:
  receiver: pr-desk
  group_wait: 30s
  routes:
    - match: {level: [P1, P2]}
      receiver: pr-desk
    - match: {level: [P3, P4]}
      receiver: pr-desk
`);
    const out = join(dir, 'alerts.jsonl');
    const started = Date.now();
    const code = await new Promise<number | null>((ok) => {
      const c = spawn(process.execPath, [BIN, 'replay', '--rules', rules, '--in', join(SHARED, SCENARIO, 'observations.jsonl'), '--out', out, '--notify'],
        { env: { ...process.env, SMTP_URL: smtp.url, FLAREWATCH_PUBLIC_URL: 'http://127.0.0.1:8080' }, stdio: ['ignore', 'inherit', 'inherit'] });
      c.on('exit', ok);
    });
    expect(code).toBe(0);
    const alerts = readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const serious = new Set(alerts.filter((a) => a.state === 'firing' && (a.level === 'P1' || a.level === 'P2') && a.incident).map((a) => a.incident as string));
    const hookIncidents = (rx: { requests: { json: any }[] }) => new Set(rx.requests.map((r) => r.json?.alert?.incident).filter(Boolean));
    const byHook = hookIncidents(v.webhook);
    const text = (rx: { requests: { body: string }[] }) => rx.requests.map((r) => r.body.replace(/\\\\/g, '')).join('\n');
    for (const inc of serious) {
      expect(byHook.has(inc)).toBe(true);
      for (const rx of [v.dingtalk, v.feishu, v.wecom, v.slack]) expect(text(rx)).toContain(inc);
      expect(smtp.mails.some((m) => m.raw.includes(inc))).toBe(true);
    }
    const n = v.webhook.requests.length;
    for (const rx of [v.dingtalk, v.feishu, v.wecom, v.slack]) expect(rx.requests).toHaveLength(n); // all accepted (receivers answer errors otherwise)
    expect(smtp.mails).toHaveLength(n);
    console.log(`replay --notify ${SCENARIO}: ${alerts.length} alerts, ${serious.size} P1/P2 incidents, ${n} notifications × 6 channels, ${Date.now() - started} ms`);
  }, 180_000);
});
