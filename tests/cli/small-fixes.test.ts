// Issue 14 item 9, the smaller things: YAML syntax errors name the line to fix (an over-indented
// line 3 was reported as line 2, an unclosed quote or bracket past the end); `replay` fails when no
// observation could be read; API tokens can be listed and revoked (CLI and admin API); a bad Posts
// query answers 400 with a code to translate, the query and a column in characters that is right
// for Chinese (and characters outside the BMP).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runCli } from '../../src/cli/main.js';
import { readEnv } from '../../src/config/env.js';
import { validateYamlText } from '../../src/config/yaml-file.js';
import { loadTopics } from '../../src/config/topics-config.js';
import { parseAlertingConfig } from '../../src/config/alerting-config.js';
import { ConfigError } from '../../src/core/errors.js';
import { compileQuery, QuerySyntaxError } from '../../src/query/index.js';
import { openDb } from '../../src/db/connection.js';
import { UserAccounts } from '../../src/server/user-accounts.js';
import { startTestApp, type TestApp } from '../server/fixtures.js';
import { z } from 'zod';

function sink() {
  let text = '';
  const s = new Writable({ write(c, _e, cb) { text += c.toString(); cb(); } });
  return { s, get text() { return text; } };
}
async function cli(args: string[]) {
  const out = sink(), err = sink();
  const code = await runCli(args, { stdout: out.s, stderr: err.s, env: readEnv({}), now: () => new Date('2026-08-22T08:00:00Z') });
  return { code, out: out.text, err: err.text };
}

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'fw-small-fixes-')); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

const lineOfError = (text: string): number | null => {
  try {
    validateYamlText('t.yaml', text, z.any());
    return null;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.line;
  }
};

describe('YAML syntax errors name the line to fix', () => {
  it.each([
    ['a line indented under a plain value', 'id: acme\nname: Acme\n  query: x\n', 3],
    ['a deeper over-indented line', 'topics:\n  - id: a\n    name: A\n     query: x\n', 4],
    ['an unclosed double quote', 'id: acme\nname: Acme\nquery: "星河乳业 OR 星河牛奶\n', 3],
    ['an unclosed single quote followed by more keys', "id: acme\nname: 'Acme\nquery: x\nenabled: true\n", 2],
    ['an unclosed flow sequence', 'id: acme\nname: Acme\nkeywords: [星河, 乳业\n', 3],
    ['an unclosed flow map followed by more keys', 'id: acme\nmeta: {a: 1\nname: Acme\n', 2],
    ['a tab used for indentation', 'id: acme\nname: Acme\n\tquery: x\n', 3],
    ['a duplicate key', 'id: acme\nname: Acme\nid: other\n', 3],
    ['a key without a space after the colon', 'id: acme\nname: Acme\nquery:x\nenabled: true\n', 3],
    ['Windows line ends', 'id: acme\r\nname: Acme\r\n  query: x\r\n', 3],
    ['an alias to a missing anchor', 'id: acme\nname: Acme\nquery: *q\n', 3],
  ])('%s', (_what, text, line) => {
    expect(lineOfError(text)).toBe(line);
  });

  it('the topic loader and the alerting config report the same lines', () => {
    const rules = join(dir, 'rules-yaml');
    mkdirSync(rules);
    writeFileSync(join(rules, 'acme.yaml'), 'id: acme\nname: Acme\n  query: 星河乳业\n');
    expect(() => loadTopics(rules)).toThrow(/acme\.yaml line 3: YAML syntax error/);
    expect(() => parseAlertingConfig('rules/alerting.yaml', 'receivers:\n  - name: desk\n     webhook: {url: "http://x"}\n', {}, 'Asia/Shanghai')).toThrow(/alerting\.yaml line 3/);
  });
});

describe('replay without a single readable observation', () => {
  const rules = () => {
    const r = join(dir, 'rules-replay');
    mkdirSync(r, { recursive: true });
    writeFileSync(join(r, 'brand.yaml'), 'id: brand\nname: 星河乳业\nquery: 星河乳业\n');
    return r;
  };

  it('exits 2 with a clear message when every line is malformed', async () => {
    writeFileSync(join(dir, 'bad.jsonl'), '{"at": "2026-05-04T01:00:00Z"\nnot json\n{"source": "weibo", "kind": "post", "id": "x", "text": "no at"}\n');
    const r = await cli(['replay', '--rules', rules(), '--in', join(dir, 'bad.jsonl'), '--out', join(dir, 'bad-alerts.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/line 1: .*\(skipped\)/);
    expect(r.err).toMatch(/no observation could be read from .*bad\.jsonl: all 3 non-empty lines are malformed/);
    expect(r.err).toMatch(/hint: each line must be one JSON observation/);
  });

  it('exits 2 for an empty file, and still 0 when some lines are good', async () => {
    writeFileSync(join(dir, 'empty.jsonl'), '\n\n');
    const e = await cli(['replay', '--rules', rules(), '--in', join(dir, 'empty.jsonl'), '--out', join(dir, 'e.jsonl')]);
    expect(e.code).toBe(2);
    expect(e.err).toMatch(/holds no observations/);
    writeFileSync(join(dir, 'mixed.jsonl'), 'oops\n{"at": "2026-05-04T01:00:00Z", "source": "weibo", "kind": "post", "id": "1", "text": "星河乳业 新品"}\n');
    const m = await cli(['replay', '--rules', rules(), '--in', join(dir, 'mixed.jsonl'), '--out', join(dir, 'm.jsonl')]);
    expect(m.code).toBe(0);
    expect(m.err).toMatch(/1 observations \(1 malformed lines skipped\)/);
  });
});

describe('API tokens: list and revoke', () => {
  it('token list shows id, name, role and use, never the secret; revoke by name or id stops the token', async () => {
    const db = join(dir, 'tokens.db');
    const a = await cli(['token', 'add', '--name', 'crawler-1', '--db', db]);
    const b = await cli(['token', 'add', '--name', 'grafana', '--role', 'viewer', '--db', db]);
    const secretA = a.out.trim(), secretB = b.out.trim();
    const list = await cli(['token', 'list', '--db', db]);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/^id\tname\trole\tcreated\tlast used\n1\tcrawler-1\tingest\t2026-08-22T08:00:00.000Z\tnever\n2\tgrafana\tviewer\t/);
    expect(list.out).not.toContain(secretA);
    const byName = await cli(['token', 'revoke', 'crawler-1', '--db', db]);
    expect(byName.code).toBe(0);
    expect(byName.err).toMatch(/revoked crawler-1 \(id 1, ingest\)/);
    const conn = openDb(db);
    try {
      const repo = new UserAccounts(conn);
      expect(repo.tokenRole(secretA, new Date())).toBeNull();
      expect(repo.tokenRole(secretB, new Date())?.name).toBe('grafana');
      expect(conn.prepare("SELECT action, target FROM audit_log WHERE action = 'token.revoke'").all()).toEqual([{ action: 'token.revoke', target: 'token:1' }]);
    } finally { conn.close(); }
    expect((await cli(['token', 'revoke', '2', '--db', db])).code).toBe(0);
    const missing = await cli(['token', 'revoke', 'nope', '--db', db]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no API token with the name or id 'nope'/);
    expect((await cli(['token', 'frobnicate', '--db', db])).err).toMatch(/token add.*token list.*token revoke/);
  });

  it('two tokens of one name are revoked by id', async () => {
    const db = join(dir, 'tokens2.db');
    await cli(['token', 'add', '--name', 'dup', '--db', db]);
    await cli(['token', 'add', '--name', 'dup', '--db', db]);
    const r = await cli(['token', 'revoke', 'dup', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/2 tokens are named 'dup' \(ids 1, 2\)/);
  });
});

describe('HTTP: tokens for admins, query errors with code and column', () => {
  let app: TestApp;
  let admin: { cookie: string; csrf: string };
  let analyst: { cookie: string; csrf: string };
  beforeAll(async () => {
    app = await startTestApp();
    admin = await app.login('admin');
    analyst = await app.login('analyst');
  });
  afterAll(async () => { await app.close(); });
  const call = (s: { cookie: string; csrf: string }, method: string, path: string) =>
    fetch(`${app.url}/api/v1${path}`, { method, headers: { Cookie: s.cookie, 'X-CSRF-Token': s.csrf } });

  it('GET /tokens lists them for admins only; DELETE /tokens/:id revokes at once', async () => {
    expect((await call(analyst, 'GET', '/tokens')).status).toBe(403);
    const list = await (await call(admin, 'GET', '/tokens')).json() as { tokens: { id: number; name: string; role: string; lastUsedAt: string | null }[] };
    const t = list.tokens.find((x) => x.name === 'ingest-test')!;
    expect(t).toMatchObject({ role: 'ingest', lastUsedAt: null });
    expect(JSON.stringify(list)).not.toContain(app.token);
    const ingest = () => fetch(`${app.url}/api/v1/observations`, { method: 'POST', headers: { Authorization: `Bearer ${app.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify([{ at: '2026-08-22T07:59:00Z', source: 'weibo', kind: 'post', id: 'tok-1', text: '星河乳业' }]) });
    expect((await ingest()).status).toBeLessThan(300);
    expect((await call(analyst, 'DELETE', `/tokens/${t.id}`)).status).toBe(403);
    const del = await call(admin, 'DELETE', `/tokens/${t.id}`);
    expect(del.status).toBe(200);
    expect((await del.json() as { revoked: { name: string } }).revoked.name).toBe('ingest-test');
    expect((await ingest()).status).toBe(401);
    expect((await call(admin, 'DELETE', `/tokens/${t.id}`)).status).toBe(404);
    expect((await call(admin, 'DELETE', '/tokens/abc')).status).toBe(400);
  });

  it('a bad query answers 400 with a code, the query and the column in characters (Chinese and beyond the BMP)', async () => {
    const cases: [string, string, number, string | undefined][] = [
      ['星河乳业 AND (投诉', 'unclosed-paren', 13, undefined], // the end of the query
      ['投诉 OR', 'expected-term', 6, undefined],
      ['"乳业', 'unterminated-phrase', 1, '"'],
      ['𠮷野家 AND )', 'expected-term', 9, ')'], // 𠮷 is one character (two UTF-16 units)
      ['星河 titel:召回', 'unknown-field', 4, 't'],
      ['乳业 投诉) 召回', 'unmatched-paren', 6, ')'],
    ];
    for (const [q, code, column, at] of cases) {
      const r = await call(analyst, 'GET', `/posts?q=${encodeURIComponent(q)}`);
      expect(r.status, q).toBe(400);
      const b = await r.json() as { code: string; column: number; query: string; problem: string };
      expect(b, q).toMatchObject({ code, column, query: q });
      // the column points at the character the problem is about, counted as the dashboard counts
      expect([...q][column - 1], q).toBe(at);
    }
  });

  it('every syntax error the parser raises carries a code', () => {
    for (const q of ['', ')', 'a OR', 'AND a', '"', '""', '- a', 'a NEAR/x b', 'a NEAR/99999 b', 'titel:a', 'title:', 'title:(author:a)', 'a NEAR/3 source:weibo', '(a', 'a\u0001', '('.repeat(70) + 'a' + ')'.repeat(70)]) {
      try { compileQuery(q); expect.fail(`no error for ${q}`); } catch (e) {
        expect(e, q).toBeInstanceOf(QuerySyntaxError);
        expect((e as QuerySyntaxError).code, q).toMatch(/^[a-z-]+$/);
      }
    }
  });

  it('the terminal caret sits under a character outside the BMP too', () => {
    try { compileQuery('𠮷野家 AND )'); } catch (e) {
      const [, shown, caret] = (e as Error).message.split('\n');
      expect(shown.trim()).toBe('𠮷野家 AND )');
      expect(caret.replace(/^ {2}/, '')).toBe('\u3000\u3000\u3000     ^'); // three wide characters, then ' AND '
    }
  });
});
