// Issue 13 item 2: rule files. Against the app as `start` assembles it: a viewer cannot read
// alerting.yaml (webhook secrets) through GET /api/v1/rules/file and an admin reads it redacted;
// nobody can overwrite a reserved config file with a topic. And the real `flarewatch start`
// process: a mistake in a rules file makes it exit non-zero with the ConfigError's message instead
// of staying up half-started.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliProcess, startLikeStart, type Session, type StartedApp } from './start-app.js';
import { startMonitor } from '../../src/runtime/monitor.js';
import { readEnv } from '../../src/config/env.js';
import { ConfigError } from '../../src/core/errors.js';

const ALERTING = [
  'receivers:',
  '  - name: desk',
  '    wecom: {webhook: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wecom-key-0123456789"}',
  '    dingtalk: {webhook: "https://oapi.dingtalk.com/robot/send?access_token=ding-token-0123456789", secret: "SEC0123456789abcdef0123456789abcdef"}',
  '    webhook:',
  '      url: https://example.com/hook',
  '      secret: plain-hook-secret',
  'route: {receiver: desk}',
  '',
].join('\n');
const SECRETS = ['wecom-key-0123456789', 'ding-token-0123456789', 'SEC0123456789abcdef0123456789abcdef', 'plain-hook-secret'];
const REPORTS = 'enabled: false\n';

let app: StartedApp;
const s: Record<string, Session> = {};
beforeAll(async () => {
  app = await startLikeStart({ rules: { 'alerting.yaml': ALERTING, 'reports.yaml': REPORTS } });
  for (const u of ['admin', 'analyst', 'viewer']) s[u] = await app.login(u);
}, 30_000);
afterAll(async () => { await app?.stop(); });

const get = (who: string, name: string) => fetch(`${app.url}/api/v1/rules/file?name=${encodeURIComponent(name)}`, { headers: { cookie: s[who].cookie } });
const send = (who: string, method: string, path: string, body: unknown) => fetch(`${app.url}/api/v1${path}`, {
  method, headers: { cookie: s[who].cookie, 'x-csrf-token': s[who].csrf, 'content-type': 'application/json' }, body: JSON.stringify(body),
});

describe('reading rule files', () => {
  it('a viewer or analyst cannot read alerting.yaml (or any reserved file)', async () => {
    for (const who of ['viewer', 'analyst']) {
      for (const name of ['alerting.yaml', 'reports.yaml']) {
        const r = await get(who, name);
        expect(r.status).toBe(403);
        const text = await r.text();
        expect(text).toMatch(/only an admin/);
        for (const x of SECRETS) expect(text).not.toContain(x);
      }
    }
  });

  it('an admin reads alerting.yaml with every secret redacted, receivers and structure kept', async () => {
    const r = await get('admin', 'alerting.yaml');
    expect(r.status).toBe(200);
    const body = (await r.json()) as { text: string; redacted: boolean };
    expect(body.redacted).toBe(true);
    for (const x of SECRETS) expect(body.text).not.toContain(x);
    expect(body.text).toContain('name: desk');
    expect(body.text).toContain('https://example.com/hook');
    expect(body.text).toContain('[redacted]');
  });

  it('topic files stay readable by a viewer, unredacted', async () => {
    const r = await get('viewer', 'topics/brand-x.yaml');
    expect(r.status).toBe(200);
    expect(((await r.json()) as { text: string }).text).toContain('星河乳业 OR 星河牛奶');
  });
});

describe('saving rule files', () => {
  const topic = 'id: sneaky\nname: Sneaky\nquery: sneaky\n';
  for (const name of ['reports.yaml', 'alerting.yaml', 'risk.yaml', 'severity.yaml', 'sources.yaml', 'alerting.yml', 'Sources.yaml']) {
    it(`an admin cannot overwrite ${name} with a topic`, async () => {
      const before = (() => { try { return readFileSync(join(app.rulesDir, name), 'utf8'); } catch { return null; } })();
      const r = await send('admin', 'PUT', '/rules/file', { name, text: topic });
      expect(r.status).toBe(400);
      expect(((await r.json()) as { error: string }).error).toMatch(/configuration file, not a topic file/);
      const after = (() => { try { return readFileSync(join(app.rulesDir, name), 'utf8'); } catch { return null; } })();
      expect(after).toBe(before);
      expect((await send('admin', 'POST', '/rules/validate', { name, text: topic })).status).toBe(400);
    });
  }

  it('a topic file is still saved, also one named like a reserved file under topics/', async () => {
    expect((await send('admin', 'PUT', '/rules/file', { name: 'topics/new-brand.yaml', text: 'id: new-brand\nname: 新品牌\nquery: 新品牌\n' })).status).toBe(200);
    expect((await send('admin', 'PUT', '/rules/file', { name: 'topics/reports.yaml', text: 'id: reports-topic\nname: 报告\nquery: 报告\n' })).status).toBe(200);
  });
});

describe('start with a mistake in a rules file', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'fw-start-bad-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const rulesWith = (name: string, files: Record<string, string>) => {
    const r = join(dir, name);
    mkdirSync(join(r, 'topics'), { recursive: true });
    writeFileSync(join(r, 'topics', 'a.yaml'), 'id: a\nname: 甲品牌\nquery: 甲品牌\n');
    for (const [f, t] of Object.entries(files)) writeFileSync(join(r, f), t);
    return r;
  };
  const cases: [string, Record<string, string>, RegExp][] = [
    ['a schedule that is not cron in sources.yaml', {
      'sources.yaml': 'sources:\n  - id: feed\n    adapter: rss\n    url: https://example.com/feed.xml\n    schedule: "every 5 minutes"\n',
      'alerting.yaml': 'receivers:\n  - name: desk\n    webhook: {url: "http://127.0.0.1:9/hook"}\nroute: {receiver: desk}\n',
    }, /sources\.yaml line 5: schedule 'every 5 minutes' is not a cron expression/],
    ['a topic saved into reports.yaml', { 'reports.yaml': 'id: sneaky\nname: Sneaky\nquery: sneaky\n' }, /reports\.yaml line 1: unknown field 'id'/],
    ['a broken topic query next to a working alerting config', {
      'alerting.yaml': 'receivers:\n  - name: desk\n    webhook: {url: "http://127.0.0.1:9/hook"}\nroute: {receiver: desk}\n',
      'topics/b.yaml': 'id: b\nname: 乙\nquery: (乙 OR\n',
    }, /b\.yaml line 3: query/],
  ];
  for (const [label, files, message] of cases) {
    it(`flarewatch start exits non-zero at once with the ConfigError for ${label}`, async () => {
      const rules = rulesWith(label.replace(/\W+/g, '-'), files);
      const r = await runCliProcess(['start', '--db', join(dir, `${label.length}.db`), '--rules', rules, '--port', '0'], { timeoutMs: 25_000 });
      expect(r.timedOut, `still running after 25 s (half-started); stderr:\n${r.stderr}`).toBe(false);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/dashboard: http/);
    }, 40_000);
  }

  it('startMonitor rejects with the ConfigError and leaves no timer or file watcher behind', async () => {
    // reports.yaml is read last: alerting, the pipeline and the rules watcher have started by then
    const rules = rulesWith('in-process', {
      'alerting.yaml': 'receivers:\n  - name: desk\n    webhook: {url: "http://127.0.0.1:9/hook"}\nroute: {receiver: desk}\n',
      'reports.yaml': 'id: sneaky\nname: Sneaky\nquery: sneaky\n',
    });
    const handles = () => process.getActiveResourcesInfo().filter((k) => k === 'Timeout' || k === 'FSEventWrap' || k === 'StatWatcher').length;
    const before = handles();
    const env = { ...readEnv({}), dbPath: join(dir, 'in-process.db'), rulesDir: rules, host: '127.0.0.1', port: 0 };
    await expect(startMonitor({ env, log: () => undefined })).rejects.toBeInstanceOf(ConfigError);
    await new Promise((r) => setTimeout(r, 50));
    expect(handles()).toBeLessThanOrEqual(before);
  });
});
