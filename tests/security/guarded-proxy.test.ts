// The guarded forwarding proxy Chromium's traffic goes through: a host that resolves to a private
// address is refused (403 + a log line) for plain HTTP and for CONNECT; an allowed host is
// connected to exactly at the address resolved once (no second lookup), directly or through an
// upstream proxy that is handed the vetted IP literal, never the name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { LookupAddress } from 'node:dns';
import { GuardedProxy, vetWithGuard, vetWithUrlCheck } from '../../src/security/guarded-proxy.js';
import { assertPublicUrl, createHostGuard, type AddressResolver } from '../../src/security/ssrf-guard.js';

/** A fake DNS: `answers[host]` is the address of the 1st, 2nd, ... lookup (the last one repeats). */
function fakeDns(answers: Record<string, string[]>) {
  const calls: string[] = [];
  const resolve: AddressResolver = (host, _o, cb) => {
    const n = calls.filter((h) => h === host).length;
    calls.push(host);
    const list = answers[host];
    if (!list) { const e = Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }); return cb(e, []); }
    const address = list[Math.min(n, list.length - 1)];
    cb(null, [{ address, family: net.isIP(address) } as LookupAddress]);
  };
  return { resolve, calls };
}

let target: http.Server;
let port = 0;
let hits: { url: string; host: string; local: string }[] = [];
beforeAll(async () => {
  target = http.createServer((req, res) => {
    hits.push({ url: req.url ?? '', host: req.headers.host ?? '', local: req.socket.localAddress ?? '' });
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('secret');
  });
  await new Promise<void>((ok) => target.listen(0, '127.0.0.1', ok));
  port = (target.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((ok) => target.close(() => ok())));

/** GET an absolute URL through the proxy (plain HTTP forwarding). */
function viaProxy(proxy: GuardedProxy, url: string): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  const p = new URL(proxy.url);
  return new Promise((ok, fail) => {
    const req = http.request({ host: p.hostname, port: Number(p.port), path: url, headers: { host: new URL(url).host }, agent: false }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', fail);
    req.end();
  });
}

/** CONNECT host:port through the proxy; on 200, send one GET through the tunnel. */
function connectVia(proxy: GuardedProxy, authority: string): Promise<{ status: number; body: string }> {
  const p = new URL(proxy.url);
  return new Promise((ok, fail) => {
    const req = http.request({ host: p.hostname, port: Number(p.port), method: 'CONNECT', path: authority, agent: false });
    req.on('connect', (res, socket) => {
      if (res.statusCode !== 200) { socket.destroy(); ok({ status: res.statusCode ?? 0, body: '' }); return; }
      let body = '';
      socket.on('data', (c) => (body += c));
      socket.on('end', () => ok({ status: 200, body }));
      socket.write(`GET /tunnelled HTTP/1.1\r\nhost: ${authority}\r\nconnection: close\r\n\r\n`);
    });
    req.on('error', fail);
    req.end();
  });
}

async function withProxy<T>(o: Parameters<typeof GuardedProxy.start>[0], fn: (p: GuardedProxy) => Promise<T>): Promise<T> {
  const p = await GuardedProxy.start(o);
  try { return await fn(p); } finally { await p.close(); }
}

describe('guarded proxy', () => {
  it('refuses a name resolving to 127.0.0.1, for plain HTTP and for CONNECT, with a 403 and a log line', async () => {
    const dns = fakeDns({ 'evil.test': ['127.0.0.1'] });
    const logs: string[] = [];
    hits = [];
    await withProxy({ vet: vetWithGuard(createHostGuard([], dns.resolve)), log: (_l, m) => logs.push(m) }, async (p) => {
      const r = await viaProxy(p, `http://evil.test:${port}/latest/meta-data/`);
      expect(r.status).toBe(403);
      expect(r.headers['x-flarewatch-refused']).toBe('evil.test');
      const c = await connectVia(p, `evil.test:${port}`);
      expect(c.status).toBe(403);
      expect(p.refusal('evil.test')?.name).toBe('PrivateHostError');
    });
    expect(hits).toEqual([]);
    expect(logs).toHaveLength(2);
    for (const m of logs) expect(m).toMatch(/evil\.test.*127\.0\.0\.1/);
  });

  it('refuses private IP literals and localhost without resolving them', async () => {
    const dns = fakeDns({});
    hits = [];
    await withProxy({ vet: vetWithGuard(createHostGuard([], dns.resolve)) }, async (p) => {
      expect((await viaProxy(p, `http://127.0.0.1:${port}/`)).status).toBe(403);
      expect((await viaProxy(p, `http://localhost:${port}/`)).status).toBe(403);
      expect((await connectVia(p, `169.254.169.254:${port}`)).status).toBe(403);
      expect((await connectVia(p, `[::1]:${port}`)).status).toBe(403);
    });
    expect(dns.calls).toEqual([]);
    expect(hits).toEqual([]);
  });

  it('connects an allowed host to exactly the address it resolved, with one lookup per request', async () => {
    // later lookups would say 127.0.0.2, where nothing listens: a second lookup would fail
    const dns = fakeDns({ 'ok.test': ['127.0.0.1', '127.0.0.2'] });
    hits = [];
    await withProxy({ vet: vetWithGuard(createHostGuard(['127.0.0.0/8'], dns.resolve)) }, async (p) => {
      const r = await viaProxy(p, `http://ok.test:${port}/page?q=1`);
      expect(r).toMatchObject({ status: 200, body: 'secret' });
      expect(dns.calls).toEqual(['ok.test']);
      expect(hits[0]).toEqual({ url: '/page?q=1', host: `ok.test:${port}`, local: '127.0.0.1' });
    });
    const dns2 = fakeDns({ 'ok.test': ['127.0.0.1', '127.0.0.2'] });
    await withProxy({ vet: vetWithGuard(createHostGuard(['127.0.0.1'], dns2.resolve)) }, async (p) => {
      const c = await connectVia(p, `ok.test:${port}`);
      expect(c.status).toBe(200);
      expect(c.body).toContain('secret');
      expect(dns2.calls).toEqual(['ok.test']);
    });
    expect(hits.map((h) => h.url)).toEqual(['/page?q=1', '/tunnelled']);
  });

  it('a rebinding host that passed a check is refused by the proxy (its own single lookup)', async () => {
    const dns = fakeDns({ 'rebind.test': ['93.184.216.34', '127.0.0.1'] });
    const guard = createHostGuard([], dns.resolve);
    hits = [];
    await assertPublicUrl(`http://rebind.test:${port}/`, guard); // the check sees a public address
    await withProxy({ vet: vetWithGuard(guard) }, async (p) => {
      expect((await viaProxy(p, `http://rebind.test:${port}/`)).status).toBe(403);
    });
    expect(dns.calls).toEqual(['rebind.test', 'rebind.test']);
    expect(hits).toEqual([]);
  });

  it('vets with a URL-check function too (the resolved address is checked as an IP literal)', async () => {
    const dns = fakeDns({ 'evil.test': ['10.0.0.7'], 'ok.test': ['127.0.0.1'] });
    const allowLoopback = createHostGuard(['127.0.0.1']);
    hits = [];
    await withProxy({ vet: vetWithUrlCheck((u) => assertPublicUrl(u, allowLoopback), dns.resolve) }, async (p) => {
      expect((await viaProxy(p, `http://evil.test:${port}/`)).status).toBe(403);
      expect((await viaProxy(p, `http://ok.test:${port}/`)).status).toBe(200);
    });
    expect(hits).toHaveLength(1);
  });

  it('an unresolvable host is a 502, not a refusal', async () => {
    await withProxy({ vet: vetWithGuard(createHostGuard([], fakeDns({}).resolve)) }, async (p) => {
      expect((await viaProxy(p, 'http://nowhere.test/')).status).toBe(502);
      expect(p.refusal('nowhere.test')).toBeUndefined();
    });
  });

  it('forwards through an upstream proxy with the vetted IP literal, never the name', async () => {
    const seen: { method: string; url: string; host: string; auth: string }[] = [];
    const upstream = http.createServer((req, res) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', host: req.headers.host ?? '', auth: req.headers['proxy-authorization'] ?? '' });
      const u = new URL(req.url ?? '');
      const out = http.request({ host: u.hostname, port: Number(u.port), path: u.pathname + u.search, headers: req.headers, agent: false }, (r) => { res.writeHead(r.statusCode ?? 502, r.headers); r.pipe(res); });
      out.on('error', () => res.destroy());
      out.end();
    });
    upstream.on('connect', (req, client: net.Socket, head) => {
      seen.push({ method: 'CONNECT', url: req.url ?? '', host: req.headers.host ?? '', auth: req.headers['proxy-authorization'] ?? '' });
      const [h, p] = (req.url ?? '').split(':');
      const s = net.connect(Number(p), h, () => { client.write('HTTP/1.1 200 OK\r\n\r\n'); s.write(head); s.pipe(client); client.pipe(s); });
      s.on('error', () => client.destroy());
    });
    await new Promise<void>((ok) => upstream.listen(0, '127.0.0.1', ok));
    const up = `http://user:pa%20ss@127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const dns = fakeDns({ 'ok.test': ['127.0.0.1'], 'evil.test': ['10.1.2.3'] });
    hits = [];
    try {
      await withProxy({ vet: vetWithGuard(createHostGuard(['127.0.0.1'], dns.resolve)), upstream: up }, async (p) => {
        expect(await viaProxy(p, `http://ok.test:${port}/a`)).toMatchObject({ status: 200, body: 'secret' });
        expect((await connectVia(p, `ok.test:${port}`)).body).toContain('secret');
        expect((await viaProxy(p, `http://evil.test:${port}/`)).status).toBe(403);
      });
    } finally {
      await new Promise<void>((ok) => upstream.close(() => ok()));
    }
    const auth = `Basic ${Buffer.from('user:pa ss').toString('base64')}`;
    expect(seen).toEqual([
      { method: 'GET', url: `http://127.0.0.1:${port}/a`, host: `ok.test:${port}`, auth },
      { method: 'CONNECT', url: `127.0.0.1:${port}`, host: `127.0.0.1:${port}`, auth },
    ]);
    expect(hits.map((h) => h.host)).toEqual([`ok.test:${port}`, `ok.test:${port}`]);
  });
});
