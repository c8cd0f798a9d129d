// Hostile sources through the real `crawl` command (built CLI, a child process): a redirect loop,
// a 50 MB page, a gzip bomb, and (long variant, FLAREWATCH_LONG_TESTS=1, it takes the 60 s total
// timeout) a slow-loris that drips one byte a second. Each run ends on its own with exit code 1,
// a typed, readable error on stderr, no crash trace, bounded memory, and an empty output file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';

const BIN = new URL('../../bin/flarewatch.js', import.meta.url).pathname;
const built = existsSync(new URL('../../dist/src/cli/main.js', import.meta.url));
if (!built) console.warn('skipping: dist/ not built (npm run build)');
const LONG = !!process.env.FLAREWATCH_LONG_TESTS;
const dir = mkdtempSync(join(tmpdir(), 'fw-hostile-'));
let server: http.Server;
let base = '';
const bomb = zlib.gzipSync(Buffer.alloc(200 * 1024 * 1024, 0x20)); // 200 MB of spaces, ~200 KB on the wire

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/robots.txt') { res.writeHead(404); res.end(); return; }
    if (req.url?.startsWith('/loop')) { const n = Number(req.url.slice(5) || 0); res.writeHead(302, { location: `/loop${(n + 1) % 3}` }); res.end(); return; }
    if (req.url === '/huge') { // 50 MB, no content-length: chunked, so only the running count can stop it
      res.writeHead(200, { 'content-type': 'text/html' });
      const chunk = Buffer.alloc(1024 * 1024, 0x61);
      let sent = 0;
      const pump = () => { while (sent < 50 && res.write(chunk)) sent++; if (sent >= 50) res.end(); else res.once('drain', () => { sent++; pump(); }); };
      res.on('close', () => { sent = 50; });
      pump();
      return;
    }
    if (req.url === '/bomb') { res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip', 'content-length': bomb.length }); res.end(bomb); return; }
    if (req.url === '/slow') {
      res.writeHead(200, { 'content-type': 'text/html' });
      const t = setInterval(() => { if (!res.destroyed) res.write('<'); }, 1000);
      res.on('close', () => clearInterval(t));
      return;
    }
    res.writeHead(404); res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

function crawl(path: string): Promise<{ code: number | null; stderr: string; out: string; ms: number; rssMb: number }> {
  const out = join(dir, `${path.slice(1)}.jsonl`);
  const t0 = Date.now();
  const child = spawn('/usr/bin/time', ['-v', process.execPath, BIN, 'crawl', '--type', 'web', '--url', `${base}${path}`, '--param', 'item=.item', '--max-pages', '1', '--min-interval', '0', '--out', out],
    { env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' } });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise((resolve) => child.on('exit', (code) => resolve({
    code, stderr, ms: Date.now() - t0, out: existsSync(out) ? readFileSync(out, 'utf8') : '',
    rssMb: Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? 0) / 1024,
  })));
}

function expectCleanFailure(r: Awaited<ReturnType<typeof crawl>>, errorClass: RegExp) {
  expect(r.stderr).toMatch(errorClass);
  expect(r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/); // no stack trace
  expect(r.code).not.toBe(0);
  expect(r.out.trim()).toBe('');
}

describe.skipIf(!built || !existsSync('/usr/bin/time'))('crawl CLI against hostile sources', () => {
  it('a redirect loop ends with RedirectLoopError', async () => {
    const r = await crawl('/loop0');
    expectCleanFailure(r, /RedirectLoopError: redirect loop/);
  }, 30_000);

  it('a 50 MB page is cut at the 8 MB limit without buffering it all', async () => {
    const r = await crawl('/huge');
    expectCleanFailure(r, /ResponseTooLargeError/);
    expect(r.rssMb).toBeLessThan(300);
  }, 30_000);

  it('a gzip bomb (200 MB inflated) is refused after decompression reaches the limit', async () => {
    const r = await crawl('/bomb');
    expectCleanFailure(r, /ResponseTooLargeError: decompressed body exceeds/);
    expect(r.rssMb).toBeLessThan(300);
  }, 30_000);

  it.runIf(LONG)('a slow-loris page is abandoned at the total timeout', async () => {
    const r = await crawl('/slow');
    expectCleanFailure(r, /NetworkError: total timeout/);
    expect(r.ms).toBeLessThan(5 * 60_000); // 60 s per attempt, retried with backoff
  }, 6 * 60_000);
});
