// Test helper: a private PostgreSQL server on a free 127.0.0.1 port (initdb into a temp folder,
// C locale, fsync off), stopped and removed afterwards; or the server named by
// FLAREWATCH_TEST_PG (postgres://...), left as found. As root, initdb and pg_ctl run as the
// `postgres` user, which Debian's package creates. Each test gets its own schema (freshUrl).
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, chmodSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function pgBin(name: string): string | null {
  const onPath = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return onPath;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  for (const v of readdirSync(root).sort().reverse()) {
    const p = join(root, v, 'bin', name);
    if (existsSync(p)) return p;
  }
  return null;
}

const INITDB = pgBin('initdb');
const PG_CTL = pgBin('pg_ctl');
export const HAS_POSTGRES = !!process.env.FLAREWATCH_TEST_PG || (!!INITDB && !!PG_CTL);
export const PG_SKIP_MESSAGE = 'PostgreSQL tests skipped: no initdb/pg_ctl found and FLAREWATCH_TEST_PG is not set (Debian: apt-get install -y postgresql; .ci/run installs it)';
if (!HAS_POSTGRES) console.warn(PG_SKIP_MESSAGE);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface PgServer {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  /** a URL to a schema no one has used yet */
  freshUrl(tag?: string): string;
  stop(): Promise<void>;
}

let schemas = 0;
function withSchema(url: string, tag: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}schema=${tag}_${process.pid}_${Date.now().toString(36)}_${++schemas}`;
}

export async function startPostgres(): Promise<PgServer> {
  const given = process.env.FLAREWATCH_TEST_PG;
  if (given) return { url: given, freshUrl: (tag = 't') => withSchema(given, tag), stop: async () => undefined };
  if (!INITDB || !PG_CTL) throw new Error(PG_SKIP_MESSAGE);
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'fw-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const asPg = (cmd: string, args: string[]) => {
    const quoted = [cmd, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const r = root
      ? spawnSync('su', ['postgres', '-s', '/bin/sh', '-c', quoted], { encoding: 'utf8' })
      : spawnSync(cmd, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr || r.stdout}`);
  };
  asPg(INITDB, ['-D', data, '-A', 'trust', '-U', 'postgres', '--locale=C', '-E', 'UTF8']);
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    try {
      asPg(PG_CTL, ['-D', data, '-w', '-t', '60', '-l', join(dir, 'log'), '-o',
        `-p ${port} -k ${dir} -h 127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`, 'start']);
    } catch (e) {
      if (attempt >= 2) throw e;
      continue;
    }
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    return {
      url,
      freshUrl: (tag = 't') => withSchema(url, tag),
      stop: async () => {
        try { asPg(PG_CTL, ['-D', data, '-m', 'immediate', 'stop']); } catch { /* already stopped */ }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}
