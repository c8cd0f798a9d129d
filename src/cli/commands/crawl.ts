// `flarewatch crawl --type ADAPTER --url URL [--param k=v ...] [--max-pages N] --out FILE`:
// run one adapter once against one URL (following pagination and detail links on the same
// origin, up to N pages) and write what it saw as JSON Lines (contracts.md §2).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from '../command.js';
import { requireOpt } from '../command.js';
import { UserError } from '../../core/errors.js';
import { getAdapter, loadAdapters } from '../../crawl/registry.js';
import { crawlOnce } from '../../crawl/crawl-once.js';
import { HttpPageFetcher } from '../../crawl/page-fetcher.js';
import { HostLimiter } from '../../crawl/host-limiter.js';
import { initialJar } from '../../crawl/session-setup.js';

function parseParams(list: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list ?? []) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new UserError(`crawl: --param '${kv}' is not of the form key=value`, 'e.g. --param item=".post" --param title="h2"');
    out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

const command: Command = {
  name: 'crawl',
  summary: 'run one adapter once against one URL and write what it saw (JSON Lines observations)',
  usage: 'crawl --type ADAPTER --url URL [--param k=v ...] [--max-pages N] --out FILE',
  options: {
    type: { type: 'string', short: 't', valueName: 'ADAPTER', description: 'adapter id (run with --list to see them)' },
    url: { type: 'string', short: 'u', valueName: 'URL', description: 'start URL' },
    param: { type: 'string', multiple: true, short: 'p', valueName: 'K=V', description: 'adapter parameter (repeatable)' },
    'max-pages': { type: 'string', valueName: 'N', default: '5', description: 'pages to fetch at most, start page included' },
    out: { type: 'string', short: 'o', valueName: 'FILE', description: 'where to write observations (JSON Lines)' },
    'ignore-robots': { type: 'boolean', description: 'do not honour robots.txt (only for sites you operate)' },
    'min-interval': { type: 'string', valueName: 'MS', default: '1000', description: 'minimum milliseconds between requests to one host' },
    cookies: { type: 'string', valueName: 'HEADER', description: 'cookie header to send (default: WEIBO_COOKIES for weibo)' },
    'raw-dir': { type: 'string', valueName: 'DIR', description: 'archive raw responses under DIR (e.g. data/raw)' },
    list: { type: 'boolean', description: 'list the adapters and exit' },
  },
  async run(opts, _pos, io) {
    if (opts.list) {
      const all = await loadAdapters();
      for (const a of [...all.values()].sort((x, y) => x.id.localeCompare(y.id))) {
        io.stdout.write(`${a.id.padEnd(10)} ${a.description}\n${' '.repeat(11)}e.g. ${a.example}${a.features.requireConfig.length ? `  (needs: ${a.features.requireConfig.join(', ')})` : ''}\n`);
      }
      return 0;
    }
    const type = requireOpt(opts, 'type', 'crawl');
    const url = requireOpt(opts, 'url', 'crawl');
    const out = requireOpt(opts, 'out', 'crawl');
    try {
      const u = new URL(url);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
    } catch {
      throw new UserError(`crawl: --url '${url}' is not an http(s) URL`);
    }
    const maxPages = Number(opts['max-pages']);
    if (!Number.isInteger(maxPages) || maxPages < 1) throw new UserError(`crawl: --max-pages must be a positive whole number, got '${String(opts['max-pages'])}'`);
    const interval = Number(opts['min-interval']);
    if (!Number.isFinite(interval) || interval < 0) throw new UserError(`crawl: --min-interval must be milliseconds >= 0`);
    const adapter = await getAdapter(type);
    const rawParams = parseParams(opts.param as string[] | undefined);
    const parsed = adapter.params.safeParse(rawParams);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UserError(`crawl: parameter '${issue.path.join('.') || '?'}' for ${type}: ${issue.message}`, `run 'flarewatch crawl --list' to see what ${type} needs`);
    }
    let renderer = null;
    if (adapter.features.browser || adapter.features.browserSession) {
      const { BrowserRenderer } = await import('../../crawl/browser-renderer.js');
      renderer = new BrowserRenderer({ executablePath: io.env.puppeteerExecutablePath });
    }
    const log = (level: string, msg: string) => { if (level !== 'debug' || io.env.logLevel === 'debug') io.stderr.write(`[${level}] ${msg}\n`); };
    const fetcher = new HttpPageFetcher({
      respectRobots: !opts['ignore-robots'],
      limiter: new HostLimiter({ minIntervalMs: interval }),
      jar: initialJar(adapter.id, io.env, (opts.cookies as string | undefined) ?? null, url),
      proxy: io.env.httpProxy,
      rawArchiveDir: (opts['raw-dir'] as string | undefined) ?? (io.env.rawArchive ? resolve('data/raw') : null),
      renderer,
      backoffBaseMs: 500,
      backoffMaxMs: 8000,
      log,
    });
    let result;
    try {
      result = await crawlOnce({ adapter, url, params: rawParams, maxPages, now: io.now(), fetcher, log });
    } finally {
      await renderer?.close();
    }
    mkdirSync(dirname(resolve(out)), { recursive: true });
    writeFileSync(out, result.observations.map((o) => JSON.stringify(o)).join('\n') + (result.observations.length ? '\n' : ''));
    for (const e of result.errors) io.stderr.write(`crawl: ${e.error.name}: ${e.error.message}\n`);
    io.stderr.write(`crawl: ${type}: ${result.observations.length} observations from ${result.pages} page(s) -> ${out}\n`);
    if (result.blocked) {
      io.stderr.write(`crawl: the site blocked this session${adapter.id.startsWith('weibo') ? '; set WEIBO_COOKIES to a logged-in cookie header' : ''}\n`);
      return 1;
    }
    return result.errors.length && !result.observations.length ? 1 : 0;
  },
};

export default command;
