// The replay command as users and the evaluation scripts drive it: contract output, bad input
// answered clearly (malformed lines by number, invalid rules by file and line, unknown options).
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runCli } from '../../src/cli/main.js';
import { readEnv } from '../../src/config/env.js';

function sink() {
  let text = '';
  const s = new Writable({ write(c, _e, cb) { text += c.toString(); cb(); } });
  return { s, get text() { return text; } };
}

async function cli(args: string[]) {
  const out = sink(), err = sink();
  const code = await runCli(args, { stdout: out.s, stderr: err.s, env: readEnv({}) });
  return { code, out: out.text, err: err.text };
}

/** A small made-up story: background chatter, then a severe complaint whose reposts climb. */
function scenario(dir: string) {
  const t0 = Date.parse('2026-05-04T01:00:00Z');
  const iso = (min: number) => new Date(t0 + min * 60_000).toISOString();
  const lines: string[] = [];
  for (let m = 0; m < 600; m += 5) {
    lines.push(JSON.stringify({ at: iso(m), source: 'weibo', kind: 'post', id: `bg${m}`, text: m % 20 === 0 ? '今天试了山岚咖啡的新品，味道不错' : '周末去爬山，天气很好', publishedAt: iso(m - 1), author: { id: `u${m}`, followers: 200 }, metrics: { reposts: 0, comments: 1, likes: 2 } }));
  }
  const seed = '山岚咖啡的外卖里喝出异物，孩子喝了以后上吐下泻住院了，客服推诿，求扩散！';
  for (let m = 300; m < 600; m += 5) {
    const reposts = Math.round(3000 * (1 - Math.exp(-(m - 300) / 60)));
    lines.push(JSON.stringify({ at: iso(m), source: 'weibo', kind: 'post', id: 'seed1', url: 'https://m.weibo.cn/status/seed1', text: seed, publishedAt: iso(298), author: { id: 'victim', followers: 800 }, metrics: { reposts, comments: Math.round(reposts / 3), likes: reposts * 2 } }));
    if (m > 300 && m < 420) lines.push(JSON.stringify({ at: iso(m), source: 'weibo', kind: 'post', id: `rp${m}`, text: `扩散 //@victim:${seed}`, publishedAt: iso(m - 2), author: { id: `r${m}`, followers: 100 + m }, metrics: { reposts: 0 } }));
  }
  lines.sort((a, b) => Date.parse(JSON.parse(a).at) - Date.parse(JSON.parse(b).at));
  lines.splice(10, 0, '{"at": "2026-05-04T01:50:00Z", "source": "weibo", "kind": "post", "id": "broken"', '{"source": "weibo", "kind": "post", "id": "noat", "text": "x"}');
  writeFileSync(join(dir, 'obs.jsonl'), lines.join('\n') + '\n');
  mkdirSync(join(dir, 'rules'), { recursive: true });
  writeFileSync(join(dir, 'rules', 'topic.yaml'), 'id: shanlan\nname: 山岚咖啡\nquery: 山岚咖啡 OR "Shanlan Coffee"\n');
}

describe('flarewatch replay', () => {
  it('writes contract alerts, catches the crisis at P1/P2 quickly, reports malformed lines and keeps the db', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-replay-'));
    scenario(dir);
    const r = await cli(['replay', '--rules', join(dir, 'rules'), '--in', join(dir, 'obs.jsonl'), '--out', join(dir, 'alerts.jsonl'), '--db', join(dir, 'kept.db')]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/line 11: not valid JSON/);
    expect(r.err).toMatch(/line 12: field 'at'/);
    expect(existsSync(join(dir, 'kept.db'))).toBe(true);
    const alerts = readFileSync(join(dir, 'alerts.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    for (const a of alerts) {
      expect(Object.keys(a)).toEqual(expect.arrayContaining(['at', 'topic', 'incident', 'level', 'state', 'risk', 'title', 'reasons', 'posts', 'forecast']));
      expect(a.risk).toBeGreaterThanOrEqual(0);
      expect(a.risk).toBeLessThanOrEqual(100);
    }
    const high = alerts.filter((a) => (a.level === 'P1' || a.level === 'P2') && a.posts.includes('weibo:seed1'));
    expect(high.length).toBeGreaterThan(0);
    const delayMin = (Date.parse(high[0].at) - Date.parse('2026-05-04T05:58:00Z')) / 60_000;
    expect(delayMin).toBeLessThanOrEqual(20);
    expect(high[0].forecast.reposts).toBeGreaterThan(100);
    expect(high[0].reasons.join(' ')).toMatch(/住院|异物|上吐下泻/);
    expect(alerts.filter((a) => (a.level === 'P1' || a.level === 'P2') && !a.posts.includes('weibo:seed1'))).toEqual([]);
    // deterministic: the same input gives the same alerts
    const again = await cli(['replay', '--rules', join(dir, 'rules'), '--in', join(dir, 'obs.jsonl'), '--out', join(dir, 'alerts2.jsonl')]);
    expect(again.code).toBe(0);
    expect(readFileSync(join(dir, 'alerts2.jsonl'), 'utf8')).toBe(readFileSync(join(dir, 'alerts.jsonl'), 'utf8'));
  }, 60_000);

  it('names the file, line and fix for an invalid rules file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-rules-'));
    mkdirSync(join(dir, 'rules'));
    writeFileSync(join(dir, 'rules', 'brand.yaml'), 'id: brand\nname: 品牌\nqeury: 品牌\n');
    writeFileSync(join(dir, 'obs.jsonl'), '');
    const r = await cli(['replay', '--rules', join(dir, 'rules'), '--in', join(dir, 'obs.jsonl'), '--out', join(dir, 'a.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('brand.yaml line 3');
    expect(r.err).toContain("did you mean 'query'");
    writeFileSync(join(dir, 'rules', 'brand.yaml'), 'id: brand\nname: 品牌\nquery: (品牌 OR\n');
    const q = await cli(['replay', '--rules', join(dir, 'rules'), '--in', join(dir, 'obs.jsonl'), '--out', join(dir, 'a.jsonl')]);
    expect(q.code).toBe(2);
    expect(q.err).toMatch(/brand\.yaml line 3: query/);
  });

  it('refuses unknown options with a hint, and lists every contract command in --help', async () => {
    const r = await cli(['replay', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/Unknown option '--bogus'/);
    expect(r.err).toMatch(/flarewatch replay --help/);
    const h = await cli(['--help']);
    for (const c of ['score', 'replay', 'forecast', 'crawl', 'report', 'user', 'start', 'demo']) expect(h.out).toContain(`  ${c}`);
    for (const c of ['score', 'replay', 'forecast', 'crawl', 'report', 'user', 'start']) {
      const sub = await cli([c, '--help']);
      expect(sub.code).toBe(0);
      expect(sub.out).toContain(`Usage: flarewatch ${c}`);
    }
  }, 30_000);
});
