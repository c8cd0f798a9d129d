// Evidence archive: for incidents at P2 or higher, a screenshot (PNG) and an HTML snapshot of
// each key post's page, stored under data/evidence/<incident>/ with a row in incident_evidence
// (path relative to the evidence root, sha256). Posts get deleted; this keeps what the desk saw.
// Post URLs come from posted data, so pages are rendered exactly the way `browser` sources are:
// through the crawler's SSRF guard (security/ssrf-guard.ts) and its rebinding-safe guarded proxy
// (BrowserRenderer.snapshot), which vets the address each connection really goes to; private,
// loopback and link-local targets (IPv4-mapped and other embedded forms included) are refused
// unless env.allowPrivateHosts allows them.
import { isPostgresUrl } from '../db/location.js';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/connection.js';
import { storeOf } from '../db/store/index.js';
import type { Env } from '../config/env.js';
import { PrivateHostError, assertPublicUrl, createHostGuard, type HostGuard } from '../security/ssrf-guard.js';
import type { ProxyLog } from '../security/guarded-proxy.js';

/** What takes the pictures: the guarded browser by default, a fake in tests. */
export interface EvidenceCapturer {
  /** render `url` under the guard; the page's HTML and a PNG of what is shown */
  capture(url: string): Promise<{ html: string; png: Buffer; finalUrl: string }>;
  close(): Promise<void>;
}

export interface ArchiveOptions {
  env: Pick<Env, 'allowPrivateHosts' | 'puppeteerExecutablePath' | 'dbPath'> & Partial<Pick<Env, 'httpProxy'>>;
  now: () => Date;
  /** key posts to archive, most reposted first (default 5) */
  maxPosts?: number;
  /** where evidence goes (default <dir of the database>/evidence) */
  root?: string;
  /** per-page navigation timeout (default 20 s) */
  timeoutMs?: number;
  /** archive even below P2 (manual request from the dashboard) */
  force?: boolean;
  /** the SSRF guard (default: createHostGuard(env.allowPrivateHosts)); tests pass one with a fake resolver */
  guard?: HostGuard;
  /** the renderer (default: system Chromium through the guarded proxy) */
  capturer?: EvidenceCapturer;
  /** where the guarded proxy reports refusals */
  log?: ProxyLog;
}

export interface ArchiveItem { postPk: number; url: string; ok: boolean; error?: string; files: string[] }
export interface ArchiveResult { incidentId: string; skipped?: string; items: ArchiveItem[] }

const LEVEL_RANK: Record<string, number> = { P1: 1, P2: 2, P3: 3, P4: 4 };

export function evidenceRoot(env: Pick<Env, 'dbPath'>, root?: string): string {
  // beside the SQLite file; under data/ for an in-memory or PostgreSQL database
  return root ?? join(env.dbPath === ':memory:' || isPostgresUrl(env.dbPath) ? 'data' : join(env.dbPath, '..'), 'evidence');
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** The default capturer: BrowserRenderer.snapshot, the path `browser` sources take, under `guard`. */
async function browserCapturer(o: ArchiveOptions, guard: HostGuard): Promise<EvidenceCapturer | null> {
  const execPath = o.env.puppeteerExecutablePath ?? '/usr/bin/chromium';
  if (!existsSync(execPath)) return null;
  const { BrowserRenderer } = await import('../crawl/browser-renderer.js');
  const renderer = new BrowserRenderer({ executablePath: execPath, timeoutMs: o.timeoutMs ?? 20_000, log: o.log });
  return {
    async capture(url) {
      const r = await renderer.snapshot({ url }, null, guard, { upstreamProxy: o.env.httpProxy ?? null, log: o.log, viewport: { width: 1280, height: 900 } });
      return { html: r.page.text, png: r.png, finalUrl: r.page.url };
    },
    close: () => renderer.close(),
  };
}

const reason = (e: unknown) => (e instanceof PrivateHostError ? `refused: ${e.message}` : (e as Error).message.split('\n')[0]);

export async function archiveIncidentEvidence(db: Db, incidentId: string, opts: ArchiveOptions): Promise<ArchiveResult> {
  const store = storeOf(db);
  const inc = store.reads.incidentLevel(incidentId);
  if (!inc) return { incidentId, skipped: 'no such incident', items: [] };
  const peakLevel = store.reads.highestAlertLevel(incidentId);
  const best = Math.min(LEVEL_RANK[inc.level ?? ''] ?? 9, LEVEL_RANK[peakLevel ?? ''] ?? 9);
  if (!opts.force && best > 2) return { incidentId, skipped: 'incident has not reached P2', items: [] };

  const done = new Set(store.sources.screenshotPostPks(incidentId));
  const posts = store.reads.incidentPostsWithUrl(incidentId, (opts.maxPosts ?? 5) * 3).filter((p) => !done.has(p.pk)).slice(0, opts.maxPosts ?? 5);
  if (!posts.length) return { incidentId, skipped: done.size ? 'already archived' : 'no posts with a URL', items: [] };

  // refuse what the guard refuses before starting a browser (the proxy still vets every connection)
  const guard = opts.guard ?? createHostGuard(opts.env.allowPrivateHosts ?? []);
  const items: ArchiveItem[] = [];
  const todo: { item: ArchiveItem; pk: number; url: string }[] = [];
  for (const p of posts) {
    const item: ArchiveItem = { postPk: p.pk, url: p.url, ok: false, files: [] };
    items.push(item);
    try {
      await assertPublicUrl(p.url, guard);
      todo.push({ item, pk: p.pk, url: p.url });
    } catch (e) {
      item.error = reason(e);
    }
  }
  if (!todo.length) return { incidentId, items };

  const capturer = opts.capturer ?? await browserCapturer(opts, guard);
  if (!capturer) {
    const execPath = opts.env.puppeteerExecutablePath ?? '/usr/bin/chromium';
    return { incidentId, skipped: `Chromium not found at ${execPath} (apt-get install -y chromium fonts-wqy-microhei)`, items };
  }
  const safeId = incidentId.replace(/[^\w.-]/g, '_');
  const dir = join(evidenceRoot(opts.env, opts.root), safeId);
  mkdirSync(dir, { recursive: true });
  try {
    for (const { item, pk, url } of todo) {
      try {
        const shot = await capturer.capture(url);
        const now = opts.now();
        const base = `post-${pk}-${now.toISOString().replace(/[:.]/g, '-')}`;
        writeFileSync(join(dir, `${base}.png`), shot.png);
        writeFileSync(join(dir, `${base}.html`), shot.html, 'utf8');
        const rel = (f: string) => join(safeId, f);
        store.sources.addEvidence({ incidentId, postPk: pk, at: now.toISOString(), kind: 'screenshot', path: rel(`${base}.png`), sha256: sha256(shot.png) });
        store.sources.addEvidence({ incidentId, postPk: pk, at: now.toISOString(), kind: 'html', path: rel(`${base}.html`), sha256: sha256(shot.html) });
        item.files.push(rel(`${base}.png`), rel(`${base}.html`));
        item.ok = true;
      } catch (e) {
        item.error = reason(e);
      }
    }
  } finally {
    if (!opts.capturer) await capturer.close().catch(() => undefined);
  }
  return { incidentId, items };
}

/** Log lines for an archive run: what was kept, what was refused or failed and why. */
export function describeArchive(r: ArchiveResult): { level: 'debug' | 'info' | 'warn'; msg: string }[] {
  const lines: { level: 'debug' | 'info' | 'warn'; msg: string }[] = [];
  for (const it of r.items) if (it.error) lines.push({ level: 'warn', msg: `evidence for ${r.incidentId}: post ${it.postPk} (${it.url}) not archived: ${it.error}` });
  if (r.skipped) {
    const routine = r.skipped === 'already archived' || r.skipped === 'incident has not reached P2';
    lines.push({ level: routine ? 'debug' : 'warn', msg: `evidence for ${r.incidentId} skipped: ${r.skipped}` });
  }
  const ok = r.items.filter((i) => i.ok).length;
  if (ok) lines.push({ level: 'info', msg: `evidence for ${r.incidentId}: ${ok} of ${r.items.length} post page(s) archived` });
  return lines;
}
