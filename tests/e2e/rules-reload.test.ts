// Rules edited while the monitor runs take effect without a restart; a broken edit is refused
// and the running rules stay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMonitor, type Monitor } from '../../src/runtime/monitor.js';
import { readEnv } from '../../src/config/env.js';

let monitor: Monitor;
let dir: string;
const logs: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fw-reload-'));
  mkdirSync(join(dir, 'rules', 'topics'), { recursive: true });
  writeFileSync(join(dir, 'rules', 'topics', 'a.yaml'), 'id: a\nname: 甲品牌\nquery: 甲品牌\n');
  const env = { ...readEnv({}), dbPath: join(dir, 'fw.db'), rulesDir: join(dir, 'rules'), port: 0 };
  monitor = await startMonitor({ env, log: (_l, m) => logs.push(m) });
});
afterAll(async () => { await monitor?.stop(); rmSync(dir, { recursive: true, force: true }); });

const obs = (id: string, text: string) => ({ at: new Date().toISOString(), source: 'weibo', kind: 'post' as const, id, text });
const matched = (id: string) => monitor.db.prepare(`SELECT group_concat(tm.topic_id) FROM topic_matches tm JOIN posts p ON p.pk = tm.post_pk WHERE p.ext_id = ?`).pluck().get(id);
const waitFor = async (pred: () => boolean, ms = 12_000) => { const end = Date.now() + ms; while (!pred() && Date.now() < end) await new Promise((r) => setTimeout(r, 250)); return pred(); };

describe('rules reload', () => {
  it('a new topic file starts matching, and a broken one is refused with its file and line', async () => {
    monitor.ingest([obs('p1', '乙品牌的客服太差了')], new Date());
    expect(matched('p1')).toBeNull();
    writeFileSync(join(dir, 'rules', 'topics', 'b.yaml'), 'id: b\nname: 乙品牌\nquery: 乙品牌 OR "Yi Brand"\n');
    expect(await waitFor(() => logs.some((l) => l.startsWith('rules reloaded')))).toBe(true);
    monitor.ingest([obs('p2', '乙品牌的客服太差了')], new Date());
    expect(matched('p2')).toBe('b');
    writeFileSync(join(dir, 'rules', 'topics', 'b.yaml'), 'id: b\nname: 乙品牌\nquery: (乙品牌 OR\n');
    expect(await waitFor(() => logs.some((l) => l.startsWith('rules not reloaded')))).toBe(true);
    expect(logs.find((l) => l.startsWith('rules not reloaded'))).toMatch(/b\.yaml line 3/);
    monitor.ingest([obs('p3', '乙品牌又出问题')], new Date());
    expect(matched('p3')).toBe('b');
  }, 40_000);
});
