// The forwarding proxy Chromium must send all of a rendered page's traffic through, so the SSRF
// guard holds at connect time: for every plain HTTP request and every CONNECT tunnel it resolves
// the host once, vets the resolved addresses with the guard (ssrf-guard.ts), and connects to
// exactly a vetted address (an IP literal: no second lookup, so DNS rebinding cannot slip a
// private address in). Refusals get a 403 and a log line; an optional upstream HTTP proxy is
// reached with the vetted address too. Listens on 127.0.0.1 only.
import http from 'node:http';
import net from 'node:net';
import type { LookupAddress } from 'node:dns';
import { PrivateHostError, systemResolver, type AddressResolver, type HostGuard } from './ssrf-guard.js';

/**
 * Resolve `host` once and vet it: the addresses that may be connected to (in order), or a
 * rejection with PrivateHostError when the guard refuses it (other errors: cannot resolve).
 */
export type TargetVetter = (host: string, port: number) => Promise<LookupAddress[]>;

export type ProxyLog = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

const urlHost = (host: string) => (net.isIPv6(host) ? `[${host}]` : host);

function guardLookup(guard: HostGuard, host: string): Promise<LookupAddress[]> {
  return new Promise((ok, fail) => guard.lookup(host, { all: true }, (err, addrs) => (err ? fail(err) : ok(addrs as LookupAddress[]))));
}

/** Vet with the crawler's HostGuard: its URL rules, then its guarded lookup (one resolution). */
export function vetWithGuard(guard: HostGuard): TargetVetter {
  return async (host, port) => {
    guard.checkUrl(new URL(`http://${urlHost(host)}:${port}/`));
    const family = net.isIP(host);
    if (family) return [{ address: host, family }];
    return guardLookup(guard, host);
  };
}

/**
 * Vet with a URL check function (the older `(url) => Promise<void>` guard): the host is resolved
 * once and each resolved address is checked as an IP-literal URL. Stricter than vetWithGuard: a
 * private address allowed only by host name (not by address) is refused.
 */
export function vetWithUrlCheck(check: (url: string) => Promise<void>, resolve: AddressResolver = systemResolver): TargetVetter {
  return async (host, port) => {
    const family = net.isIP(host);
    const addrs = family ? [{ address: host, family }] : await new Promise<LookupAddress[]>((ok, fail) => resolve(host, {}, (e, a) => (e ? fail(e) : ok(a))));
    for (const a of addrs) await check(`http://${urlHost(a.address)}:${port}/`);
    return addrs;
  };
}

/** No guard (fixed adapters): resolve once, connect to what was resolved. */
export function vetNothing(resolve?: AddressResolver): TargetVetter {
  return vetWithUrlCheck(async () => {}, resolve);
}

/** Refuse every target (the browser's default context, which no render uses). */
export function refuseAll(why: string): TargetVetter {
  return async (host) => { throw new PrivateHostError(`${host}: ${why}`, host); };
}

export interface GuardedProxyOptions {
  vet: TargetVetter;
  /** http://[user:pass@]host:port of an upstream HTTP proxy (the operator's: not vetted) */
  upstream?: string | null;
  connectTimeoutMs?: number;
  log?: ProxyLog;
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade'];

function endToEnd(h: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !HOP_BY_HOP.includes(k)) out[k] = v;
  return out;
}

export class GuardedProxy {
  private readonly refusedHosts = new Map<string, PrivateHostError>();
  private readonly sockets = new Set<net.Socket>();
  private readonly upstream: URL | null;

  private constructor(private readonly server: http.Server, private readonly o: GuardedProxyOptions) {
    this.upstream = o.upstream ? new URL(o.upstream) : null;
  }

  /** Start listening on 127.0.0.1 (a free port). */
  static async start(o: GuardedProxyOptions): Promise<GuardedProxy> {
    const server = http.createServer();
    const p = new GuardedProxy(server, o);
    server.on('request', (req, res) => void p.onRequest(req, res));
    server.on('connect', (req, socket, head) => void p.onConnect(req, socket as net.Socket, head));
    server.on('connection', (s: net.Socket) => { p.sockets.add(s); s.on('close', () => p.sockets.delete(s)); });
    server.on('clientError', (_e, s) => s.destroy());
    await new Promise<void>((ok, fail) => { server.once('error', fail); server.listen(0, '127.0.0.1', () => ok()); });
    return p;
  }

  /** http://127.0.0.1:PORT, for Chromium's proxy setting */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  /** The guard's error for a host this proxy refused, if it did. */
  refusal(host: string): PrivateHostError | undefined {
    return this.refusedHosts.get(host.replace(/^\[|\]$/g, '').toLowerCase());
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((ok) => this.server.close(() => ok()));
  }

  /** Vet host:port; on refusal, record and log it and return the error. */
  private async vet(host: string, port: number): Promise<{ addrs: LookupAddress[] } | { refused: PrivateHostError } | { failed: Error }> {
    try {
      const addrs = await this.o.vet(host, port);
      if (!addrs.length) return { failed: new Error(`${host} resolved to no address`) };
      return { addrs };
    } catch (e) {
      if (e instanceof PrivateHostError) {
        this.refusedHosts.set(host.toLowerCase(), e);
        this.o.log?.('warn', `browser proxy refused ${host}:${port}: ${e.message}`, { host, port });
        return { refused: e };
      }
      return { failed: e as Error };
    }
  }

  /** A TCP connection to the first vetted address that answers (IP literals: no lookup). */
  private connectDirect(addrs: LookupAddress[], port: number): Promise<net.Socket> {
    const timeout = this.o.connectTimeoutMs ?? 10_000;
    return addrs.reduce<Promise<net.Socket>>(
      (prev, a) => prev.catch(() => new Promise<net.Socket>((ok, fail) => {
        const s = net.connect({ host: a.address, port, family: a.family });
        const t = setTimeout(() => { s.destroy(); fail(new Error(`connect timeout to ${a.address}:${port}`)); }, timeout);
        s.once('connect', () => { clearTimeout(t); s.removeAllListeners('error'); ok(s); });
        s.once('error', (e) => { clearTimeout(t); fail(e); });
      })),
      Promise.reject(new Error('no address')),
    );
  }

  private upstreamAuth(): Record<string, string> {
    const u = this.upstream;
    if (!u?.username) return {};
    return { 'proxy-authorization': `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}` };
  }

  /** A tunnel to address:port, through the upstream proxy's CONNECT when there is one. */
  private async tunnel(addrs: LookupAddress[], port: number): Promise<net.Socket> {
    const up = this.upstream;
    if (!up) return this.connectDirect(addrs, port);
    const authority = `${urlHost(addrs[0].address)}:${port}`;
    return new Promise((ok, fail) => {
      const req = http.request({ host: up.hostname.replace(/^\[|\]$/g, ''), port: Number(up.port || 80), method: 'CONNECT', path: authority, headers: { host: authority, ...this.upstreamAuth() }, agent: false });
      const t = setTimeout(() => { req.destroy(); fail(new Error(`upstream proxy CONNECT timed out`)); }, this.o.connectTimeoutMs ?? 10_000);
      req.on('connect', (res, socket, head) => {
        clearTimeout(t);
        if (res.statusCode !== 200) { socket.destroy(); fail(new Error(`upstream proxy refused CONNECT ${authority}: ${res.statusCode}`)); return; }
        if (head.length) socket.unshift(head);
        ok(socket);
      });
      req.on('error', (e) => { clearTimeout(t); fail(e); });
      req.end();
    });
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const fail = (status: number, msg: string, extra: Record<string, string> = {}) => {
      if (res.headersSent) { res.destroy(); return; }
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...extra });
      res.end(msg + '\n');
    };
    let url: URL;
    try { url = new URL(req.url ?? ''); } catch { fail(400, 'this is a forwarding proxy: send absolute http:// URLs (https goes through CONNECT)'); return; }
    if (url.protocol !== 'http:') { fail(400, `only http:// is forwarded, not ${url.protocol}`); return; }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port || 80);
    const v = await this.vet(host, port);
    if ('refused' in v) { fail(403, `Flarewatch refused ${host}: ${v.refused.message}`, { 'x-flarewatch-refused': host }); return; }
    if ('failed' in v) { fail(502, `cannot reach ${host}: ${v.failed.message}`); return; }
    const headers = { ...endToEnd(req.headers), host: req.headers.host ?? url.host };
    const path = url.pathname + url.search;
    let opts: http.RequestOptions;
    if (this.upstream) {
      const up = this.upstream;
      opts = { host: up.hostname.replace(/^\[|\]$/g, ''), port: Number(up.port || 80), path: `http://${urlHost(v.addrs[0].address)}:${port}${path}`, headers: { ...headers, ...this.upstreamAuth() }, agent: false };
    } else {
      let socket: net.Socket;
      try { socket = await this.connectDirect(v.addrs, port); } catch (e) { fail(502, `cannot connect to ${host}: ${(e as Error).message}`); return; }
      opts = { createConnection: () => socket, path, headers }; // no agent: Node then uses this socket
    }
    const out = http.request({ ...opts, method: req.method });
    out.on('response', (up) => {
      res.writeHead(up.statusCode ?? 502, up.statusMessage, endToEnd(up.headers));
      up.pipe(res);
      up.on('error', () => res.destroy());
    });
    out.on('error', (e) => fail(502, `forwarding to ${host} failed: ${e.message}`));
    res.on('close', () => out.destroy());
    req.pipe(out);
  }

  private async onConnect(req: http.IncomingMessage, client: net.Socket, head: Buffer): Promise<void> {
    client.on('error', () => undefined);
    const reply = (status: string, body: string, extra = '') =>
      client.end(`HTTP/1.1 ${status}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}connection: close\r\n\r\n${body}`);
    let target: URL;
    try { target = new URL(`http://${req.url ?? ''}`); } catch { reply('400 Bad Request', 'CONNECT needs host:port'); return; }
    const host = target.hostname.replace(/^\[|\]$/g, '');
    const port = Number(target.port || 443);
    const v = await this.vet(host, port);
    if ('refused' in v) { reply('403 Forbidden', `Flarewatch refused ${host}: ${v.refused.message}`, `x-flarewatch-refused: ${host}\r\n`); return; }
    if ('failed' in v) { reply('502 Bad Gateway', `cannot reach ${host}: ${v.failed.message}`); return; }
    let upstream: net.Socket;
    try { upstream = await this.tunnel(v.addrs, port); } catch (e) { reply('502 Bad Gateway', `cannot connect to ${host}: ${(e as Error).message}`); return; }
    if (client.destroyed) { upstream.destroy(); return; }
    this.sockets.add(upstream);
    upstream.on('close', () => { this.sockets.delete(upstream); client.destroy(); });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  }
}
