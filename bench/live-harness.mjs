// Helpers to drive a real `flarewatch start` process (the built CLI in bin/): create a token,
// spawn `start` on a temp database with port 0 and read the dashboard URL from its log, a local
// webhook receiver that records deliveries by X-Flarewatch-Delivery, and a bearer-token POST.
// Shared by bench/run.mjs and tests/reliability/*.test.ts.
import { spawn, execFileSync } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const BIN = fileURLToPath(new URL('../bin/flarewatch.js', import.meta.url));

/** `flarewatch token add` on `db`; returns the bearer token. */
export function addToken(db, name = 'bench', env = {}) {
  return execFileSync(process.execPath, [BIN, 'token', 'add', '--name', name, '--role', 'ingest', '--db', db],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
}

/**
 * Spawn `flarewatch start --db DB --rules RULES --port 0`; resolves once the dashboard URL is
 * logged. `extraArgs` go before the spawn (e.g. ['/usr/bin/time', '-v'] via `wrap`).
 */
export function startMonitor({ db, rules, env = {}, wrap = [], timeoutMs = 60_000 }) {
  const argv = [...wrap, process.execPath, BIN, 'start', '--db', db, '--rules', rules, '--port', '0'];
  const child = spawn(argv[0], argv.slice(1), { env: { ...process.env, DOTENV_CONFIG_QUIET: 'true', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const exited = new Promise((res) => child.on('exit', (code, signal) => res({ code, signal })));
  const url = new Promise((res, rej) => {
    const t = setTimeout(() => rej(new Error(`start did not log its URL within ${timeoutMs} ms:\n${log}`)), timeoutMs);
    const onData = (c) => {
      log += c;
      const m = /dashboard: (http:\/\/\S+?)\/?\s/.exec(log);
      if (m) { clearTimeout(t); res(m[1]); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exited.then(({ code, signal }) => { clearTimeout(t); rej(new Error(`start exited (${code ?? signal}) before serving:\n${log}`)); });
  });
  return { child, url, exited, log: () => log };
}

/** A webhook receiver on 127.0.0.1: every request is recorded with its delivery key and arrival time. */
export function startReceiver({ status = () => 200, delayMs = 0 } = {}) {
  const received = [];
  const waiters = [];
  const server = http.createServer((req, res) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => {
      let body = null;
      try { body = JSON.parse(b); } catch { body = b; }
      const rec = { at: performance.timeOrigin + performance.now(), key: String(req.headers['x-flarewatch-delivery'] ?? ''), body };
      const code = status(rec);
      if (code === 200) received.push(rec);
      for (const w of waiters.splice(0)) w();
      setTimeout(() => { if (!res.destroyed) { res.statusCode = code; res.end(code === 200 ? 'ok' : 'down'); } }, delayMs);
    });
  });
  server.keepAliveTimeout = 1000;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const url = `http://127.0.0.1:${server.address().port}/hook`;
    resolve({
      url, received, server,
      /** resolves at the next accepted delivery */
      next: () => new Promise((r) => waiters.push(r)),
      close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
    });
  }));
}

/** POST a JSON body with a bearer token; resolves {status, json}. Rejects on a network error. */
export function postJson(url, token, body, agent) {
  return new Promise((resolve, reject) => {
    const data = typeof body === 'string' ? body : JSON.stringify(body);
    const req = http.request(url, { method: 'POST', agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } }, (res) => {
      let b = '';
      res.on('data', (c) => (b += c));
      res.on('end', () => { let json = null; try { json = JSON.parse(b); } catch { /* not JSON */ } resolve({ status: res.statusCode, json, text: b }); });
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** Peak RSS (kB) from `/usr/bin/time -v` output, or null. */
export function maxRssKb(text) {
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(text);
  return m ? Number(m[1]) : null;
}
