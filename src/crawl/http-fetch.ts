// One HTTP(S) exchange with every guard the crawler needs: connect / response / total timeouts,
// a size limit on the wire and after decompression (gzip, deflate, br: decompression bombs are
// refused), manual redirects with loop detection, an optional HTTP proxy (CONNECT for https), and
// a cookie jar. Decoding to text is charset.ts's job; retries and politeness belong to the runner.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import zlib from 'node:zlib';
import type { Readable } from 'node:stream';
import { CrawlError, HttpStatusError, NetworkError, RedirectLoopError, ResponseTooLargeError, parseRetryAfter } from './errors.js';
import type { CookieJar } from './cookie-jar.js';

export interface FetchOptions {
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
  connectTimeoutMs?: number;
  responseTimeoutMs?: number;
  totalTimeoutMs?: number;
  /** limit on the body, both as received and after decompression (default 8 MB) */
  maxBytes?: number;
  maxRedirects?: number;
  /** http://host:port of an HTTP proxy */
  proxy?: string | null;
  cookies?: CookieJar;
  /** treat these statuses as a normal response instead of throwing HttpStatusError */
  acceptStatus?: (status: number) => boolean;
  now?: () => Date;
  /** SSRF guard (src/security/ssrf-guard.ts): checked on every hop and on the resolved address */
  hostGuard?: { checkUrl(url: URL): void; lookup: net.LookupFunction } | null;
}

export interface FetchResult {
  url: string;
  finalUrl: string;
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  ms: number;
}

export const DEFAULT_LIMITS = { connectTimeoutMs: 10_000, responseTimeoutMs: 20_000, totalTimeoutMs: 60_000, maxBytes: 8 * 1024 * 1024, maxRedirects: 5 };

function tunnel(proxy: URL, host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: proxy.hostname, port: Number(proxy.port || 80), method: 'CONNECT', path: `${host}:${port}`, headers: { host: `${host}:${port}` } });
    const t = setTimeout(() => { req.destroy(); reject(new NetworkError(`proxy CONNECT timed out after ${timeoutMs} ms`, undefined, 'connect')); }, timeoutMs);
    req.on('connect', (res, socket) => {
      clearTimeout(t);
      if (res.statusCode !== 200) { socket.destroy(); reject(new NetworkError(`proxy CONNECT refused: ${res.statusCode}`, undefined, 'connect')); return; }
      resolve(socket);
    });
    req.on('error', (e) => { clearTimeout(t); reject(new NetworkError(`proxy: ${e.message}`, undefined, 'connect')); });
    req.end();
  });
}

function decompressor(encoding: string | undefined): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | null {
  const e = (encoding ?? '').trim().toLowerCase();
  if (e === 'gzip' || e === 'x-gzip') return zlib.createGunzip();
  if (e === 'deflate') return zlib.createInflate();
  if (e === 'br') return zlib.createBrotliDecompress();
  return null;
}

async function once(url: URL, o: Required<Pick<FetchOptions, 'connectTimeoutMs' | 'responseTimeoutMs' | 'maxBytes'>> & FetchOptions, deadline: number): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const isHttps = url.protocol === 'https:';
  if (!isHttps && url.protocol !== 'http:') throw new NetworkError(`unsupported protocol ${url.protocol}`, url.href);
  const port = Number(url.port || (isHttps ? 443 : 80));
  o.hostGuard?.checkUrl(url);
  if (o.hostGuard && o.proxy) { // the proxy resolves the name: check it here first
    const g = o.hostGuard;
    await new Promise<void>((ok, fail) => g.lookup(url.hostname, { all: true }, (e) => (e ? fail(e instanceof CrawlError ? e : new NetworkError(`cannot resolve ${url.hostname}: ${e.message}`, url.href)) : ok())));
  }
  const headers: Record<string, string> = { 'accept-encoding': 'gzip, deflate, br', ...o.headers };
  const cookie = o.cookies?.header(url);
  if (cookie && !headers.cookie) headers.cookie = cookie;
  const proxy = o.proxy ? new URL(o.proxy) : null;
  const host = url.hostname.replace(/^\[|\]$/g, ''); // an IPv6 literal without its brackets
  const servername = net.isIP(host) ? undefined : host; // SNI takes names only
  let reqOpts: https.RequestOptions;
  if (proxy && !isHttps) {
    reqOpts = { host: proxy.hostname.replace(/^\[|\]$/g, ''), port: Number(proxy.port || 80), path: url.href, headers: { ...headers, host: url.host } };
  } else if (proxy && isHttps) {
    const socket = await tunnel(proxy, url.hostname, port, o.connectTimeoutMs);
    reqOpts = { host, port, path: url.pathname + url.search, headers, createConnection: () => tls.connect({ socket, servername }) };
  } else {
    reqOpts = { host, port, path: url.pathname + url.search, headers, servername };
  }
  reqOpts.method = o.method ?? 'GET';
  reqOpts.agent = false;
  if (o.hostGuard && !proxy) reqOpts.lookup = o.hostGuard.lookup;
  return new Promise((resolve, reject) => {
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const done = (err: Error | null, v?: { status: number; headers: http.IncomingHttpHeaders; body: Buffer }) => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      if (err) { req.destroy(); reject(err); } else resolve(v!);
    };
    const req = (isHttps && !(proxy && !isHttps) ? https : http).request(reqOpts);
    const left = Math.max(1, deadline - Date.now());
    timers.push(setTimeout(() => done(new NetworkError(`total timeout (${o.totalTimeoutMs ?? left} ms) for ${url.href}`, url.href, 'total')), left));
    timers.push(setTimeout(() => done(new NetworkError(`no response within ${o.responseTimeoutMs} ms from ${url.href}`, url.href, 'response')), Math.min(left, o.responseTimeoutMs)));
    req.on('socket', (s) => {
      if (s.connecting) {
        const t = setTimeout(() => done(new NetworkError(`connect timeout (${o.connectTimeoutMs} ms) to ${url.host}`, url.href, 'connect')), o.connectTimeoutMs);
        timers.push(t);
        s.once('connect', () => clearTimeout(t));
      }
    });
    req.on('error', (e) => done(e instanceof CrawlError ? e : new NetworkError(`${(e as NodeJS.ErrnoException).code ?? 'error'}: ${e.message} (${url.href})`, url.href)));
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      o.cookies?.store(url, res.headers['set-cookie']);
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > o.maxBytes) {
        res.destroy();
        done(new ResponseTooLargeError(`response of ${declared} bytes exceeds the ${o.maxBytes}-byte limit`, url.href));
        return;
      }
      let raw = 0, out = 0;
      const chunks: Buffer[] = [];
      const dec = status >= 300 && status < 400 ? null : decompressor(res.headers['content-encoding'] as string | undefined);
      const stream: Readable = dec ? res.pipe(dec) : res;
      res.on('data', (c: Buffer) => {
        raw += c.length;
        if (raw > o.maxBytes) done(new ResponseTooLargeError(`response exceeds the ${o.maxBytes}-byte limit`, url.href));
      });
      stream.on('data', (c: Buffer) => {
        out += c.length;
        if (out > o.maxBytes) {
          done(new ResponseTooLargeError(`decompressed body exceeds the ${o.maxBytes}-byte limit (decompression bomb?)`, url.href));
          res.destroy();
          dec?.destroy();
          return;
        }
        chunks.push(c);
      });
      stream.on('end', () => done(null, { status, headers: res.headers, body: Buffer.concat(chunks) }));
      stream.on('error', (e) => done(new NetworkError(`body: ${e.message}`, url.href)));
      res.on('aborted', () => done(new NetworkError('connection closed mid-body', url.href)));
    });
    req.end();
  });
}

/** GET a URL with redirects, limits and timeouts. Throws a CrawlError subclass on failure. */
export async function fetchUrl(input: string, opts: FetchOptions = {}): Promise<FetchResult> {
  const o = { ...DEFAULT_LIMITS, ...opts };
  const started = Date.now();
  const deadline = started + o.totalTimeoutMs;
  const seen = new Set<string>();
  let url = new URL(input);
  for (let hop = 0; ; hop++) {
    seen.add(url.href);
    const r = await once(url, o, deadline);
    if (r.status >= 300 && r.status < 400 && r.headers.location) {
      const next = new URL(r.headers.location, url);
      if (seen.has(next.href)) throw new RedirectLoopError(`redirect loop: ${url.href} -> ${next.href}`, input);
      if (hop + 1 > o.maxRedirects) throw new RedirectLoopError(`more than ${o.maxRedirects} redirects from ${input}`, input);
      url = next;
      continue;
    }
    const ok = (r.status >= 200 && r.status < 300) || (o.acceptStatus?.(r.status) ?? false);
    if (!ok) {
      const ra = r.headers['retry-after'];
      throw Object.assign(new HttpStatusError(r.status, url.href, parseRetryAfter(Array.isArray(ra) ? ra[0] : ra, (o.now ?? (() => new Date()))())), { body: r.body });
    }
    return { url: input, finalUrl: url.href, status: r.status, headers: r.headers, body: r.body, ms: Date.now() - started };
  }
}
