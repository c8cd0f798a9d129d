#!/usr/bin/env node
// Replay throughput on both stores: the same generated observations (bench/gen-observations.mjs)
// replayed on SQLite (a temp file) and on PostgreSQL (a fresh schema), whole-process, with peak
// RSS, and whether the two alert files are byte-identical. PostgreSQL: --pg URL, or
// FLAREWATCH_TEST_PG, or a private server started here with initdb/pg_ctl (as the postgres user
// when run as root) on a free port and removed afterwards.
// With --scenarios DIR..., each scenario folder (observations.jsonl + rules/, or a folder of them)
// is replayed on both instead, and the alert files compared one by one.
// Usage: node bench/store-replay.mjs [--obs N] [--pg postgres://...] [--json]
//        node bench/store-replay.mjs --scenarios ../shared/data/scenarios ../shared/data/scenarios-real
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, chmodSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, BIN, maxRssKb } from './live-harness.mjs';

const args = process.argv.slice(2);
const opt = (k, d) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : d; };
const N = Number(opt('--obs', '50000'));
const work = mkdtempSync(join(tmpdir(), 'fw-store-bench-'));
const log = (m) => process.stderr.write(`store-replay: ${m}\n`);
const TIME = existsSync('/usr/bin/time') ? ['/usr/bin/time', '-v'] : [];

function pgBin(name) {
  const p = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (p) return p;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  for (const v of readdirSync(root).sort().reverse()) if (existsSync(join(root, v, 'bin', name))) return join(root, v, 'bin', name);
  return null;
}

async function freePort() {
  return new Promise((resolve) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });
}

async function startPg() {
  const given = opt('--pg', process.env.FLAREWATCH_TEST_PG);
  if (given) return { url: given, stop() {} };
  const initdb = pgBin('initdb'), pgctl = pgBin('pg_ctl');
  if (!initdb || !pgctl) throw new Error('no PostgreSQL: pass --pg postgres://... or install it (apt-get install -y postgresql)');
  const dir = mkdtempSync(join(tmpdir(), 'fw-pg-bench-'));
  chmodSync(dir, 0o777);
  const root = process.getuid?.() === 0;
  const as = (cmd, a) => {
    const q = [cmd, ...a].map((x) => `'${x}'`).join(' ');
    const r = root ? spawnSync('su', ['postgres', '-s', '/bin/sh', '-c', q], { encoding: 'utf8' }) : spawnSync(cmd, a, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`);
  };
  as(initdb, ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--locale=C', '-E', 'UTF8']);
  const port = await freePort();
  // durable settings (fsync on), as a real deployment would run
  as(pgctl, ['-D', join(dir, 'data'), '-w', '-l', join(dir, 'log'), '-o', `-p ${port} -k ${dir} -h 127.0.0.1`, 'start']);
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop() { try { as(pgctl, ['-D', join(dir, 'data'), '-m', 'fast', 'stop']); } catch { /* gone */ } rmSync(dir, { recursive: true, force: true }); } };
}

function run(argv) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(TIME[0] ?? process.execPath, TIME.length ? [...TIME.slice(1), process.execPath, ...argv] : argv, { cwd: ROOT, env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' } });
    let err = '';
    child.stderr.on('data', (c) => { err += c; });
    child.on('exit', (code) => {
      const seconds = (performance.now() - t0) / 1000;
      if (code !== 0) reject(new Error(`replay failed (${code}): ${err.slice(-1500)}`));
      else resolve({ seconds, rssMb: Math.round((maxRssKb(err) ?? 0) / 1024) || null });
    });
  });
}

const si = args.indexOf('--scenarios');
if (si >= 0) {
  const dirs = args.slice(si + 1).filter((a) => !a.startsWith('--')).flatMap((d) => existsSync(join(d, 'observations.jsonl')) ? [d]
    : readdirSync(d).map((x) => join(d, x)).filter((x) => existsSync(join(x, 'observations.jsonl')))).sort();
  const pgs = await startPg();
  let same = 0;
  try {
    for (const [k, d] of dirs.entries()) {
      const a = join(work, `s${k}.jsonl`), b = join(work, `p${k}.jsonl`);
      const base = [BIN, 'replay', '--rules', join(d, 'rules'), '--in', join(d, 'observations.jsonl')];
      await run([...base, '--out', a]);
      await run([...base, '--out', b, '--db', `${pgs.url}${pgs.url.includes('?') ? '&' : '?'}schema=cmp_${Date.now()}_${k}`]);
      const ok = readFileSync(a, 'utf8') === readFileSync(b, 'utf8');
      if (ok) same++;
      console.log(`${ok ? 'identical' : 'DIFFER   '}  ${d} (${readFileSync(a, 'utf8').split('\n').filter(Boolean).length} alerts)`);
    }
    console.log(`${same}/${dirs.length} scenarios give byte-identical alert files on SQLite and PostgreSQL`);
    if (same !== dirs.length) process.exitCode = 1;
  } finally {
    pgs.stop();
    rmSync(work, { recursive: true, force: true });
  }
  process.exit();
}

const obs = join(work, 'obs.jsonl');
log(`generating ${N} observations`);
spawnSync(process.execPath, [join(ROOT, 'bench/gen-observations.mjs'), String(N), obs], { stdio: 'inherit' });
const pg = await startPg();
try {
  const replayArgs = (out) => [BIN, 'replay', '--rules', 'bench/rules', '--in', obs, '--out', out];
  log('replay on SQLite');
  const s = await run(replayArgs(join(work, 'sqlite.jsonl')));
  log('replay on PostgreSQL');
  const schemaUrl = `${pg.url}${pg.url.includes('?') ? '&' : '?'}schema=bench_${Date.now()}`;
  const p = await run([...replayArgs(join(work, 'pg.jsonl')), '--db', schemaUrl]);
  const a = readFileSync(join(work, 'sqlite.jsonl'), 'utf8'), b = readFileSync(join(work, 'pg.jsonl'), 'utf8');
  const result = {
    observations: N,
    alerts: a.split('\n').filter(Boolean).length,
    identical: a === b,
    sqlite: { obsPerSec: Math.round(N / s.seconds), seconds: Math.round(s.seconds * 10) / 10, rssMb: s.rssMb },
    postgres: { obsPerSec: Math.round(N / p.seconds), seconds: Math.round(p.seconds * 10) / 10, rssMb: p.rssMb },
  };
  if (args.includes('--json')) console.log(JSON.stringify(result));
  else {
    console.log(`replay of ${N} generated observations (${result.alerts} alerts; alert files ${result.identical ? 'byte-identical' : 'DIFFER'})`);
    console.log(`  SQLite      ${result.sqlite.obsPerSec} obs/s  (${result.sqlite.seconds} s, peak RSS ${result.sqlite.rssMb} MB)`);
    console.log(`  PostgreSQL  ${result.postgres.obsPerSec} obs/s  (${result.postgres.seconds} s, peak RSS ${result.postgres.rssMb} MB)`);
  }
  if (!result.identical) process.exitCode = 1;
} finally {
  pg.stop();
  rmSync(work, { recursive: true, force: true });
}
