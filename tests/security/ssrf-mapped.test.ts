// Issue 13 item 3: SSRF through IPv6 forms that embed an IPv4 address. The URL parser rewrites
// `[::ffff:127.0.0.1]` to `::ffff:7f00:1`, which the guard used to pass; every embedding form
// (mapped, compatible, SIIT, NAT64, 6to4, Teredo, ISATAP) is refused now, in the crawler's fetch,
// its DNS step, the guarded proxy, a `browser` source and the evidence archiver, and a local
// server listening on 127.0.0.1 is never reached. The archiver goes through the same guard (no
// separate check-then-fetch), its outcome is logged by the monitor, and its snapshots are served
// only to analysts and admins.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { LookupAddress } from 'node:dns';
import { createHostGuard, PrivateHostError, assertPublicUrl, type AddressResolver } from '../../src/security/ssrf-guard.js';
import { isPrivateAddress, inCidr } from '../../src/security/ip-address.js';
import { GuardedProxy, vetWithGuard } from '../../src/security/guarded-proxy.js';
import { fetchUrl } from '../../src/crawl/http-fetch.js';
import { HttpPageFetcher } from '../../src/crawl/page-fetcher.js';
import { getAdapter } from '../../src/crawl/registry.js';
import type { BrowserRenderer } from '../../src/crawl/browser-renderer.js';
import { archiveIncidentEvidence, type EvidenceCapturer } from '../../src/evidence/archive.js';
import { crisisBatch, startLiveMonitor, until, type LiveMonitor } from './live-monitor.js';

let server: http.Server;
let port = 0;
const hits: string[] = [];
beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(`${req.headers.host}${req.url}`);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<html><body><div class="item"><a href="/a/1">星河乳业 内部数据</a></div></body></html>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** Loopback, link-local (cloud metadata), RFC 1918 and CGNAT, written in every IPv6 form that carries IPv4. */
const EMBEDDED = [
  '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a9fe:a9fe', '::ffff:169.254.169.254', '::ffff:10.0.0.1', '::ffff:192.168.1.1', '::ffff:100.64.0.1',
  '::127.0.0.1', '::7f00:1', // IPv4-compatible
  '::ffff:0:127.0.0.1', '::ffff:0:a9fe:a9fe', // SIIT (IPv4-translated)
  '64:ff9b::127.0.0.1', '64:ff9b::a9fe:a9fe', '64:ff9b::a00:1', '64:ff9b:1::a9fe:a9fe', // NAT64, local-use NAT64
  '2002:7f00:1::', '2002:a9fe:a9fe::1', '2002:c0a8:101::1', // 6to4
  '2001:0:4136:e378:8000:63bf:80ff:fffe', // Teredo, client 127.0.0.1 (stored inverted)
  '2001:0:a9fe:a9fe::1', // Teredo, server 169.254.169.254
  '2600:1f18::5efe:7f00:1', '2600:1f18::200:5efe:a9fe:a9fe', // ISATAP interface ids
];

describe('address rules', () => {
  it.each(EMBEDDED)('%s is private, as the URL parser writes it', (ip) => {
    const parsed = new URL(`http://[${ip}]/`).hostname.replace(/^\[|\]$/g, ''); // ::ffff:127.0.0.1 -> ::ffff:7f00:1
    expect(isPrivateAddress(parsed), parsed).toBe(true);
  });

  it.each(EMBEDDED)('http://[%s]/ is refused by the guard before any connection', (ip) => {
    expect(() => createHostGuard([]).checkUrl(new URL(`http://[${ip}]:${port}/`))).toThrow(PrivateHostError);
  });

  it('the refusal names the IPv4 address behind the IPv6 form', () => {
    expect(() => createHostGuard([]).checkUrl(new URL('http://[::ffff:169.254.169.254]/latest/meta-data/'))).toThrow(/169\.254\.169\.254/);
  });

  it('public addresses stay public in every form, and other private IPv6 space is refused', () => {
    for (const ip of ['93.184.216.34', '::ffff:93.184.216.34', '64:ff9b::5db8:d822', '2002:5db8:d822::1', '2606:4700::1111', '2a00:1450:4001:80b::200e']) expect(isPrivateAddress(ip), ip).toBe(false);
    for (const ip of ['::', '::1', 'fe80::1', 'fe80::1%eth0', 'fc00::1', 'fd12:3456::1', 'ff02::1', 'fec0::1', '2001:db8::1', '100::1', '0.1.2.3', '198.18.0.1', '255.255.255.255']) expect(isPrivateAddress(ip), ip).toBe(true);
  });

  it('FLAREWATCH_ALLOW_PRIVATE entries match the mapped form of the address they allow, and IPv6 CIDRs work', () => {
    expect(inCidr('::ffff:7f00:1', '127.0.0.1')).toBe(true);
    expect(inCidr('::ffff:10.1.2.3', '10.0.0.0/8')).toBe(true);
    expect(inCidr('fd00::5', 'fd00::/8')).toBe(true);
    expect(inCidr('fe80::5', 'fd00::/8')).toBe(false);
    expect(() => createHostGuard(['127.0.0.1']).checkUrl(new URL('http://[::ffff:127.0.0.1]/'))).not.toThrow();
    expect(() => createHostGuard(['fd00::/8']).checkUrl(new URL('http://[fd00::1]/'))).not.toThrow();
    // allowing loopback does not allow the metadata service behind a mapped address
    expect(() => createHostGuard(['127.0.0.1']).checkUrl(new URL('http://[::ffff:a9fe:a9fe]/'))).toThrow(PrivateHostError);
  });
});

describe('through the crawler', () => {
  it('a mapped loopback URL is reachable without the guard (so the refusal below is real) and refused with it, with no request', async () => {
    const open = await fetchUrl(`http://[::ffff:127.0.0.1]:${port}/open`);
    expect(open.body.toString()).toContain('内部数据');
    const before = hits.length;
    await expect(fetchUrl(`http://[::ffff:127.0.0.1]:${port}/guarded`, { hostGuard: createHostGuard([]) })).rejects.toBeInstanceOf(PrivateHostError);
    await expect(new HttpPageFetcher({ respectRobots: false, sleep: async () => {}, hostGuard: createHostGuard([]) })
      .fetchPage({ url: `http://[::ffff:7f00:1]:${port}/page` }, await getAdapter('web'))).rejects.toBeInstanceOf(PrivateHostError);
    expect(hits.length).toBe(before);
  });

  it('a name resolving to a mapped or NAT64 address is refused at connect time', async () => {
    for (const address of ['::ffff:127.0.0.1', '64:ff9b::7f00:1']) {
      const resolve: AddressResolver = (_h, _o, cb) => cb(null, [{ address, family: 6 } as LookupAddress]);
      const guard = createHostGuard([], resolve);
      const before = hits.length;
      await expect(fetchUrl(`http://evil.test:${port}/x`, { hostGuard: guard })).rejects.toBeInstanceOf(PrivateHostError);
      await expect(assertPublicUrl(`http://evil.test:${port}/x`, guard)).rejects.toBeInstanceOf(PrivateHostError);
      expect(hits.length).toBe(before);
    }
  });

  it('the guarded proxy (rendered pages) refuses a mapped target with 403 and never connects', async () => {
    const proxy = await GuardedProxy.start({ vet: vetWithGuard(createHostGuard([])), log: () => undefined });
    try {
      const before = hits.length;
      const status = await new Promise<number>((ok, fail) => {
        http.get({ host: '127.0.0.1', port: Number(new URL(proxy.url).port), path: `http://[::ffff:127.0.0.1]:${port}/via-proxy`, headers: { host: `[::ffff:127.0.0.1]:${port}` } }, (r) => { r.resume(); ok(r.statusCode ?? 0); }).on('error', fail);
      });
      expect(status).toBe(403);
      const connect = await new Promise<string>((ok, fail) => {
        const s = net.connect(Number(new URL(proxy.url).port), '127.0.0.1', () => s.write(`CONNECT [::ffff:a9fe:a9fe]:80 HTTP/1.1\r\nhost: [::ffff:a9fe:a9fe]:80\r\n\r\n`));
        let buf = '';
        s.on('data', (c) => { buf += c.toString(); });
        s.on('end', () => ok(buf));
        s.on('error', fail);
      });
      expect(connect).toMatch(/^HTTP\/1\.1 403/);
      expect(proxy.refusal('::ffff:7f00:1')).toBeInstanceOf(PrivateHostError);
      expect(hits.length).toBe(before);
    } finally {
      await proxy.close();
    }
  });

  it('a browser source refuses the URL before the browser is asked to render it', async () => {
    const rendered: string[] = [];
    const renderer = { render: async (req: { url: string }) => { rendered.push(req.url); throw new Error('should not render'); } } as unknown as BrowserRenderer;
    const fetcher = new HttpPageFetcher({ respectRobots: false, sleep: async () => {}, renderer, hostGuard: createHostGuard([]) });
    for (const ip of ['::ffff:127.0.0.1', '::ffff:a9fe:a9fe', '64:ff9b::a9fe:a9fe']) {
      await expect(fetcher.fetchPage({ url: `http://[${ip}]:${port}/rendered` }, await getAdapter('browser'))).rejects.toBeInstanceOf(PrivateHostError);
    }
    expect(rendered).toEqual([]);
  });
});

describe('the evidence archiver, in the monitor as start assembles it', () => {
  const T0 = new Date('2026-08-22T05:00:00Z');
  let live: LiveMonitor;
  const captured: string[] = [];
  /** stands in for Chromium: records what it was asked to render */
  const capturer: EvidenceCapturer = {
    async capture(url) { captured.push(url); return { html: `<html><body>snapshot of ${url}</body></html>`, png: Buffer.from('89504e470d0a1a0a', 'hex'), finalUrl: url }; },
    async close() {},
  };
  /** news.test resolves to a public address, everything else fails */
  const resolve: AddressResolver = (host, _o, cb) => (host === 'news.test'
    ? cb(null, [{ address: '93.184.216.34', family: 4 } as LookupAddress])
    : cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }), []));

  beforeAll(async () => {
    live = await startLiveMonitor({ start: T0, evidence: { capturer, guard: createHostGuard([], resolve) } });
  }, 60_000);
  afterAll(async () => { await live?.stop(); });

  it('a P2 incident whose post links to [::ffff:127.0.0.1] is not archived: refused, logged, the local server never reached', async () => {
    const before = hits.length;
    const r = await live.ingest(crisisBatch(0, T0, `http://[::ffff:127.0.0.1]:${port}/evil`, 'm'));
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    const inc = live.m.db.prepare("SELECT incident_id FROM alerts WHERE level IN ('P1', 'P2') AND state = 'firing' ORDER BY id LIMIT 1").pluck().get() as string | undefined;
    expect(inc, 'a P1/P2 alert').toBeDefined();
    await until(() => live.logs.some((l) => l.msg.includes(`evidence for ${inc}`)), 5000, 'the archive outcome in the log');
    const line = live.logs.find((l) => l.msg.includes(`evidence for ${inc}`))!;
    expect(line.level).toBe('warn');
    expect(line.msg).toMatch(/refused: .*127\.0\.0\.1/);
    expect(captured.filter((u) => u.includes('evil'))).toEqual([]);
    expect(hits.length).toBe(before);
    expect(live.m.db.prepare('SELECT count(*) FROM incident_evidence WHERE incident_id = ?').pluck().get(inc)).toBe(0);
  });

  it('a P2 incident with a public link is archived automatically (the clock is passed as a function) and logged', async () => {
    live.clock.set(new Date(T0.getTime() + 60 * 60_000));
    const t1 = live.clock.now();
    expect((await live.ingest(crisisBatch(0, t1, 'http://news.test/story/1', 'n', 1))).status).toBe(200);
    await until(() => captured.includes('http://news.test/story/1'), 5000, 'a capture');
    await until(() => live.logs.some((l) => /evidence for inc-\d+: \d+ of \d+ post page\(s\) archived/.test(l.msg)), 5000, 'the archived line');
    const rows = live.m.db.prepare("SELECT kind, path, at FROM incident_evidence ORDER BY id").all() as { kind: string; path: string; at: string }[];
    expect(rows.map((r) => r.kind)).toEqual(expect.arrayContaining(['screenshot', 'html']));
    expect(rows[0].at).toBe(t1.toISOString());
    expect(live.logs.some((l) => /is not a function/.test(l.msg))).toBe(false);
  });

  it('snapshot files are served to analysts and admins only: not anonymously, not to viewers, not to ingest tokens', async () => {
    const id = live.m.db.prepare("SELECT id FROM incident_evidence WHERE kind = 'html' ORDER BY id LIMIT 1").pluck().get() as number;
    expect(id).toBeDefined();
    const get = (headers: Record<string, string>) => fetch(`${live.url}/api/v1/evidence/${id}/file`, { headers });
    expect((await get({})).status).toBe(401);
    expect((await get({ authorization: `Bearer ${live.token}` })).status).toBe(403);
    expect((await get({ cookie: (await live.login('viewer')).cookie })).status).toBe(403);
    const analyst = await get({ cookie: (await live.login('analyst')).cookie });
    expect(analyst.status).toBe(200);
    expect(await analyst.text()).toContain('snapshot of http://news.test/story/1');
    expect((await get({ cookie: (await live.login('admin')).cookie })).status).toBe(200);
    // the listing (no page content) stays readable by viewers
    const inc = live.m.db.prepare('SELECT incident_id FROM incident_evidence LIMIT 1').pluck().get() as string;
    expect((await fetch(`${live.url}/api/v1/incidents/${inc}/evidence`, { headers: { cookie: (await live.login('viewer')).cookie } })).status).toBe(200);
  });

  it('archiving on request (analyst) also refuses mapped and NAT64 links, per post, with the reason', async () => {
    const db = live.m.db;
    const inc = db.prepare("SELECT id FROM incidents ORDER BY seq LIMIT 1").pluck().get() as string;
    const pk = (url: string, id: string) => {
      const r = db.prepare("INSERT INTO posts (source, ext_id, kind, url, text, first_seen_at, last_seen_at, reposts) VALUES ('web', ?, 'post', ?, '星河乳业', ?, ?, 99999)").run(id, url, T0.toISOString(), T0.toISOString());
      db.prepare('INSERT INTO incident_posts (incident_id, post_pk, added_at) VALUES (?, ?, ?)').run(inc, Number(r.lastInsertRowid), T0.toISOString());
    };
    pk(`http://[::ffff:a9fe:a9fe]/latest/meta-data/`, 'md1');
    pk(`http://[64:ff9b::a9fe:a9fe]/latest/meta-data/`, 'md2');
    const before = captured.length;
    const result = await archiveIncidentEvidence(db, inc, { env: { allowPrivateHosts: [], puppeteerExecutablePath: '/nonexistent', dbPath: ':memory:' }, now: () => T0, force: true, capturer, guard: createHostGuard([], resolve), root: live.dir });
    const meta = result.items.filter((i) => i.url.includes('meta-data'));
    expect(meta).toHaveLength(2);
    for (const i of meta) { expect(i.ok).toBe(false); expect(i.error).toMatch(/^refused: .*169\.254\.169\.254/); }
    expect(captured.slice(before).some((u) => u.includes('meta-data'))).toBe(false);
  });
});

const CHROMIUM = process.env.PUPPETEER_EXECUTABLE_PATH || '/usr/bin/chromium';
describe.skipIf(!existsSync(CHROMIUM))('the archiver with real Chromium: DNS rebinding', () => {
  it('a name that answers public to the first check and 127.0.0.1 afterwards never reaches the local server', async () => {
    let n = 0;
    const resolve: AddressResolver = (host, _o, cb) => {
      if (host !== 'rebind.test') return cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }), []);
      n++;
      cb(null, [{ address: n <= 1 ? '93.184.216.34' : '127.0.0.1', family: 4 } as LookupAddress]);
    };
    const { openDb } = await import('../../src/db/connection.js');
    const db = openDb(':memory:');
    db.prepare("INSERT INTO topics (id, name, query, enabled, updated_at) VALUES ('t', 't', 't', 1, '2026-01-01T00:00:00Z')").run();
    db.prepare("INSERT INTO incidents (id, seq, topic_id, title, opened_at, updated_at, last_post_at, kind, state, level) VALUES ('inc-1', 1, 't', 't', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'story', 'firing', 'P1')").run();
    const r = db.prepare("INSERT INTO posts (source, ext_id, kind, url, text, first_seen_at, last_seen_at) VALUES ('web', 'x', 'post', ?, 't', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')").run(`http://rebind.test:${port}/`);
    db.prepare("INSERT INTO incident_posts (incident_id, post_pk, added_at) VALUES ('inc-1', ?, '2026-01-01T00:00:00Z')").run(Number(r.lastInsertRowid));
    const before = hits.length;
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const res = await archiveIncidentEvidence(db, 'inc-1', { env: { allowPrivateHosts: [], puppeteerExecutablePath: CHROMIUM, dbPath: ':memory:' }, now: () => new Date(), guard: createHostGuard([], resolve), root: mkdtempSync(`${tmpdir()}/fw-ev-`), timeoutMs: 10_000, log: () => undefined });
    expect(res.items[0].ok).toBe(false);
    expect(res.items[0].error).toMatch(/^refused: .*127\.0\.0\.1/);
    expect(hits.length).toBe(before);
    db.close();
  }, 60_000);
});
