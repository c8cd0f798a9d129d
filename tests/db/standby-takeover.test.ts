// A standby monitor that wins the pipeline lease but cannot start the pipeline (here: the rules
// folder was broken meanwhile) must not keep the lease while leading nothing: it stops with an
// error ('fatal', as on a lost connection), which releases the lease for its restart or another
// monitor. Skips without PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMonitor, type Monitor } from '../../src/runtime/monitor.js';
import { readEnv } from '../../src/config/env.js';
import { startPostgres, HAS_POSTGRES, type PgServer } from './postgres-server.js';

async function until(fn: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!HAS_POSTGRES)('a standby that fails to take over', () => {
  let pg: PgServer;
  let dir: string;
  let m1: Monitor | null = null;
  let m2: Monitor | null = null;
  const logs: string[][] = [[], []];
  beforeAll(async () => { pg = await startPostgres(); dir = mkdtempSync(join(tmpdir(), 'fw-takeover-')); }, 120_000);
  afterAll(async () => {
    await m2?.stop();
    await m1?.stop();
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops with an error instead of holding the lease while leading nothing', async () => {
    const url = pg.freshUrl('takeover');
    mkdirSync(join(dir, 'rules', 'topics'), { recursive: true });
    const topic = join(dir, 'rules', 'topics', 'brand.yaml');
    writeFileSync(topic, 'id: brand\nname: 云雀乳业\nquery: 云雀乳业 OR 云雀牛奶\n');
    const start = (i: number) => startMonitor({
      env: { ...readEnv({}), dbPath: url, rulesDir: join(dir, 'rules'), host: '127.0.0.1', port: 0 },
      log: (level, msg) => void logs[i].push(`${level} ${msg}`),
      leasePollMs: 100,
    });
    m1 = await start(0);
    m2 = await start(1);
    expect(m2.pipeline).toBeNull();
    let fatal = '';
    m2.events.once('fatal', (r: string) => { fatal = r; });
    writeFileSync(topic, 'id: [unclosed\n');
    await m1.stop();
    m1 = null;
    await until(() => fatal !== '' || logs[1].some((l) => /taking over failed/.test(l)), 20_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(m2.pipeline).toBeNull();
    expect(fatal).toMatch(/taking over failed/);
  }, 60_000);
});
