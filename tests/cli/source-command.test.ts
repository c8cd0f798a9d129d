// `flarewatch source accounts ID` and `flarewatch source resume ID [--account NAME]`: the way back
// from a captcha pause on the command line, on a database file as the running monitor leaves it
// (src/cli/commands/source.ts): paused accounts active again, the saved session's captcha flag
// cleared, an audit row; retired accounts left alone unless named; unknown sources and accounts
// refused with exit code 2.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runCli } from '../../src/cli/main.js';
import { readEnv } from '../../src/config/env.js';
import { openDb } from '../../src/db/connection.js';
import { storeOf } from '../../src/db/store/index.js';
import { SessionStore } from '../../src/crawl/browser-session.js';

const NOW = new Date('2026-03-04T10:00:00Z');
let dir: string;
let dbFile: string;
let sessions: SessionStore;

function text() {
  let t = '';
  return { s: new Writable({ write(c, _e, cb) { t += c.toString(); cb(); } }), get text() { return t; } };
}
async function cli(args: string[]) {
  const out = text(), err = text();
  const env = readEnv({ FLAREWATCH_RULES: join(dir, 'rules'), FLAREWATCH_DB: dbFile });
  const code = await runCli(args, { stdout: out.s, stderr: err.s, env, now: () => NOW });
  return { code, out: out.text, err: err.text };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fw-source-cli-'));
  dbFile = join(dir, 'fw.db');
  mkdirSync(join(dir, 'rules'));
  writeFileSync(join(dir, 'rules', 'sources.yaml'), 'sources:\n  - id: xhs-brand\n    adapter: xhs\n    url: https://www.xiaohongshu.com/search_result?keyword=x\n  - id: fresh\n    adapter: xhs\n    url: https://www.xiaohongshu.com/search_result?keyword=y\n');
  sessions = new SessionStore(join(dir, 'sessions'));
  const db = openDb(dbFile);
  const store = storeOf(db).accounts;
  for (const name of ['desk1', 'desk2', 'desk3']) store.upsertConfig({ sourceId: 'xhs-brand', name, sessionRef: `xhs/${name}`, cookiesEnv: null, proxy: null }, NOW);
  store.setState(store.byName('xhs-brand', 'desk1')!.id, 'paused', 'captcha: a captcha appeared', 1, NOW);
  store.setState(store.byName('xhs-brand', 'desk3')!.id, 'retired', 'HTTP 403', 3, NOW);
  db.close();
  sessions.save('xhs', 'desk1', { cookies: [], localStorage: {}, savedAt: null, challenge: { kind: 'captcha', at: NOW.toISOString(), url: 'https://www.xiaohongshu.com/website-login/captcha' } });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const states = () => {
  const db = openDb(dbFile);
  try { return Object.fromEntries(storeOf(db).accounts.list('xhs-brand').map((a) => [a.name, a.state])); } finally { db.close(); }
};

describe('flarewatch source', () => {
  it('lists a source\'s accounts with their state and reason', async () => {
    const r = await cli(['source', 'accounts', 'xhs-brand', '--sessions', join(dir, 'sessions')]);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe('id\tname\torigin\tstate\terror score\tlast used\treason');
    expect(r.out).toMatch(/\tdesk1\tconfig\tpaused\t1\tnever\tcaptcha: a captcha appeared/);
    expect(r.out).toMatch(/\tdesk3\tconfig\tretired\t3\tnever\tHTTP 403/);
  });

  it('resume: paused accounts active again, the captcha flag cleared, audited; the retired one stays', async () => {
    const r = await cli(['source', 'resume', 'xhs-brand', '--sessions', join(dir, 'sessions')]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('source xhs-brand: resumed desk1; the next scheduled run uses it\n');
    expect(states()).toEqual({ desk1: 'active', desk2: 'active', desk3: 'retired' });
    expect(sessions.load('xhs', 'desk1').challenge).toBeNull();
    const db = openDb(dbFile);
    try {
      const rows = db.prepare("SELECT actor, target, detail FROM audit_log WHERE action = 'source.resume'").all() as { actor: string; target: string; detail: string }[];
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ target: 'source:xhs-brand', detail: '{"accounts":["desk1"]}' });
      expect(rows[0].actor).toMatch(/^cli:/);
    } finally { db.close(); }
    const again = await cli(['source', 'resume', 'xhs-brand', '--sessions', join(dir, 'sessions')]);
    expect(again.out).toMatch(/no account was paused \(desk1: active, desk2: active, desk3: retired\)/);
  });

  it('resume --account NAME brings back that account, a retired one too', async () => {
    const r = await cli(['source', 'resume', 'xhs-brand', '--account', 'desk3', '--sessions', join(dir, 'sessions')]);
    expect(r.code).toBe(0);
    expect(states().desk3).toBe('active');
  });

  it('refuses an unknown account, a source without accounts and an unknown source (exit 2)', async () => {
    const noAcct = await cli(['source', 'resume', 'xhs-brand', '--account', 'nobody']);
    expect(noAcct.code).toBe(2);
    expect(noAcct.err).toMatch(/has no account 'nobody'/);
    const fresh = await cli(['source', 'resume', 'fresh']);
    expect(fresh.code).toBe(2);
    expect(fresh.err).toMatch(/source fresh has no accounts yet/);
    const unknown = await cli(['source', 'resume', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/no source 'nope' with accounts/);
    expect((await cli(['source', 'resume'])).code).toBe(2);
  });
});
